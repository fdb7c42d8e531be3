"""Every playbook rule (docs/domain.md, The playbook objects), in one place, on plain data.

The API serializers, the admin forms and the importer all call these functions;
nothing else decides what is valid. Each check returns a Report: `errors` (refuse
the write) keyed by the path of the offending field (`slots[0].x`), and `warnings`
(saved with the object, shown to the coach) as "path: message" strings.
"""

import math
from dataclasses import dataclass, field
from itertools import combinations

from football import plays as kinds
from football.duties import MAN_AUTO
from football.roles import defense_roles, offense_roles
from football.rules import NFL_FLAG_5V5 as NFL
from football.situations import GOALLINE, GOALLINE_YARDS
from playbook.constants import Duty

MAX_BREAKPOINTS = 10
MAX_ENTRIES = 300  # calls in one playbook: a call sheet a coach can still read
HUMAN_TOP_SPEED = 12.0  # yd/s; faster legs are run late (warning)
IMPOSSIBLE_SPEED = 25.0  # yd/s; nobody runs it (error)
MIN_SPACING = 0.5  # yd between two players (error below)
COMFORT_SPACING = 1.0  # yd (warning below)
DEFENDER_SPACING = 1.25  # yd between two defenders' spots (warning below: one on top of the other)
QB_MAX_OFFSET = 5.0  # |y| for the QB
MIN_TIME_TO_THROW_MS = 500


@dataclass(frozen=True)
class Rules:
    """The parts of a ruleset the validators need (defaults: NFL FLAG 5v5)."""

    name: str = NFL.name
    players_per_side: int = NFL.players_per_side
    field_width: float = NFL.field_width
    field_length: float = NFL.field_length
    endzone_depth: float = NFL.endzone_depth
    rush_distance: float = NFL.rush_distance
    max_rushers: int = NFL.max_rushers
    pass_clock_ms: int = NFL.pass_clock_ms
    allow_motion: bool = NFL.allow_motion
    no_run_zone_depth: float = NFL.no_run_zone_depth
    motion_lateral_only: bool = NFL.motion_lateral_only
    motion_at_snap: bool = NFL.motion_at_snap
    qb_can_run: bool = NFL.qb_can_run

    @classmethod
    def of(cls, ruleset):
        if ruleset is None:
            return cls()
        return cls(**{name: getattr(ruleset, name) for name in cls.__dataclass_fields__})

    @property
    def half_width(self):
        return self.field_width / 2

    @property
    def max_x(self):
        """Farthest downfield from the LOS: the back of the far end zone, ball on the goal line."""
        return self.field_length - self.endzone_depth

    @property
    def min_x(self):
        """Farthest behind the LOS: the back of the own end zone, ball at the far goal line."""
        return -(self.field_length - self.endzone_depth)


@dataclass
class Report:
    errors: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)

    def error(self, path, message):
        self.errors.setdefault(path, []).append(message)

    def warn(self, path, message):
        self.warnings.append(f"{path}: {message}")

    @property
    def ok(self):
        return not self.errors

    def merge(self, other, prefix=""):
        for path, messages in other.errors.items():
            for message in messages:
                self.error(f"{prefix}{path}", message)
        self.warnings.extend(f"{prefix}{w}" for w in other.warnings)
        return self


def fmt(value):
    return f"{value:.1f}" if isinstance(value, float) else str(value)


def _number(report, path, value):
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        report.error(
            path, "a number is needed here" if value is None else f"{value!r} is not a number"
        )
        return False
    return True


def _on_field(report, path, x, y, rules):
    if not (rules.min_x <= x <= rules.max_x):
        report.error(
            f"{path}.x",
            f"{fmt(float(x))} — off the field: x must be between {fmt(rules.min_x)} and "
            f"{fmt(rules.max_x)} ({rules.name}: {fmt(rules.field_length)} yd long)",
        )
    if abs(y) > rules.half_width:
        report.error(
            f"{path}.y",
            f"{fmt(float(y))} — off the field: |y| must be at most {fmt(rules.half_width)} "
            f"({rules.name}: {fmt(rules.field_width)} yd wide)",
        )


