"""Play diagrams and scenario previews (docs/pictures.md), drawn once and rendered twice.

`play_picture(play, scenario=None)` and `scenario_picture(scenario, play=None)` build a
`Picture`: a view box in field coordinates and a list of drawing primitives (plain
dicts: rect, path, polygon, circle, text). `to_svg()` and `to_png()` render the same
primitives, so the SVG and the PNG never disagree, and `Picture.digest` (a hash of the
primitives) is the content key the API's ETag is built from. `render()` / `draw_items()`
draw primitives onto a Pillow image (the animations and charts reuse them).

Coordinates are the domain's (docs/domain.md, Field and units): x yards downfield from
the LOS, y yards to the offense's right. On the picture x goes UP and +y goes RIGHT;
sizes are in yards too (line widths, text heights), turned into pixels at `PX_PER_YD`.
"""

from __future__ import annotations

import functools
import hashlib
import io
import itertools
import json
import math
import re
from dataclasses import dataclass, field

from django.utils.html import escape

from football import duties
from football.roles import offense_roles
from playbook.models import rules_for
from playbook.validation import Rules
from simulation.engine.inputs import DefenderInput
from simulation.engine.prepare import resolve_assignments

PX_PER_YD = 16
BEHIND_LOS_YD = 10.0  # the picture starts this far behind the line of scrimmage
PAST_LOS_YD = 25.0  # ... and reaches at least this far past it (more for deep routes)
SIDE_MARGIN_YD = 1.0  # grass drawn outside each sideline
RUN_ON_YD = 3.0  # a non-settle route is drawn this much past its last breakpoint
PLAYER_RADIUS_YD = 1.0
DOT_RADIUS_YD = 0.7  # a player in a list thumbnail (labels="dots"), at most
LABEL_SIZE_YD = 0.75  # role labels, at most ...
LABEL_WIDTH_YD = 1.6  # ... and no wider than this (the circle is 2 yd across)
DASH_YD = (0.6, 0.4)  # dashed lines: drawn, gap

GRASS = "#3f8f3f"
CHALK = "#ffffff"
LOS_COLOUR = "#1f5fd6"
OFFENSE_FILL = "#ffffff"
OFFENSE_STROKE = "#111111"
DEFENSE_FILL = "#f2d024"
DEFENSE_STROKE = "#111111"
ZONE_COLOUR = "#f2d024"
MAN_COLOUR = "#111111"
RUSH_COLOUR = "#c0392b"
ROUTE_COLOURS = {
    "WR1": "#d62728",
    "WR2": "#1f3fbf",
    "WR3": "#ff8c00",
    "WR4": "#8c2bd6",
    "WR5": "#00a3a3",
    "CENTER": "#6a1b9a",
    "QB": "#111111",
}


def route_colour(role):
    return ROUTE_COLOURS.get(role, "#333333")


@dataclass
class Picture:
    """What to draw: the view (field yards) and the primitives, in drawing order."""

    x_min: float
    x_max: float
    y_min: float
    y_max: float
    items: list = field(default_factory=list)
    title: str = ""

    # --- building ------------------------------------------------------------------------

    def add(self, kind, cls, **data):
        self.items.append({"kind": kind, "cls": cls, **_rounded(data)})

    def path(self, cls, points, colour, width, dashed=False):
        self.add("path", cls, points=points, stroke=colour, width=width, dashed=dashed)

    def polygon(self, cls, points, fill, stroke=None, width=0.0):
        self.add("polygon", cls, points=points, fill=fill, stroke=stroke or fill, width=width)

    def circle(self, cls, center, r, fill, stroke, width, opacity=1.0):
        self.add(
            "circle",
            cls,
            center=center,
            r=r,
            fill=fill,
            stroke=stroke,
            width=width,
            opacity=opacity,
        )

    def text(self, cls, at, text, size, colour, bold=False, anchor="middle"):
        """`anchor`: which point of the text sits at `at` — "start", "middle" or "end"."""
        extra = {} if anchor == "middle" else {"anchor": anchor}
        self.add("text", cls, at=at, text=str(text), size=size, fill=colour, bold=bold, **extra)

    # --- geometry ------------------------------------------------------------------------

    @property
    def width_px(self):
        return round((self.y_max - self.y_min) * PX_PER_YD)

    @property
    def height_px(self):
        return round((self.x_max - self.x_min) * PX_PER_YD)

    def px(self, point):
        """Field (x, y) → image (left, top) in pixels: x up, +y right."""
        x, y = point
        return ((y - self.y_min) * PX_PER_YD, (self.x_max - x) * PX_PER_YD)

    @property
    def digest(self):
        payload = json.dumps(
            [self.x_min, self.x_max, self.y_min, self.y_max, self.title, self.items],
            sort_keys=True,
            separators=(",", ":"),
        )
        return hashlib.sha256(payload.encode()).hexdigest()


