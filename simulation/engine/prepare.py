"""Everything about one play × one scenario that does not depend on the episode.

Receivers' routes carry no randomness, so their paths, the throw table (where a ball
released at each step meets each receiver) and the QB's read schedule are computed
once here; the vectorised loop in core.py only moves defenders and decides outcomes.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np

from simulation.engine import constants as C
from simulation.engine.inputs import (
    AUTO,
    MAN,
    QB,
    RUSH,
    ZONE,
    DefenderInput,
    DefenseRatings,
    OffenseRatings,
    PlayInput,
    Route,
    Ruleset,
    ScenarioInput,
    Situation,
)

NEVER = np.iinfo(np.int32).max  # "no step yet" marker for step-valued arrays

# Flight time allowed for the longest throw the table covers (a 60-yd ball at 15 yd/s).
MAX_FLIGHT_MS = 4000.0


def top_speed(rating: float) -> float:
    return C.TOP_SPEED_BASE + C.TOP_SPEED_PER_RATING * rating / 100.0


def acceleration(rating: float) -> float:
    return C.ACCEL_BASE + C.ACCEL_PER_RATING * rating / 100.0


def turn_loss(agility: float, change_of_direction: float) -> float:
    """Share of speed lost reversing direction (a 90° cut loses half of it)."""
    skill = (agility + change_of_direction) / 2.0
    return C.TURN_LOSS_MAX * (1.0 - C.TURN_SKILL * skill / 100.0)


def field_bounds(rules: Ruleset, situation: Situation) -> tuple[float, float, float]:
    """(min_x, max_x, half_width) of the whole field, end zones included."""
    max_x = situation.yardline + rules.endzone_depth
    min_x = -(rules.playing_length - situation.yardline) - rules.endzone_depth
    return min_x, max_x, rules.half_width


@dataclass(frozen=True)
class Assignment:
    """A defender's resolved duty (docs/domain.md, Duties: auto man matched at the snap)."""

    name: str
    index: int  # position in the scenario's defender list
    duty: str
    x: float
    y: float
    target: str | None = None  # MAN
    zone_x: float = 0.0  # ZONE
    zone_y: float = 0.0
    zone_radius: float = 0.0


def default_zone_radius(x: float) -> float:
    return C.ZONE_RADIUS_DEEP_YD if x >= C.ZONE_DEEP_X_YD else C.ZONE_RADIUS_UNDER_YD


def resolve_assignments(
    defenders: tuple[DefenderInput, ...], alignment: Mapping[str, tuple[float, float]], eligible
) -> list[Assignment]:
    """Explicit duties as given; MAN "auto" matched closest pairs first to the uncovered
    eligible receivers; a man defender lines up at his depth over his man's y."""
    resolved: dict[int, Assignment] = {}
    covered = set()
    auto = []
    for i, d in enumerate(defenders):
        if d.duty == MAN and d.man_target not in (None, AUTO):
            covered.add(d.man_target)
            ty = alignment[d.man_target][1]
            resolved[i] = Assignment(d.name, i, MAN, d.x, ty, target=d.man_target)
        elif d.duty == MAN:
            auto.append(i)
        elif d.duty == ZONE:
            zx = d.x if d.zone_x is None else d.zone_x
            zy = d.y if d.zone_y is None else d.zone_y
            radius = default_zone_radius(zx) if d.zone_radius is None else d.zone_radius
            resolved[i] = Assignment(d.name, i, ZONE, d.x, d.y, None, zx, zy, radius)
        else:
            resolved[i] = Assignment(d.name, i, RUSH, d.x, d.y)
    open_receivers = [r for r in eligible if r not in covered]
    pairs = sorted(
        (math.hypot(defenders[i].x - alignment[r][0], defenders[i].y - alignment[r][1]), k, j)
        for k, i in enumerate(auto)
        for j, r in enumerate(open_receivers)
    )
    taken_d, taken_r = set(), set()
    for _, k, j in pairs:
        if k in taken_d or j in taken_r:
            continue
        taken_d.add(k)
        taken_r.add(j)
        i, role = auto[k], open_receivers[j]
        resolved[i] = Assignment(
            defenders[i].name, i, MAN, defenders[i].x, alignment[role][1], role
        )
    for k, i in enumerate(auto):
        if k not in taken_d:  # more auto men than receivers: the spare one plays a zone
            d = defenders[i]
            radius = default_zone_radius(d.x)
            resolved[i] = Assignment(d.name, i, ZONE, d.x, d.y, None, d.x, d.y, radius)
    return [resolved[i] for i in range(len(defenders))]


@dataclass
class RoutePath:
    x: np.ndarray  # float32, position every FINE_MS
    y: np.ndarray
    breaks: list[tuple[float, float]]  # (time_ms, sharpness 0..1) where the defender is fooled
    first_break_ms: float