def check_formation(slots, rules=Rules()):
    """slots: [{"role", "x", "y"}]."""
    report = Report()
    roles = offense_roles(rules.players_per_side)
    if len(slots) != rules.players_per_side:
        report.error(
            "slots",
            f"{len(slots)} players — a formation has exactly {rules.players_per_side} "
            f"({', '.join(roles)})",
        )
    seen = {}
    placed = []
    for i, slot in enumerate(slots):
        path = f"slots[{i}]"
        role, x, y = slot.get("role"), slot.get("x"), slot.get("y")
        if role not in roles:
            report.error(
                f"{path}.role", f"'{role}' is not a role in {rules.name} ({', '.join(roles)})"
            )
        elif role in seen:
            report.error(f"{path}.role", f"'{role}' appears twice (also slots[{seen[role]}])")
        else:
            seen[role] = i
        if not (_number(report, f"{path}.x", x) & _number(report, f"{path}.y", y)):
            continue
        _on_field(report, path, x, y, rules)
        placed.append((i, role, x, y))
        if role == "CENTER" and (x, y) != (0, 0):
            report.error(
                f"{path}.x" if x != 0 else f"{path}.y",
                f"({fmt(float(x))}, {fmt(float(y))}) — the CENTER snaps the ball from (0, 0)",
            )
        elif role == "QB":
            if x >= 0:
                report.error(
                    f"{path}.x",
                    f"{fmt(float(x))} — the QB lines up behind the line of scrimmage (x < 0)",
                )
            if abs(y) > QB_MAX_OFFSET:
                report.error(
                    f"{path}.y",
                    f"{fmt(float(y))} — the QB lines up within {fmt(QB_MAX_OFFSET)} yd of the "
                    "ball (|y| ≤ 5)",
                )
        elif role in roles and x > 0:
            report.warn(
                f"{path}.x",
                f"{fmt(float(x))} — {role} is past the line of scrimmage (offside in NFL FLAG)",
            )
    for (_, role_a, xa, ya), (j, role_b, xb, yb) in combinations(placed, 2):
        gap = math.hypot(xa - xb, ya - yb)
        if gap < MIN_SPACING:
            report.error(
                f"slots[{j}]",
                f"{role_a} and {role_b} are {gap:.2f} yd apart; players need at least "
                f"{MIN_SPACING} yd",
            )
        elif gap < COMFORT_SPACING:
            report.warn(f"slots[{j}]", f"{role_a} and {role_b} are only {gap:.2f} yd apart")
    return report


def leg_speeds(breakpoints):
    """Yards per second needed on each leg, starting from the alignment at the snap."""
    speeds = []
    px, py, pt = 0.0, 0.0, 0
    for bp in breakpoints:
        dt = (bp["time_ms"] - pt) / 1000
        dist = math.hypot(bp["x"] - px, bp["y"] - py)
        speeds.append(dist / dt if dt > 0 else math.inf)
        px, py, pt = bp["x"], bp["y"], bp["time_ms"]
    return speeds


def _past_the_clock(report, path, breakpoints, rules, what="the route"):
    """A breakpoint after the pass clock is never reached: the ball is out (or the play
    dead) by then, so the route as drawn is not the route that is run."""
    late = [i for i, bp in enumerate(breakpoints) if bp["time_ms"] > rules.pass_clock_ms]
    if late:
        last = breakpoints[-1]["time_ms"]
        report.warn(
            path,
            f"{what} ends at {last / 1000:g} s, after the {rules.pass_clock_ms / 1000:g}-s pass "
            f"clock of {rules.name}: breakpoint {late[0] + 1} and later are never run",
        )


