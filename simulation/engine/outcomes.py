"""Per-episode outcomes as a struct of arrays, and the training reward (docs/domain.md,
One pass play)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from simulation.engine import constants as C

COMPLETE, INCOMPLETE, INTERCEPTION, SACK = 0, 1, 2, 3
RUN = 4  # a carry (run plays): target is the carrier, yards where his flag came off
RESULT_NAMES = ("COMPLETE", "INCOMPLETE", "INTERCEPTION", "SACK", "RUN")


def reward(yards, converted, result) -> np.ndarray:
    """Yards clipped to [-5, 25]; +10 if converted (or scored); -5 sack; -10 interception."""
    r = np.clip(np.asarray(yards, dtype=np.float64), C.REWARD_YARDS_MIN, C.REWARD_YARDS_MAX)
    r = r + C.REWARD_CONVERT * np.asarray(converted)
    r = r + C.REWARD_SACK * (np.asarray(result) == SACK)
    return r + C.REWARD_INTERCEPTION * (np.asarray(result) == INTERCEPTION)


@dataclass
class Outcomes:
    """One entry per episode, in episode order.

    result: COMPLETE/INCOMPLETE/INTERCEPTION/SACK codes; target: index into `roles`
    (-1: sacked or thrown away); time_to_throw_ms: the ball leaving the hand (the sack's
    moment for a sack); separations, air_yards: NaN where there was no such moment.
    """

    roles: tuple[str, ...]
    result: np.ndarray  # int8
    touchdown: np.ndarray  # bool
    yards: np.ndarray  # float32, relative to the LOS
    converted: np.ndarray  # bool
    target: np.ndarray  # int8
    time_to_throw_ms: np.ndarray  # int32
    pressured: np.ndarray  # bool
    separation_at_throw: np.ndarray  # float32 yd: nearest defender to the target at release
    separation_at_catch: np.ndarray  # float32 yd: nearest defender to the ball at arrival
    air_yards: np.ndarray  # float32
    yac: np.ndarray  # float32
    traces: list[dict] = field(default_factory=list)

    ARRAYS = (
        "result",
        "touchdown",
        "yards",
        "converted",
        "target",
        "time_to_throw_ms",
        "pressured",
        "separation_at_throw",
        "separation_at_catch",
        "air_yards",
        "yac",
    )

    def __len__(self) -> int:
        return int(self.result.shape[0])

    @property
    def reward(self) -> np.ndarray:
        return reward(self.yards, self.converted, self.result)

    @classmethod
    def concat(cls, parts: list[Outcomes]) -> Outcomes:
        if not parts:
            raise ValueError("nothing to concatenate")
        arrays = {name: np.concatenate([getattr(p, name) for p in parts]) for name in cls.ARRAYS}
        traces = [t for p in parts for t in p.traces]
        return cls(roles=parts[0].roles, traces=traces, **arrays)

    def equals(self, other: Outcomes) -> bool:
        """Bit-for-bit equality of every array (NaN equal to NaN)."""
        return self.roles == other.roles and all(
            np.array_equal(getattr(self, n), getattr(other, n), equal_nan=True) for n in self.ARRAYS
        )

    def subset(self, index) -> Outcomes:
        arrays = {name: getattr(self, name)[index] for name in self.ARRAYS}
        return Outcomes(roles=self.roles, **arrays)