@functools.lru_cache(maxsize=512)  # a play's routes are the same against every scenario
def run_route(
    start: tuple[float, float],
    route: Route | None,
    ratings: OffenseRatings,
    n_fine: int,
    bounds: tuple[float, float, float],
) -> RoutePath:
    """The receiver's real path: timed legs at the pace the route asks for, never faster
    than his top speed (late, not teleported), accelerating at his rate, losing speed
    through cuts, bending to stay inside the field."""
    xs = np.empty(n_fine, dtype=np.float32)
    ys = np.empty(n_fine, dtype=np.float32)
    x, y = float(start[0]), float(start[1])
    xs[0], ys[0] = x, y
    if route is None or not route.breakpoints:
        xs[:], ys[:] = x, y
        xs.flags.writeable = ys.flags.writeable = False
        return RoutePath(xs, ys, [], 0.0)
    _, max_x, half_width = bounds
    y_lim = half_width - C.SIDELINE_MARGIN_YD
    # In the end zone he sits down short of the end line, in front of the defender who
    # guards it, instead of running into the boundary.
    x_lim = max_x - C.END_LINE_SIT_YD
    vmax = top_speed(ratings.speed)
    acc = acceleration(ratings.acceleration)
    loss = turn_loss(ratings.agility, ratings.change_of_direction)
    points = [(start[0] + bx, start[1] + by, float(bt)) for bx, by, bt in route.breakpoints]
    legs = []  # unit direction of each leg with length, None for a pause
    px, py = start
    for bx, by, _ in points:
        length = math.hypot(bx - px, by - py)
        legs.append(((bx - px) / length, (by - py) / length) if length > 1e-9 else None)
        px, py = bx, by
    moving = [leg for leg in legs if leg is not None]
    last_dir = moving[-1] if moving else (1.0, 0.0)
    dt = C.FINE_MS / 1000.0
    speed = 0.0
    leg = 0
    breaks: list[tuple[float, float]] = []
    first_break = None
    sat = False
    for k in range(1, n_fine):
        t_ms = k * C.FINE_MS
        if leg < len(points):
            bx, by, bt = points[leg]
            dist = math.hypot(bx - x, by - y)
            time_left = (bt - (t_ms - C.FINE_MS)) / 1000.0
            if dist <= 1e-9:
                arrived = t_ms >= bt  # a pause leg: wait for the clock
            else:
                wanted = vmax if time_left <= 0 else min(vmax, dist / max(time_left, dt))
                speed = min(wanted, speed + acc * dt)
                step = speed * dt
                if step >= dist:
                    x, y, arrived = bx, by, True
                else:
                    x += (bx - x) / dist * step
                    y += (by - y) / dist * step
                    arrived = False
            if arrived:
                if first_break is None:
                    first_break = float(t_ms)
                sharp = _break_sharpness(legs, leg, route.settle)
                if sharp > 0:
                    breaks.append((float(t_ms), sharp))
                speed *= 1.0 - loss * sharp
                leg += 1
        elif not route.settle:
            # the route is run: he carries on along its last leg at a cruising pace,
            # staying in the QB's sight, no longer sprinting to a timed spot
            cruise = vmax * C.POST_ROUTE_SPEED_FACTOR
            speed = (
                max(cruise, speed - acc * dt) if speed > cruise else min(cruise, speed + acc * dt)
            )
            x += last_dir[0] * speed * dt
            y += last_dir[1] * speed * dt
        if x > x_lim:
            if not sat:  # throttling down at the back line fools a defender like a stop
                sat = True
                breaks.append((float(t_ms), C.SETTLE_SHARPNESS))
                first_break = float(t_ms) if first_break is None else first_break
            x = x_lim
        y = max(-y_lim, min(y_lim, y))
        xs[k], ys[k] = x, y
    xs.flags.writeable = ys.flags.writeable = False  # cached: shared by every scenario
    return RoutePath(xs, ys, breaks, first_break if first_break is not None else 0.0)


def _break_sharpness(legs, i, settle) -> float:
    """(1 - cos θ)/2 between leg i and the next moving leg; a settle stop counts as 90°."""
    here = legs[i]
    if here is None:
        return 0.0
    following = next((leg for leg in legs[i + 1 :] if leg is not None), None)
    if following is None:
        return C.SETTLE_SHARPNESS if settle and i == len(legs) - 1 else 0.0
    cos = here[0] * following[0] + here[1] * following[1]
    return max(0.0, (1.0 - cos) / 2.0)


def accuracy_factor(rating: float) -> float:
    return C.ACC_FACTOR_BASE + C.ACC_FACTOR_SLOPE * (100.0 - rating) / 100.0


