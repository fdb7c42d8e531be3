"""Drives and expected points benchmark: one JSON object per line.

    drives_ep_table   the demo (8 plays × 8 defenses, NFL FLAG): sample the transitions,
                      solve EP; the EP table, drive figures and two call mixes
    drives_season     a 1,000-game season (8 drives a team), demo against itself,
                      transitions and EP included
    drives_stress     the adaptive-defense stress test (200 games a caller and defense)

Each case runs in a fresh single-threaded process, so its time includes sampling the
engine (nothing cached) and peak_rss_mb is its own (resource's ru_maxrss: tracemalloc
slows the engine's many small allocations about sixfold). load_average is the machine's
1-minute load when the case ended: on a shared machine the seconds grow with it. Run
from the project root:
.venv/bin/python benchmarks/drives_bench.py [--case NAME]."""

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EPISODES = 512  # per play × defense × yard-line cell
SEED = 7
SEASON_GAMES = 1000
STRESS_GAMES = 200
DRIVES_PER_TEAM = 8
SINGLE_THREAD = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}


def peak_rss_mb():
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def measured(name, run):
    start = time.perf_counter()
    out = run()
    seconds = time.perf_counter() - start
    load = os.getloadavg()[0]
    return {
        "name": name,
        "seconds": round(seconds, 2),
        "peak_rss_mb": peak_rss_mb(),
        "load_average": round(load, 1),
        **out,
    }


def case_ep_table():
    from simulation.drives import build_models, call_mix, ep_report
    from simulation.drives.demo import demo_team

    def run():
        team = demo_team()
        model = build_models(team, n_episodes=EPISODES, seed=SEED)[0]
        report = ep_report(model)
        mixes = {}
        for label, situation in (("1st & 20 at own 5", (1, 20, 45)), ("3rd & 2", (3, 2, 27))):
            mix = call_mix(model, *situation)
            mixes[label] = {
                k: mix[k]
                for k in (
                    "value",
                    "mix",
                    "defense_best_response",
                    "best_pure_play",
                    "exploitability",
                    "gap_to_value",
                    "wristband_value",
                )
            } | {"wristband": mix["wristband"]["text"]}
        return {
            "plays": len(model.plays),
            "defenses": len(model.defenses),
            "episodes": report["transitions"]["samples"],
            "iterations": report["iterations"],
            "ep_table": report["ep_table"],
            "drive_from_start": report["drive_from_start"],
            "mixes": mixes,
        }

    return measured("drives_ep_table", run)


def case_season():
    from simulation.drives import season
    from simulation.drives.demo import demo_team

    def run():
        out = season(
            demo_team(),
            n_games=SEASON_GAMES,
            drives_per_team=DRIVES_PER_TEAM,
            seed=SEED,
            n_episodes=EPISODES,
        )
        s = out["season"]
        team = s["teams"][0]
        return {
            "games": s["games"],
            "drives_per_team": s["drives_per_team"],
            "mean_score": s["mean_score"],
            "figures": {
                k: team[k]
                for k in (
                    "points_per_drive",
                    "td_per_drive",
                    "interceptions_per_drive",
                    "td_to_int",
                    "safeties_per_drive",
                    "downs_per_drive",
                    "try_success",
                    "epa_per_snap",
                    "success_rate",
                )
            },
            "first_game_score": out["games"][0]["score"],
        }

    return measured("drives_season", run)


def case_stress():
    from simulation.drives import stress_test
    from simulation.drives.demo import demo_team

    def run():
        out = stress_test(
            demo_team(),
            n_games=STRESS_GAMES,
            drives_per_team=DRIVES_PER_TEAM,
            seed=SEED,
            n_episodes=EPISODES,
        )
        return {"games": out["games"], "coordinator": out["coordinator"], "rows": out["rows"]}

    return measured("drives_stress", run)


CASES = {"ep_table": case_ep_table, "season": case_season, "stress": case_stress}


def run_case(name):
    """The case in a fresh process, so its time and peak memory are its own."""
    env = {**os.environ, **SINGLE_THREAD}
    done = subprocess.run(
        [sys.executable, __file__, "--case", name],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout)


def main(argv):
    if argv[:1] == ["--case"]:
        sys.path.insert(0, str(ROOT))
        print(json.dumps(CASES[argv[1]]()))
        return
    for name in CASES:
        print(json.dumps(run_case(name)), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
