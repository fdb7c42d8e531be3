"""Seeding, chunking and the public entry points.

Episodes are split into fixed chunks of CHUNK_SIZE; chunk k draws all of its random
numbers up front from default_rng(SeedSequence([seed, k, *key])), always a full chunk's
worth, so an episode's numbers depend only on (seed, key, its index) — not on how many
episodes were asked for, how chunks are grouped into batches or spread over workers, or
whether traces are recorded. `key` is the stable identity of a play × scenario pair
inside a matrix run (e.g. their database ids), so the order pairs run in cannot matter.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence

import numpy as np

from simulation.engine import constants as C
from simulation.engine.core import N_NORMALS
from simulation.engine.inputs import (
    DefenseRatings,
    OffenseRatings,
    PlayInput,
    Ruleset,
    ScenarioInput,
    Situation,
)
from simulation.engine.metrics import MetricsAggregator
from simulation.engine.outcomes import RESULT_NAMES, Outcomes
from simulation.engine.prepare import PreparedPair
from simulation.engine.running import prepare, simulate_any

# Traces keep one frame every 100 ms (every other step), plus the ball's release, its
# arrival and the whistle, whatever their time.
TRACE_FRAME_MS = 100


def chunk_count(n_episodes: int) -> int:
    return math.ceil(n_episodes / C.CHUNK_SIZE)


def chunk_draws(seed: int, chunk: int, key: Sequence[int] = ()):
    """All random numbers of one chunk: (N_NORMALS, CHUNK_SIZE) normals and CHUNK_SIZE uniforms."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, chunk, *key]))
    normals = rng.standard_normal((N_NORMALS, C.CHUNK_SIZE), dtype=np.float32)
    uniform = rng.random(C.CHUNK_SIZE)
    return normals, uniform


def iter_outcomes(
    prepared: PreparedPair,
    n_episodes: int,
    seed: int,
    *,
    chunks: Iterable[int] | None = None,
    key: Sequence[int] = (),
    traces: int = 0,
    batch_chunks: int = C.BATCH_CHUNKS,
) -> Iterator[Outcomes]:
    """Outcomes of the given chunks (default: all), a batch of chunks at a time, in the
    order given. Episodes with a global index below `traces` come with a trace."""
    if n_episodes < 1:
        raise ValueError("n_episodes must be at least 1")
    if seed < 0 or any(k < 0 for k in key):
        raise ValueError("seed and key must be non-negative integers")
    total = chunk_count(n_episodes)
    chunk_list = list(range(total) if chunks is None else chunks)
    for k in chunk_list:
        if not 0 <= k < total:
            raise ValueError(f"chunk {k} outside 0..{total - 1}")
    for start in range(0, len(chunk_list), batch_chunks):
        group = chunk_list[start : start + batch_chunks]
        normals, uniforms, ids = [], [], []
        for k in group:
            size = min(C.CHUNK_SIZE, n_episodes - k * C.CHUNK_SIZE)
            z, u = chunk_draws(seed, k, key)
            normals.append(z[:, :size])
            uniforms.append(u[:size])
            ids.append(np.arange(k * C.CHUNK_SIZE, k * C.CHUNK_SIZE + size))
        episode = np.concatenate(ids)
        traced = np.nonzero(episode < traces)[0]
        columns, frames = simulate_any(
            prepared, np.concatenate(normals, axis=1), np.concatenate(uniforms), traced
        )
        situation = prepared.situation
        columns["converted"] = columns["touchdown"] | (columns["yards"] >= situation.distance)
        outcomes = Outcomes(roles=prepared.roles, **columns)
        outcomes.traces = [
            _trace(prepared, outcomes, int(i), int(episode[i]), frames[int(i)]) for i in traced
        ]
        yield outcomes


def simulate_prepared(
    prepared: PreparedPair,
    n_episodes: int,
    seed: int,
    *,
    chunks: Iterable[int] | None = None,
    key: Sequence[int] = (),
    traces: int = 0,
) -> Outcomes:
    return Outcomes.concat(
        list(iter_outcomes(prepared, n_episodes, seed, chunks=chunks, key=key, traces=traces))
    )


def simulate_metrics(
    prepared: PreparedPair,
    n_episodes: int,
    seed: int,
    *,
    chunks: Iterable[int] | None = None,
    key: Sequence[int] = (),
) -> MetricsAggregator:
    """Stream the given chunks straight into an aggregate: memory stays flat however many
    episodes are run. Merge the aggregates of several workers' chunk ranges with
    MetricsAggregator.merge."""
    aggregate = MetricsAggregator()
    for outcomes in iter_outcomes(prepared, n_episodes, seed, chunks=chunks, key=key):
        aggregate.add(outcomes)
    return aggregate


