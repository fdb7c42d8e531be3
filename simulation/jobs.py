"""Job control shared by simulation runs and policy trainings: cancel, recover what a
dead worker left "running", and queue again what a worker took off the queue and lost.

Both kinds of job use JobStatus; a run is split into slices (each one a task), a
training is one task. The task modules are imported inside the functions (the
HackSoft pattern): tasks call services, services queue tasks."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from simulation.models import FINISHED, JobStatus, Policy, SimulationRun, SimulationSlice

# A job "running" with no sign of life (or "queued") this long has lost its worker.
STALE_AFTER = timedelta(minutes=10)
MAX_ATTEMPTS = 3  # a slice whose worker died this often fails its run


def job_cancel(job):
    """Stop a queued or running run or training (what is done so far is kept); False
    when it had already finished."""
    updated = (
        type(job)
        .objects.filter(pk=job.pk)
        .exclude(status__in=FINISHED)
        .update(status=JobStatus.CANCELLED, finished_at=timezone.now())
    )
    job.refresh_from_db()
    return bool(updated)


def run_fail(run, piece, exc, pair=""):
    """A slice failed: so does its run, with the reason (and the pair that broke it)."""
    with transaction.atomic():
        SimulationSlice.objects.filter(pk=piece.pk).update(status=JobStatus.FAILED)
        SimulationRun.objects.filter(pk=run.pk).exclude(status__in=FINISHED).update(
            status=JobStatus.FAILED,
            error=f"{pair}: {type(exc).__name__}: {exc}"
            if pair
            else f"{type(exc).__name__}: {exc}",
            finished_at=timezone.now(),
        )


def simulation_recover_stale(now=None, run=None):
    """Slices whose worker died (running longer than STALE_AFTER) are re-queued, up to
    MAX_ATTEMPTS; after that their run fails. Slices queued longer than that are put on
    the queue again. Returns (requeued, failed) counts. Runs from cron
    (recover_simulations) and whenever someone looks at an unfinished run."""
    cutoff = (now or timezone.now()) - STALE_AFTER
    stale = SimulationSlice.objects.filter(status=JobStatus.RUNNING, started_at__lt=cutoff).exclude(
        run__status__in=FINISHED
    )
    if run is not None:
        stale = stale.filter(run=run)
    # Queued this long: its task was lost (a worker died after taking it off the queue,
    # before starting it). Putting it on the queue again is safe: slice_run() runs a
    # slice once; with a real backlog this adds one duplicate per STALE_AFTER at most.
    lost = SimulationSlice.objects.filter(status=JobStatus.QUEUED, queued_at__lt=cutoff).exclude(
        run__status__in=FINISHED
    )
    if run is not None:
        lost = lost.filter(run=run)
    requeued = failed = 0
    for piece in stale.select_related("run"):
        if piece.attempts >= MAX_ATTEMPTS:
            run_fail(piece.run, piece, RuntimeError("a worker died on this run three times"))
            failed += 1
            continue
        requeued += _requeue_slice(piece.pk, JobStatus.RUNNING)
    for pk in lost.values_list("pk", flat=True):
        requeued += _requeue_slice(pk, JobStatus.QUEUED)
    return requeued, failed


def _requeue_slice(slice_id, status):
    from simulation.tasks import run_slice_task

    if not SimulationSlice.objects.filter(pk=slice_id, status=status).update(
        status=JobStatus.QUEUED, queued_at=timezone.now()
    ):
        return 0  # someone else moved it meanwhile
    run_slice_task.enqueue(slice_id)
    return 1


def policy_recover_stale(now=None):
    """Policies "running" with no progress save for STALE_AFTER lost their worker: they
    fail with an error saying so (train again to retry). Returns how many."""
    now = now or timezone.now()
    cutoff = now - STALE_AFTER
    stale = Policy.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=cutoff)
    return stale.update(
        status=JobStatus.FAILED,
        error=(
            f"The training worker stopped: no progress for {STALE_AFTER.seconds // 60} "
            "minutes. Train the policy again."
        ),
        finished_at=now,
    )


def policy_requeue_lost(now=None):
    """Policies still queued STALE_AFTER after their task was put on the queue lost it (a
    worker died after taking it, before starting): queue them again — safe, a policy is
    trained once (policy_train claims it). Returns how many."""
    from simulation.policy_tasks import train_policy_task

    now = now or timezone.now()
    lost = Policy.objects.filter(status=JobStatus.QUEUED, queued_at__lt=now - STALE_AFTER)
    requeued = 0
    for pk in lost.values_list("pk", flat=True):
        if Policy.objects.filter(pk=pk, status=JobStatus.QUEUED).update(queued_at=timezone.now()):
            train_policy_task.enqueue(pk)
            requeued += 1
    return requeued
