"""Real `db_worker` processes (docs/scale.md): two workers share two teams' runs fairly,
one worker runs a small run between the slices of another team's training, and the task
queue's own row of a task a killed worker was running is failed by the recovery (the run
then finishes as tests/hardening/test_crash_recovery shows). The children and the SQLite
file are tests/support/children.py's, the helpers that module uses too; about 35 s on an
idle machine."""

import json
import shutil
import time

import pytest

from tests.support.children import (  # noqa: F401 (demo_db: a fixture)
    demo_db,
    kill,
    rows,
    script,
    wait_for,
    worker,
)


@pytest.fixture
def sqlite_file(demo_db, tmp_path):  # noqa: F811 (the imported fixture)
    copy = tmp_path / "db.sqlite3"
    shutil.copy(demo_db, copy)
    return copy


def run_status(db, run_id):
    return rows(db, "SELECT status FROM simulation_simulationrun WHERE id = ?", run_id)[0][0]


def slice_counts(db, run_id):
    return dict(
        rows(
            db,
            "SELECT status, COUNT(*) FROM simulation_simulationslice WHERE run_id = ? "
            "GROUP BY status",
            run_id,
        )
    )


START_BIG = """
from simulation import services
run = services.simulation_run_start(
    team=team, user=user, plays=list(Play.objects.filter(team=team).order_by("pk")[:2]),
    scenarios=[Scenario.objects.filter(team=team).order_by("pk").first()],
    episodes=EPISODES, seed=7,
)
print(json.dumps({"id": run.pk, "slices": run.slices.count()}))
"""

START_SMALL_OF_TEAM_B = """
from simulation import services
from teams.services import team_create
from tests.playbook import builders as b
owner = User.objects.create_user("b@example.com", "team-b-pass-123")
other = team_create(user=owner, name="Team B")
run = services.simulation_run_start(
    team=other, user=owner, plays=[b.play(other)], scenarios=[b.scenario(other)],
    episodes=EPISODES, seed=3,
)
print(json.dumps({"id": run.pk, "slices": run.slices.count()}))
"""


def test_two_workers_finish_team_bs_small_run_while_team_as_big_run_goes_on(sqlite_file, tmp_path):
    db = sqlite_file
    # A: 2 pairs × 1,000,000 episodes = 124 slices of 16 chunks (about 1 s each); B: 20,480
    # episodes, 20 slices of one chunk, queued after all of A's.
    big = script(db, START_BIG, EPISODES=1_000_000)
    assert big["slices"] == 124
    logs = [tmp_path / "w1.log", tmp_path / "w2.log"]
    with worker(db, logs[0]) as one, worker(db, logs[1]) as two:
        wait_for(
            lambda: slice_counts(db, big["id"]).get("running", 0) == 2,
            "both workers on team A's run",
            child=one,
            log=logs[0],
        )
        small = script(db, START_SMALL_OF_TEAM_B, EPISODES=20 * 1024)
        assert small["slices"] == 20
        started = time.monotonic()
        wait_for(
            lambda: run_status(db, small["id"]) == "succeeded",
            "team B's run to finish",
            timeout=90,
            child=two,
            log=logs[1],
        )
        waited = time.monotonic() - started
        a_done = slice_counts(db, big["id"]).get("succeeded", 0)
        assert run_status(db, big["id"]) == "running"  # A's job still runs meanwhile
        assert a_done < big["slices"] // 2, (a_done, waited)
        metrics = json.loads(
            rows(db, "SELECT metrics FROM simulation_simulationrun WHERE id = ?", small["id"])[0][0]
        )
        assert metrics["overall"]["episodes"] == 20 * 1024
        kill(one)
        kill(two)


START_BIG_TRAINING = """
from simulation import policies
policy = policies.policy_train_start(
    team=team, user=user, plays=list(Play.objects.filter(team=team).order_by("pk")[:2]),
    mix=[(Scenario.objects.filter(team=team).order_by("pk").first(), 1.0)],
    buckets=["1ST_ANY"], episodes=EPISODES, seed=7,
)
print(json.dumps({"id": policy.pk}))
"""


def policy_row(db, policy_id):
    return rows(db, "SELECT status, episodes_done FROM simulation_policy WHERE id = ?", policy_id)[
        0
    ]


def test_one_worker_runs_team_bs_small_run_between_slices_of_team_as_training(
    sqlite_file, tmp_path
):
    """A training gives the worker back every SLICE_SECONDS: team B's background run,
    queued while team A's 2-million-episode training holds the only worker, is done long
    before it."""
    db = sqlite_file
    training = script(db, START_BIG_TRAINING, EPISODES=2_000_000)
    log = tmp_path / "worker.log"
    with worker(db, log) as child:
        wait_for(
            lambda: policy_row(db, training["id"])[0] == "running",
            "team A's training to start",
            child=child,
            log=log,
        )
        # 20,480 episodes: over the inline limit, so it goes to the worker (20 slices)
        small = script(db, START_SMALL_OF_TEAM_B, EPISODES=20 * 1024)
        assert small["slices"] == 20
        wait_for(
            lambda: run_status(db, small["id"]) == "succeeded",
            "team B's run to finish",
            timeout=90,
            child=child,
            log=log,
        )
        status, done = policy_row(db, training["id"])
        assert status in ("queued", "running") and 0 < done < 2_000_000, (status, done)
        kill(child)


def test_recovery_fails_the_task_row_a_killed_worker_left_running(sqlite_file, tmp_path):
    db = sqlite_file
    log = tmp_path / "worker.log"
    run = script(db, START_BIG, EPISODES=100 * 1024)
    with worker(db, log) as child:
        wait_for(
            lambda: slice_counts(db, run["id"]).get("running"),
            "a slice running",
            child=child,
            log=log,
        )
        kill(child)
    running = "SELECT id FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING'"
    dead = rows(db, running)
    assert len(dead) == 1  # the killed worker's task: the library never learns it died

    seen = script(
        db,
        """
from django_tasks_db.models import DBTaskResult
from simulation.models import SimulationSlice
eleven = timezone.now() - timedelta(minutes=11)
first = io.StringIO()
call_command("recover_simulations", stdout=first)  # too recent: left alone
SimulationSlice.objects.filter(status="running").update(started_at=eleven)
DBTaskResult.objects.filter(status="RUNNING").update(started_at=eleven)
second = io.StringIO()
call_command("recover_simulations", stdout=second)
row = DBTaskResult.objects.get(pk=DEAD)
print(json.dumps({"first": first.getvalue(), "second": second.getvalue(),
                  "status": row.status, "traceback": row.traceback}))
""",
        DEAD=dead[0][0],
    )
    assert seen["first"].strip() == "0 slice(s) re-queued, 0 run(s) failed."
    assert seen["second"].splitlines() == [
        "1 slice(s) re-queued, 0 run(s) failed.",
        "1 task row(s) of dead workers marked failed.",
    ]
    assert seen["status"] == "FAILED" and "worker running this task stopped" in seen["traceback"]
    assert not rows(db, running)