def _rounded(value):
    if isinstance(value, float):
        return round(value, 3) + 0.0
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_rounded(v) for v in value]
    return value


# --- what to draw ---------------------------------------------------------------------


def _ceil5(value):
    return 5.0 * math.ceil(value / 5.0)


def _floor5(value):
    return 5.0 * math.floor(value / 5.0)


def field_picture(rules: Rules, xs, title):
    """A picture of the field tall enough for the downfield positions `xs`."""
    x_min = min(-BEHIND_LOS_YD, _floor5(min(xs, default=0.0) - 2.0))
    x_max = max(PAST_LOS_YD, _ceil5(max(xs, default=0.0) + 2.0))
    x_max = min(x_max, max(PAST_LOS_YD, rules.max_x))
    half = rules.half_width + SIDE_MARGIN_YD
    pic = Picture(x_min=x_min, x_max=x_max, y_min=-half, y_max=half, title=title)
    _draw_field(pic, rules)
    return pic


def _draw_field(pic, rules):
    hw = rules.half_width
    pic.add("rect", "field", corners=[(pic.x_min, pic.y_min), (pic.x_max, pic.y_max)], fill=GRASS)
    x = _ceil5(pic.x_min)
    while x <= pic.x_max:
        if x != 0:
            pic.path("yardline", [(x, -hw), (x, hw)], CHALK, 0.08)
            pic.text("yardnumber", (x + 0.6, -hw + 1.4), f"{x:+g}", 0.8, CHALK)
        x += 5.0
    pic.path("los", [(0.0, -hw), (0.0, hw)], LOS_COLOUR, 0.25)
    for side in (-hw, hw):
        pic.path("sideline", [(pic.x_min, side), (pic.x_max, side)], CHALK, 0.25)


@dataclass
class _Offense:
    alignment: dict  # role -> (x, y) in the formation
    start: dict  # role -> (x, y) at the snap (after motion)
    routes: dict  # role -> (points after the start, settle)
    progression: list
    motion: dict | None
    times: dict = field(default_factory=dict)  # role -> the breakpoints' time_ms
    handoff: dict | None = None  # run and trick plays (Play.handoff)
    run_path: list | None = None  # a run's carrier: his whole path from the snap


def offense_of(play):
    alignment = {s.role: (s.x, s.y) for s in play.formation.slots.all()}
    start = dict(alignment)
    motion = play.motion
    if motion and motion["role"] in alignment and motion["x"] is not None:
        start[motion["role"]] = (motion["x"], motion["y"])
    else:
        motion = None
    routes, times = {}, {}
    for a in play.assignments.all():
        if a.route is None or a.role not in start:
            continue
        breakpoints = list(a.route.breakpoints.all())
        if breakpoints:
            routes[a.role] = ([(b.x, b.y) for b in breakpoints], a.route.settle)
            times[a.role] = [b.time_ms for b in breakpoints]
    handoff = play.handoff
    progression = list(play.progression or [])
    run_path = None
    if handoff and handoff["carrier"] in start:
        if handoff["kind"] == "TRICK":
            progression = list(handoff["progression"])  # the new thrower's reads
        else:
            progression = []
            run_path = _carrier_path(play, start, routes, times, handoff)
            routes.pop(handoff["carrier"], None)
    return _Offense(
        alignment, start, routes, progression, motion, times, handoff=handoff, run_path=run_path
    )


