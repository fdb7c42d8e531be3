"""The default SQLite setup with real processes: reads do not wait for a writer, the
worker survives a locked database, and a supervised worker that is killed is restarted
and its run recovered without anyone opening it.

Like test_crash_recovery.py (with the same helpers, tests/support/children.py), every
test copies a migrated SQLite file with the demo team and runs `manage.py runserver` /
`manage.py run_worker` on it; the test process holds the database's write lock itself
with the stdlib sqlite3 module (`BEGIN IMMEDIATE`, what a long import or simulation
request does)."""

import http.cookiejar
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest

from tests.support.children import (
    ROOT,
    child_env,
    demo_db,  # noqa: F401 (a fixture)
    log_tail,
    rows,
    script,
    slice_counts,
    wait_for,
)

HOLD = 6.0  # seconds the test holds the write lock
FAST = 2.0  # a read while the lock is held answers within this (it used to wait HOLD)


@pytest.fixture
def sqlite_file(demo_db, tmp_path):  # noqa: F811
    copy = tmp_path / "db.sqlite3"
    shutil.copy(demo_db, copy)
    return copy


@contextmanager
def started(db, args, log, **env):
    """`manage.py <args>` in a session of its own; the whole group (a supervisor and its
    worker) is killed at the end whatever happens."""
    with open(log, "ab") as out:
        child = subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env={**child_env(db), **env},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield child
    finally:
        with suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGKILL)
        child.wait(timeout=10)