def check_route(breakpoints, rules=None):
    """breakpoints: [{"x", "y", "time_ms"}], offsets from the runner's alignment. With
    `rules`, a route that outlasts the pass clock is warned about."""
    report = Report()
    if not breakpoints:
        report.error("breakpoints", "a route needs at least one breakpoint")
        return report
    if len(breakpoints) > MAX_BREAKPOINTS:
        report.error(
            "breakpoints",
            f"{len(breakpoints)} breakpoints — a route has at most {MAX_BREAKPOINTS}",
        )
        return report
    previous = 0
    for i, bp in enumerate(breakpoints):
        path = f"breakpoints[{i}]"
        valid = _number(report, f"{path}.x", bp.get("x"))
        valid &= _number(report, f"{path}.y", bp.get("y"))
        t = bp.get("time_ms")
        if not _number(report, f"{path}.time_ms", t):
            return report
        if t <= previous:
            report.error(
                f"{path}.time_ms",
                f"{fmt(t)} must be later than {fmt(previous)}"
                + (" (the snap)" if i == 0 else f" (breakpoints[{i - 1}])"),
            )
            return report
        previous = t
        if not valid:
            return report
    for i, speed in enumerate(leg_speeds(breakpoints)):
        path = f"breakpoints[{i}]"
        if speed > IMPOSSIBLE_SPEED:
            report.error(
                path,
                f"leg {i + 1} needs {speed:.1f} yd/s; no one runs faster than "
                f"{fmt(IMPOSSIBLE_SPEED)} yd/s — give it more time",
            )
        elif speed > HUMAN_TOP_SPEED:
            report.warn(
                path,
                f"leg {i + 1} needs {speed:.1f} yd/s; faster than anyone runs, it will be run late",
            )
    if rules is not None:
        _past_the_clock(report, f"breakpoints[{len(breakpoints) - 1}]", breakpoints, rules)
    return report


def check_play(slots, assignments, qb_plan, motion=None, rules=Rules(), handoff=None):
    """slots: the formation's [{"role","x","y"}]; assignments: [{"role", "route": {"name",
    "breakpoints"} | None}]; qb_plan: {"progression", "max_time_to_throw_ms"};
    motion: {"role", "x", "y", "duration_ms", "kind", "at_snap"} or None; handoff (run and
    trick plays): {"kind", "carrier", "from", "x", "y", "time_ms", "path", "trick",
    "progression"} or None for a pass."""
    report = Report()
    where = {s["role"]: (s["x"], s["y"]) for s in slots}
    routed = set()
    seen = set()
    for i, assignment in enumerate(assignments):
        role = assignment.get("role")
        path = f"assignments[{i}]"
        if role not in where:
            report.error(
                f"{path}.role",
                f"'{role}' is not in the formation ({', '.join(where) or 'no players'})",
            )
            continue
        if role in seen:
            report.error(f"{path}.role", f"'{role}' has two assignments")
        seen.add(role)
        route = assignment.get("route")
        if route:
            routed.add(role)
            y0 = where[role][1]
            for j, bp in enumerate(route["breakpoints"]):
                if abs(y0 + bp["y"]) > rules.half_width:
                    report.warn(
                        f"{path}.route",
                        f"{role}'s route {route['name']} reaches y {fmt(float(y0 + bp['y']))} at "
                        f"breakpoint {j + 1}, out of bounds on a {fmt(rules.field_width)}-yd field",
                    )
                    break
            timed = [b for b in route["breakpoints"] if isinstance(b.get("time_ms"), int | float)]
            if timed and len(timed) == len(route["breakpoints"]):
                _past_the_clock(
                    report, f"{path}.route", timed, rules, f"{role}'s route {route['name']}"
                )

    progression = qb_plan.get("progression") or []
    for i, role in enumerate(progression):
        path = f"progression[{i}]"
        if role not in where:
            report.error(path, f"'{role}' is not in the formation")
        elif role not in routed:
            report.error(path, f"'{role}' has no route to run, so the QB cannot read it")
        if role in progression[:i]:
            report.error(path, f"'{role}' is read twice")
    max_ttt = qb_plan.get("max_time_to_throw_ms")
    if max_ttt is not None and not (MIN_TIME_TO_THROW_MS <= max_ttt <= rules.pass_clock_ms):
        report.error(
            "max_time_to_throw_ms",
            f"{fmt(max_ttt)} — must be between {MIN_TIME_TO_THROW_MS} and the pass clock "
            f"({rules.pass_clock_ms} ms in {rules.name})",
        )
    if motion:
        report.merge(_check_motion(motion, where, rules))
    if handoff:
        start = dict(where)  # where each one is at the snap: the mover at his motion's end
        if (
            motion
            and motion.get("role") in start
            and None not in (motion.get("x"), motion.get("y"))
        ):
            start[motion["role"]] = (motion["x"], motion["y"])
        report.merge(_check_handoff(handoff, start, routed, rules))
    return report


