"""The background worker `make run` starts: django-tasks' `db_worker` that survives a
locked database, recovers dead workers' jobs on a schedule, and (with --supervise) is
restarted whenever it exits."""

import logging
import signal
import subprocess
import sys
import threading
import time

from django.conf import settings
from django.db import connections
from django.db.utils import OperationalError
from django_tasks_db.management.commands import db_worker
from django_tasks_db.utils import is_locked_database_exception

from playbook.interchange import journal as import_journal
from simulation import jobs, policies, services

logger = logging.getLogger("fieldos.worker")

BACKOFF_FIRST = 0.5  # seconds to wait after the first "database is locked"
BACKOFF_MAX = 30.0
HEALTHY_AFTER = 60.0  # seconds of work without an error reset the backoff


def recover_once():
    """One pass of the recovery cron would run: slices and trainings whose worker died
    (no progress for simulation's STALE_AFTER), tasks that were lost, the task queue's
    rows a dead worker left running, and imports whose process died half-way (undone
    from their journal, playbook/interchange/journal.py)."""
    imports = import_journal.recover()
    if imports:
        logger.warning("Undid %d import(s) whose process died half-way.", imports)
    requeued, failed = services.simulation_recover_stale()
    trainings_failed = policies.policy_recover_stale()
    trainings_requeued = policies.policy_requeue_lost()
    tidied = jobs.task_results_tidy()
    if requeued or failed or trainings_failed or trainings_requeued or tidied:
        logger.warning(
            "Recovered dead workers' jobs: %d slice(s) re-queued, %d run(s) failed, "
            "%d training(s) failed, %d training(s) queued again, %d task row(s) failed.",
            requeued,
            failed,
            trainings_failed,
            trainings_requeued,
            tidied,
        )


class Recovery(threading.Thread):
    """Runs recover_once() at start and every `every` seconds, on its own connection;
    a locked database or any other error is logged and tried again next time."""

    def __init__(self, every):
        super().__init__(name="fieldos-recovery", daemon=True)
        self.every = every
        self.stopped = threading.Event()

    def run(self):
        while True:
            try:
                recover_once()
            except OperationalError as exc:
                logger.warning("Recovery skipped (%s); trying again in %.0f s.", exc, self.every)
            except Exception:
                logger.exception("Recovery failed; trying again in %.0f s.", self.every)
            finally:
                connections.close_all()  # this thread's connections only
            if self.stopped.wait(self.every):
                return


class ResilientWorker(db_worker.Worker):
    """db_worker's loop, restarted with a growing pause when the database is locked
    (SQLite while a long write holds the lock) instead of letting the process exit."""

    def run(self):
        delay = BACKOFF_FIRST
        while self.running:
            started = time.monotonic()
            try:
                super().run()
                return  # --batch / --max-tasks done, or asked to stop
            except OperationalError as exc:
                if not is_locked_database_exception(exc):
                    raise
                if time.monotonic() - started > HEALTHY_AFTER:
                    delay = BACKOFF_FIRST
                logger.warning("The database is locked (%s); retrying in %.1f s.", exc, delay)
                connections.close_all()
                self.startup_delay = False
                time.sleep(delay)
                delay = min(delay * 2, BACKOFF_MAX)


class Command(db_worker.Command):
    help = (
        "Run a background worker (django-tasks' db_worker) that retries with backoff when "
        "the database is locked, recovers dead workers' simulations and trainings and undoes "
        "imports whose process died, every "
        "--recover-every seconds. --supervise runs it as a child process and restarts it "
        "whenever it exits (what `make run` uses)."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--recover-every",
            type=float,
            default=60.0,
            help="Seconds between recovery passes; 0 turns recovery off (default: 60).",
        )
        parser.add_argument(
            "--supervise",
            action="store_true",
            help="Run the worker as a child process and restart it whenever it exits.",
        )

    def handle(self, *, supervise, recover_every, **options):
        if supervise:
            return self.supervise(recover_every=recover_every, **options)
        self.configure_logging(options["verbosity"])
        queue_names = options["queue_name"].split(",")
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        worker = ResilientWorker(
            queue_names=queue_names,
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            excluded_queue_names=excluded,
        )
        recovery = Recovery(recover_every) if recover_every > 0 else None
        if recovery is not None:
            recovery.start()
        worker.configure_signals()
        try:
            worker.run()
        finally:
            if recovery is not None:
                recovery.stopped.set()

    def supervise(self, *, recover_every, **options):
        args = [
            sys.executable,
            str(settings.BASE_DIR / "manage.py"),
            "run_worker",
            "--no-reload",
            "--interval",
            str(options["interval"]),
            "--queue-name",
            options["queue_name"],
            "--backend",
            options["backend_name"],
            "--recover-every",
            str(recover_every),
            "-v",
            str(options["verbosity"]),
        ]
        if options["exclude_queues"]:
            args += ["--exclude-queues", options["exclude_queues"]]
        if not options["startup_delay"]:
            args.append("--no-startup-delay")
        child = None
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True
            if child is not None and child.poll() is None:
                child.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        delay = 1.0
        while not stopping:
            started = time.monotonic()
            child = subprocess.Popen(args)
            self.stdout.write(f"Supervisor: worker pid={child.pid} started.")
            self.stdout.flush()
            code = child.wait()
            if stopping:
                break
            if time.monotonic() - started > HEALTHY_AFTER:
                delay = 1.0
            self.stdout.write(
                f"Supervisor: worker pid={child.pid} exited ({code}); restarting in {delay:.0f} s."
            )
            self.stdout.flush()
            for _ in range(int(delay * 10)):  # a stop signal ends the wait
                if stopping:
                    break
                time.sleep(0.1)
            delay = min(delay * 2, BACKOFF_MAX)
        if child is not None and child.poll() is None:
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                child.kill()
