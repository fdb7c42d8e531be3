"""What the engine is given: plain frozen dataclasses, no Django.

Coordinates as docs/domain.md (Field and units): x yards downfield from the line of
scrimmage, y yards sideways from the ball (+ = offense's right), time in ms from the snap.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields

# The engine modules take the duty and role names from here; they mean what football says.
from football.duties import MAN as MAN
from football.duties import MAN_AUTO
from football.duties import RUSH as RUSH
from football.duties import ZONE as ZONE
from football.roles import QB as QB
from football.rules import NFL_FLAG_5V5 as NFL

DEFAULT_RATING = 70.0
AUTO = MAN_AUTO


@dataclass(frozen=True)
class Ruleset:
    """The parts of a ruleset the engine uses. Defaults: NFL FLAG 5v5 (football.rules)."""

    name: str = NFL.name
    field_width: float = NFL.field_width
    field_length: float = NFL.field_length  # including both end zones
    endzone_depth: float = NFL.endzone_depth
    rush_distance: float = NFL.rush_distance
    rush_delay_ms: float = float(NFL.rush_delay_ms)
    max_rushers: int = NFL.max_rushers
    pass_clock_ms: float = float(NFL.pass_clock_ms)
    line_to_gain: float = NFL.line_to_gain
    # the run game: where runs are not allowed (football.plays.no_run_zone)
    no_run_zone_depth: float = NFL.no_run_zone_depth
    use_midfield_line_to_gain: bool = NFL.use_midfield_line_to_gain

    @property
    def half_width(self) -> float:
        return self.field_width / 2

    @property
    def playing_length(self) -> float:
        """Goal line to goal line."""
        return self.field_length - 2 * self.endzone_depth


NFL_FLAG_5V5 = Ruleset()


@dataclass(frozen=True)
class Situation:
    down: int = 1
    distance: float = 10.0  # yards to go
    yardline: float = 35.0  # yards to the goal line


def _ratings_from(cls, data: Mapping | None):
    """Build a ratings dataclass from a dict, ignoring unknown keys, defaulting missing ones."""
    if data is None:
        return cls()
    names = {f.name for f in fields(cls)}
    return cls(**{k: float(v) for k, v in data.items() if k in names and v is not None})


@dataclass(frozen=True)
class OffenseRatings:
    speed: float = DEFAULT_RATING
    acceleration: float = DEFAULT_RATING
    agility: float = DEFAULT_RATING
    change_of_direction: float = DEFAULT_RATING
    hands: float = DEFAULT_RATING
    route_running: float = DEFAULT_RATING
    separation: float = DEFAULT_RATING
    # quarterback
    throw_power: float = DEFAULT_RATING
    short_acc: float = DEFAULT_RATING
    mid_acc: float = DEFAULT_RATING
    deep_acc: float = DEFAULT_RATING
    release_time_ms: float = 400.0
    decision_latency_ms: float = 300.0

    @classmethod
    def from_dict(cls, data: Mapping | None) -> OffenseRatings:
        return _ratings_from(cls, data)


@dataclass(frozen=True)
class DefenseRatings:
    speed: float = DEFAULT_RATING
    acceleration: float = DEFAULT_RATING
    agility: float = DEFAULT_RATING
    change_of_direction: float = DEFAULT_RATING
    man_coverage: float = DEFAULT_RATING
    zone_coverage: float = DEFAULT_RATING
    ball_skills: float = DEFAULT_RATING
    closing_speed: float = DEFAULT_RATING
    pass_rush: float = DEFAULT_RATING
    get_off: float = DEFAULT_RATING
    reaction_time_ms: float = 250.0

    @classmethod
    def from_dict(cls, data: Mapping | None) -> DefenseRatings:
        return _ratings_from(cls, data)


@dataclass(frozen=True)
class Route:
    """Breakpoints are (x, y, time_ms) offsets from the runner's alignment."""

    breakpoints: tuple[tuple[float, float, float], ...]
    settle: bool = False  # stop at the last breakpoint (hitch, curl) instead of running on
    name: str = ""

    def __post_init__(self):
        # Stored as tuples of floats: routes are hashable, so a play's paths are computed once.
        points = tuple((float(x), float(y), float(t)) for x, y, t in self.breakpoints)
        object.__setattr__(self, "breakpoints", points)


@dataclass(frozen=True)
class Motion:
    """Pre-snap motion: the mover is aligned at (x, y) when the ball is snapped; with
    `at_snap` he is still moving then (a running start). kind: JET, ORBIT, TRADE or ""."""

    role: str
    x: float
    y: float
    duration_ms: float = 0.0
    kind: str = ""
    at_snap: bool = False


@dataclass(frozen=True)
class Handoff:
    """Run and trick plays: `giver` hands or pitches the ball to `carrier` at the mesh
    point (x, y) at time_ms (a QB keeper: carrier == giver == QB, no mesh). A run's
    carrier without a route takes `path` (DIVE, SWEEP, REVERSE) from the mesh; a trick
    play's carrier sets up and throws to `progression`."""

    carrier: str
    giver: str = QB
    x: float | None = None
    y: float | None = None
    time_ms: float | None = None
    path: str = ""
    trick: str = ""
    progression: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlayInput:
    name: str
    alignment: Mapping[str, tuple[float, float]]  # role -> (x, y); must include QB
    routes: Mapping[str, Route | None] = field(default_factory=dict)
    progression: tuple[str, ...] = ()  # empty: every role with a route, in alignment order
    max_time_to_throw_ms: float = 3000.0
    motion: Motion | None = None
    kind: str = "PASS"  # PASS, RUN or TRICK (football.plays)
    handoff: Handoff | None = None  # RUN and TRICK


@dataclass(frozen=True)
class DefenderInput:
    """One defender. duty MAN: man_target is an offensive role or "auto";
    ZONE: zone_x/zone_y/zone_radius; RUSH: goes at the QB."""

    name: str
    x: float
    y: float
    duty: str
    man_target: str | None = None
    zone_x: float | None = None
    zone_y: float | None = None
    zone_radius: float | None = None
    player: DefenseRatings | None = None  # overrides the lineup's player for this slot


@dataclass(frozen=True)
class ScenarioInput:
    name: str
    defenders: tuple[DefenderInput, ...]
    position_jitter_yards: float = 0.5
    reaction_jitter_ms: float = 50.0
