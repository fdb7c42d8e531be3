"""Animated GIFs: the replay of a recorded simulation trace and the preview of
a play run from the snap before any simulation.

Both are drawn like the diagrams (`pictures.diagrams`: same field, colours and player
marks, at diagrams.PX_PER_YD = 16 px per yard). The still parts (field, route paths,
defenders in the preview) are drawn once into a Pillow image; each frame copies it and
draws only what moves, then is mapped onto one fixed palette (`PALETTE`).

Sizes, at 16 px per yard. Replay: width = (field width + 2 × diagrams.SIDE_MARGIN_YD)
× 16 px — 512 px on the default 30-yd field, 672 px on a 40-yd one; height = the view's
depth × 16 px, the view running from 10 yd behind the line of scrimmage to the deepest
point any player or the ball reaches plus HEADER_MARGIN_YD, rounded up to 5 yd, at least
25 yd past the line (560 px) and at most the back of the end zone; `replay_size()` gives
it for a trace. Preview: exactly the size of the play's diagram against the same scenario
(`diagrams.play_picture(play, scenario)`).

Every frame shows the play clock, so no two frames are alike (GIF writers merge
identical neighbours, which would break "one frame per trace frame").
"""

from __future__ import annotations

import io
import math

import numpy as np

from pictures import diagrams
from playbook.validation import Rules

PREVIEW_FRAME_MS = 100  # one preview frame per 100 ms of play time
PREVIEW_HOLD_MS = 1500  # the last preview frame stays this long
REPLAY_HOLD_MS = 2500  # the replay's last frame (the outcome) stays this long
HEADER_YD = 1.6  # dark strip at the top: title and clock
HEADER_MARGIN_YD = 2.0  # kept clear between the deepest point and the header
BALL_COLOUR = "#8b4513"
HEADER_COLOUR = "#1b1b1b"
THROW_COLOUR = "#bde0ff"  # light blue: not the chalk's white
BANNER_COLOUR = "#1b1b1b"
BALL_RADIUS_YD = 0.4

_BASE_COLOURS = [
    diagrams.GRASS,
    diagrams.CHALK,
    diagrams.LOS_COLOUR,
    diagrams.OFFENSE_FILL,
    diagrams.OFFENSE_STROKE,
    diagrams.DEFENSE_FILL,
    diagrams.RUSH_COLOUR,
    BALL_COLOUR,
    HEADER_COLOUR,
    THROW_COLOUR,
    "#333333",
    *diagrams.ROUTE_COLOURS.values(),
]
# Antialiased text and translucent zones fall between these pairs.
_BLENDS = [
    (diagrams.CHALK, diagrams.GRASS),
    (diagrams.CHALK, HEADER_COLOUR),
    (diagrams.OFFENSE_STROKE, diagrams.OFFENSE_FILL),
    (diagrams.ZONE_COLOUR, diagrams.GRASS),
    (diagrams.DEFENSE_STROKE, diagrams.DEFENSE_FILL),
    (diagrams.OFFENSE_STROKE, diagrams.GRASS),
    *((c, diagrams.GRASS) for c in diagrams.ROUTE_COLOURS.values()),
]


def _palette():
    rgb = diagrams._rgb
    colours = [rgb(c) for c in _BASE_COLOURS]
    for fg, bg in _BLENDS:
        (r1, g1, b1), (r2, g2, b2) = rgb(fg), rgb(bg)
        for t in (0.2, 0.4, 0.6, 0.8):
            colours.append(
                (
                    round(r1 * t + r2 * (1 - t)),
                    round(g1 * t + g2 * (1 - t)),
                    round(b1 * t + b2 * (1 - t)),
                )
            )
    colours = list(dict.fromkeys(colours))[:256]
    return [v for c in colours for v in c]


PALETTE = _palette()


def _palette_image():
    from PIL import Image

    image = Image.new("P", (1, 1))
    image.putpalette(PALETTE)
    return image


