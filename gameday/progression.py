"""Down, distance and yard line from one snap to the next, by the ruleset.

Pure Python (no Django), so a drive simulator can share it. NFL FLAG: a drive starts
at the offense's own 5; the first line to gain is midfield, then the goal; the
ruleset's `downs_to_convert` downs reach each; a touchdown, a turnover on downs, an
interception or a safety ends the drive and the next snap starts the next drive.

A state's line to gain is implied: `yards_to_goal - distance` yards from the goal
(0 = goal to go). Yards are gained by the offense (a sack or a penalty against us is
negative); a penalty replays the down.

After a touchdown comes the try (one snap, same drive): the 1-point try from the
ruleset's `pat1_distance` (the 5) unless the coach picks the 2-point try from
`pat2_distance` (the 10). Whatever happens on it, the next snap starts the next drive.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from football.situations import SHORT_YARDS, situation_bucket

COMPLETE, INCOMPLETE, INTERCEPTION, SACK, RUN, PENALTY = (
    "complete",
    "incomplete",
    "interception",
    "sack",
    "run",
    "penalty",
)
RESULTS = (COMPLETE, INCOMPLETE, INTERCEPTION, SACK, RUN, PENALTY)

FIRST_DOWN, TOUCHDOWN, TURNOVER_ON_DOWNS, TURNOVER, SAFETY = (
    "first_down",
    "touchdown",
    "turnover_on_downs",
    "interception",
    "safety",
)
TRY_GOOD, TRY_FAILED = "try_good", "try_failed"
DRIVE_ENDS = (TOUCHDOWN, TURNOVER_ON_DOWNS, TURNOVER, SAFETY)
TRY_POINTS = (1, 2)


@dataclass(frozen=True)
class Rules:
    """What the progression needs from a ruleset."""

    playing_length: float = 50.0  # goal line to goal line
    line_to_gain: float | None = 25.0  # yards from the own goal line; None: the goal only
    downs: int = 4
    start: float = 5.0  # a drive starts this far from the own goal line
    try_distances: tuple = (5.0, 10.0)  # yards to goal of the 1- and the 2-point try

    @classmethod
    def of(cls, ruleset):
        """From anything with the Ruleset fields (a model instance or a namespace)."""
        playing = ruleset.field_length - 2 * ruleset.endzone_depth
        midfield = ruleset.line_to_gain if ruleset.use_midfield_line_to_gain else None
        tries = tuple(
            float(getattr(ruleset, name, default))
            for name, default in (("pat1_distance", 5.0), ("pat2_distance", 10.0))
        )
        return cls(
            playing_length=playing,
            line_to_gain=midfield,
            downs=ruleset.downs_to_convert,
            try_distances=tries,
        )

    @property
    def midfield_to_goal(self):
        """The first line to gain, counted in yards to the goal (None: the goal)."""
        if self.line_to_gain is None:
            return None
        return self.playing_length - self.line_to_gain


@dataclass(frozen=True)
class State:
    drive: int
    down: int
    distance: float
    yards_to_goal: float
    try_points: int | None = None  # 1 or 2 on the try after a touchdown

    @property
    def line_to_gain(self):
        """Yards to the goal of the line to gain (0: goal to go)."""
        return max(0.0, self.yards_to_goal - self.distance)


@dataclass(frozen=True)
class Outcome:
    event: str | None  # first_down, touchdown, turnover_on_downs, interception, safety
    next: State  # the state of the next snap

    @property
    def converted(self):
        """The play reached the line to gain or scored (the simulator's "success")."""
        return self.event in (FIRST_DOWN, TOUCHDOWN, TRY_GOOD)


def series(rules: Rules, drive: int, yards_to_goal: float) -> State:
    """1st down at `yards_to_goal`: the line to gain is midfield while short of it,
    else the goal."""
    midfield = rules.midfield_to_goal
    target = midfield if midfield is not None and yards_to_goal > midfield else 0.0
    return State(drive, 1, _yd(yards_to_goal - target), _yd(yards_to_goal))


def drive_start(rules: Rules, drive: int = 1) -> State:
    return series(rules, drive, rules.playing_length - rules.start)


def try_state(rules: Rules, drive: int, points: int = 1) -> State:
    """The try after the touchdown of `drive`: goal to go from the try's spot."""
    if points not in TRY_POINTS:
        raise ValueError(f"a try is for 1 or 2 points, not {points!r}")
    spot = _yd(rules.try_distances[points - 1])
    return State(drive, 1, spot, spot, points)


def advance(
    rules: Rules, state: State, result: str, yards: float = 0.0, touchdown: bool = False
) -> Outcome:
    """What `result` for `yards` at `state` leads to."""
    if result not in RESULTS:
        raise ValueError(f"unknown result {result!r}")
    if state.try_points:
        scored = touchdown or (
            result not in (INCOMPLETE, INTERCEPTION) and yards >= state.yards_to_goal
        )
        return Outcome(TRY_GOOD if scored else TRY_FAILED, drive_start(rules, state.drive + 1))
    if result == INTERCEPTION:
        return Outcome(TURNOVER, drive_start(rules, state.drive + 1))
    if result == INCOMPLETE:
        yards = 0.0
    spot = state.yards_to_goal - yards
    if touchdown or spot <= 0:
        return Outcome(TOUCHDOWN, try_state(rules, state.drive))
    if spot >= rules.playing_length:
        return Outcome(SAFETY, drive_start(rules, state.drive + 1))
    line = state.line_to_gain
    if spot <= line and line > 0:
        return Outcome(FIRST_DOWN, series(rules, state.drive, spot))
    down = state.down if result == PENALTY else state.down + 1
    if down > rules.downs:
        return Outcome(TURNOVER_ON_DOWNS, drive_start(rules, state.drive + 1))
    return Outcome(
        None, replace(state, down=down, distance=_yd(spot - line), yards_to_goal=_yd(spot))
    )


def replay(rules: Rules, snaps, first: State | None = None):
    """[(state, outcome)] for a sequence of snaps, each a dict with result, yards,
    touchdown and optionally entered drive/down/distance/yards_to_goal (which win over
    the progression)."""
    expected = first or drive_start(rules)
    out = []
    for snap in snaps:
        state = entered(expected, snap, rules)
        outcome = advance(
            rules, state, snap["result"], snap.get("yards") or 0.0, snap.get("touchdown", False)
        )
        out.append((state, outcome))
        expected = outcome.next
    return out


def entered(expected: State, snap, rules: Rules | None = None) -> State:
    """`expected` with whatever the snap states itself. On the try the snap may pick
    the other try (`try_points`); a snap that states its down, distance or yard line but
    no try is not a try (a charted game that left the try out)."""
    values = {k: snap.get(k) for k in ("drive", "down", "distance", "yards_to_goal")}
    points = snap.get("try_points")
    if points and points != expected.try_points:
        expected = try_state(rules or Rules(), expected.drive, points)
    elif not points and any(v is not None for v in values.values()):
        expected = replace(expected, try_points=None)
    return replace(expected, **{k: v for k, v in values.items() if v is not None})


def bucket(down: int, distance: float, yards_to_goal: float, downs: int = 4) -> str:
    """The situation bucket used by training and recommendations (football.situations)."""
    return situation_bucket(down, distance, yards_to_goal, downs)


def distance_bucket(distance: float) -> str:
    if distance <= SHORT_YARDS:
        return "short (1-3)"
    if distance <= 10:
        return "medium (4-10)"
    return "long (11+)"


DISTANCE_BUCKETS = ("short (1-3)", "medium (4-10)", "long (11+)")
ZONES = ("own half", "plus territory", "red zone", "goal line")


def field_zone(rules: Rules, yards_to_goal: float) -> str:
    """Own half (behind midfield), plus territory, red zone (≤ 10), goal line (≤ 5)."""
    if yards_to_goal <= 5:
        return "goal line"
    if yards_to_goal <= 10:
        return "red zone"
    if yards_to_goal <= rules.playing_length / 2:
        return "plus territory"
    return "own half"


def _yd(value: float) -> float:
    return round(float(value), 1)