def _carrier_path(play, start, routes, times, handoff):
    """The run's carrier from his snap spot: through the mesh, then his route or the
    named path — the engine's own path (simulation.engine.running.run_path_route)."""
    from simulation import engine
    from simulation.engine.running import run_path_route

    own = None
    if handoff["carrier"] in routes:
        offsets, _ = routes[handoff["carrier"]]
        own = engine.Route(
            tuple((x, y, t) for (x, y), t in zip(offsets, times[handoff["carrier"]], strict=True))
        )
    mesh_known = None not in (handoff["x"], handoff["y"], handoff["time_ms"])
    keeper = handoff["carrier"] == handoff["from"]
    if not (mesh_known or keeper):
        return None
    data = engine.PlayInput(
        name=play.name,
        alignment=start,
        routes={handoff["carrier"]: own} if own else {},
        kind="RUN",
        handoff=engine.Handoff(
            carrier=handoff["carrier"],
            giver=handoff["from"],
            x=handoff["x"],
            y=handoff["y"],
            time_ms=handoff["time_ms"],
            path=handoff["path"],
        ),
    )
    route = run_path_route(data, adapter_rules(play))
    sx, sy = start[handoff["carrier"]]
    return [(sx, sy)] + [(sx + x, sy + y) for x, y, _ in route.breakpoints]


def adapter_rules(play):
    from simulation import adapter

    return adapter.engine_rules(play.ruleset)


def spread(rules):
    """role → (x, y): the plain spread a scenario is shown against without a play."""
    roles = offense_roles(rules.players_per_side)
    alignment = {"QB": (-5.0, 0.0), "CENTER": (0.0, 0.0)}
    wide = max(rules.half_width - 3.0, 4.0)
    spots = [-wide, wide, wide / 2, -wide / 2, wide * 0.75, -wide * 0.75]
    for role, y in zip(roles[2:], spots, strict=False):
        alignment[role] = (0.0, y)
    return alignment


def _default_offense(rules):
    """A plain spread (no routes) for a scenario previewed without a play."""
    alignment = spread(rules)
    return _Offense(alignment, dict(alignment), {}, [], None)


def route_points(offense, role, rules: Rules):
    """The drawn path: the start, each breakpoint, and a run-on past the last one,
    stopped at the sideline or the back of the end zone if it would cross them."""
    sx, sy = offense.start[role]
    offsets, settle = offense.routes[role]
    points = [(sx, sy)] + [(sx + dx, sy + dy) for dx, dy in offsets]
    if not settle:
        (ax, ay), (bx, by) = points[-2], points[-1]
        if math.hypot(bx - ax, by - ay) > 1e-6:
            ux, uy = _unit(ax, ay, bx, by)
            run = _run_on_length(bx, by, ux, uy, rules)
            if run > 1e-6:
                points.append((bx + ux * run, by + uy * run))
    return points, settle


def _run_on_length(bx, by, ux, uy, rules):
    """RUN_ON_YD, shortened so that the run-on ends on the field's edge at the latest."""
    run = RUN_ON_YD
    hw = rules.half_width
    if uy > 1e-9:
        run = min(run, (hw - by) / uy)
    elif uy < -1e-9:
        run = min(run, (-hw - by) / uy)
    if ux > 1e-9:
        run = min(run, (rules.max_x - bx) / ux)
    return max(run, 0.0)


LABELS = ("roles", "numbers", "names")  # what a player is labelled with


def _surname(player):
    return player.name.split()[-1] if player.name.split() else ""


def player_marks(role, player, labels):
    """The circle's text and the caption under it: the role (roles), the jersey number
    (numbers; the role when the player has none), the number and the surname (names)."""
    if labels == "roles" or player is None:
        return role, ""
    number = "" if player.jersey_number is None else str(player.jersey_number)
    return (number or role), (_surname(player) if labels == "names" else "")


def dot_radius(spot, spots):
    """A thumbnail's player dot: at most DOT_RADIUS_YD and 0.35 of the distance to the
    closest other player (0.385 with its rim), so a bunch stays separate dots at list size."""
    gaps = [math.dist(spot, other) for other in spots if other is not spot]
    return max(0.1, min([DOT_RADIUS_YD, *(0.35 * g for g in gaps)]))


