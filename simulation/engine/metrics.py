"""Streaming, mergeable metrics: the block every run reports (issue 6 §3).

Only counts, integer sums (yards and reward in thousandths) and histograms are kept, so
memory does not grow with episodes, and merging partial aggregates is exact integer
addition: any split of the episodes over chunks or workers, merged in any order, gives
the same numbers as one pass. Medians and percentiles come from the histograms (yards in
0.5-yd bins, time to throw in 50-ms bins — exact, since throws happen on the step grid).
"""

from __future__ import annotations

import math

import numpy as np

from simulation.engine import constants as C
from simulation.engine.outcomes import COMPLETE, INTERCEPTION, RUN, SACK, Outcomes

DEPTH_KEYS = ("0-5", "6-10", "11-15", "16-20", "21+")
DEPTH_EDGES = np.array([5.5, 10.5, 15.5, 20.5])  # air yards rounded to the nearest yard
MILLI = 1000

_N_YARD_BINS = round((C.YARDS_MAX - C.YARDS_MIN) / C.YARDS_BIN) + 1
_N_TIME_BINS = C.TIME_MAX_MS // C.TIME_BIN_MS + 1

_COUNTS = (
    "episodes",
    "attempts",
    "completions",
    "sacks",
    "interceptions",
    "touchdowns",
    "converted",
    "clean_attempts",
    "clean_completions",
    "pressured_attempts",
    "pressured_completions",
    "yards_milli",
    "reward_milli",
    # added with the coach's figures; a stored state without them reads them as 0
    "attempt_yards_milli",
    "air_yards_milli",
    "yac_milli",
    "deep_attempts",
    "explosives",
    "throw_aways",
    "pressured_dropbacks",
    # added with the run game
    "carries",
    "carry_yards_milli",
    "negative_runs",
)
_NEWER = _COUNTS[-10:]
DEEP_AIR_YD = 20  # "20+ air yards", air yards rounded to the yard
EXPLOSIVE_YD = 20.0


def _rate(num: int, den: int) -> float | None:
    return num / den if den else None


def _per(milli: int, den: int) -> float | None:
    return milli / MILLI / den if den else None


def _quantile(hist: np.ndarray, q: float, start: float, width: float) -> float | None:
    total = int(hist.sum())
    if not total:
        return None
    rank = max(1, math.ceil(q * total))
    index = int(np.searchsorted(np.cumsum(hist), rank))
    return start + index * width


