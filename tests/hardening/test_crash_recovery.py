"""Crash recovery with real processes (docs/hardening.md): a `db_worker` killed with
SIGKILL in the middle of a simulation and of a policy training, and the web server
killed in the middle of an import.

These tests do not use pytest-django's test database: every test migrates (once per
module) and then copies its own SQLite file in a temp dir, and its child processes
(`manage.py db_worker`, `manage.py runserver`, short `python -c` scripts) get
DATABASE_URL=sqlite:///that file and config.settings.dev with DEBUG off. The test process
reads the file with the stdlib sqlite3 module while the children run. So they behave the
same in the SQLite and the PostgreSQL leg of `make test`. Every child is killed in a
`finally`; waits poll with timeouts. The whole module takes about 30 s."""

import json
import shutil
import socket
import sqlite3
import time
import urllib.request

import pytest

from tests.support.children import (
    DEMO,
    demo_db,  # noqa: F401 (a fixture)
    kill,
    log_tail,
    process,
    rows,
    script,
    slice_counts,
    wait_for,
    worker,
)

EPISODES = 100 * 1024  # 100 engine chunks of one pair: 25 slices of 4 chunks (~0.2 s each)
IMPORT_PLAYS = 300  # each with a route of its own: ~2 s of writing on an idle core
KILL_AFTER = 0.75  # seconds into the import request (then: once a chunk is committed)


@pytest.fixture
def db(demo_db, tmp_path):  # noqa: F811 (the imported fixture)
    copy = tmp_path / "db.sqlite3"
    shutil.copy(demo_db, copy)
    return copy


def test_killed_worker_mid_simulation_is_requeued_and_the_run_finishes(db, tmp_path):
    log = tmp_path / "worker.log"
    run = script(
        db,
        """
from simulation import services
run = services.simulation_run_start(
    team=team, user=user, plays=[Play.objects.filter(team=team).order_by("pk").first()],
    scenarios=[Scenario.objects.filter(team=team).order_by("pk").first()],
    episodes=EPISODES, seed=7, situation={"down": 3, "distance": 2, "yardline": 30},
)
print(json.dumps({"id": run.pk, "status": run.status, "slices": run.slices.count()}))
""",
        EPISODES=EPISODES,
    )
    assert run["status"] == "queued" and run["slices"] == 25
    run_id = run["id"]

    # Kill the worker while it computes a slice (after at least one slice is done); a
    # slice that happens to finish between the look and the kill just means: again.
    for _ in range(3):
        with worker(db, log) as child:
            wait_for(
                lambda: (
                    (counts := slice_counts(db, run_id)).get("succeeded") and counts.get("running")
                ),
                "a slice running after one succeeded",
                child=child,
                log=log,
            )
            kill(child)
        if slice_counts(db, run_id).get("running"):
            break
    dead = [
        pk
        for (pk,) in rows(
            db,
            "SELECT id FROM simulation_simulationslice WHERE run_id = ? AND status = 'running'",
            run_id,
        )
    ]
    assert len(dead) == 1, slice_counts(db, run_id)

    # What a coach sees meanwhile: running, no metrics. Then the slice goes stale (its
    # start moved 11 minutes back instead of waiting 10) and cron's recover_simulations
    # re-queues it.
    seen = script(
        db,
        """
url = f"/api/teams/{team.pk}/simulations/{RUN}/"
before = client.get(url).json()
from simulation.models import SimulationSlice
SimulationSlice.objects.filter(run_id=RUN, status="running").update(
    started_at=timezone.now() - timedelta(minutes=11)
)
out = io.StringIO()
call_command("recover_simulations", stdout=out)
after = client.get(url).json()
print(json.dumps({"before": before, "recover": out.getvalue().strip(), "after": after}))
""",
        RUN=run_id,
    )
    assert seen["before"]["status"] == "running"
    assert seen["before"]["metrics"] is None and seen["before"]["progress"] < 100
    assert seen["recover"] == "1 slice(s) re-queued, 0 run(s) failed."
    assert seen["after"]["status"] == "running" and seen["after"]["metrics"] is None

    with worker(db, log) as child:
        wait_for(
            lambda: rows(
                db,
                "SELECT status FROM simulation_simulationrun WHERE id = ? AND "
                "status IN ('succeeded', 'failed', 'cancelled')",
                run_id,
            ),
            "the run to finish",
            child=child,
            log=log,
        )
    status, progress, error, metrics = rows(
        db,
        "SELECT status, progress, error, metrics FROM simulation_simulationrun WHERE id = ?",
        run_id,
    )[0]
    assert (status, progress, error) == ("succeeded", 100, ""), log_tail(log)
    assert json.loads(metrics)["overall"]["episodes"] == EPISODES  # every chunk exactly once
    assert slice_counts(db, run_id) == {"succeeded": 25}
    assert rows(db, "SELECT attempts FROM simulation_simulationslice WHERE id = ?", dead[0]) == [
        (2,)
    ]