@dataclass
class ThrowTable:
    """Indexed [role, release step]: where the ball meets the role, the step it arrives,
    and the miss σ (yd, per axis)."""

    aim_x: np.ndarray
    aim_y: np.ndarray
    arrival: np.ndarray  # int32
    sigma: np.ndarray  # float32

    @classmethod
    def build(
        cls,
        step_x,
        step_y,
        qb: OffenseRatings,
        qb_xy,
        speed: float,
        sigma_factor: float,
        precision=None,
    ):
        """The QB leads the receiver: the ball meets him at the first step its flight can
        reach where he will be. The miss is an angular error, so σ grows with the throw's
        length; which accuracy rating sets it depends on the air yards (docs/domain.md, One
        pass play). `precision` (yd per role) is how far the receiver's spot at the break
        can be from where the QB throws (route running), added in quadrature."""
        n_roles, n_steps = step_x.shape
        qb_x, qb_y = qb_xy
        dt_s = C.DT_MS / 1000.0
        steps = np.arange(n_steps)
        dist = np.hypot(step_x - qb_x, step_y - qb_y)  # (roles, arrival step)
        flight = (steps[None, :] - steps[:, None]) * dt_s * speed  # (release, arrival)
        later = steps[None, :] > steps[:, None]
        arrival = np.empty((n_roles, n_steps), dtype=np.int32)
        for r in range(n_roles):
            ok = (flight >= dist[r][None, :]) & later
            arrival[r] = np.where(ok.any(axis=1), ok.argmax(axis=1), n_steps - 1)
        aim_x = np.take_along_axis(step_x, arrival, axis=1)
        aim_y = np.take_along_axis(step_y, arrival, axis=1)
        factor = np.where(
            aim_x <= C.SHORT_MAX_AIR_YD,
            accuracy_factor(qb.short_acc),
            np.where(
                aim_x <= C.MID_MAX_AIR_YD,
                accuracy_factor(qb.mid_acc),
                C.DEEP_SIGMA_FACTOR * accuracy_factor(qb.deep_acc),
            ),
        )
        length = np.hypot(aim_x - qb_x, aim_y - qb_y)
        sigma = sigma_factor * factor * (C.SIGMA_BASE_YD + C.SIGMA_PER_YD * length)
        if precision is not None:
            sigma = np.sqrt(sigma * sigma + np.square(precision)[:, None])
        return cls(aim_x, aim_y, arrival, sigma.astype(np.float32))


@dataclass
class PreparedPair:
    """Arrays the vectorised loop reads. Defender rows are ordered man, zone, rush."""

    rules: Ruleset
    situation: Situation
    roles: tuple[str, ...]
    defender_names: tuple[str, ...]  # scenario order
    order: np.ndarray  # row -> scenario index of the defender
    man_target: np.ndarray  # (D, 1) role index a man defender covers, -1 for the others
    n_man: int
    n_zone: int
    n_rush: int
    # offense
    qb_x: float
    qb_y: float
    path_x: np.ndarray  # (F, rows, n_fine) float32 flat: each follower's anticipated view of
    #   the offensive roles, then the zone landmark rows
    path_y: np.ndarray
    n_fine: int
    step_x: np.ndarray  # (roles, n_steps) float32 position at each step
    step_y: np.ndarray
    step_vx: np.ndarray  # (roles, n_steps) velocity at each step (yd/s)
    step_vy: np.ndarray
    n_steps: int
    throw: ThrowTable  # a clean throw
    pressured_throw: ThrowTable
    read_bias: np.ndarray  # (roles, n_steps) yd added to the openness wanted: all of it
    flight_bias: np.ndarray  # (roles, n_steps) the part that comes from the ball's flight
    reads: dict[int, int]  # decision step -> role index read at that step
    progression: np.ndarray  # role indices
    forced_step: int
    release_steps: int
    release_s: float
    hands: np.ndarray  # (roles,) catch probability factor of an on-target uncontested ball
    contest_share: np.ndarray  # (roles,) share of a defender's contest that still bites
    off_vmax: np.ndarray  # (roles,) for yards after catch
    off_acc: np.ndarray
    off_turn: np.ndarray
    # defense (rows)
    start_x: np.ndarray  # (D,) float32 nominal spots after realignment
    start_y: np.ndarray
    vmax: np.ndarray  # (D, 1) float32
    vclose: np.ndarray  # (D, 1) pursuit / break-on-ball top speed
    accel: np.ndarray  # (D, 1)
    turn: np.ndarray  # (D, 1)
    reaction_ms: np.ndarray  # (D,) base reaction time
    ball_read: np.ndarray  # (D, 1) time to read a thrown ball = reaction × this
    contest_cover: np.ndarray  # (D,) how hard this defender contests a catch
    pull_skill: np.ndarray  # (D, 1) flag-pulling skill (z units, before the carrier's)
    carrier_skill: np.ndarray  # (roles,) the same for the carrier (subtracted)
    evade: np.ndarray  # (roles,) how far the carrier bends his run away from a pursuer
    look_factor: np.ndarray  # (F, 1) look-back = reaction × factor (+ lag for man)
    cushion_x: np.ndarray  # (F, 1)
    follow_base: np.ndarray  # (n_steps, F, 1) int32 offset of the path each follows
    zone_x: np.ndarray  # (Z, 1)
    zone_y: np.ndarray
    zone_r: np.ndarray
    zone_shade: np.ndarray  # (Z, 1) how far from the landmark towards his receiver he plays
    zone_deep: np.ndarray  # (Z, 1) 1.0 for a deep zone (it has no back edge)
    any_deep: bool
    impulse: np.ndarray  # (n_steps, M, 1) float32 extra lag (ms) added at each step
    impulse_steps: frozenset
    ball_skills: np.ndarray  # (D,) 0..1
    rush_vmax: np.ndarray  # (R, 1)
    rush_start_factor: np.ndarray  # (R, 1): rush start = delay + reaction × factor
    rush_delay_ms: float
    position_jitter: float
    reaction_jitter: float


