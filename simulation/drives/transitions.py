"""Play transitions sampled from the engine, once per (play, defense, cell).

The engine's play depends on the yard line (the goal line and the end line move with
it) and, on a late down short of the goal, on the distance: the quarterback then wants
the throw that reaches the line to gain. On early downs (and goal to go) the distance
plays no part, so one sample per yard-line cell serves every early down there; a state
`ytg` yards from the goal uses the nearest cell at or beyond it (`cells[i] ≥ ytg`): a
gain that reaches the goal from the state is a touchdown, and the cells are one yard
apart near the goal, where the end line matters. Late downs short of the line to gain
have cells of their own, keyed by the distance (one yard apart where the sticks change
the read): 3rd & 2 is sampled with the quarterback reading for 2 yards, never taken
from a 1st-down sample where a 2-yard catch means something else.
"""

from __future__ import annotations

import hashlib
import zlib
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from simulation.drives.rules import GAIN, INTERCEPTION, TOUCHDOWN, DriveRules, Grid
from simulation.engine import (
    INTERCEPTION as ENGINE_INTERCEPTION,
)
from simulation.engine import (
    DefenseRatings,
    OffenseRatings,
    PlayInput,
    ScenarioInput,
    Situation,
    prepare,
    simulate_prepared,
)
from simulation.engine.constants import LATE_DOWN

# Distances of the late-down cells: every yard where a read's catch point can fall short
# of the sticks or past them, then coarser where only the deep routes reach.
LATE_DISTANCES = (1, 2, 3, 4, 5, 7, 10, 15, 20)

CACHE_SIZE = 8
_cache: OrderedDict[str, TransitionTable] = OrderedDict()


@dataclass
class TeamSpec:
    """One team: its plays (offense), its defenses with the weights it calls them, and
    its lineup. Ids are the keys a caller and a report name things by."""

    name: str
    plays: Mapping[str, PlayInput]
    defenses: Mapping[str, ScenarioInput]
    defense_weights: Mapping[str, float] = field(default_factory=dict)  # empty: equal
    offense_players: Mapping[str, OffenseRatings] = field(default_factory=dict)
    defense_players: Mapping[str, DefenseRatings] = field(default_factory=dict)

    def weights(self) -> np.ndarray:
        w = np.array([float(self.defense_weights.get(k, 1.0)) for k in self.defenses])
        if (w < 0).any() or w.sum() <= 0:
            raise ValueError(f"{self.name}: defense weights must be ≥ 0 and not all 0")
        return w / w.sum()


def default_cells(rules: DriveRules) -> np.ndarray:
    """Yard-line cells: dense inside the 10 (the end line squeezes the defense), then
    15/20/30, plus the tries and the drive start. A state between two cells plays the
    one beyond it (a 1st & goal at the 25 plays the 30's sample; a cell at the 25 moves
    its EP by 0.04, docs/drives.md, "The midfield cell").
    Past the deepest cell the deepest one is used: far from the goal the end line is out
    of reach of every route."""
    L = rules.L
    cells = {1, 2, 3, 5, 7, 10, 15, 20, 30, rules.start_ytg}
    cells |= {round(rules.pat1_distance), round(rules.pat2_distance)}
    return np.array(sorted(c for c in cells if 1 <= c <= L), dtype=np.int32)


def default_late_distances(rules: DriveRules) -> np.ndarray:
    """Distances of the late-down cells: only where a line to gain short of the goal
    exists (with the goal as the line the distance is the yards to the goal, and the
    engine reads for the end zone instead)."""
    line = rules.line_to_gain_ytg
    if line <= 0:
        return np.zeros(0, dtype=np.int32)
    return np.array([d for d in LATE_DISTANCES if line + d <= rules.L], dtype=np.int32)


def cell_count(rules: DriveRules) -> int:
    return len(default_cells(rules)) + len(default_late_distances(rules))


def late_yardline(rules: DriveRules, distance: int) -> int:
    """Where a late-down cell is sampled: `distance` short of the line to gain."""
    return min(rules.L, rules.line_to_gain_ytg + int(distance))


