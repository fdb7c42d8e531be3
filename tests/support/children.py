"""Real child processes on a SQLite file of their own, for the tests that kill workers and
servers: a migrated demo database (`demo_db`, a module-scoped fixture), the children's
environment (config.settings.dev, DEBUG off, DATABASE_URL=sqlite:///that file), short
`python -c` scripts, `manage.py` children that are SIGKILLed at the end whatever happens,
and reads of the file with the stdlib sqlite3 module while the children run."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "fixtures" / "fieldos-demo"
PRELUDE = """
import io, json
from datetime import timedelta
import django
django.setup()
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone
from accounts.models import User
from playbook.models import Play, Playbook, Scenario
from teams.models import Team
"""
DEMO_USER = """
team = Team.objects.get(slug="demo")
user = User.objects.get(email="coach@fieldos.dev")
client = Client()
client.force_login(user)
"""


def child_env(db):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "SECRET_KEY", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        DATABASE_URL=f"sqlite:///{db}",
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        LOG_LEVEL="WARNING",
    )
    return env


def script(db, code, demo=True, **values):
    """Run `code` in a child with Django set up on `db` (`team`, `user` and a logged-in
    `client` of the demo when `demo`); it prints one JSON line."""
    source = (
        PRELUDE
        + (DEMO_USER if demo else "")
        + "".join(f"{k} = {v!r}\n" for k, v in values.items())
        + code
    )
    source += "\nconnection.close()\n"
    done = subprocess.run(
        [sys.executable, "-c", source],
        cwd=ROOT,
        env=child_env(db),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@contextmanager
def process(db, args, log):
    """A child process (manage.py …) that is SIGKILLed at the end whatever happens."""
    with open(log, "ab") as out:
        child = subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=child_env(db),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        yield child
    finally:
        if child.poll() is None:
            child.kill()
        child.wait(timeout=10)


def worker(db, log):
    return process(db, ["db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.1"], log)


def kill(child):
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=10)


def rows(db, sql, *args):
    connection = sqlite3.connect(db, timeout=10)
    try:
        return connection.execute(sql, args).fetchall()
    finally:
        connection.close()


def wait_for(check, what, timeout=60.0, child=None, log=None):
    """Poll `check()` until it is truthy; fail naming `what` (and a dead child's log)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        if child is not None and child.poll() is not None:
            pytest.fail(f"the child exited ({child.returncode}) before {what}:\n{log_tail(log)}")
        time.sleep(0.01)
    pytest.fail(f"timed out after {timeout} s waiting for {what}\n{log_tail(log)}")


def log_tail(log):
    return Path(log).read_text(errors="replace")[-3000:] if log and Path(log).exists() else ""


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    """A migrated SQLite file with the demo coach and team (checkpointed, no -wal)."""
    db = tmp_path_factory.mktemp("crash") / "demo.sqlite3"
    script(
        db,
        """
call_command("migrate", verbosity=0)
call_command("setup_demo", stdout=io.StringIO())
with connection.cursor() as cursor:
    cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
print(json.dumps({"ok": True}))
""",
        demo=False,
    )
    return db


def slice_counts(db, run):
    return dict(
        rows(
            db,
            "SELECT status, COUNT(*) FROM simulation_simulationslice WHERE run_id = ? "
            "GROUP BY status",
            run,
        )
    )
