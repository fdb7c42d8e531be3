"""List 500 plays with their assignments through the API (SQLite).

Prints one JSON line: median / p95 milliseconds over repeated requests and the
number of SQL queries per request. Target: p95 under 50 ms."""

import gc
import json
import statistics
import time

from _setup import django_with_scratch_db

PLAYS = 500
REPEATS = 40


def main():
    django_with_scratch_db()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from accounts.models import User
    from playbook import services
    from teams.services import team_create

    coach = User.objects.create_user("bench@example.com", "bench-pass-123")
    team = team_create(user=coach, name="Bench")
    slots = [
        {"role": "QB", "x": -5.0, "y": 0.0},
        {"role": "CENTER", "x": 0.0, "y": 0.0},
        {"role": "WR1", "x": 0.0, "y": 10.0},
        {"role": "WR2", "x": 0.0, "y": 7.0},
        {"role": "WR3", "x": 0.0, "y": -6.0},
    ]
    formations = [
        services.formation_write(team=team, data={"name": f"F{i}"}, slots=slots) for i in range(5)
    ]
    routes = [
        services.route_write(
            team=team,
            data={"name": f"R{i}"},
            breakpoints=[{"x": 5.0 + i % 10, "y": 0.0, "time_ms": 1500}],
        )
        for i in range(30)
    ]
    for i in range(PLAYS):
        services.play_write(
            team=team,
            data={
                "name": f"Play {i:03d}",
                "formation": formations[i % 5],
                "progression": ["WR1", "WR2", "WR3"],
                "tags": ["bench", f"t{i % 7}"],
            },
            assignments=[
                {"role": "QB", "route": None},
                {"role": "CENTER", "route": None},
                *(
                    {"role": r, "route": routes[(i + k) % 30]}
                    for k, r in enumerate(["WR1", "WR2", "WR3"])
                ),
            ],
        )
    client = APIClient()
    client.force_authenticate(coach)
    url = f"/api/teams/{team.pk}/plays/?page_size={PLAYS}"
    assert client.get(url).json()["count"] == PLAYS

    def measure(clock=time.perf_counter):
        timings = []
        for _ in range(REPEATS):
            start = clock()
            response = client.get(url)
            timings.append((clock() - start) * 1000)
            assert response.status_code == 200
        timings.sort()
        return statistics.median(timings), timings[int(len(timings) * 0.95) - 1]

    median, p95 = measure()
    # This process's CPU time as well: on a busy machine wall time mostly measures the
    # other processes, CPU time what a request costs.
    cpu_median, cpu_p95 = measure(time.process_time)
    # The long-lived heap left by building 500 plays makes full (gen 2) GC passes slow;
    # servers freeze the start-up heap (gc.freeze after preload) — measured both ways.
    gc.collect()
    gc.freeze()
    frozen_median, frozen_p95 = measure()
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    print(
        json.dumps(
            {
                "name": "api_list_500_plays",
                "plays": PLAYS,
                "median_ms": round(median, 1),
                "p95_ms": round(p95, 1),
                "median_cpu_ms": round(cpu_median, 1),
                "p95_cpu_ms": round(cpu_p95, 1),
                "median_ms_gc_frozen": round(frozen_median, 1),
                "p95_ms_gc_frozen": round(frozen_p95, 1),
                "queries": len(queries),
            }
        )
    )


if __name__ == "__main__":
    main()