def _check_handoff(handoff, where, routed, rules):
    """A run: a carrier, and unless it is a QB keeper (only where the ruleset lets the QB
    run) a mesh point behind the line within a toss of the one who gives the ball and a
    time. A trick play: the same hand-off to the new thrower, and what he reads."""
    report = Report()
    kind = handoff.get("kind")
    if kind not in kinds.KINDS:
        report.error("kind", f"'{kind}' is not a kind of play ({', '.join(kinds.KINDS)})")
        return report
    carrier = handoff.get("carrier")
    giver = handoff.get("from") or "QB"
    noun = "ball carrier" if kind == kinds.RUN else "player the ball is pitched to"
    if not carrier:
        report.error("ball_carrier", f"a {kinds.KIND_LABELS[kind].lower()} needs a {noun}")
        return report
    if carrier not in where:
        report.error("ball_carrier", f"'{carrier}' is not in the formation")
        return report
    if giver not in where:
        report.error("handoff_from", f"'{giver}' is not in the formation")
        return report
    keeper = kind == kinds.RUN and carrier == giver
    if keeper and carrier != "QB":
        report.error("handoff_from", f"{carrier} cannot hand the ball to himself")
        return report
    if keeper:
        if not rules.qb_can_run:
            report.error(
                "ball_carrier",
                f"QB — {rules.name} does not let the QB run (qb_can_run is off); "
                "hand or pitch it to another player",
            )
    elif kind == kinds.TRICK and carrier == giver:
        report.error("ball_carrier", f"{carrier} already has the ball; pitch it to someone else")
    else:
        report.merge(_check_mesh(handoff, where, giver, carrier))
    if kind == kinds.RUN and handoff.get("path") not in ("", None, *kinds.RUN_PATHS):
        report.error("run_path", f"'{handoff['path']}' is not {', '.join(kinds.RUN_PATHS)}")
    if kind == kinds.TRICK:
        if handoff.get("trick") not in ("", None, *kinds.TRICKS):
            report.error("trick_kind", f"'{handoff['trick']}' is not {', '.join(kinds.TRICKS)}")
        reads = handoff.get("progression") or []
        if not reads:
            report.error("trick_progression", f"who does {carrier} throw to? List the reads")
        for i, role in enumerate(reads):
            path = f"trick_progression[{i}]"
            if role == carrier:
                report.error(path, f"{carrier} is the one throwing")
            elif role not in where:
                report.error(path, f"'{role}' is not in the formation")
            elif role not in routed:
                report.error(path, f"'{role}' has no route to run, so {carrier} cannot read it")
            if role in reads[:i]:
                report.error(path, f"'{role}' is read twice")
    return report


def _check_mesh(handoff, where, giver, carrier):
    report = Report()
    x, y, t = handoff.get("x"), handoff.get("y"), handoff.get("time_ms")
    if x is None or y is None or t is None:
        report.error("mesh_x", "where and when does the ball change hands? Give the mesh point")
        return report
    if not (_number(report, "mesh_x", x) & _number(report, "mesh_y", y)):
        return report
    if x >= 0:
        report.error(
            "mesh_x",
            f"{fmt(float(x))} — handoffs and pitches happen behind the line of scrimmage (x < 0)",
        )
    gx, gy = where[giver]
    reach = math.hypot(x - gx, y - gy)
    if reach > kinds.MAX_MESH_DISTANCE_YD:
        report.error(
            "mesh_x",
            f"the mesh point is {reach:.1f} yd from the {giver}; a handoff or pitch is at most "
            f"{fmt(kinds.MAX_MESH_DISTANCE_YD)} yd",
        )
    if _number(report, "mesh_ms", t) and not (kinds.MIN_MESH_MS <= t <= kinds.MAX_MESH_MS):
        report.error("mesh_ms", f"{fmt(t)} — must be {kinds.MIN_MESH_MS} to {kinds.MAX_MESH_MS} ms")
    elif t > 0:
        cx, cy = where[carrier]
        need = math.hypot(x - cx, y - cy) / (t / 1000)
        if need > IMPOSSIBLE_SPEED:
            report.error(
                "mesh_ms",
                f"{carrier} would need {need:.1f} yd/s to reach the mesh point in time — "
                "give it more time",
            )
        elif need > HUMAN_TOP_SPEED:
            report.warn(
                "mesh_ms", f"{carrier} needs {need:.1f} yd/s to reach the mesh; he will be late"
            )
    return report