def _to_gif(frames, durations):
    """RGB frames → one GIF (all frames on PALETTE, no dithering), looping forever."""
    from PIL import Image

    palette = _palette_image()
    mapped = [f.quantize(palette=palette, dither=Image.Dither.NONE) for f in frames]
    buffer = io.BytesIO()
    mapped[0].save(
        buffer,
        format="GIF",
        save_all=True,
        append_images=mapped[1:],
        duration=[max(20, round(d)) for d in durations],
        loop=0,
        optimize=False,
        disposal=1,
    )
    return buffer.getvalue()


# --- what moves ------------------------------------------------------------------------


def _header(pic, title, t_ms):
    pic.add(
        "rect",
        "header",
        corners=[(pic.x_max, pic.y_min), (pic.x_max - HEADER_YD, pic.y_max)],
        fill=HEADER_COLOUR,
    )
    mid = pic.x_max - HEADER_YD / 2
    if title:
        text = title if len(title) <= 48 else title[:47] + "…"
        pic.text("title", (mid, pic.y_min + 0.6), text, 0.8, diagrams.CHALK, anchor="start")
    pic.text(
        "clock", (mid, pic.y_max - 0.6), f"{t_ms / 1000:.2f} s", 0.85, diagrams.CHALK, True, "end"
    )


def _offense_mark(pic, role, spot, badge=None):
    pic.circle(
        "player",
        spot,
        diagrams.PLAYER_RADIUS_YD,
        diagrams.OFFENSE_FILL,
        diagrams.OFFENSE_STROKE,
        0.12,
    )
    label, size = diagrams.player_label(role)
    pic.text("label", spot, label, size, diagrams.OFFENSE_STROKE, bold=True)
    if badge is not None:
        at = (spot[0] - diagrams.PLAYER_RADIUS_YD - 0.9, spot[1])
        colour = diagrams.route_colour(role)
        pic.circle("progression-badge", at, 0.6, colour, diagrams.CHALK, 0.08)
        pic.text("progression", at, badge, 0.8, diagrams.CHALK, bold=True)


def _defender_mark(pic, name, spot):
    x, y = spot
    r = diagrams.PLAYER_RADIUS_YD
    triangle = [(x - 0.8 * r, y), (x + 0.6 * r, y - r), (x + 0.6 * r, y + r)]
    pic.polygon("defender", triangle, diagrams.DEFENSE_FILL, diagrams.DEFENSE_STROKE, 0.1)
    pic.text("defender-label", (x + 1.4, y), name, 0.7, diagrams.CHALK, bold=True)


def _banner(pic, text):
    x = pic.x_min + 2.2
    pic.add(
        "rect",
        "banner",
        corners=[(x + 1.2, pic.y_min + 1.0), (x - 1.2, pic.y_max - 1.0)],
        fill=BANNER_COLOUR,
    )
    pic.text("outcome", (x, (pic.y_min + pic.y_max) / 2), text, 1.1, diagrams.CHALK, bold=True)


# --- replay ----------------------------------------------------------------------------


def outcome_text(outcome: dict) -> str:
    """The line written on a replay's last frame."""
    result, target = outcome["result"], outcome.get("target")
    yards = f"{outcome['yards']:+.1f} yd"
    if result in ("COMPLETE", "RUN"):
        if result == "COMPLETE":
            verb = "TOUCHDOWN to" if outcome.get("touchdown") else "COMPLETE to"
        else:
            verb = "TOUCHDOWN, run by" if outcome.get("touchdown") else "RUN by"
        text = f"{verb} {target}, {yards}"
        if outcome.get("converted") and not outcome.get("touchdown"):
            text += ", first down"
        return text
    if result == "SACK":
        return f"SACK, {yards}"
    verb = "INTERCEPTED" if result == "INTERCEPTION" else "INCOMPLETE"
    return f"{verb}, intended for {target}" if target else f"{verb} (thrown away)"