def test_killed_worker_mid_training_fails_the_policy_with_an_error(db, tmp_path):
    log = tmp_path / "worker.log"
    policy = script(
        db,
        """
from simulation import policies
book = Playbook.objects.get(team=team)
policy = policies.policy_train_start(
    team=team, user=user, plays=list(Play.objects.filter(team=team)),
    mix=[(s, 1.0) for s in Scenario.objects.filter(team=team)], buckets=["3RD_SHORT"],
    algorithm="thompson", params={}, episodes=2_000_000, seed=7, playbook=book,
)
print(json.dumps({"id": policy.pk, "book": book.pk}))
""",
    )
    pk = policy["id"]

    def progress():
        found = rows(db, "SELECT status, progress FROM simulation_policy WHERE id = ?", pk)
        return found[0][0] == "running" and found[0][1] >= 2

    with worker(db, log) as child:
        wait_for(progress, "the training to save progress", child=child, log=log)
        kill(child)

    seen = script(
        db,
        """
from simulation.models import Policy
base = f"/api/teams/{team.pk}"
def look():
    return {
        "detail": client.get(f"{base}/policies/{PK}/").json(),
        "recommend": client.get(f"{base}/policies/{PK}/recommend/?situation=3RD_SHORT").json(),
        "game_plan": client.get(f"{base}/playbooks/{BOOK}/game-plan/").json(),
    }
before = look()
Policy.objects.filter(pk=PK).update(heartbeat_at=timezone.now() - timedelta(minutes=11))
out = io.StringIO()
call_command("recover_policies", stdout=out)
print(json.dumps({"before": before, "recover": out.getvalue().strip(), "after": look()}))
""",
        PK=pk,
        BOOK=policy["book"],
    )
    before, after = seen["before"], seen["after"]
    # Killed: still "running" (until it goes stale), partial statistics never as final.
    assert before["detail"]["status"] == "running" and before["detail"]["progress"] < 100
    assert before["recommend"]["status"] == "running"
    assert before["game_plan"]["policy"] is None  # only succeeded policies make a game plan
    assert seen["recover"] == "1 policy training(s) marked failed, 0 queued again."
    assert after["detail"]["status"] == "failed"
    assert "The training worker stopped" in after["detail"]["error"]
    assert after["detail"]["finished_at"]
    assert after["recommend"]["status"] == "failed"
    assert after["game_plan"]["policy"] is None


def _http(base, path, body=None, token=None):
    request = urllib.request.Request(
        base + path,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json"}
        | ({"Authorization": f"Bearer {token}"} if token else {}),
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def _import_document(n):
    """`n` distinct plays re-using the demo formations, each with a route of its own."""
    demo = json.loads((DEMO / "plays.json").read_text())
    plays = []
    for i in range(n):
        play = json.loads(json.dumps(demo[i % len(demo)]))
        play["id"], play["name"] = f"play_crash_{i}", f"{play['name']} {i}"
        play["assignments"]["WR3"] = {
            "id": f"route_crash_{i}",
            "name": f"Crash Route {i}",
            "breakpoints": [
                {"x_yards": 3 + i % 10, "y_yards": 0.0, "time_ms": 900},
                {"x_yards": 5 + i % 10, "y_yards": 3.0, "time_ms": 1500},
            ],
        }
        plays.append(play)
    return {"plays": plays}


RECOVER = """
from simulation.management.commands.run_worker import recover_once
recover_once()
print(json.dumps({"ok": True}))
"""


def _counts(db, team):
    return tuple(
        rows(db, f"SELECT COUNT(*) FROM playbook_{kind} WHERE team_id = ?", team)[0][0]
        for kind in ("play", "route", "formation")
    )


def _writing(db):
    """True while another connection holds the database's write lock (an open write
    transaction: a write request runs in one IMMEDIATE transaction)."""
    connection = sqlite3.connect(db, timeout=0, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as exc:
        assert "locked" in str(exc)
        return True
    finally:
        connection.close()


def test_killed_server_mid_import_leaves_nothing_half_written(db, tmp_path):
    log = tmp_path / "server.log"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    body = json.dumps(_import_document(IMPORT_PLAYS)).encode()
    with process(db, ["runserver", "--noreload", f"127.0.0.1:{port}"], log) as server:

        def health():
            try:
                return _http(base, "/api/health/")["status"] == "ok"
            except OSError:
                return False

        wait_for(health, "the server to answer", timeout=30, child=server, log=log)
        token = _http(
            base, "/api/auth/login/", {"email": "coach@fieldos.dev", "password": "fieldos-demo"}
        )["access"]
        team = _http(base, "/api/teams/", {"name": "Crash Import"}, token)["id"]
        before = _counts(db, team)

        with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
            conn.sendall(
                (
                    f"POST /api/teams/{team}/imports/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
                    f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
                ).encode()
                + body
            )
            sent = time.monotonic()
            # The import has committed some of its chunks and has not answered: kill
            # the server now.
            wait_for(lambda: time.monotonic() - sent > KILL_AFTER, "the kill time", child=server)
            wait_for(
                lambda: _counts(db, team)[0] > before[0], "a chunk of the import", child=server
            )
            conn.setblocking(False)
            try:
                early = conn.recv(1 << 16)
            except BlockingIOError:
                early = b""
            assert not early, f"the import answered before it was killed: {early[:200]}"
            kill(server)
    assert _counts(db, team)[0] > before[0]  # the dead import's committed chunks
    assert rows(db, "SELECT COUNT(*) FROM playbook_importjournal") == [(1,)]
    assert rows(db, "PRAGMA integrity_check") == [("ok",)]
    # The worker's recovery pass (manage.py run_worker) plays the journal back.
    script(db, RECOVER, demo=False)
    assert _counts(db, team) == before, "a partial import survived the crash"
    assert rows(db, "SELECT COUNT(*) FROM playbook_importjournal") == [(0,)]
    assert not _writing(db)

    # The same import, run again on the recovered database, is complete.
    with process(db, ["runserver", "--noreload", f"127.0.0.1:{port}"], log) as server:
        wait_for(health, "the server to answer again", timeout=30, child=server, log=log)
        done = _http(base, f"/api/teams/{team}/imports/", json.loads(body), token)
    assert done["kinds"]["plays"]["created"] == IMPORT_PLAYS
    plays, routes, _ = _counts(db, team)
    assert plays == before[0] + IMPORT_PLAYS and routes >= before[1] + IMPORT_PLAYS