def _check_motion(motion, where, rules):
    report = Report()
    role, x, y = motion.get("role"), motion.get("x"), motion.get("y")
    if not rules.allow_motion:
        report.error("motion", f"{rules.name} does not allow pre-snap motion")
        return report
    if role not in where or role in ("CENTER", "QB"):
        report.error(
            "motion.role",
            f"'{role}' cannot go in motion; pick a receiver in the formation",
        )
        return report
    if not (_number(report, "motion.x", x) & _number(report, "motion.y", y)):
        return report
    _on_field(report, "motion", x, y, rules)
    x0 = where[role][0]
    if x > 0:
        report.error("motion.x", f"{fmt(float(x))} — the motion must end behind the line (x ≤ 0)")
    elif rules.motion_lateral_only and x > x0:
        report.error(
            "motion.x",
            f"{fmt(float(x))} — {rules.name} allows only lateral or backward motion "
            f"({role} starts at x {fmt(float(x0))})",
        )
    duration = motion.get("duration_ms")
    if _number(report, "motion.duration_ms", duration) and not (100 <= duration <= 5000):
        report.error("motion.duration_ms", f"{fmt(duration)} — must be 100 to 5000 ms")
    for other, (xo, yo) in where.items():
        if other != role and math.hypot(x - xo, y - yo) < MIN_SPACING:
            report.error("motion", f"{role} would end on top of {other}")
    kind = motion.get("kind") or ""
    if kind not in ("", *kinds.MOTIONS):
        report.error("motion_kind", f"'{kind}' is not {', '.join(kinds.MOTIONS)}")
    if motion.get("at_snap") and not rules.motion_at_snap:
        report.error(
            "motion_at_snap",
            f"{rules.name} wants the man in motion set at the snap; untick 'still moving'",
        )
    return report


def check_scenario(defenders, rules=Rules()):
    """defenders: [{"slot", "x", "y", "duty", "man_target", "zone_x", "zone_y", "zone_radius"}]."""
    report = Report()
    slots = defense_roles(rules.players_per_side)
    receivers = offense_roles(rules.players_per_side)
    if len(defenders) != rules.players_per_side:
        report.error(
            "defenders",
            f"{len(defenders)} defenders — a defense has exactly {rules.players_per_side} "
            f"({', '.join(slots)})",
        )
    seen = set()
    rushers = 0
    man_on = {}
    for i, d in enumerate(defenders):
        path = f"defenders[{i}]"
        slot = d.get("slot")
        if not slot:
            report.error(f"{path}.slot", f"pick a defender ({', '.join(slots)})")
        elif slot not in slots:
            report.error(f"{path}.slot", f"'{slot}' is not a defender in {rules.name}")
        elif slot in seen:
            report.error(f"{path}.slot", f"'{slot}' appears twice")
        seen.add(slot)
        x, y = d.get("x"), d.get("y")
        if not (_number(report, f"{path}.x", x) & _number(report, f"{path}.y", y)):
            continue
        _on_field(report, path, x, y, rules)
        if x <= 0:
            report.error(
                f"{path}.x",
                f"{fmt(float(x))} — defenders line up past the line of scrimmage (x > 0)",
            )
        duty = d.get("duty")
        if duty == Duty.RUSH:
            rushers += 1
            if x < rules.rush_distance:
                report.error(
                    f"{path}.x",
                    f"{fmt(float(x))} — a rusher starts at least {fmt(rules.rush_distance)} yd "
                    f"from the line of scrimmage in {rules.name}",
                )
        elif duty == Duty.MAN:
            target = d.get("man_target") or MAN_AUTO
            if target != MAN_AUTO and target not in receivers:
                report.error(
                    f"{path}.man_target",
                    f"'{target}' is not an offensive role ({', '.join(receivers)}) or 'auto'",
                )
            elif target != MAN_AUTO:
                if target in man_on:
                    report.warn(
                        f"{path}.man_target", f"{target} is doubled ({man_on[target]} and {slot})"
                    )
                man_on[target] = slot
        elif duty == Duty.ZONE:
            zx, zy, radius = d.get("zone_x"), d.get("zone_y"), d.get("zone_radius")
            if zx is None or zy is None or radius is None:
                report.error(f"{path}.zone_x", "a zone defender needs a landmark and a radius")
            elif _number(report, f"{path}.zone_x", zx) & _number(report, f"{path}.zone_y", zy):
                _on_field(report, f"{path}.zone", zx, zy, rules)
                if not 0 < radius <= 20:
                    report.error(f"{path}.zone_radius", f"{fmt(radius)} — must be 0 to 20 yd")
        else:
            report.error(f"{path}.duty", f"'{duty}' is not MAN, ZONE or RUSH")
    if rushers > rules.max_rushers:
        report.error(
            "defenders",
            f"{rushers} rushers — {rules.name} allows at most {rules.max_rushers}",
        )
    _crowded_defenders(report, defenders)
    return report