def _replay_view(trace, rules):
    xs = [0.0]
    for frame in trace["frames"]:
        xs.extend(x for x, _ in frame["offense"])
        xs.extend(x for x, _ in frame["defense"])
        xs.append(frame["ball"][0])
    deepest = max(xs) + HEADER_MARGIN_YD
    return diagrams.field_picture(rules, [min(xs), deepest], "")


def replay_size(trace: dict, rules: Rules) -> tuple[int, int]:
    """(width, height) in pixels of the trace's replay GIF (see the module docstring)."""
    pic = _replay_view(trace, rules)
    return pic.width_px, pic.height_px


def _ball_spot(frame):
    """Where to draw the ball: a carried ball (on a player's spot) is drawn tucked at the
    edge of his circle, so his label stays readable."""
    bx, by = frame["ball"]
    for x, y in frame["offense"]:
        if math.hypot(bx - x, by - y) < 0.6:
            return (x - 0.55, y + 0.85)
    return (bx, by)


def trace_rules(trace) -> Rules:
    """The field a stored `SimulationTrace` was played on, as the run used it: the run's
    ruleset, else its scenario's, else the team's default."""
    from playbook.models import Scenario
    from simulation.adapter import run_ruleset

    run = trace.run
    scenario = Scenario.objects.filter(pk=trace.scenario_id_ref, team_id=run.team_id).first()
    return Rules.of(run_ruleset(run, scenario))


def _frame_at(frames, t_ms):
    """Index of the first frame at or after t_ms."""
    for i, frame in enumerate(frames):
        if frame["t_ms"] >= t_ms:
            return i
    return len(frames) - 1


def replay_gif(trace: dict, rules: Rules, title: str = "") -> bytes:
    """An animated GIF of one recorded trace (`SimulationTrace.data`).

    Exactly one GIF frame per trace frame. Traces keep a frame every 100 ms plus the
    release, the arrival and the whistle at whatever 50-ms step they happen, so each
    frame is shown for the time until the next one (50 or 100 ms, real time) and the
    last frame — with the outcome written on it — for REPLAY_HOLD_MS. The ball sits in
    the QB's hands until the release, then flies; from the release on, a dashed line
    joins the release spot to where the ball arrives (caught, dropped or picked).
    Offensive players leave a trail in their route colour.
    """
    frames = trace["frames"]
    roles, defenders = trace["offense_roles"], trace["defenders"]
    view = _replay_view(trace, rules)
    trails = diagrams.render(view)
    events = trace.get("events", {})
    release = events.get("release")
    throw_from = _frame_at(frames, release) if release is not None else None
    arrival = events.get("arrival")
    throw_to = _frame_at(frames, arrival) if arrival is not None else len(frames) - 1
    outcome = outcome_text(trace["outcome"])

    images, durations = [], []
    for i, frame in enumerate(frames):
        still = _empty_like(view)
        if i:
            for n, role in enumerate(roles):
                still.path(
                    "trail",
                    [frames[i - 1]["offense"][n], frame["offense"][n]],
                    diagrams.route_colour(role),
                    0.12,
                )
        if i == throw_from:
            landing = frames[throw_to]["ball"]
            still.path("throw", [frame["ball"], landing], THROW_COLOUR, 0.12, dashed=True)
            still.circle("landing", landing, 0.5, THROW_COLOUR, THROW_COLOUR, 0.1, opacity=0.0)
        diagrams.draw_items(trails, view, still.items)

        moving = _empty_like(view)
        for name, spot in zip(defenders, frame["defense"], strict=True):
            _defender_mark(moving, name, spot)
        for role, spot in zip(roles, frame["offense"], strict=True):
            _offense_mark(moving, role, spot)
        moving.circle("ball", _ball_spot(frame), BALL_RADIUS_YD, BALL_COLOUR, diagrams.CHALK, 0.1)
        _header(moving, title, frame["t_ms"])
        last = i == len(frames) - 1
        if last:
            _banner(moving, outcome)
        image = trails.copy()
        diagrams.draw_items(image, view, moving.items)
        images.append(image)
        durations.append(REPLAY_HOLD_MS if last else frames[i + 1]["t_ms"] - frame["t_ms"])
    return _to_gif(images, durations)