def simulate(
    play: PlayInput,
    scenario: ScenarioInput,
    rules: Ruleset,
    offense_players: Mapping[str, OffenseRatings],
    defense_players: Mapping[str, DefenseRatings],
    situation: Situation,
    n_episodes: int,
    seed: int,
    traces: int = 0,
    *,
    chunks: Iterable[int] | None = None,
    key: Sequence[int] = (),
) -> Outcomes:
    """n_episodes of one play against one scenario. `chunks` restricts the run to some
    chunk indices (a worker's share); concatenating every share in chunk order equals the
    whole run."""
    prepared = prepare(play, scenario, rules, offense_players, defense_players, situation)
    return simulate_prepared(prepared, n_episodes, seed, chunks=chunks, key=key, traces=traces)


def simulate_matrix(
    plays: Sequence[PlayInput],
    scenarios: Sequence[ScenarioInput],
    rules: Ruleset,
    offense_players: Mapping[str, OffenseRatings],
    defense_players: Mapping[str, DefenseRatings],
    situation: Situation,
    n_episodes: int,
    seed: int,
    traces: int = 0,
    *,
    play_keys: Sequence[int] | None = None,
    scenario_keys: Sequence[int] | None = None,
) -> dict[tuple[int, int], Outcomes]:
    """Every play against every scenario, keyed by (play_key, scenario_key). Keys default
    to list positions; pass stable ids so a pair's outcomes do not depend on the order."""
    play_keys = list(range(len(plays)) if play_keys is None else play_keys)
    scenario_keys = list(range(len(scenarios)) if scenario_keys is None else scenario_keys)
    if len(play_keys) != len(plays) or len(scenario_keys) != len(scenarios):
        raise ValueError("one key per play and per scenario")
    results = {}
    for play, pk in zip(plays, play_keys, strict=True):
        for scenario, sk in zip(scenarios, scenario_keys, strict=True):
            prepared = prepare(play, scenario, rules, offense_players, defense_players, situation)
            results[(pk, sk)] = simulate_prepared(
                prepared, n_episodes, seed, key=(pk, sk), traces=traces
            )
    return results


def _outcome_dict(outcomes: Outcomes, i: int) -> dict:
    def maybe(value):
        value = float(value)
        return None if math.isnan(value) else round(value, 2)

    target = int(outcomes.target[i])
    return {
        "result": RESULT_NAMES[int(outcomes.result[i])],
        "touchdown": bool(outcomes.touchdown[i]),
        "yards": round(float(outcomes.yards[i]), 2),
        "converted": bool(outcomes.converted[i]),
        "target": outcomes.roles[target] if target >= 0 else None,
        "time_to_throw_ms": int(outcomes.time_to_throw_ms[i]),
        "pressured": bool(outcomes.pressured[i]),
        "separation_at_throw": maybe(outcomes.separation_at_throw[i]),
        "separation_at_catch": maybe(outcomes.separation_at_catch[i]),
        "air_yards": maybe(outcomes.air_yards[i]),
        "yac": round(float(outcomes.yac[i]), 2),
        "reward": round(float(outcomes.reward[i]), 2),
    }


def _trace(prepared: PreparedPair, outcomes: Outcomes, i: int, episode: int, frames) -> dict:
    t_ms, offense, defense, ball, event = frames
    keep = (t_ms % TRACE_FRAME_MS == 0) | event
    keep[-1] = True  # the whistle
    outcome = _outcome_dict(outcomes, i)
    marked = t_ms[event]
    events = {
        "snap": 0,
        "release": outcome["time_to_throw_ms"]
        if outcome["result"] not in ("SACK", "RUN")
        else None,
        # a run: when the ball changed hands (None on a keeper or a run blown dead)
        "handoff": outcome["time_to_throw_ms"] or None if outcome["result"] == "RUN" else None,
        "arrival": int(marked.max()) if outcome["target"] is not None and marked.size else None,
        "whistle": int(t_ms[-1]),
    }
    offense = offense[keep].round(2).tolist()
    defense = defense[keep].round(2).tolist()
    ball = ball[keep].round(2).tolist()
    return {
        "episode": episode,
        "frame_ms": TRACE_FRAME_MS,
        "events": events,
        "offense_roles": list(prepared.roles),
        "defenders": list(prepared.defender_names),
        "frames": [
            {"t_ms": int(t), "offense": o, "defense": d, "ball": b}
            for t, o, d, b in zip(t_ms[keep], offense, defense, ball, strict=True)
        ],
        "outcome": outcome,
    }
