"""A TypeScript client typed from /api/schema/ (clients/typescript): it must type-check
against the schema the server generates today and run its whole flow — log in, build a
formation, routes, a play and a defense, simulate, poll, fetch a replay, train, recommend —
against a live server. Needs Node.js and npm; skipped without them, except in CI."""

import fcntl
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

from teams.models import Role
from tests.support.factories import MembershipFactory, UserFactory

CLIENT = Path(__file__).resolve().parents[2] / "clients" / "typescript"
PASSWORD = "a-typed-passphrase"


def _npm(*args):
    result = subprocess.run(["npm", *args], cwd=CLIENT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"npm {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def built_client():
    """npm ci (when needed), the schema → build/schema.d.ts, tsc → build/js/example.js."""
    if not (shutil.which("node") and shutil.which("npm")):
        if os.environ.get("CI") == "true":
            pytest.fail("The typed client test must run in CI: install Node.js and npm")
        pytest.skip("Node.js / npm not installed")
    (CLIENT / "build").mkdir(exist_ok=True)
    # pytest-xdist may run both tests of this module in two workers at once: one builds.
    with open(CLIENT / "build" / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (CLIENT / "node_modules" / ".package-lock.json").exists():
            _npm("ci", "--no-audit", "--no-fund")
        call_command("spectacular", "--file", str(CLIENT / "build" / "schema.yaml"))
        _npm("run", "--silent", "types")
        _npm("run", "--silent", "build")
    return CLIENT / "build" / "js" / "example.js"


def test_the_example_type_checks_against_todays_schema(built_client):
    assert built_client.exists()
    # A field the example relies on, removed from the schema, must break the build.
    broken = (CLIENT / "example.ts").read_text().replace("tokens.access", "tokens.access_token")
    (CLIENT / "build" / "broken.ts").write_text(broken.replace("./build/", "./"))
    result = subprocess.run(
        [
            "npx",
            "tsc",
            "--noEmit",
            "--strict",
            "--module",
            "NodeNext",
            "--moduleResolution",
            "NodeNext",
            "--skipLibCheck",
            "--types",
            "node",
            "build/broken.ts",
        ],
        cwd=CLIENT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0 and "access_token" in result.stdout


@pytest.mark.django_db(transaction=True)
def test_the_typed_example_runs_against_a_live_server(built_client, live_server):
    user = UserFactory(email="typed@example.com")
    user.set_password(PASSWORD)
    user.save()
    MembershipFactory(user=user, role=Role.OWNER)
    result = subprocess.run(
        ["node", str(built_client), live_server.url, user.email, PASSWORD],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["run"]["status"] == "succeeded"
    assert summary["policy"]["status"] == "succeeded"
    assert summary["replay_bytes"] > 1000
    assert summary["recommendation"]["recommendations"][0]["play"] in summary["plays"]