def read_schedule(first_breaks, roles, latency_ms, forced_step) -> dict[int, int]:
    """Step -> the role the QB is reading at that step.

    A read is ready once the 600-ms dropback is over, the receiver has made his first
    break and the QB has spent decision_latency on it; he then stays on that read, ready
    to pull the trigger, until the next read is ready. He cycles through the progression
    until the clock (forced_step)."""
    reads: dict[int, int] = {}
    if not roles:
        return reads
    ready_ms = 0.0
    current = None
    k = 0
    while True:
        fb = first_breaks[k % len(roles)]
        ready_ms = max(ready_ms, C.DROPBACK_MS, fb) + latency_ms
        ready = math.ceil(ready_ms / C.DT_MS)
        if current is not None:
            for step in range(current[0], min(ready, forced_step)):
                reads[step] = current[1]
        if ready >= forced_step:
            return reads
        current = (ready, roles[k % len(roles)])
        k += 1


def situational_order(progression, paths, situation: Situation, explicit: bool):
    """On a late down the QB starts with the routes that reach the line to gain: with no
    progression drawn he reads them in the order they get there (the quickest throw at the
    sticks first, then the others as they come open); a coach's progression keeps its
    order, only the routes that never reach the line to gain move to the end."""
    if situation.down < C.LATE_DOWN or situation.distance >= situation.yardline:
        return progression

    def at_sticks_ms(role):
        path = paths[role]
        reached = np.nonzero(path.x >= situation.distance)[0]
        if not reached.size:
            return math.inf
        return max(float(reached[0] * C.FINE_MS), path.first_break_ms)

    times = {r: at_sticks_ms(r) for r in progression}
    if explicit:
        return sorted(progression, key=lambda r: math.isinf(times[r]))
    return sorted(progression, key=lambda r: times[r])


def read_bias(aim_x: np.ndarray, situation: Situation) -> np.ndarray:
    """Yards added to the openness the QB wants from a read whose catch point is aim_x, by
    the situation: on a late down he wants the throw that reaches the line to gain, near
    the goal line the one in the end zone (a short catch there must be more open to be
    worth it)."""
    bias = np.zeros(aim_x.shape, dtype=np.float32)
    if situation.down >= C.LATE_DOWN and situation.distance < situation.yardline:
        short = aim_x < situation.distance
        bias += np.where(short, C.SHORT_OF_STICKS_YD, -C.PAST_STICKS_YD)
    if situation.yardline <= C.GOAL_TO_GO_YD:
        in_end_zone = aim_x >= situation.yardline
        bias += np.where(in_end_zone, -C.IN_END_ZONE_YD, C.SHORT_OF_GOAL_YD)
    return bias


def _validate(play: PlayInput, scenario: ScenarioInput, rules: Ruleset, situation: Situation):
    if not 0 < situation.yardline <= rules.playing_length:
        raise ValueError(f"yardline {situation.yardline} is not on a {rules.name} field")
    min_x, max_x, half = field_bounds(rules, situation)

    def on_field(what, x, y):
        if not (min_x <= x <= max_x and abs(y) <= half):
            raise ValueError(f"{what} at ({x}, {y}) is off the field")

    if QB not in play.alignment:
        raise ValueError(f"play {play.name!r} has no QB")
    for role, (x, y) in play.alignment.items():
        on_field(f"{role} of {play.name!r}", x, y)
    if play.motion is not None:
        if play.motion.role not in play.alignment:
            raise ValueError(f"motion by {play.motion.role!r}, not in the formation")
        on_field(f"motion of {play.motion.role}", play.motion.x, play.motion.y)
    for role in play.routes:
        if role not in play.alignment:
            raise ValueError(f"route for {role!r}, not in the formation")
    if not 0 < len(scenario.defenders) <= C.MAX_DEFENDERS:
        raise ValueError(f"{len(scenario.defenders)} defenders; 1 to {C.MAX_DEFENDERS} allowed")
    rushers = 0
    for d in scenario.defenders:
        on_field(f"defender {d.name}", d.x, d.y)
        if d.x <= 0:
            raise ValueError(f"defender {d.name} at x={d.x}: defenders start past the LOS")
        if d.duty == RUSH:
            rushers += 1
            if d.x < rules.rush_distance:
                raise ValueError(
                    f"rusher {d.name} at x={d.x}: rushers start {rules.rush_distance} yd deep"
                )
        elif d.duty == MAN:
            if d.man_target not in (None, AUTO) and d.man_target not in play.alignment:
                raise ValueError(f"defender {d.name} covers {d.man_target!r}, not in the play")
        elif d.duty != ZONE:
            raise ValueError(f"defender {d.name}: unknown duty {d.duty!r}")
    if rushers > rules.max_rushers:
        raise ValueError(f"{rushers} rushers; {rules.name} allows {rules.max_rushers}")