def _draw_offense(pic, offense, rules, roster=None, labels="roles"):
    order = {role: n for n, role in enumerate(offense.progression, start=1)}
    # Motion first, then routes, then players on top.
    if offense.motion:
        role = offense.motion["role"]
        pic.path(
            "motion",
            [offense.alignment[role], offense.start[role]],
            route_colour(role),
            0.15,
            dashed=True,
        )
        pic.circle(
            "motion-end", offense.start[role], 0.35, route_colour(role), route_colour(role), 0.05
        )
    for role in offense.routes:
        points, settle = route_points(offense, role, rules)
        colour = route_colour(role)
        pic.path("route", points, colour, 0.18)
        (ax, ay), (bx, by) = points[-2], points[-1]
        if settle:
            pic.path("settle", _bar(ax, ay, bx, by), colour, 0.25)
        else:
            pic.polygon("arrowhead", _arrowhead(ax, ay, bx, by), colour)
    if offense.run_path:
        role = offense.handoff["carrier"]
        points = offense.run_path
        pic.path("run-path", points, route_colour(role), 0.3)
        (ax, ay), (bx, by) = points[-2], points[-1]
        pic.polygon("arrowhead", _arrowhead(ax, ay, bx, by, 1.3, 0.7), route_colour(role))
    handoff = offense.handoff
    if handoff and None not in (handoff["x"], handoff["y"]) and handoff["from"] in offense.start:
        mesh = (handoff["x"], handoff["y"])
        # the ball's exchange: a dotted line from who gives it to the mesh, and the mark
        pic.path("handoff", [offense.start[handoff["from"]], mesh], CHALK, 0.12, dashed=True)
        pic.circle("mesh", mesh, 0.55, "#f2c14e", OFFENSE_STROKE, 0.1)
        mark = "P" if handoff["kind"] == "TRICK" else "H"
        pic.text("mesh-label", mesh, mark, 0.7, OFFENSE_STROKE, bold=True)
    if labels == "dots":  # no text at list size: each player a dot of his route's colour
        spots = list(offense.alignment.values())
        for role, spot in offense.alignment.items():
            r = dot_radius(spot, spots)
            fill = route_colour(role) if role in offense.routes else OFFENSE_FILL
            pic.circle("player", spot, r, fill, OFFENSE_STROKE, r / 5)
        return
    for role, spot in offense.alignment.items():
        pic.circle("player", spot, PLAYER_RADIUS_YD, OFFENSE_FILL, OFFENSE_STROKE, 0.12)
        mark, caption = player_marks(role, (roster or {}).get(role), labels)
        label, size = player_label(mark)
        pic.text("label", spot, label, size, OFFENSE_STROKE, bold=True)
        if caption:  # behind the player and his progression badge, where no route runs
            pic.text("name", (spot[0] - PLAYER_RADIUS_YD - 2.1, spot[1]), caption, 0.5, CHALK)
        if role in order:
            at = (spot[0] - PLAYER_RADIUS_YD - 0.9, spot[1])
            if offense.motion and offense.motion["role"] == role:
                at = (offense.start[role][0] - PLAYER_RADIUS_YD - 0.9, offense.start[role][1])
            pic.circle("progression-badge", at, 0.6, route_colour(role), CHALK, 0.08)
            pic.text("progression", at, order[role], 0.8, CHALK, bold=True)


def player_label(role):
    """A role's label and a text size (yd) that keeps it inside the player's circle:
    bold DejaVu Sans averages about 0.86 em per capital or digit."""
    label = "C" if role == "CENTER" else role
    return label, min(LABEL_SIZE_YD, LABEL_WIDTH_YD / (0.86 * len(label)))


def _unit(ax, ay, bx, by):
    length = math.hypot(bx - ax, by - ay) or 1.0
    return (bx - ax) / length, (by - ay) / length


def _arrowhead(ax, ay, bx, by, length=1.0, half_width=0.5):
    ux, uy = _unit(ax, ay, bx, by)
    base_x, base_y = bx - ux * length, by - uy * length
    return [
        (bx, by),
        (base_x - uy * half_width, base_y + ux * half_width),
        (base_x + uy * half_width, base_y - ux * half_width),
    ]


def _bar(ax, ay, bx, by, half=0.7):
    ux, uy = _unit(ax, ay, bx, by)
    return [(bx - uy * half, by + ux * half), (bx + uy * half, by - ux * half)]


