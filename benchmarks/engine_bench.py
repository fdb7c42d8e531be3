"""Simulation engine benchmark: one JSON object per line.

    engine_demo_matrix   the 8 demo plays × 8 demo scenarios, streamed into metrics
    engine_scaling       one pair at 10k, 100k and 1M episodes (time and peak memory)
    engine_traces        the cost of recording traces

Each case runs in a fresh single-threaded process, so peak_rss_mb is that case's own peak
(the 1M run streams chunks into the aggregator: memory stays flat). Run from the project
root: .venv/bin/python benchmarks/engine_bench.py [--only engine]; BENCH=engine does the
same as --only engine (the engine_demo_matrix line only)."""

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO_DIR = ROOT / "fixtures" / "fieldos-demo"
MATRIX_EPISODES_PER_PAIR = 8192  # × 64 pairs = 524,288 episodes
SCALING = (10_000, 100_000, 1_000_000)
SCALING_PAIR = ("play_trips_flood", "scenario_man_with_rush")
TRACE_EPISODES = 100_000
TRACE_COUNTS = (0, 100, 1000)
SEED = 7
SINGLE_THREAD = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}


def peak_rss_mb():
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def engine():
    sys.path.insert(0, str(ROOT))
    from simulation.engine import MetricsAggregator, Situation, iter_outcomes, prepare
    from simulation.engine.demo import load_demo
    from simulation.engine.inputs import NFL_FLAG_5V5

    demo = load_demo(DEMO_DIR)
    situation = Situation(down=1, distance=10, yardline=35)

    def prepared(play, scenario):
        return prepare(
            demo.plays[play],
            demo.scenarios[scenario],
            NFL_FLAG_5V5,
            demo.offense,
            demo.defense,
            situation,
        )

    return demo, prepared, iter_outcomes, MetricsAggregator


def case_matrix():
    demo, prepared, iter_outcomes, MetricsAggregator = engine()
    start = time.perf_counter()
    episodes = 0
    overall = MetricsAggregator()
    for p, play in enumerate(demo.plays):
        for s, scenario in enumerate(demo.scenarios):
            pair = MetricsAggregator()
            for part in iter_outcomes(
                prepared(play, scenario), MATRIX_EPISODES_PER_PAIR, SEED, key=(p, s)
            ):
                pair.add(part)
            overall.merge(pair)
            episodes += MATRIX_EPISODES_PER_PAIR
    seconds = time.perf_counter() - start
    return {
        "name": "engine_demo_matrix",
        "pairs": len(demo.plays) * len(demo.scenarios),
        "episodes": episodes,
        "seconds": round(seconds, 3),
        "episodes_per_second": round(episodes / seconds),
        "peak_rss_mb": peak_rss_mb(),
    }


def case_scaling(episodes):
    _, prepared, iter_outcomes, MetricsAggregator = engine()
    start = time.perf_counter()
    pair = prepared(*SCALING_PAIR)
    aggregate = MetricsAggregator()
    for part in iter_outcomes(pair, episodes, SEED):
        aggregate.add(part)
    seconds = time.perf_counter() - start
    return {
        "name": "engine_scaling",
        "pair": " vs ".join(SCALING_PAIR),
        "episodes": episodes,
        "seconds": round(seconds, 3),
        "episodes_per_second": round(episodes / seconds),
        "peak_rss_mb": peak_rss_mb(),
    }


def case_traces(traces):
    _, prepared, iter_outcomes, _ = engine()
    pair = prepared(*SCALING_PAIR)
    start = time.perf_counter()
    recorded = sum(
        len(part.traces) for part in iter_outcomes(pair, TRACE_EPISODES, SEED, traces=traces)
    )
    seconds = time.perf_counter() - start
    return {
        "name": "engine_traces",
        "episodes": TRACE_EPISODES,
        "traces": recorded,
        "seconds": round(seconds, 3),
        "episodes_per_second": round(TRACE_EPISODES / seconds),
        "peak_rss_mb": peak_rss_mb(),
    }


CASES = {
    "matrix": lambda arg: case_matrix(),
    "scaling": lambda arg: case_scaling(int(arg)),
    "traces": lambda arg: case_traces(int(arg)),
}


def run_case(name, arg=""):
    """The case in a fresh process, so its peak memory is its own."""
    env = {**os.environ, **SINGLE_THREAD}
    done = subprocess.run(
        [sys.executable, __file__, "--case", name, str(arg)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout)


def main(argv):
    if argv[:1] == ["--case"]:
        print(json.dumps(CASES[argv[1]](argv[2] if len(argv) > 2 else "")))
        return
    only_engine = ("--only" in argv and "engine" in argv) or os.environ.get("BENCH") == "engine"
    print(json.dumps(run_case("matrix")), flush=True)
    if only_engine:
        return
    for episodes in SCALING:
        print(json.dumps(run_case("scaling", episodes)), flush=True)
    baseline = None
    for traces in TRACE_COUNTS:
        line = run_case("traces", traces)
        baseline = baseline or line["seconds"]
        line["overhead_pct"] = round(100 * (line["seconds"] / baseline - 1), 1)
        print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
