"""The drive rules of a ruleset and the state grid a drive moves on.

A state is (down, distance, yards to the goal) on a 1-yard grid. The rules of one play
live in `advance`, which works on arrays: the expected-points solver applies it to every
state × every outcome bin once, and the game simulator follows the tables it produced,
so both follow exactly the same rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields

import numpy as np

from simulation.engine import Ruleset

# Outcome kinds of one snap, as the transition tables store them.
GAIN, TOUCHDOWN, INTERCEPTION = 0, 1, 2
KIND_NAMES = ("GAIN", "TOUCHDOWN", "INTERCEPTION")

# What a snap did to the drive.
CONTINUE, TD, PICK, DOWNS, SAFETY = 0, 1, 2, 3, 4
EVENT_NAMES = ("CONTINUE", "TD", "INTERCEPTION", "DOWNS", "SAFETY")


@dataclass(frozen=True)
class DriveRules:
    """The parts of a ruleset a drive needs, named like the ruleset's fields, plus the
    engine's ruleset for the plays themselves. Defaults: NFL FLAG 5v5."""

    name: str = "NFL FLAG 5v5"
    field_length: float = 70.0  # including both end zones
    endzone_depth: float = 10.0
    no_run_zone_depth: float = 5.0  # shown with the rules; the engine (its Ruleset) enforces it
    use_midfield_line_to_gain: bool = True
    line_to_gain: float = 25.0  # yards from the own goal line, when not midfield
    reset_at_midfield: bool = True
    # NFL FLAG: three downs to cross midfield, three more to score.
    downs_to_convert: int = 3
    downs_to_score: int | None = None  # None: as many as to convert
    start_yardline: float = 5.0  # a drive starts this far from the own goal line
    td_points: int = 6
    pat1_points: int = 1
    pat1_distance: float = 5.0
    pat2_points: int = 2
    pat2_distance: float = 10.0
    safety_points: int = 2
    # NFL FLAG: every change of possession except an interception restarts at the own 5.
    downs_turnover_at_start: bool = True
    # The engine ends an interception at the catch point (no return run); a league that
    # wants returns priced in can move the spot by this many yards.
    interception_return_yards: float = 0.0
    engine: Ruleset = field(default_factory=Ruleset)

    def __post_init__(self):
        if self.playing_length < 10 or self.playing_length != int(self.playing_length):
            raise ValueError(f"{self.playing_length} playing yards: a whole number ≥ 10 needed")
        if not 0 < self.start_yardline < self.playing_length:
            raise ValueError(f"start at {self.start_yardline}: not on the field")
        if not 0 <= self.line_to_gain_ytg < self.playing_length:
            raise ValueError("the line to gain is not on the field")
        if self.downs_to_convert < 1 or self.score_downs < 1:
            raise ValueError("at least one down per series")
        for d in (self.pat1_distance, self.pat2_distance):
            if not 1 <= d <= self.playing_length:
                raise ValueError(f"try from {d}: not on the field")

    @classmethod
    def from_mapping(cls, data: Mapping | None = None, **overrides) -> DriveRules:
        """From a ruleset's fields (a dict such as the NFL FLAG profile, or a model's
        values); unknown keys are ignored, missing ones take the NFL FLAG defaults."""
        data = {**(data or {}), **overrides}
        own = {f.name for f in fields(cls)} - {"engine"}
        engine_names = {f.name for f in fields(Ruleset)}
        engine = Ruleset(**{k: v for k, v in data.items() if k in engine_names})
        return cls(engine=engine, **{k: v for k, v in data.items() if k in own})

    @property
    def playing_length(self) -> float:
        return self.field_length - 2 * self.endzone_depth

    @property
    def L(self) -> int:
        return int(self.playing_length)

    @property
    def score_downs(self) -> int:
        return self.downs_to_convert if self.downs_to_score is None else self.downs_to_score

    @property
    def max_downs(self) -> int:
        return max(self.downs_to_convert, self.score_downs)

    @property
    def line_to_gain_ytg(self) -> int:
        """The first line to gain, in yards to the goal (0: the goal itself)."""
        if not self.reset_at_midfield:
            return 0
        from_own = self.playing_length / 2 if self.use_midfield_line_to_gain else self.line_to_gain
        return round(self.playing_length - from_own)

    @property
    def start_ytg(self) -> int:
        return round(self.playing_length - self.start_yardline)

    def first_down(self, ytg):
        """Distance of a fresh series at ytg yards to the goal (arrays welcome)."""
        ytg = np.asarray(ytg)
        line = self.line_to_gain_ytg
        return np.where(ytg > line, ytg - line, ytg)

    def series_downs(self, distance, ytg):
        """Downs of the series: to score when the line to gain is the goal."""
        return np.where(
            np.asarray(distance) >= np.asarray(ytg), self.score_downs, self.downs_to_convert
        )

    def to_dict(self) -> dict:
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "engine"}
        out["downs_to_score"] = self.score_downs
        return out


