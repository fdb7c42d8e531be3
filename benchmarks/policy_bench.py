"""Train a play-calling policy on the demo data — 8 plays × 8 scenarios × 7 buckets with a
50,000-episode budget (UCB1) — in a throwaway SQLite database and print one JSON line:
seconds and episodes per second (target: under 30 s on one core).

Run from the project root: .venv/bin/python benchmarks/policy_bench.py (or `make bench`)."""

import json
import os
import time

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

from _setup import ROOT, django_with_scratch_db  # noqa: E402

EPISODES = 50_000
SEED = 7


def main():
    django_with_scratch_db()
    from playbook.constants import Bucket
    from playbook.interchange import fieldos_import, sources_from_paths
    from playbook.models import Play, Scenario
    from playbook.services import ruleset_create_default
    from simulation import policies
    from simulation.models import JobStatus, Policy
    from teams.models import Team

    team = Team.objects.create(name="Bench", slug="bench")
    ruleset_create_default(team)
    fieldos_import(team=team, sources=sources_from_paths([ROOT / "fixtures" / "fieldos-demo"]))
    plays = list(Play.objects.filter(team=team).order_by("pk"))
    scenarios = list(Scenario.objects.filter(team=team).order_by("pk"))
    assert len(plays) == 8 and len(scenarios) == 8, (len(plays), len(scenarios))
    policy = Policy.objects.create(
        team=team,
        mix=[{"scenario": s.pk, "weight": 1.0} for s in scenarios],
        buckets=list(Bucket.values),
        algorithm="ucb1",
        episodes=EPISODES,
        seed=SEED,
    )
    policy.plays.set(plays)
    policy.scenarios.set(scenarios)

    started = time.perf_counter()
    slices = 1
    while policies.policy_train(policy.pk) is not None:  # the task's slices, one after another
        slices += 1
    seconds = time.perf_counter() - started
    policy.refresh_from_db()
    assert policy.status == JobStatus.SUCCEEDED, policy.error
    assert policy.episodes_done == EPISODES, policy.episodes_done
    print(
        json.dumps(
            {
                "name": "policy_train_demo",
                "plays": len(plays),
                "scenarios": len(scenarios),
                "buckets": len(policy.buckets),
                "episodes": EPISODES,
                "seconds": round(seconds, 3),
                "episodes_per_second": round(EPISODES / seconds),
                "slices": slices,
            }
        )
    )


if __name__ == "__main__":
    main()