@dataclass
class TransitionTable:
    """Sampled snaps: bins[p, d, c, n] indexes (bin_kind, bin_value); result holds the
    engine's result code per sample (for reports). Cells 0..len(cells)-1 are the
    early-down cells by yards to the goal, the next len(late) the late-down cells by
    distance."""

    plays: tuple[str, ...]
    defenses: tuple[str, ...]
    cells: np.ndarray  # int32 yards to the goal, ascending (early downs)
    bins: np.ndarray  # int16 [P, D, C, N]
    bin_kind: np.ndarray  # int8 [B]
    bin_value: np.ndarray  # int32 [B]
    result: np.ndarray  # int8 [P, D, C, N]
    key: str = ""
    play_names: tuple[str, ...] = ()  # for people; empty: the ids
    defense_names: tuple[str, ...] = ()
    late: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))  # distances

    def __post_init__(self):
        self.play_names = tuple(self.play_names) or self.plays
        self.defense_names = tuple(self.defense_names) or self.defenses
        self.late = np.asarray(self.late, dtype=np.int32)
        if self.bins.shape[2] != self.n_cells:
            raise ValueError(f"{self.bins.shape[2]} cells sampled, {self.n_cells} declared")

    @property
    def n_cells(self) -> int:
        return len(self.cells) + len(self.late)

    @classmethod
    def from_samples(
        cls, plays, defenses, cells, kind, value, result=None, key="", names=(), late=()
    ):
        """From per-sample arrays [P, D, C, N] of kinds and whole-yard values (hand-made
        tables in tests use this too)."""
        kind = np.asarray(kind, dtype=np.int64)
        value = np.asarray(value, dtype=np.int64)
        value = np.where(kind == TOUCHDOWN, 0, value)
        code = kind * 100_000 + (value + 50_000)
        uniq, inverse = np.unique(code, return_inverse=True)
        if result is None:
            result = np.where(kind == INTERCEPTION, ENGINE_INTERCEPTION, 0)
        return cls(
            plays=tuple(plays),
            defenses=tuple(defenses),
            cells=np.asarray(cells, dtype=np.int32),
            bins=inverse.reshape(kind.shape).astype(np.int16),
            bin_kind=(uniq // 100_000).astype(np.int8),
            bin_value=(uniq % 100_000 - 50_000).astype(np.int32),
            result=np.asarray(result, dtype=np.int8),
            key=key,
            play_names=names[0] if names else (),
            defense_names=names[1] if names else (),
            late=np.asarray(late, dtype=np.int32),
        )

    @property
    def shape(self):
        return self.bins.shape

    def cell_of(self, ytg) -> np.ndarray:
        """The cell a state uses: the nearest at or beyond it, else the deepest."""
        i = np.searchsorted(self.cells, np.asarray(ytg), side="left")
        return np.minimum(i, len(self.cells) - 1)

    def state_cells(self, rules: DriveRules, grid: Grid) -> np.ndarray:
        """The cell every state of the grid uses: a late down (3rd, or the series' last)
        short of the goal takes the late cell of the nearest distance at or beyond its
        own (the deepest past the last), every other state its yard-line cell."""
        cells = self.cell_of(grid.ytg)
        if not len(self.late):
            return cells
        last = rules.series_downs(grid.distance, grid.ytg)
        late = ((grid.down >= LATE_DOWN) | (grid.down == last)) & (grid.distance < grid.ytg)
        j = np.minimum(np.searchsorted(self.late, grid.distance, side="left"), len(self.late) - 1)
        return np.where(late, len(self.cells) + j, cells)

    def histogram(self) -> np.ndarray:
        """Probabilities [P, D, C, B] of each outcome bin."""
        P, D, C, N = self.bins.shape
        B = len(self.bin_kind)
        flat = self.bins.reshape(P * D * C, N).astype(np.int64)
        offsets = np.arange(P * D * C)[:, None] * B
        counts = np.bincount((flat + offsets).ravel(), minlength=P * D * C * B)
        return (counts.reshape(P, D, C, B) / N).astype(np.float64)

    def summary(self) -> dict:
        P, D, C, N = self.bins.shape
        return {
            "key": self.key,
            "plays": list(self.plays),
            "defenses": list(self.defenses),
            "cells": self.cells.tolist(),
            "late_down_distances": self.late.tolist(),
            "samples_per_cell": N,
            "samples": P * D * C * N,
        }


# Near the goal a defense that aligns deeper than the end line lines up this far inside it
# (and drops its deep zones there): the end zone is the whole field it has left.
END_LINE_MARGIN_YD = 1.0


def fit_to_field(scenario: ScenarioInput, rules: DriveRules, ytg: float) -> ScenarioInput:
    """The scenario as it lines up `ytg` yards from the goal."""
    deepest = ytg + rules.endzone_depth - END_LINE_MARGIN_YD
    if all(d.x <= deepest and (d.zone_x or 0) <= deepest for d in scenario.defenders):
        return scenario
    defenders = tuple(
        replace(
            d,
            x=min(d.x, deepest),
            zone_x=None if d.zone_x is None else min(d.zone_x, deepest),
        )
        for d in scenario.defenders
    )
    return replace(scenario, defenders=defenders)


def _stable_id(text: str) -> int:
    return zlib.crc32(text.encode())


def table_key(
    offense: TeamSpec, defense: TeamSpec, rules: DriveRules, n, seed, cells, late=()
) -> str:
    parts = (
        sorted(offense.plays.items()),
        sorted(defense.defenses.items()),
        sorted(offense.offense_players.items()),
        sorted(defense.defense_players.items()),
        rules.engine,
        int(n),
        int(seed),
        tuple(int(c) for c in cells),
        tuple(int(d) for d in late),
        rules.line_to_gain_ytg,
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def _grid(rules: DriveRules, cells, late):
    """The early cells and late distances, checked."""
    cells = default_cells(rules) if cells is None else np.asarray(sorted(set(cells)), np.int32)
    late = (
        default_late_distances(rules)
        if late is None
        else np.asarray(sorted(set(late)), dtype=np.int32)
    )
    if cells[0] < 1 or cells[-1] > rules.L:
        raise ValueError(f"cells must be 1 to {rules.L} yd to the goal")
    if len(late) and (rules.line_to_gain_ytg <= 0 or late[0] < 1):
        raise ValueError("late-down cells need a line to gain short of the goal")
    return cells, late


def _situations(rules: DriveRules, cells, late):
    """(engine situation, random-stream tag) per cell: early cells as a 1st down (the
    distance is not read), late ones as the late down `d` short of the line to gain."""
    return [
        (Situation(down=1, distance=float(min(10, y)), yardline=float(y)), (int(y),)) for y in cells
    ] + [
        (
            Situation(down=LATE_DOWN, distance=float(d), yardline=float(late_yardline(rules, d))),
            (late_yardline(rules, d), int(d), LATE_DOWN),
        )
        for d in late
    ]


def is_cached(
    offense: TeamSpec,
    defense: TeamSpec,
    rules: DriveRules,
    n_episodes: int,
    seed: int = 0,
    cells=None,
    late=None,
) -> bool:
    """Whether sample_transitions would answer these from memory."""
    cells, late = _grid(rules, cells, late)
    return table_key(offense, defense, rules, n_episodes, seed, cells, late) in _cache


def sample_play(
    offense: TeamSpec,
    defense: TeamSpec,
    rules: DriveRules,
    play_id: str,
    n_episodes: int,
    seed: int = 0,
    cells=None,
    late=None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One play's share of sample_transitions: (kind int8, value int32, engine result
    int8), each [defenses, cells, n_episodes]. A job that samples in slices calls it
    play by play and hands the pieces to sample_transitions(sampled=...)."""
    if n_episodes < 1:
        raise ValueError("n_episodes must be at least 1")
    cells, late = _grid(rules, cells, late)
    situations = _situations(rules, cells, late)
    play = offense.plays[play_id]
    shape = (len(defense.defenses), len(situations), n_episodes)
    kind = np.zeros(shape, dtype=np.int8)
    value = np.zeros(shape, dtype=np.int32)
    result = np.zeros(shape, dtype=np.int8)
    for d, (did, scenario) in enumerate(defense.defenses.items()):
        for c, (situation, tag) in enumerate(situations):
            ytg = situation.yardline
            try:
                prepared = prepare(
                    play,
                    fit_to_field(scenario, rules, ytg),
                    rules.engine,
                    offense.offense_players,
                    defense.defense_players,
                    situation,
                )
            except ValueError as exc:
                raise ValueError(f"{play_id} vs {did} at {ytg:g} yd to go: {exc}") from exc
            out = simulate_prepared(
                prepared,
                n_episodes,
                seed,
                key=(_stable_id(play_id), _stable_id(did), *tag),
            )
            picked = out.result == ENGINE_INTERCEPTION
            scored = out.touchdown & ~picked
            kind[d, c] = np.where(picked, INTERCEPTION, np.where(scored, TOUCHDOWN, GAIN))
            spot = np.nan_to_num(out.air_yards, nan=0.0)
            # Whole yards toward the line of scrimmage: a 9.8-yd gain does not
            # convert 10 to go and a sack 4.6 yd deep at the own 5 is no safety.
            value[d, c] = np.where(picked, np.rint(spot), np.trunc(out.yards))
            result[d, c] = out.result
    return kind, value, result


def sample_transitions(
    offense: TeamSpec,
    defense: TeamSpec,
    rules: DriveRules,
    n_episodes: int = 1024,
    seed: int = 0,
    cells: Sequence[int] | None = None,
    late: Sequence[int] | None = None,
    sampled: dict | None = None,
) -> TransitionTable:
    """offense's plays × defense's defenses × cells, n_episodes each, from the engine.
    Early-down cells by yards to the goal (`cells`), late-down cells by distance
    (`late`, default `default_late_distances`; empty: none). Each triple has its own
    random stream (seed, play id, defense id, cell), so a pair's samples do not depend on
    what else is in the playbook. `sampled`: play id → sample_play's arrays already
    taken (the rest are sampled here). Cached in memory by inputs."""
    if n_episodes < 1:
        raise ValueError("n_episodes must be at least 1")
    cells, late = _grid(rules, cells, late)
    key = table_key(offense, defense, rules, n_episodes, seed, cells, late)
    if key in _cache:
        _cache.move_to_end(key)
        return _cache[key]
    sampled = sampled or {}
    parts = [
        sampled.get(pid) or sample_play(offense, defense, rules, pid, n_episodes, seed, cells, late)
        for pid in offense.plays
    ]
    kind, value, result = (np.stack([part[i] for part in parts]) for i in range(3))
    table = TransitionTable.from_samples(
        offense.plays,
        defense.defenses,
        cells,
        kind,
        value,
        result,
        key=key,
        names=(
            tuple(p.name for p in offense.plays.values()),
            tuple(d.name for d in defense.defenses.values()),
        ),
        late=late,
    )
    _cache[key] = table
    while len(_cache) > CACHE_SIZE:
        _cache.popitem(last=False)
    return table