def lined_up(defenders, start, eligible):
    """Defender rows (dicts with slot, x, y, duty, man_target, zone_*) as the engine lines
    them up: MAN `auto` (or a role the offense lacks) matched to a receiver, a man
    defender over his man, zones with a radius. The field editor asks this too, so the
    drawing and the editor never disagree."""
    inputs = tuple(
        DefenderInput(
            name=d["slot"],
            x=d["x"],
            y=d["y"],
            duty=d["duty"],
            # a named target the formation lacks is matched like `auto`
            man_target=(d["man_target"] if d["man_target"] in start else duties.MAN_AUTO)
            if d["duty"] == duties.MAN
            else None,
            zone_x=d["zone_x"],
            zone_y=d["zone_y"],
            zone_radius=d["zone_radius"],
        )
        for d in defenders
    )
    return resolve_assignments(inputs, start, eligible)


def _defense_assignments(scenario, offense):
    """Each defender's drawn spot and duty; MAN `auto` matched as the engine does it."""
    start = dict(offense.start)
    rows = [
        {
            "slot": d.slot,
            "x": d.x,
            "y": d.y,
            "duty": d.duty,
            "man_target": d.man_target,
            "zone_x": d.zone_x,
            "zone_y": d.zone_y,
            "zone_radius": d.zone_radius,
        }
        for d in scenario.defenders.all()
    ]
    if offense.routes:
        eligible = [r for r in start if r in offense.routes]
    else:
        eligible = [r for r in start if r != "QB"]
    return lined_up(rows, start, eligible)


def _draw_defense(pic, scenario, offense, roster=None, labels="roles"):
    assignments = _defense_assignments(scenario, offense)
    for a in assignments:  # zones underneath everything defensive
        if a.duty == duties.ZONE:
            pic.circle(
                "zone",
                (a.zone_x, a.zone_y),
                a.zone_radius,
                ZONE_COLOUR,
                ZONE_COLOUR,
                0.1,
                opacity=0.25,
            )
    qb = offense.start.get("QB", (-5.0, 0.0))
    for a in assignments:
        if a.duty == duties.MAN and a.target in offense.start:
            pic.path("man", [(a.x, a.y), offense.start[a.target]], MAN_COLOUR, 0.08)
        elif a.duty == duties.RUSH:
            gap = PLAYER_RADIUS_YD + 0.3
            ux, uy = _unit(a.x, a.y, *qb)
            end = (qb[0] - ux * gap, qb[1] - uy * gap)
            pic.path("rush", [(a.x, a.y), end], RUSH_COLOUR, 0.15)
            pic.polygon("rush-arrowhead", _arrowhead(a.x, a.y, *end), RUSH_COLOUR)
    for a in assignments:
        r = PLAYER_RADIUS_YD
        triangle = [(a.x - 0.8 * r, a.y), (a.x + 0.6 * r, a.y - r), (a.x + 0.6 * r, a.y + r)]
        pic.polygon("defender", triangle, DEFENSE_FILL, DEFENSE_STROKE, 0.1)
        mark, caption = player_marks(a.name, (roster or {}).get(a.name), labels)
        text = a.name if mark == a.name else f"{a.name} #{mark}"
        pic.text("defender-label", (a.x + 1.4, a.y), text, 0.7, CHALK, bold=True)
        if caption:
            pic.text("name", (a.x + 2.3, a.y), caption, 0.6, CHALK)


def scenario_rules(scenario, play):
    if scenario is not None and scenario.ruleset_id:
        return Rules.of(scenario.ruleset)
    return rules_for(play if play is not None else scenario)


def play_picture(play, scenario=None, roster=None, labels="roles"):
    """The play's diagram, optionally against a scenario's defenders. `roster` (role or
    slot → Player) and `labels` (LABELS) put jersey numbers and names on the players."""
    rules = scenario_rules(scenario, play)
    offense = offense_of(play)
    return _picture(rules, offense, scenario, play.name, roster, labels)


def scenario_picture(scenario, play=None, roster=None, labels="roles"):
    """A scenario's defenders against a play's offense (or a plain spread)."""
    rules = scenario_rules(scenario, play)
    offense = offense_of(play) if play is not None else _default_offense(rules)
    return _picture(rules, offense, scenario, scenario.name, roster, labels)


