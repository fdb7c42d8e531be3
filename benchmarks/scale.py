"""Scale-out on PostgreSQL (`make scale`, scripts/scale.sh sets the database up).

1. One large run (4 pairs × SCALE_EPISODES) with 1, 2 and 4 `manage.py db_worker`
   processes: wall time from the run's start to its merged metrics, the speed-up over one
   worker, and whether the metrics are identical (they must be).
2. Fairness: with 2 workers busy on team A's big run, how long team B's small run
   (30,720 episodes, 30 slices) takes from its start to its metrics.

Prints one JSON line per measurement. The machine's cores bound the speed-up: on 2
cores, 4 workers cannot beat 2."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORKERS = [int(n) for n in os.environ.get("SCALE_WORKERS", "1 2 4").split()]
EPISODES = int(os.environ.get("SCALE_EPISODES", "150000"))  # per pair
SMALL = 30 * 1024


def start_workers(count):
    children = [
        subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--no-reload",
                "--no-startup-delay",
                "--interval",
                "0.05",
                "-v",
                "1",
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(count)
    ]
    for child in children:  # each says so when it polls the queue
        for line in child.stdout:
            if "Starting worker" in line:
                break
    return children


def stop(children):
    for child in children:
        child.terminate()
    for child in children:
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def wait_finished(run, timeout=1800):
    from simulation.models import FINISHED

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.status in FINISHED:
            return run
        time.sleep(0.02)
    raise SystemExit(f"run {run.pk} did not finish in {timeout} s")


def start(team, user, plays, scenarios, episodes, seed):
    from django.db import transaction

    from simulation import services

    with transaction.atomic():  # the tasks are queued when this commits
        run = services.simulation_run_start(
            team=team, user=user, plays=plays, scenarios=scenarios, episodes=episodes, seed=seed
        )
    return run


def main():
    import django

    django.setup()
    from accounts.models import User
    from playbook.models import Play, Scenario
    from teams.models import Team
    from teams.services import team_create
    from tests.playbook import builders as b

    team = Team.objects.get(slug="demo")
    user = User.objects.get(email="coach@fieldos.dev")
    plays = list(Play.objects.filter(team=team).order_by("pk")[:2])
    scenarios = list(Scenario.objects.filter(team=team).order_by("pk")[:2])

    seconds, metrics = {}, {}
    for count in WORKERS:
        children = start_workers(count)
        try:
            began = time.monotonic()
            run = wait_finished(start(team, user, plays, scenarios, EPISODES, seed=11))
            seconds[count] = time.monotonic() - began
        finally:
            stop(children)
        assert run.status == "succeeded", run.error
        metrics[count] = run.metrics
        print(
            json.dumps(
                {
                    "name": f"scale_out_{count}_workers",
                    "episodes": EPISODES * len(plays) * len(scenarios),
                    "slices": run.slices.count(),
                    "seconds": round(seconds[count], 2),
                    "speed_up": round(seconds[WORKERS[0]] / seconds[count], 2),
                    "metrics_identical": metrics[count] == metrics[WORKERS[0]],
                }
            ),
            flush=True,
        )
    if len({json.dumps(m, sort_keys=True) for m in metrics.values()}) > 1:
        raise SystemExit("the merged metrics differ between worker counts")

    owner = User.objects.filter(email="scale-b@example.com").first() or User.objects.create_user(
        "scale-b@example.com", "scale-b-pass-123"
    )
    other = team_create(user=owner, name="Scale B")
    small_play, small_defense = b.play(other), b.scenario(other)
    children = start_workers(2)
    try:
        big = start(team, user, plays, scenarios, 1_000_000, seed=5)  # 4 M episodes
        while big.slices.filter(status="running").count() < 2:
            time.sleep(0.02)
        began = time.monotonic()
        small = wait_finished(start(other, owner, [small_play], [small_defense], SMALL, seed=3))
        waited = time.monotonic() - began
        big.refresh_from_db()
        done = big.slices.filter(status="succeeded").count()
        print(
            json.dumps(
                {
                    "name": "fair_small_run_behind_big_run_2_workers",
                    "small_episodes": SMALL,
                    "small_status": small.status,
                    "seconds_to_metrics": round(waited, 2),
                    "big_run_status_then": big.status,
                    "big_run_slices_done_then": f"{done}/{big.slices.count()}",
                }
            ),
            flush=True,
        )
        from simulation import services

        services.simulation_run_cancel(big)
    finally:
        stop(children)


if __name__ == "__main__":
    main()
