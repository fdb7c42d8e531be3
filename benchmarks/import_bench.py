"""Import a generated 1,000-play FieldOS file into a fresh team in a throwaway SQLite
database and print one JSON line: seconds and queries (target: under 5 s).

Run from the project root: .venv/bin/python benchmarks/import_bench.py (or `make bench`)."""

import json
import time

from _setup import ROOT, django_with_scratch_db

PLAYS = 1000
NEW_ROUTE_EVERY = 10  # every 10th play brings a route of its own


def generate(demo_dir):
    """Distinct plays that re-use the demo's formations and routes, plus some new routes."""
    demo = json.loads((demo_dir / "plays.json").read_text())
    formations = [p["formation"] for p in demo]
    formations = list({f["id"]: f for f in formations}.values())
    routes = json.loads((demo_dir / "routes.json").read_text())
    plays = []
    for i in range(PLAYS):
        formation = formations[i % len(formations)]
        receivers = ["WR1", "WR2", "WR3", "CENTER"]
        assignments = {"QB": None}
        for j, role in enumerate(receivers):
            assignments[role] = routes[(i + 3 * j) % len(routes)]
        if i % NEW_ROUTE_EVERY == 0:
            depth = 4 + (i // NEW_ROUTE_EVERY) % 12
            assignments["WR3"] = {
                "id": f"route_bench_{i}",
                "name": f"Bench Route {i}",
                "breakpoints": [
                    {"x_yards": depth, "y_yards": 0.0, "time_ms": 400 + 150 * depth},
                    {"x_yards": depth + 2, "y_yards": -3.0, "time_ms": 800 + 150 * depth},
                ],
            }
        plays.append(
            {
                "id": f"play_bench_{i:04d}",
                "name": f"Bench Play {i:04d}",
                "formation": formation,
                "assignments": assignments,
                "qb_plan": {
                    "progression_roles": receivers[: 2 + i % 3],
                    "max_time_to_throw_ms": 2500 + 100 * (i % 8),
                    "scramble_allowed": i % 2 == 0,
                },
                "tags": ["bench", f"group-{i % 7}"],
            }
        )
    return plays


def main():
    tmp = django_with_scratch_db().parent
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from playbook.interchange import fieldos_import, sources_from_paths
    from playbook.models import Play
    from playbook.services import ruleset_create_default
    from teams.models import Team

    team = Team.objects.create(name="Bench", slug="bench")
    ruleset_create_default(team)
    path = tmp / "plays.json"
    path.write_text(json.dumps(generate(ROOT / "fixtures" / "fieldos-demo")))

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        summary = fieldos_import(team=team, sources=sources_from_paths([path]))
        seconds = time.perf_counter() - started
    plays = Play.objects.filter(team=team).count()
    assert plays == PLAYS and summary.kinds["plays"]["created"] == PLAYS, summary.as_dict()
    print(
        json.dumps(
            {
                "name": "import_1000_plays",
                "plays": plays,
                "seconds": round(seconds, 3),
                "queries": len(queries),
                "routes": summary.kinds["routes"]["created"],
                "formations": summary.kinds["formations"]["created"],
                "file_mb": round(path.stat().st_size / 1e6, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