def _empty_like(view):
    return diagrams.Picture(view.x_min, view.x_max, view.y_min, view.y_max)


# --- preview ---------------------------------------------------------------------------

_MOVING = {"player", "label", "progression-badge", "progression"}


def _timelines(offense, rules):
    """role -> (times ms, points): the snap spot at 0, each breakpoint at its time_ms
    and, for a route that does not settle, the diagram's run-on (stopped at the field's
    edge) reached at the last leg's speed."""
    timelines = {}
    for role in offense.routes:
        times = [0.0] + [float(t) for t in offense.times[role]]
        points, _ = diagrams.route_points(offense, role, rules)
        if len(points) > len(times):  # the run-on
            (ax, ay), (bx, by), (cx, cy) = points[-3], points[-2], points[-1]
            leg_ms = max(times[-1] - times[-2], 1.0)
            speed = math.hypot(bx - ax, by - ay) / leg_ms
            times.append(times[-1] + math.hypot(cx - bx, cy - by) / speed)
        timelines[role] = (np.array(times), np.array(points))
    return timelines


def _preview_parts(play, scenario):
    rules = diagrams.scenario_rules(scenario, play)
    offense = diagrams.offense_of(play)
    timelines = _timelines(offense, rules)
    end_ms = max((float(times[-1]) for times, _ in timelines.values()), default=0.0)
    # The play is over at the pass clock: a very slow last leg (allowed, and warned
    # about) must not make a 100,000-frame GIF.
    end_ms = min(end_ms, float(rules.pass_clock_ms))
    count = math.ceil(end_ms / PREVIEW_FRAME_MS - 1e-9) + 1
    return rules, offense, timelines, count


def preview_frame_count(play, scenario=None) -> int:
    """Frames of `preview_gif`: one per 100 ms from the snap (t = 0) until every route
    has reached its last breakpoint (settle) or finished its run-on, rounded up — at most
    until the ruleset's pass clock."""
    return _preview_parts(play, scenario)[3]


def preview_gif(play, scenario=None) -> bytes:
    """The play run from the snap, before any simulation: one frame per 100 ms, the
    players moving along their routes at the breakpoints' timing (straight legs between
    breakpoints; settle routes stop at the last one; the others keep the last leg's
    speed for the diagram's run-on, stopping at the sideline). The route paths stay
    drawn underneath. Pre-snap motion is not animated: it is drawn dashed, as in the
    diagram, and the motion man starts from where his motion ends. With a scenario the
    defenders, zones, man lines and rush arrows are drawn still, at their alignment."""
    _, offense, timelines, count = _preview_parts(play, scenario)
    diagram = diagrams.play_picture(play, scenario)
    base = _empty_like(diagram)
    base.items = [item for item in diagram.items if item["cls"] not in _MOVING]
    still = diagrams.render(base)
    order = {role: n for n, role in enumerate(offense.progression, start=1)}
    title = play.name if scenario is None else f"{play.name} vs {scenario.name}"

    images = []
    for i in range(count):
        t = i * PREVIEW_FRAME_MS
        moving = _empty_like(diagram)
        for role, spot in offense.start.items():
            if role in timelines:
                times, points = timelines[role]
                spot = (
                    float(np.interp(t, times, points[:, 0])),
                    float(np.interp(t, times, points[:, 1])),
                )
            _offense_mark(moving, role, spot, order.get(role))
        _header(moving, title, t)
        image = still.copy()
        diagrams.draw_items(image, diagram, moving.items)
        images.append(image)
    durations = [PREVIEW_FRAME_MS] * (count - 1) + [PREVIEW_HOLD_MS]
    return _to_gif(images, durations)