def prepare(
    play: PlayInput,
    scenario: ScenarioInput,
    rules: Ruleset,
    offense_players: Mapping[str, OffenseRatings],
    defense_players: Mapping[str, DefenseRatings],
    situation: Situation,
) -> PreparedPair:
    _validate(play, scenario, rules, situation)
    bounds = field_bounds(rules, situation)
    dt_s = C.DT_MS / 1000.0

    # --- offense -----------------------------------------------------------------------
    alignment = dict(play.alignment)
    if play.motion is not None:
        alignment[play.motion.role] = (play.motion.x, play.motion.y)
    roles = tuple(alignment)
    role_index = {r: i for i, r in enumerate(roles)}
    ratings = [offense_players.get(r) or OffenseRatings() for r in roles]
    qb = ratings[role_index[QB]]
    qb_x, qb_y = alignment[QB]
    routes = {r: play.routes.get(r) for r in roles if r != QB}
    eligible = [r for r in roles if routes.get(r) is not None and routes[r].breakpoints]

    release_ms = float(qb.release_time_ms)
    release_steps = max(1, math.ceil(release_ms / C.DT_MS))
    max_time = min(float(play.max_time_to_throw_ms), float(rules.pass_clock_ms) - release_ms)
    forced_step = max(1, math.ceil(max(max_time, C.DROPBACK_MS) / C.DT_MS))
    horizon_ms = forced_step * C.DT_MS + release_ms + MAX_FLIGHT_MS + 2 * C.DT_MS
    n_steps = math.ceil(horizon_ms / C.DT_MS) + 1
    per_step = C.DT_MS // C.FINE_MS
    n_fine = (n_steps - 1) * per_step + 1

    paths = [
        run_route(tuple(alignment[r]), routes.get(r), rt, n_fine, bounds)
        for r, rt in zip(roles, ratings, strict=True)
    ]
    off_x = np.stack([p.x for p in paths])
    off_y = np.stack([p.y for p in paths])
    step_x = np.ascontiguousarray(off_x[:, ::per_step])
    step_y = np.ascontiguousarray(off_y[:, ::per_step])
    step_vx = np.zeros_like(step_x)
    step_vy = np.zeros_like(step_y)
    step_vx[:, 1:] = (step_x[:, 1:] - step_x[:, :-1]) / dt_s
    step_vy[:, 1:] = (step_y[:, 1:] - step_y[:, :-1]) / dt_s

    ball_speed = C.BALL_SPEED_BASE + C.BALL_SPEED_PER_RATING * qb.throw_power / 100.0
    # A receiver who rounds his breaks or drifts off his depth is not quite where the QB
    # throws on timing: the ball meets him off target by up to ROUTE_PRECISION_YD.
    precision = np.asarray(
        [C.ROUTE_PRECISION_YD * (1.0 - r.route_running / 100.0) for r in ratings]
    )
    clean = ThrowTable.build(step_x, step_y, qb, (qb_x, qb_y), ball_speed, 1.0, precision)
    # Under pressure the QB cannot set his feet: a slower, less accurate ball.
    pressured = ThrowTable.build(
        step_x,
        step_y,
        qb,
        (qb_x, qb_y),
        ball_speed * C.PRESSURE_BALL_SPEED_FACTOR,
        C.PRESSURE_SIGMA_FACTOR,
        precision,
    )

    # the longer the ball is in the air the less what he sees now says about the catch
    flight_s = (clean.arrival - np.arange(n_steps)[None, :]) * dt_s
    flight_bias = (C.OPEN_PER_FLIGHT_S * flight_s).astype(np.float32)
    bias = read_bias(clean.aim_x, situation) + flight_bias
    progression = [r for r in (play.progression or eligible) if r in eligible]
    progression = situational_order(
        progression,
        {r: paths[role_index[r]] for r in progression},
        situation,
        explicit=bool(play.progression),
    )
    reads = read_schedule(
        [paths[role_index[r]].first_break_ms for r in progression],
        [role_index[r] for r in progression],
        float(qb.decision_latency_ms),
        forced_step,
    )
    # As the play goes on he settles for less: from his first read on, the openness he
    # wants falls by OPEN_DECAY_PER_S a second.
    if reads:
        since_s = (np.arange(n_steps) - release_steps - min(reads)) * dt_s
        bias -= (C.OPEN_DECAY_PER_S * np.maximum(since_s, 0.0)).astype(np.float32)[None, :]

    # --- defense -----------------------------------------------------------------------
    # A landmark behind the end line is pulled in: near the goal the deep zones are the
    # back of the end zone.
    # Near the goal the field shrinks: with less depth behind him than a zone needs, every
    # level of the zone plays at its share of the depth there is (red-zone coverage), and
    # a landmark is never behind the end line.
    deepest = bounds[1] - C.END_LINE_MARGIN_YD - C.ZONE_CUSHION_YD
    squeeze = min(1.0, deepest / C.ZONE_FULL_DEPTH_YD)
    assignments = [
        replace(a, zone_x=min(a.zone_x * squeeze, deepest)) if a.duty == ZONE else a
        for a in resolve_assignments(scenario.defenders, alignment, eligible)
    ]
    group = {MAN: 0, ZONE: 1, RUSH: 2}
    rows = sorted(assignments, key=lambda a: (group[a.duty], a.index))
    mans = [a for a in rows if a.duty == MAN]
    zones = [a for a in rows if a.duty == ZONE]
    rushers = [a for a in rows if a.duty == RUSH]
    d_ratings = [
        scenario.defenders[a.index].player or defense_players.get(a.name) or DefenseRatings()
        for a in rows
    ]

    def column(values):
        return np.asarray(values, dtype=np.float32).reshape(-1, 1)

    vmax = [top_speed(r.speed) for r in d_ratings]
    closing = [C.CLOSING_BASE + C.CLOSING_PER_RATING * r.closing_speed / 100.0 for r in d_ratings]
    reaction = np.asarray([r.reaction_time_ms for r in d_ratings], dtype=np.float32)
    n_man, n_zone = len(mans), len(zones)
    n_follow = n_man + n_zone

    # Look-back source rows: offensive roles first, then one still "path" per zone landmark
    # (shifted so that adding the zone cushion lands on the landmark itself).
    land_x = np.array([z.zone_x - C.ZONE_CUSHION_YD for z in zones], dtype=np.float32)
    land_y = np.array([z.zone_y for z in zones], dtype=np.float32)
    land_x, land_y = land_x.reshape(n_zone, 1), land_y.reshape(n_zone, 1)  # (0, 1) in a Cover 0
    path_x = np.concatenate([off_x, np.repeat(land_x, n_fine, axis=1).reshape(n_zone, n_fine)])
    path_y = np.concatenate([off_y, np.repeat(land_y, n_fine, axis=1).reshape(n_zone, n_fine)])

    follow = np.zeros((n_steps, n_follow), dtype=np.int64)
    cushion = np.zeros(n_follow, dtype=np.float32)
    look = np.ones(n_follow, dtype=np.float32)
    impulse = np.zeros((n_steps, max(n_man, 1)), dtype=np.float32)
    for i, a in enumerate(mans):
        r = role_index[a.target]
        follow[:, i] = r
        rx = alignment[a.target][0]
        cushion[i] = min(max(a.x - rx, 0.0), C.MAN_CUSHION_MAX_YD)
        # a good cover man reads his receiver's release and hips: a shorter look-back
        look[i] = C.MAN_READ_BASE - C.MAN_READ_SLOPE * d_ratings[i].man_coverage / 100.0
        off = ratings[r]
        off_skill = (off.route_running + off.change_of_direction) / 2.0
        dr = d_ratings[i]
        def_skill = (dr.man_coverage + dr.agility) / 2.0
        skill = math.exp(C.BREAK_LAG_SKILL * (off_skill - def_skill) / 100.0)
        for t_ms, sharp in paths[r].breaks:
            step = min(n_steps - 1, math.ceil(t_ms / C.DT_MS))
            impulse[step, i] += C.BREAK_LAG_MS * sharp * skill
    step_ms = np.arange(n_steps) * C.DT_MS
    # Which eligible receiver is inside which zone at each step, as each zone defender
    # sees it (his look-back), so that a zone can hand a receiver on to the next one.
    manned = {a.target for a in mans}
    zone_seen, zone_inside, zone_drop = [], [], []
    for j, z in enumerate(zones):
        i = n_man + j
        dr = d_ratings[i]
        look[i] = C.ZONE_READ_BASE - C.ZONE_READ_SLOPE * dr.zone_coverage / 100.0
        cushion[i] = C.ZONE_CUSHION_YD
        zone_drop.append(
            dr.reaction_time_ms + 1000.0 * math.hypot(z.x - z.zone_x, z.y - z.zone_y) / vmax[i]
        )
        seen = np.clip(
            ((step_ms - dr.reaction_time_ms * look[i]) / C.FINE_MS).round(), 0, n_fine - 1
        ).astype(np.int64)
        zone_seen.append(seen)
        reach = z.zone_radius + C.ZONE_AWARENESS_YD
        inside = {}
        for role in eligible:
            r = role_index[role]
            rx, ry = off_x[r, seen], off_y[r, seen]
            here = np.hypot(rx - z.zone_x, ry - z.zone_y) <= reach
            if z.zone_x >= C.ZONE_DEEP_X_YD:  # a deep zone runs back to the end line
                here |= (rx >= z.zone_x) & (np.abs(ry - z.zone_y) <= reach)
            inside[r] = here
        zone_inside.append(inside)
    for j, z in enumerate(zones):
        i = n_man + j
        seen = zone_seen[j]
        landmark_row = len(roles) + j
        best = np.full(n_steps, landmark_row, dtype=np.int64)
        best_x = np.full(n_steps, -np.inf)
        for role in eligible:
            r = role_index[role]
            # the most dangerous: the deepest; a receiver nobody has in man comes before
            # one who would be doubled (for a deep zone, once he is past the deep-zone
            # depth: the safety helps on the uncovered vertical, not on a drag)
            rx = off_x[r, seen]
            spare = role not in manned
            candidate = zone_inside[j][r]
            if z.zone_x >= C.ZONE_DEEP_X_YD:
                # a deep defender stays on top: he plays what threatens deep, and leaves
                # what is underneath to the underneath defenders (he reads the QB there)
                deep_threat = rx >= C.ZONE_DEEP_X_YD
                spare = spare & deep_threat
                candidate = candidate & deep_threat
            rx = rx + C.UNMANNED_PRIORITY_YD * spare
            deeper = candidate & (rx > best_x)
            best = np.where(deeper, r, best)
            best_x = np.where(deeper, rx, best_x)
        dropping = step_ms < zone_drop[j]
        best[dropping] = landmark_row
        if z.zone_x < C.ZONE_DEEP_X_YD:
            # An empty underneath zone keeps carrying the receiver it had until another
            # zone picks him up (he is passed on) or he is too far from the landmark; a
            # receiver with a man defender on him is left to that man.
            carry_reach = C.ZONE_CARRY_FACTOR * z.zone_radius
            spare_here = best_x >= C.UNMANNED_PRIORITY_YD / 2  # a spare receiver inside
            for k in range(1, n_steps):
                if spare_here[k] or dropping[k]:
                    continue
                r = int(best[k - 1])
                if r == landmark_row or roles[r] in manned:
                    continue
                if any(
                    zone_inside[o][r][k]
                    for o, other in enumerate(zones)
                    if o != j and other.zone_x < C.ZONE_DEEP_X_YD
                ):
                    continue  # passed on to the next underneath zone
                rx, ry = off_x[r, seen[k]], off_y[r, seen[k]]
                if math.hypot(rx - z.zone_x, ry - z.zone_y) <= carry_reach:
                    best[k] = r
                    spare_here[k] = True
        follow[:, i] = best
    # A follower sees where a receiver was `look` ago and how he was moving then, and runs
    # to where that says the receiver is now (his nominal look-back times the velocity):
    # on a straight run he stays with him; at a break he is fooled for as long as he
    # looks back. One anticipated copy of every path per follower, so the loop does a
    # single look-up.
    n_rows = path_x.shape[0]
    window = C.VELOCITY_WINDOW
    vel_x = path_x - np.concatenate(
        [np.repeat(path_x[:, :1], window, axis=1), path_x[:, :-window]], axis=1
    )
    vel_y = path_y - np.concatenate(
        [np.repeat(path_y[:, :1], window, axis=1), path_y[:, :-window]], axis=1
    )
    gain = reaction[:n_follow] * look * (C.ANTICIPATION / (window * C.FINE_MS))
    ant_x = (path_x[None, :, :] + vel_x[None, :, :] * gain[:, None, None]).astype(np.float32)
    ant_y = (path_y[None, :, :] + vel_y[None, :, :] * gain[:, None, None]).astype(np.float32)
    path_x, path_y = ant_x, ant_y
    row_base = (np.arange(n_follow) * n_rows * n_fine)[None, :]
    follow_base = (row_base + follow * n_fine).astype(np.int32)[:, :, None]

    rush_ratings = d_ratings[n_follow:]
    cover = [r.man_coverage for r in d_ratings[:n_man]] + [
        r.zone_coverage for r in d_ratings[n_man:]
    ]
    ball_read = [C.BALL_READ_BASE - C.BALL_READ_COVER * c / 100.0 for c in cover]

    def agility(r):
        return (r.agility + r.change_of_direction) / 2.0 / 100.0

    return PreparedPair(
        rules=rules,
        situation=situation,
        roles=roles,
        defender_names=tuple(d.name for d in scenario.defenders),
        order=np.asarray([a.index for a in rows], dtype=np.int64),
        man_target=np.asarray(
            [role_index[a.target] if a.duty == MAN else -1 for a in rows], dtype=np.int64
        ).reshape(-1, 1),
        n_man=n_man,
        n_zone=n_zone,
        n_rush=len(rushers),
        qb_x=float(qb_x),
        qb_y=float(qb_y),
        path_x=np.ascontiguousarray(path_x.reshape(-1)),
        path_y=np.ascontiguousarray(path_y.reshape(-1)),
        n_fine=n_fine,
        step_x=step_x,
        step_y=step_y,
        step_vx=step_vx,
        step_vy=step_vy,
        n_steps=n_steps,
        throw=clean,
        pressured_throw=pressured,
        read_bias=bias,
        flight_bias=flight_bias,
        reads=reads,
        progression=np.asarray([role_index[r] for r in progression], dtype=np.int64),
        forced_step=forced_step,
        release_steps=release_steps,
        release_s=release_ms / 1000.0,
        hands=np.asarray(
            [C.HANDS_BASE + C.HANDS_PER_RATING * r.hands / 100.0 for r in ratings], np.float64
        ),
        contest_share=np.asarray(
            [1.0 - C.SEPARATION_SKILL * r.separation / 100.0 for r in ratings], np.float64
        ),
        off_vmax=np.asarray([top_speed(r.speed) for r in ratings], np.float32),
        off_acc=np.asarray([acceleration(r.acceleration) for r in ratings], np.float32),
        off_turn=np.asarray(
            [turn_loss(r.agility, r.change_of_direction) for r in ratings], np.float32
        ),
        start_x=np.asarray([a.x for a in rows], dtype=np.float32),
        start_y=np.asarray([a.y for a in rows], dtype=np.float32),
        vmax=column(vmax),
        vclose=column([v * c for v, c in zip(vmax, closing, strict=True)]),
        accel=column([acceleration(r.acceleration) for r in d_ratings]),
        turn=column([turn_loss(r.agility, r.change_of_direction) for r in d_ratings]),
        reaction_ms=reaction,
        ball_read=column(ball_read),
        contest_cover=np.asarray(
            [C.CONTEST_COVER_BASE + C.CONTEST_COVER_SLOPE * c / 100.0 for c in cover], np.float64
        ),
        pull_skill=column([C.PULL_Z_BASE + C.PULL_Z_SKILL * agility(r) for r in d_ratings]),
        carrier_skill=np.asarray([C.PULL_Z_SKILL * agility(r) for r in ratings], np.float32),
        evade=np.asarray(
            [
                C.EVADE_MAX * (C.EVADE_BASE + C.EVADE_PER_RATING * r.agility / 100.0)
                for r in ratings
            ],
            np.float32,
        ),
        look_factor=look.reshape(-1, 1),
        cushion_x=cushion.reshape(-1, 1),
        follow_base=follow_base,
        zone_x=column([z.zone_x for z in zones]),
        zone_y=column([z.zone_y for z in zones]),
        zone_r=column([z.zone_radius for z in zones]),
        zone_deep=column([float(z.zone_x >= C.ZONE_DEEP_X_YD) for z in zones]),
        any_deep=any(z.zone_x >= C.ZONE_DEEP_X_YD for z in zones),
        zone_shade=column(
            [
                C.ZONE_SHADE_BASE + C.ZONE_SHADE_PER_RATING * r.zone_coverage / 100.0
                for r in d_ratings[n_man:n_follow]
            ]
        ),
        impulse=impulse[:, :n_man, None],
        impulse_steps=frozenset(int(s) for s in np.nonzero(impulse[:, :n_man].any(axis=1))[0]),
        ball_skills=np.asarray([r.ball_skills / 100.0 for r in d_ratings], np.float64),
        rush_vmax=column(
            [
                top_speed(r.speed)
                * (C.RUSH_SPEED_BASE + C.RUSH_SPEED_PER_RATING * r.pass_rush / 100)
                for r in rush_ratings
            ]
        ),
        rush_start_factor=column(
            [C.GET_OFF_BASE - C.GET_OFF_SLOPE * r.get_off / 100.0 for r in rush_ratings]
        ),
        rush_delay_ms=float(rules.rush_delay_ms),
        position_jitter=float(scenario.position_jitter_yards),
        reaction_jitter=float(scenario.reaction_jitter_ms),
    )