NFL_FLAG = DriveRules()


class Grid:
    """Every (down, distance, yards to goal) a drive can be in: 1 ≤ distance ≤ ytg ≤ L,
    down up to the series' downs. Index order: ytg, then distance, then down."""

    def __init__(self, rules: DriveRules):
        self.rules = rules
        L = rules.L
        ytg, dist, down = [], [], []
        for y in range(1, L + 1):
            for d in range(1, y + 1):
                for n in range(1, int(rules.series_downs(d, y)) + 1):
                    ytg.append(y)
                    dist.append(d)
                    down.append(n)
        self.ytg = np.array(ytg, dtype=np.int32)
        self.distance = np.array(dist, dtype=np.int32)
        self.down = np.array(down, dtype=np.int32)
        self.size = len(ytg)
        D = rules.max_downs
        self._lookup = np.full((L + 1, L + 1, D + 1), -1, dtype=np.int32)
        self._lookup[self.ytg, self.distance, self.down] = np.arange(self.size, dtype=np.int32)
        self.start = self.first_down_index(rules.start_ytg)

    def index(self, down, distance, ytg):
        """State indices (arrays welcome); -1 where no such state."""
        return self._lookup[np.asarray(ytg), np.asarray(distance), np.asarray(down)]

    def first_down_index(self, ytg):
        ytg = np.clip(np.asarray(ytg), 1, self.rules.L)
        return self.index(1, self.rules.first_down(ytg), ytg)

    def find(self, down: int, distance: float, ytg: float) -> int:
        """A situation as asked (yards rounded to the grid); ValueError if off the grid."""
        y, d = round(ytg), round(distance)
        if not 1 <= y <= self.rules.L:
            raise ValueError(f"{ytg} yd to the goal: must be 1 to {self.rules.L}")
        if not 1 <= d <= y:
            raise ValueError(f"{distance} to go: must be 1 to the {y} yd to the goal")
        s = int(self.index(down, d, y)) if 1 <= down <= self.rules.max_downs else -1
        if s < 0:
            limit = int(self.rules.series_downs(d, y))
            raise ValueError(f"down {down}: must be 1 to {limit} in {self.rules.name}")
        return s


def advance(rules: DriveRules, grid: Grid, state, kind, value):
    """One snap from `state` with an outcome (kind, value): value is the gain in whole
    yards for GAIN, the spot of the catch (yards past the line) for INTERCEPTION.

    Returns (event, next_state, points_for, points_against): next_state indexes the
    offense's grid while the drive goes on, else the grid of the team that gets the ball.
    Points of a touchdown exclude the try, which is decided separately.
    """
    state, kind, value = np.broadcast_arrays(
        np.asarray(state), np.asarray(kind), np.asarray(value).astype(np.int64)
    )
    L = rules.L
    y = grid.ytg[state]
    dist = grid.distance[state]
    down = grid.down[state]
    new_y = y - value
    event = np.full(state.shape, CONTINUE, dtype=np.int8)
    nxt = np.full(state.shape, -1, dtype=np.int32)
    pts_for = np.zeros(state.shape, dtype=np.int16)
    pts_against = np.zeros(state.shape, dtype=np.int16)
    restart = grid.start  # the other team's own 5 (a new drive)

    gain = kind == GAIN
    td = (kind == TOUCHDOWN) | (gain & (new_y <= 0))
    event[td] = TD
    pts_for[td] = rules.td_points
    nxt[td] = restart

    pick = kind == INTERCEPTION
    # The catch spot in the other team's yards to go; in our end zone it would be theirs,
    # in theirs a touchback (a new drive).
    spot = y - value
    other_y = L - spot - round(rules.interception_return_yards)
    other_y = np.clip(other_y, 1, L)
    pick_state = np.where(spot <= 0, restart, grid.first_down_index(other_y))
    event[pick] = PICK
    nxt[pick] = pick_state[pick]

    live = gain & ~td
    safety = live & (new_y >= L)
    event[safety] = SAFETY
    pts_against[safety] = rules.safety_points
    nxt[safety] = restart

    moving = live & ~safety
    converted = moving & (value >= dist)
    fresh = grid.first_down_index(np.clip(new_y, 1, L))
    nxt[converted] = fresh[converted]
    stays = moving & ~converted
    next_down = down + 1
    out_of_downs = stays & (next_down > rules.series_downs(dist, y))
    event[out_of_downs] = DOWNS
    on_spot = grid.first_down_index(np.clip(L - new_y, 1, L))
    nxt[out_of_downs] = restart if rules.downs_turnover_at_start else on_spot[out_of_downs]
    go_on = stays & ~out_of_downs
    same = grid.index(
        np.where(go_on, next_down, 1),
        np.where(go_on, dist - value, 1),
        np.where(go_on, np.clip(new_y, 1, L), 1),
    )
    nxt[go_on] = same[go_on]
    return event, nxt, pts_for, pts_against