def _picture(rules, offense, scenario, title, roster=None, labels="roles"):
    if labels not in (*LABELS, "dots"):
        raise ValueError(f"Unknown labels '{labels}': use one of {', '.join(LABELS)}.")
    xs = [x for x, _ in offense.start.values()]
    for role in offense.routes:
        xs.extend(x for x, _ in route_points(offense, role, rules)[0])
    if scenario is not None:
        for d in scenario.defenders.all():
            xs.append(d.x)
            if d.zone_x is not None:
                xs.append(d.zone_x + (d.zone_radius or 0.0))
    pic = field_picture(rules, xs, title)
    if scenario is not None:
        _draw_defense(pic, scenario, offense, roster, labels)
    _draw_offense(pic, offense, rules, roster, labels)
    return pic


# --- SVG ------------------------------------------------------------------------------


def _fmt(value):
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _pts(pic, points):
    return " ".join(f"{_fmt(px)},{_fmt(py)}" for px, py in map(pic.px, points))


# Characters XML 1.0 does not allow (C0 controls but tab/newline/CR, lone surrogates,
# U+FFFE/U+FFFF): input refuses them, but text stored before that (or loaded raw from a
# fixture) must not make a picture malformed, so they are drawn as U+FFFD.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value) -> str:
    """User text as SVG character data or an attribute value: &, <, >, both quotes
    escaped and characters XML cannot hold replaced."""
    return escape(_NOT_XML.sub("\ufffd", str(value)))


def to_svg(pic: Picture) -> str:
    s = PX_PER_YD
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{pic.width_px}" '
        f'height="{pic.height_px}" viewBox="0 0 {pic.width_px} {pic.height_px}" '
        'font-family="DejaVu Sans, Arial, sans-serif">',
        f"<title>{xml_text(pic.title)}</title>",
    ]
    for item in pic.items:
        kind, cls = item["kind"], xml_text(item["cls"])
        if kind == "rect":
            (left, t), (r, b) = (pic.px(p) for p in item["corners"])
            x0, y0 = min(left, r), min(t, b)
            out.append(
                f'<rect class="{cls}" x="{_fmt(x0)}" y="{_fmt(y0)}" '
                f'width="{_fmt(abs(r - left))}" height="{_fmt(abs(b - t))}" '
                f'fill="{item["fill"]}"/>'
            )
        elif kind == "path":
            dash = ""
            if item["dashed"]:
                dash = f' stroke-dasharray="{_fmt(DASH_YD[0] * s)} {_fmt(DASH_YD[1] * s)}"'
            out.append(
                f'<polyline class="{cls}" points="{_pts(pic, item["points"])}" fill="none" '
                f'stroke="{item["stroke"]}" stroke-width="{_fmt(item["width"] * s)}" '
                f'stroke-linecap="round" stroke-linejoin="round"{dash}/>'
            )
        elif kind == "polygon":
            out.append(
                f'<polygon class="{cls}" points="{_pts(pic, item["points"])}" '
                f'fill="{item["fill"]}" stroke="{item["stroke"]}" '
                f'stroke-width="{_fmt(item["width"] * s)}"/>'
            )
        elif kind == "circle":
            cx, cy = pic.px(item["center"])
            opacity = ""
            if item["opacity"] < 1:
                opacity = f' fill-opacity="{item["opacity"]}"'
            out.append(
                f'<circle class="{cls}" cx="{_fmt(cx)}" cy="{_fmt(cy)}" '
                f'r="{_fmt(item["r"] * s)}" fill="{item["fill"]}"{opacity} '
                f'stroke="{item["stroke"]}" stroke-width="{_fmt(item["width"] * s)}"/>'
            )
        elif kind == "text":
            x, y = pic.px(item["at"])
            weight = ' font-weight="bold"' if item["bold"] else ""
            anchor = item.get("anchor", "middle")
            out.append(
                f'<text class="{cls}" x="{_fmt(x)}" y="{_fmt(y)}" '
                f'font-size="{_fmt(item["size"] * s)}" fill="{item["fill"]}"{weight} '
                f'text-anchor="{anchor}" dominant-baseline="central">'
                f"{xml_text(item['text'])}</text>"
            )
    out.append("</svg>")
    return "\n".join(out) + "\n"