class MetricsAggregator:
    def __init__(self):
        for name in _COUNTS:
            setattr(self, name, 0)
        self.yards_hist = np.zeros(_N_YARD_BINS, dtype=np.int64)
        self.time_hist = np.zeros(_N_TIME_BINS, dtype=np.int64)
        self.depth_attempts = np.zeros(len(DEPTH_KEYS), dtype=np.int64)
        self.depth_completions = np.zeros(len(DEPTH_KEYS), dtype=np.int64)
        self.depth_yac_milli = np.zeros(len(DEPTH_KEYS), dtype=np.int64)
        self.targets: dict[str, int] = {}

    def add(self, outcomes: Outcomes) -> MetricsAggregator:
        result = outcomes.result
        run_play = result == RUN
        carried = run_play & (outcomes.target >= 0)  # not a run blown dead in a no-run zone
        thrown = (result != SACK) & ~run_play
        complete = result == COMPLETE
        pressured = outcomes.pressured & thrown
        clean = thrown & ~outcomes.pressured
        self.episodes += len(outcomes)
        self.attempts += int(thrown.sum())
        self.completions += int(complete.sum())
        self.sacks += int((result == SACK).sum())
        self.interceptions += int((result == INTERCEPTION).sum())
        self.touchdowns += int(outcomes.touchdown.sum())
        self.converted += int(outcomes.converted.sum())
        self.clean_attempts += int(clean.sum())
        self.clean_completions += int((clean & complete).sum())
        self.pressured_attempts += int(pressured.sum())
        self.pressured_completions += int((pressured & complete).sum())
        self.yards_milli += int(np.rint(outcomes.yards.astype(np.float64) * MILLI).sum())
        self.reward_milli += int(np.rint(outcomes.reward * MILLI).sum())
        yard_bin = np.rint((outcomes.yards.astype(np.float64) - C.YARDS_MIN) / C.YARDS_BIN)
        self.yards_hist += np.bincount(
            np.clip(yard_bin, 0, _N_YARD_BINS - 1).astype(np.int64), minlength=_N_YARD_BINS
        )
        time_bin = np.rint(outcomes.time_to_throw_ms[thrown] / C.TIME_BIN_MS).astype(np.int64)
        self.time_hist += np.bincount(
            np.clip(time_bin, 0, _N_TIME_BINS - 1), minlength=_N_TIME_BINS
        )
        targeted = (outcomes.target >= 0) & ~run_play  # a pass thrown to someone
        yards = outcomes.yards.astype(np.float64)
        air = outcomes.air_yards[targeted].astype(np.float64)
        yac = outcomes.yac.astype(np.float64)
        self.attempt_yards_milli += int(np.rint(yards[thrown] * MILLI).sum())
        self.air_yards_milli += int(np.rint(air * MILLI).sum())
        self.yac_milli += int(np.rint(yac[complete] * MILLI).sum())
        self.deep_attempts += int((np.rint(air) >= DEEP_AIR_YD).sum())
        self.explosives += int((yards >= EXPLOSIVE_YD).sum())
        self.throw_aways += int((thrown & ~targeted).sum())
        self.pressured_dropbacks += int(((outcomes.pressured & thrown) | (result == SACK)).sum())
        self.carries += int(carried.sum())
        self.carry_yards_milli += int(np.rint(yards[carried] * MILLI).sum())
        self.negative_runs += int((carried & (yards < 0)).sum())
        depth = np.digitize(outcomes.air_yards[targeted], DEPTH_EDGES)
        caught = complete[targeted]
        self.depth_yac_milli += np.bincount(
            depth[caught],
            weights=np.rint(yac[targeted][caught] * MILLI),
            minlength=len(DEPTH_KEYS),
        ).astype(np.int64)
        self.depth_attempts += np.bincount(depth, minlength=len(DEPTH_KEYS))
        self.depth_completions += np.bincount(depth[complete[targeted]], minlength=len(DEPTH_KEYS))
        counts = np.bincount(
            outcomes.target[targeted].astype(np.int64), minlength=len(outcomes.roles)
        )
        for role, count in zip(outcomes.roles, counts, strict=True):
            if count:
                self.targets[role] = self.targets.get(role, 0) + int(count)
        return self

    def merge(self, other: MetricsAggregator) -> MetricsAggregator:
        """Add another partial aggregate into this one (exact; order does not matter)."""
        for name in _COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.yards_hist += other.yards_hist
        self.time_hist += other.time_hist
        self.depth_attempts += other.depth_attempts
        self.depth_completions += other.depth_completions
        self.depth_yac_milli += other.depth_yac_milli
        for role, count in other.targets.items():
            self.targets[role] = self.targets.get(role, 0) + count
        return self

    @classmethod
    def of(cls, *parts: Outcomes) -> MetricsAggregator:
        agg = cls()
        for part in parts:
            agg.add(part)
        return agg

    def to_state(self) -> dict:
        """JSON-ready partial state (store it per chunk task, merge later)."""
        state = {name: getattr(self, name) for name in _COUNTS}
        state["yards_hist"] = _sparse(self.yards_hist)
        state["time_hist"] = _sparse(self.time_hist)
        state["depth_attempts"] = self.depth_attempts.tolist()
        state["depth_completions"] = self.depth_completions.tolist()
        state["depth_yac_milli"] = self.depth_yac_milli.tolist()
        state["targets"] = dict(sorted(self.targets.items()))
        return state

    @classmethod
    def from_state(cls, state: dict) -> MetricsAggregator:
        agg = cls()
        for name in _COUNTS:
            setattr(agg, name, int(state.get(name, 0) if name in _NEWER else state[name]))
        for index, count in state["yards_hist"]:
            agg.yards_hist[index] = count
        for index, count in state["time_hist"]:
            agg.time_hist[index] = count
        agg.depth_attempts[:] = state["depth_attempts"]
        agg.depth_completions[:] = state["depth_completions"]
        agg.depth_yac_milli[:] = state.get("depth_yac_milli", [0] * len(DEPTH_KEYS))
        agg.targets = {role: int(n) for role, n in state["targets"].items()}
        return agg

    def metrics(self) -> dict:
        """The metrics block. Rates of attempts use passes thrown (throw-aways included);
        sack, touchdown and success rates use all dropbacks (episodes). Success = the play
        converted (reached the line to gain or scored). None where nothing was counted."""
        n = self.episodes
        targeted = sum(self.targets.values())
        return {
            "episodes": n,
            "attempts": self.attempts,
            "completion_rate": _rate(self.completions, self.attempts),
            "sack_rate": _rate(self.sacks, n),
            "interception_rate": _rate(self.interceptions, self.attempts),
            "touchdown_rate": _rate(self.touchdowns, n),
            "success_rate": _rate(self.converted, n),
            "mean_yards": self.yards_milli / MILLI / n if n else None,
            "median_yards": _quantile(self.yards_hist, 0.5, C.YARDS_MIN, C.YARDS_BIN),
            "p10_yards": _quantile(self.yards_hist, 0.1, C.YARDS_MIN, C.YARDS_BIN),
            "p90_yards": _quantile(self.yards_hist, 0.9, C.YARDS_MIN, C.YARDS_BIN),
            "mean_reward": self.reward_milli / MILLI / n if n else None,
            "median_time_to_throw_ms": _quantile(self.time_hist, 0.5, 0, C.TIME_BIN_MS),
            "clean_completion_rate": _rate(self.clean_completions, self.clean_attempts),
            "pressured_completion_rate": _rate(self.pressured_completions, self.pressured_attempts),
            "completion_rate_by_depth": {
                key: _rate(int(c), int(a))
                for key, c, a in zip(
                    DEPTH_KEYS, self.depth_completions, self.depth_attempts, strict=True
                )
            },
            "yards_per_attempt": _per(self.attempt_yards_milli, self.attempts),
            "net_yards_per_dropback": _per(self.yards_milli, n),
            "yac_per_completion": _per(self.yac_milli, self.completions),
            "air_yards_per_attempt": _per(self.air_yards_milli, self.attempts),
            "deep_attempt_rate": _rate(self.deep_attempts, self.attempts),
            "explosive_rate": _rate(self.explosives, n),
            "throw_away_rate": _rate(self.throw_aways, n),
            "pressure_rate": _rate(self.pressured_dropbacks, n),
            "yac_by_depth": {
                key: _per(int(y), int(c))
                for key, y, c in zip(
                    DEPTH_KEYS, self.depth_yac_milli, self.depth_completions, strict=True
                )
            },
            # the run game: carries are not dropbacks; the rates above count every episode
            "carries": self.carries,
            "run_share": _rate(self.carries, n),
            "yards_per_carry": _per(self.carry_yards_milli, self.carries),
            "negative_run_rate": _rate(self.negative_runs, self.carries),
            "target_share": {
                role: count / targeted for role, count in sorted(self.targets.items())
            },
        }


def _sparse(hist: np.ndarray) -> list[list[int]]:
    return [[int(i), int(hist[i])] for i in np.nonzero(hist)[0]]