@contextmanager
def write_lock(db):
    """Hold the database's write lock, as a long write request does."""
    connection = sqlite3.connect(db, timeout=10, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        yield
    finally:
        connection.execute("ROLLBACK")
        connection.close()


def free_port():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Browser:
    """urllib with cookies (the admin) and a bearer token (the API)."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        self.token = None

    def request(self, path, body=None, form=None, method=None):
        headers = {}
        data = None
        if body is not None:
            data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = self.base + path
        if self.token and path.startswith("/api/"):
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(
            self.base + path, data=data, headers=headers, method=method
        )
        started = time.monotonic()
        try:
            with self.opener.open(request, timeout=60) as response:
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode(errors="replace")
        return status, text, time.monotonic() - started

    def api(self, path, body=None, method=None):
        status, text, _ = self.request(path, body=body, method=method)
        assert status < 300, (path, status, text[:500])
        return json.loads(text)

    def admin_login(self, email, password):
        _, page, _ = self.request("/admin/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        status, page, _ = self.request(
            "/admin/login/?next=/admin/",
            form={
                "username": email,
                "password": password,
                "csrfmiddlewaretoken": token,
                "next": "/admin/",
            },
        )
        assert status == 200 and "Log out" in page, page[:500]


@contextmanager
def server(db, log):
    port = free_port()
    with started(db, ["runserver", "--noreload", f"127.0.0.1:{port}"], log) as child:
        browser = Browser(f"http://127.0.0.1:{port}")

        def health():
            try:
                return browser.request("/api/health/")[0] == 200
            except OSError:
                return False

        wait_for(health, "the server to answer", timeout=30, child=child, log=log)
        yield browser


def test_reads_do_not_wait_for_a_writer_and_writes_queue_behind_it(sqlite_file, tmp_path):
    db = sqlite_file
    log = tmp_path / "server.log"
    with server(db, log) as browser:
        browser.token = browser.api(
            "/api/auth/login/", {"email": "coach@fieldos.dev", "password": "fieldos-demo"}
        )["access"]
        browser.admin_login("coach@fieldos.dev", "fieldos-demo")
        team = browser.api("/api/teams/")["results"][0]["id"]
        play = browser.api(f"/api/teams/{team}/plays/")["results"][0]["id"]
        reads = [
            f"/api/teams/{team}/plays/",
            f"/api/teams/{team}/plays/{play}/",
            f"/api/teams/{team}/members/",
            "/admin/playbook/play/",
            f"/admin/playbook/play/{play}/change/",  # the admin wraps this in a transaction
        ]
        write = {}

        def create_team():
            write["answer"] = browser.request("/api/teams/", body={"name": "While locked"})

        with write_lock(db):
            held = time.monotonic()
            took = {}
            for path in reads:
                status, text, seconds = browser.request(path)
                assert status == 200, (path, status, text[:300])
                took[path] = round(seconds, 2)
            writer = threading.Thread(target=create_team)
            writer.start()
            time.sleep(1.0)
            assert "answer" not in write, "a write did not wait for the lock"
            time.sleep(max(0.0, HOLD - (time.monotonic() - held)))
        writer.join(timeout=30)
    assert all(seconds < FAST for seconds in took.values()), took
    status, text, seconds = write["answer"]
    assert status == 201, text[:300]  # it waited for the lock, then wrote
    assert seconds > 1.0
    assert "Traceback" not in log_tail(log)


QUEUE_RUN = """
from simulation import services
run = services.simulation_run_start(
    team=team, user=user, plays=[Play.objects.filter(team=team).order_by("pk").first()],
    scenarios=[Scenario.objects.filter(team=team).order_by("pk").first()],
    episodes=EPISODES, seed=7, situation={"down": 3, "distance": 2, "yardline": 30},
)
print(json.dumps({"id": run.pk, "status": run.status, "slices": run.slices.count()}))
"""


def run_status(db, run_id):
    return rows(db, "SELECT status FROM simulation_simulationrun WHERE id = ?", run_id)[0][0]


def test_the_worker_survives_a_locked_database(sqlite_file, tmp_path):
    db = sqlite_file
    log = tmp_path / "worker.log"
    args = ["run_worker", "--no-reload", "--no-startup-delay", "--interval", "0.1"]
    # A short busy timeout: the worker meets "database is locked" within the test's hold
    # (the default is 20 s, a long request holds the lock longer).
    with started(db, args, log, SQLITE_TIMEOUT="0.3", LOG_LEVEL="INFO") as worker:
        wait_for(lambda: "Starting worker" in log_tail(log), "the worker to start", child=worker)
        with write_lock(db):
            wait_for(
                lambda: log_tail(log).count("database is locked") >= 2,
                "the worker to meet the locked database twice",
                timeout=HOLD * 2,
                child=worker,
                log=log,
            )
        assert worker.poll() is None, log_tail(log)
        run = script(db, QUEUE_RUN, EPISODES=30_000)
        assert run["status"] == "queued", run
        wait_for(
            lambda: run_status(db, run["id"]) in ("succeeded", "failed"),
            "the queued run to finish",
            child=worker,
            log=log,
        )
        assert run_status(db, run["id"]) == "succeeded", log_tail(log)
        assert worker.poll() is None


def test_a_killed_worker_is_restarted_and_its_run_recovered_unseen(sqlite_file, tmp_path):
    db = sqlite_file
    log = tmp_path / "supervisor.log"
    episodes = 100 * 1024  # 25 slices of ~0.2 s
    run = script(db, QUEUE_RUN, EPISODES=episodes)
    run_id = run["id"]
    args = [
        "run_worker",
        "--supervise",
        "--no-reload",
        "--no-startup-delay",
        "--interval",
        "0.1",
        "--recover-every",
        "0.5",
    ]
    with started(db, args, log) as supervisor:
        dead = None
        for _ in range(3):
            wait_for(
                lambda: (c := slice_counts(db, run_id)).get("succeeded") and c.get("running"),
                "a slice running after one succeeded",
                child=supervisor,
                log=log,
            )
            pid = int(re.findall(r"worker pid=(\d+) started", log_tail(log))[-1])
            os.kill(pid, signal.SIGKILL)
            running = rows(
                db,
                "SELECT id FROM simulation_simulationslice WHERE run_id = ? AND status = 'running'",
                run_id,
            )
            if running:
                dead = running[0][0]
                break
            wait_for(lambda p=pid: f"pid={p} exited" in log_tail(log), "the restart", log=log)
        assert dead is not None, slice_counts(db, run_id)
        # Ten minutes pass for the dead slice (the others are the new worker's).
        connection = sqlite3.connect(db, timeout=10)
        with connection:
            connection.execute(
                "UPDATE simulation_simulationslice SET started_at = "
                "datetime(started_at, '-11 minutes') WHERE id = ?",
                (dead,),
            )
        connection.close()
        # Nobody opens the run and no command runs: the worker's own recovery re-queues
        # the slice and the restarted worker finishes the run.
        wait_for(
            lambda: run_status(db, run_id) in ("succeeded", "failed", "cancelled"),
            "the run to finish",
            timeout=90,
            child=supervisor,
            log=log,
        )
        assert supervisor.poll() is None
    status, error, metrics = rows(
        db, "SELECT status, error, metrics FROM simulation_simulationrun WHERE id = ?", run_id
    )[0]
    text = Path(log).read_text()
    assert (status, error) == ("succeeded", ""), text[-3000:]
    assert json.loads(metrics)["overall"]["episodes"] == episodes  # every chunk once
    assert rows(db, "SELECT attempts FROM simulation_simulationslice WHERE id = ?", dead) == [(2,)]
    assert f"pid={pid} exited (-9); restarting" in text
    assert "1 slice(s) re-queued" in text


@pytest.mark.parametrize("supervise", [False, True])
def test_the_worker_stops_on_sigterm(sqlite_file, tmp_path, supervise):
    db = sqlite_file
    log = tmp_path / "worker.log"
    args = ["run_worker", "--no-reload", "--no-startup-delay", "--interval", "0.1"]
    with started(db, args + (["--supervise"] if supervise else []), log) as worker:
        wait_for(lambda: "Starting worker" in log_tail(log), "the worker to start", child=worker)
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) in (0, -signal.SIGTERM), log_tail(log)
        assert "restarting" not in log_tail(log)