# --- PNG ------------------------------------------------------------------------------


def _rgb(colour):
    colour = colour.lstrip("#")
    return tuple(int(colour[i : i + 2], 16) for i in (0, 2, 4))


@functools.lru_cache(maxsize=64)
def font(size_px, bold=False):
    from PIL import ImageFont

    try:
        return ImageFont.truetype("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf", size_px)
    except OSError:
        return ImageFont.load_default(size=size_px)


def _dashes(points, on, off):
    """Split a polyline (pixels) into the drawn pieces of a dash pattern."""
    pieces, drawing, left = [], True, on
    for (ax, ay), (bx, by) in itertools.pairwise(points):
        length = math.hypot(bx - ax, by - ay)
        pos = 0.0
        while pos < length - 1e-9:
            step = min(left, length - pos)
            if drawing:
                t0, t1 = pos / length, (pos + step) / length
                pieces.append(
                    [
                        (ax + (bx - ax) * t0, ay + (by - ay) * t0),
                        (ax + (bx - ax) * t1, ay + (by - ay) * t1),
                    ]
                )
            pos += step
            left -= step
            if left <= 1e-9:
                drawing = not drawing
                left = on if drawing else off
    return pieces


PIL_ANCHORS = {"start": "lm", "middle": "mm", "end": "rm"}


def render(pic: Picture):
    """The picture as a Pillow RGB image."""
    from PIL import Image

    image = Image.new("RGB", (pic.width_px, pic.height_px), _rgb(GRASS))
    draw_items(image, pic, pic.items)
    return image


def draw_items(image, pic: Picture, items):
    """Draw primitives (in `pic`'s coordinates) onto a Pillow RGB image."""
    from PIL import Image, ImageDraw

    s = PX_PER_YD
    draw = ImageDraw.Draw(image)
    for item in items:
        kind = item["kind"]
        if kind == "rect":
            (left, t), (r, b) = (pic.px(p) for p in item["corners"])
            draw.rectangle(
                [min(left, r), min(t, b), max(left, r), max(t, b)], fill=_rgb(item["fill"])
            )
        elif kind == "path":
            points = [pic.px(p) for p in item["points"]]
            width = max(1, round(item["width"] * s))
            pieces = _dashes(points, DASH_YD[0] * s, DASH_YD[1] * s) if item["dashed"] else [points]
            for piece in pieces:
                draw.line(piece, fill=_rgb(item["stroke"]), width=width, joint="curve")
        elif kind == "polygon":
            points = [pic.px(p) for p in item["points"]]
            width = round(item["width"] * s)
            draw.polygon(
                points,
                fill=_rgb(item["fill"]),
                outline=_rgb(item["stroke"]),
                width=max(width, 1) if width else 1,
            )
        elif kind == "circle":
            cx, cy = pic.px(item["center"])
            r = item["r"] * s
            width = max(1, round(item["width"] * s))
            if item["opacity"] < 1:  # drawn on a small layer, pasted through its alpha
                left, top = math.floor(cx - r) - 1, math.floor(cy - r) - 1
                size = math.ceil(2 * r) + 3
                layer = Image.new("RGBA", (size, size), (0, 0, 0, 0))
                ImageDraw.Draw(layer).ellipse(
                    [cx - r - left, cy - r - top, cx + r - left, cy + r - top],
                    fill=(*_rgb(item["fill"]), round(255 * item["opacity"])),
                    outline=(*_rgb(item["stroke"]), 255),
                    width=width,
                )
                image.paste(layer, (left, top), layer)
            else:
                draw.ellipse(
                    [cx - r, cy - r, cx + r, cy + r],
                    fill=_rgb(item["fill"]),
                    outline=_rgb(item["stroke"]),
                    width=width,
                )
        elif kind == "text":
            draw.text(
                pic.px(item["at"]),
                item["text"],
                fill=_rgb(item["fill"]),
                font=font(max(6, round(item["size"] * s)), item["bold"]),
                anchor=PIL_ANCHORS[item.get("anchor", "middle")],
            )
    return image


def to_png(pic: Picture) -> bytes:
    buffer = io.BytesIO()
    render(pic).save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()
