"""Every list endpoint of a full team through the API (SQLite, one process).

The team: 500 plays (5 formations, 30 routes), 40 defenses, 5 playbooks of 100 calls,
14 players and a lineup, 50 simulation runs. Each endpoint is asked for one page of
everything (`page_size=500`) REPEATS times; one JSON line per endpoint: p50 / p95
milliseconds of wall time and of this process's CPU time, the same with the start-up heap
frozen (what a pre-forking server does after preload), and the SQL queries per request.
Target: p95 under 50 ms for every list."""

import gc
import json
import statistics
import time

from _setup import django_with_scratch_db

PLAYS = 500
SCENARIOS = 40
PLAYBOOKS, ENTRIES = 5, 100
RUNS = 50
REPEATS = 40

SLOTS = [
    {"role": "QB", "x": -5.0, "y": 0.0},
    {"role": "CENTER", "x": 0.0, "y": 0.0},
    {"role": "WR1", "x": 0.0, "y": 10.0},
    {"role": "WR2", "x": 0.0, "y": 7.0},
    {"role": "WR3", "x": 0.0, "y": -6.0},
]
DEFENDERS = [
    {"slot": "D1", "x": 5.0, "y": -10.0, "duty": "ZONE", "zone_x": 5.0, "zone_y": -10.0},
    {"slot": "D2", "x": 12.0, "y": -8.0, "duty": "ZONE", "zone_x": 12.0, "zone_y": -8.0},
    {"slot": "D3", "x": 7.0, "y": 0.0, "duty": "RUSH"},
    {"slot": "D4", "x": 12.0, "y": 8.0, "duty": "ZONE", "zone_x": 12.0, "zone_y": 8.0},
    {"slot": "D5", "x": 2.0, "y": 10.0, "duty": "MAN", "man_target": "auto"},
]
PLAYERS = ["QB", "CENTER", "WR1", "WR2", "WR3"]


def build():
    """The bench team; returns (client, {endpoint: (url, rows)})."""
    from rest_framework.test import APIClient

    from accounts.models import User
    from playbook import services
    from playbook.constants import Side
    from simulation.services import simulation_run_create
    from teams.services import team_create

    coach = User.objects.create_user("bench@example.com", "bench-pass-123")
    team = team_create(user=coach, name="Bench")
    formations = [
        services.formation_write(team=team, data={"name": f"F{i}"}, slots=SLOTS) for i in range(5)
    ]
    routes = [
        services.route_write(
            team=team,
            data={"name": f"R{i}"},
            breakpoints=[{"x": 5.0 + i % 10, "y": 0.0, "time_ms": 1500}],
        )
        for i in range(30)
    ]
    plays = [
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
        for i in range(PLAYS)
    ]
    scenarios = [
        services.scenario_write(
            team=team,
            data={"name": f"Defense {i:02d}", "situation_tags": ["bench"]},
            defenders=[dict(d, zone_radius=5.0 + i % 4) if "zone_x" in d else d for d in DEFENDERS],
        )
        for i in range(SCENARIOS)
    ]
    for b in range(PLAYBOOKS):
        services.playbook_write(
            team=team,
            data={"name": f"Book {b}"},
            entries=[
                {"play": plays[(b * 37 + i) % PLAYS], "call_number": str(i + 1)}
                for i in range(ENTRIES)
            ],
        )
    players = [
        services.player_write(
            team=team,
            data={"name": f"{side} {role}", "side": side, "role": role, "jersey_number": n},
        )
        for n, (side, role) in enumerate(
            [(Side.OFFENSE, r) for r in PLAYERS] + [(Side.DEFENSE, f"D{i}") for i in range(1, 6)]
        )
    ]
    services.lineup_build_default(team)
    for i in range(RUNS):
        simulation_run_create(
            team=team,
            user=coach,
            plays=plays[i : i + 2],
            scenarios=scenarios[i % SCENARIOS : i % SCENARIOS + 2],
            episodes=1000,
            seed=i,
            situation={"down": 1, "distance": 10, "yardline": 35},
        )
    client = APIClient()
    client.force_authenticate(coach)
    base = f"/api/teams/{team.pk}"
    counts = {
        "rulesets": 1,
        "players": len(players),
        "lineups": 1,
        "formations": len(formations),
        "routes": len(routes),
        "plays": PLAYS,
        "scenarios": SCENARIOS,
        "playbooks": PLAYBOOKS,
        "simulations": RUNS,
    }
    endpoints = {kind: (f"{base}/{kind}/?page_size=500", rows) for kind, rows in counts.items()}
    for kind, (url, rows) in endpoints.items():
        body = client.get(url).json()
        assert body["count"] == rows == len(body["results"]), (kind, body.get("count"))
    return client, endpoints


def measure(client, url, clock=time.perf_counter):
    timings = []
    for _ in range(REPEATS):
        start = clock()
        response = client.get(url)
        timings.append((clock() - start) * 1000)
        assert response.status_code == 200
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1]


def main():
    django_with_scratch_db()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client, endpoints = build()
    results = {}
    for kind, (url, rows) in endpoints.items():
        median, p95 = measure(client, url)
        # This process's CPU time as well: on a busy machine wall time mostly measures
        # the other processes, CPU time what a request costs.
        cpu_median, cpu_p95 = measure(client, url, time.process_time)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        results[kind] = {
            "name": f"api_list_{kind}",
            "rows": rows,
            "median_ms": round(median, 1),
            "p95_ms": round(p95, 1),
            "median_cpu_ms": round(cpu_median, 1),
            "p95_cpu_ms": round(cpu_p95, 1),
            "queries": len(queries),
        }
    # A pre-forking server freezes its start-up heap after preload (gc.freeze): measured
    # too, to tell the collector's share of the tail from the request's own work.
    gc.collect()
    gc.freeze()
    for kind, (url, _rows) in endpoints.items():
        median, p95 = measure(client, url)
        results[kind].update(median_ms_gc_frozen=round(median, 1), p95_ms_gc_frozen=round(p95, 1))
    for line in results.values():
        print(json.dumps(line))


if __name__ == "__main__":
    main()