def no_run_buckets(rules):
    """The situation buckets that lie wholly inside a no-run zone: the goal line (≤ 5 yd)
    when the zone before the goal is at least that deep."""
    return (GOALLINE,) if rules.no_run_zone_depth >= GOALLINE_YARDS else ()


def _crowded_defenders(report, defenders):
    """Two defenders on one spot (a rusher with a defender on top of him): each would
    start where the other stands. A warning: the engine runs it, a coach rarely means it."""
    placed = [
        (i, d.get("slot"), d["x"], d["y"])
        for i, d in enumerate(defenders)
        if all(isinstance(d.get(k), int | float) for k in ("x", "y"))
    ]
    for (_, slot_a, xa, ya), (j, slot_b, xb, yb) in combinations(placed, 2):
        gap = math.hypot(xa - xb, ya - yb)
        if gap < DEFENDER_SPACING:
            report.warn(
                f"defenders[{j}]",
                f"{slot_b} stands on top of {slot_a} ({gap:.2f} yd apart); defenders need "
                f"{DEFENDER_SPACING:g} yd to line up side by side",
            )


def check_lineup(spots, rules=Rules()):
    """spots: [{"role", "side"}] where side is the chosen player's side."""
    report = Report()
    offense = offense_roles(rules.players_per_side)
    defense = defense_roles(rules.players_per_side)
    seen = set()
    for i, spot in enumerate(spots):
        role, side = spot.get("role"), spot.get("side")
        path = f"spots[{i}]"
        if role not in offense + defense:
            report.error(f"{path}.role", f"'{role}' is not a role in {rules.name}")
            continue
        if role in seen:
            report.error(f"{path}.role", f"'{role}' appears twice")
        seen.add(role)
        wanted = "OFFENSE" if role in offense else "DEFENSE"
        if side != wanted:
            report.error(
                f"{path}.player",
                f"{spot.get('name', 'this player')} plays {str(side).lower()}; "
                f"{role} needs an {wanted.lower()} player",
            )
    return report


def check_playbook(entries, buckets, rules=Rules()):
    """entries: [{"play_id", "call_number", "situations", "kind"}]; buckets: the valid
    names. A run is never meant for the goal line when the goal's no-run zone covers it."""
    report = Report()
    if len(entries) > MAX_ENTRIES:
        # One refusal, not one per row: a 3,000-row report helps nobody.
        report.error(
            "entries", f"{len(entries):,} entries — a playbook holds at most {MAX_ENTRIES}"
        )
        return report
    calls, plays = {}, {}
    for i, entry in enumerate(entries):
        path = f"entries[{i}]"
        call = str(entry.get("call_number", "")).strip()
        if not call:
            report.error(f"{path}.call_number", "every entry needs a call number")
        elif call in calls:
            report.error(
                f"{path}.call_number", f"'{call}' is already used by entries[{calls[call]}]"
            )
        else:
            calls[call] = i
        play = entry.get("play_id")
        if play in plays:
            report.error(
                f"{path}.play", f"this play is already in the playbook (entries[{plays[play]}])"
            )
        plays[play] = i
        for j, bucket in enumerate(entry.get("situations") or []):
            if bucket not in buckets:
                report.error(
                    f"{path}.situations[{j}]",
                    f"'{bucket}' is not a situation ({', '.join(buckets)})",
                )
            elif entry.get("kind") == kinds.RUN and bucket in no_run_buckets(rules):
                report.error(
                    f"{path}.situations[{j}]",
                    f"{bucket}: call {call or 'this'} is a run, and the goal line is inside "
                    f"the no-run zone ({fmt(float(rules.no_run_zone_depth))} yd before the "
                    f"goal in {rules.name}) — no runs there; call a pass or a trick play",
                )
    return report
