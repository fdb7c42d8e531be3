"""Result charts of a simulation run, drawn with the diagrams' primitives
(`pictures.diagrams.Picture`), so `to_svg` and `to_png` give the same picture.

Charts are laid out in pixels: `_Chart` turns (left, top) pixels into the Picture's
coordinates. Play and scenario names are user data: `to_svg` escapes every text.
"""

from __future__ import annotations

import math

from pictures import diagrams
from playbook.models import Play, Scenario
from simulation.engine import DEPTH_KEYS, MetricsAggregator
from simulation.engine import constants as C
from simulation.services import field_label, run_fields

S = diagrams.PX_PER_YD
FONT_PX = 12
INK = "#222222"
GRID = "#cccccc"
BACKGROUND = "#ffffff"
MISSING = "#dddddd"
NEGATIVE = (192, 57, 43)  # mean reward below 0 ...
NEUTRAL = (247, 247, 247)  # ... 0 ...
POSITIVE = (30, 132, 73)  # ... above 0 (a diverging scale, symmetric around 0)
SEQ_LOW = (247, 251, 255)  # success rate 0 % ...
SEQ_HIGH = (8, 81, 156)  # ... 100 % (a sequential scale)
BAR = "#1f5fd6"

# value -> (title, formatter); the names are the per-pair metric fields.
HEATMAP_VALUES = {
    "mean_reward": ("Mean reward (pts)", lambda v: f"{v:.1f}"),
    "success_rate": ("Success rate", lambda v: f"{v:.0%}"),
}
CELL_W, CELL_H = 96, 34


class _Chart:
    """A Picture addressed in pixels from its top-left corner."""

    def __init__(self, width, height, title):
        self.pic = diagrams.Picture(-height / S, 0.0, 0.0, width / S, title=title)
        self.rect(0, 0, width, height, BACKGROUND, "background")

    def _at(self, left, top):
        return (-top / S, left / S)

    def rect(self, left, top, right, bottom, fill, cls="bar"):
        self.pic.add("rect", cls, corners=[self._at(left, top), self._at(right, bottom)], fill=fill)

    def line(self, points, colour, width=1, cls="axis"):
        self.pic.path(cls, [self._at(*p) for p in points], colour, width / S)

    def text(
        self, left, top, text, size=FONT_PX, colour=INK, bold=False, anchor="start", cls="text"
    ):
        self.pic.text(cls, self._at(left, top), text, size / S, colour, bold=bold, anchor=anchor)


def _clip(text, chars):
    return text if len(text) <= chars else text[: chars - 1] + "…"


def _wrap(text, chars, lines):
    """Words into at most `lines` lines of about `chars` characters (the last one cut)."""
    out, current = [], ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > chars:
            out.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    out.append(current)
    if len(out) > lines:
        out = [*out[: lines - 1], " ".join(out[lines - 1 :])]
    return [_clip(line, chars) for line in out]


def _hex(rgb):
    return "#" + "".join(f"{round(c):02x}" for c in rgb)


def _mix(a, b, t):
    return tuple(x + (y - x) * t for x, y in zip(a, b, strict=True))


def _ink_on(fill):
    r, g, b = diagrams._rgb(fill)
    return INK if 0.299 * r + 0.587 * g + 0.114 * b > 150 else "#ffffff"


def _names(run, pairs):
    """{id: name} of the run's plays and scenarios (within its team); ids no longer there
    are labelled '… #id (deleted)'."""
    names = {}
    for model, key, label in ((Play, "play", "play"), (Scenario, "scenario", "scenario")):
        ids = sorted({p[key] for p in pairs})
        found = dict(
            model.objects.filter(team_id=run.team_id, pk__in=ids).values_list("pk", "name")
        )
        names[key] = {i: found.get(i, f"{label} #{i} (deleted)") for i in ids}
    return names


# --- heat map --------------------------------------------------------------------------


def heatmap_colour(value, v, limit):
    """Cell colour: mean reward on a red–white–green scale symmetric around 0 (±limit);
    success rate on a white → blue scale from 0 to 100 %."""
    if v is None:
        return MISSING
    if value == "success_rate":
        return _hex(_mix(SEQ_LOW, SEQ_HIGH, min(max(v, 0.0), 1.0)))
    t = min(abs(v) / limit, 1.0)
    return _hex(_mix(NEUTRAL, POSITIVE if v >= 0 else NEGATIVE, t))


def heatmap_picture(run, value: str = "mean_reward") -> diagrams.Picture:
    """Plays (rows) × defenses (columns) of a run, coloured by a per-pair metric
    (`mean_reward` or `success_rate`) with the number in each cell and a legend. Plays
    and scenarios are in id order (the order the run's pairs and traces use)."""
    if value not in HEATMAP_VALUES:
        raise ValueError(
            f"Unknown heat-map value '{value}': use one of {', '.join(HEATMAP_VALUES)}."
        )
    label, fmt = HEATMAP_VALUES[value]
    pairs = (run.metrics or {}).get("pairs") or []
    if not pairs:
        chart = _Chart(360, 60, f"{label}: no results")
        chart.text(12, 30, f"No results yet (run {run.get_status_display().lower()}).")
        return chart.pic
    names = _names(run, pairs)
    plays, scenarios = list(names["play"]), list(names["scenario"])
    cells = {(p["play"], p["scenario"]): p.get(value) for p in pairs}
    found = [v for v in cells.values() if v is not None]
    limit = max(1.0, math.ceil(max((abs(v) for v in found), default=1.0)))

    left = min(230, max(90, 7 * max(len(n) for n in names["play"].values()) + 16))
    width = max(left + CELL_W * len(scenarios) + 16, left + 300)
    fields = _fields_text(run, names["scenario"])
    field_lines = _wrap(fields, (width - 24) // 7, 3) if fields else []
    top, header = 34 + 15 * len(field_lines), 50
    legend_top = top + header + CELL_H * len(plays) + 16
    chart = _Chart(width, legend_top + 50, f"{label} by play and defense")
    chart.text(12, 16, f"{label}: plays × defenses", 14, bold=True)
    for k, line in enumerate(field_lines):
        chart.text(12, 36 + 15 * k, line, cls="field")
    for j, sid in enumerate(scenarios):
        lines = _wrap(names["scenario"][sid], 15, 3)
        x = left + CELL_W * j + CELL_W / 2
        for k, line in enumerate(lines):
            y = top + header - 8 - 13 * (len(lines) - 1 - k)
            chart.text(x, y, line, 11, anchor="middle", cls="column")
    for i, pid in enumerate(plays):
        y = top + header + CELL_H * i
        row_label = _clip(names["play"][pid], (left - 16) // 7)  # fits the margin
        chart.text(left - 8, y + CELL_H / 2, row_label, anchor="end", cls="row")
        for j, sid in enumerate(scenarios):
            x = left + CELL_W * j
            v = cells.get((pid, sid))
            fill = heatmap_colour(value, v, limit)
            chart.rect(x + 1, y + 1, x + CELL_W - 1, y + CELL_H - 1, fill, "cell")
            text = "—" if v is None else fmt(v)
            chart.text(
                x + CELL_W / 2,
                y + CELL_H / 2,
                text,
                13,
                _ink_on(fill),
                True,
                "middle",
                "cell-value",
            )
    _legend(chart, value, fmt, limit, left, legend_top)
    return chart.pic


def _fields_text(run, scenario_names):
    """'On NFL FLAG 5v5, 30 × 70 yd', or per field the defenses played on it."""
    entries = run_fields(run)
    if len(entries) <= 1:
        return f"On {field_label(entries[0]['ruleset'])}" if entries else ""
    return "On " + "; ".join(
        f"{field_label(e['ruleset'])} vs "
        + ", ".join(scenario_names.get(pk, f"scenario #{pk}") for pk in e["scenarios"])
        for e in entries
    )


def _legend(chart, value, fmt, limit, left, top):
    low, high = (0.0, 1.0) if value == "success_rate" else (-limit, limit)
    steps, width = 20, 240
    for k in range(steps):
        v = low + (high - low) * (k + 0.5) / steps
        x = left + width * k / steps
        chart.rect(
            x, top, x + width / steps + 0.5, top + 14, heatmap_colour(value, v, limit), "legend"
        )
    for v in (low, (low + high) / 2, high):
        x = left + width * (v - low) / (high - low)
        chart.text(x, top + 26, fmt(v), 11, anchor="middle", cls="legend-label")


# --- run charts ------------------------------------------------------------------------


def _aggregate(run):
    """The run's metrics with their histograms: the merged state of its slices."""
    total = MetricsAggregator()
    for state in run.slices.exclude(state=None).values_list("state", flat=True):
        total.merge(MetricsAggregator.from_state(state))
    return total


def _bar_chart(title, rows, note=""):
    """Horizontal bars: rows = [(label, value 0..1 or None, text, colour)]."""
    label_w, bar_w, row_h = 110, 240, 26
    height = 40 + row_h * len(rows) + (22 if note else 8)
    chart = _Chart(label_w + bar_w + 130, height, title)
    chart.text(12, 16, title, 14, bold=True)
    for i, (label, v, text, colour) in enumerate(rows):
        y = 36 + row_h * i
        chart.text(label_w - 8, y + row_h / 2, label, anchor="end", cls="label")
        chart.rect(label_w, y + 4, label_w + bar_w, y + row_h - 4, "#f0f0f0", "track")
        if v:
            chart.rect(label_w, y + 4, label_w + bar_w * min(v, 1.0), y + row_h - 4, colour)
        chart.text(label_w + bar_w + 6, y + row_h / 2, text, cls="value")
    if note:
        chart.text(12, height - 12, note, 11, "#555555", cls="note")
    return chart.pic


def _pct(v):
    return "—" if v is None else f"{v:.0%}"


def outcome_chart(agg):
    n = agg.episodes
    incomplete = agg.attempts - agg.completions - agg.interceptions
    rows = [
        ("Complete", agg.completions, "#1e8449"),
        ("Incomplete", incomplete, "#7f8c8d"),
        ("Intercepted", agg.interceptions, "#c0392b"),
        ("Sack", agg.sacks, "#8e44ad"),
    ]
    return _bar_chart(
        "Outcome mix",
        [(name, c / n, f"{c / n:.0%} ({c})", colour) for name, c, colour in rows],
        f"{n} episodes; touchdowns {agg.touchdowns}, converted {agg.converted}",
    )


def depth_chart(agg):
    rows = []
    for key, done, tried in zip(DEPTH_KEYS, agg.depth_completions, agg.depth_attempts, strict=True):
        rate = done / tried if tried else None
        rows.append((f"{key} yd", rate, f"{_pct(rate)} (n={int(tried)})", BAR))
    return _bar_chart("Completion by depth (air yards)", rows)


def target_chart(agg):
    total = sum(agg.targets.values())
    rows = [
        (role, n / total, f"{n / total:.0%} ({n})", diagrams.route_colour(role))
        for role, n in sorted(agg.targets.items())
    ]
    return _bar_chart("Target share", rows or [("none", None, "no targets", BAR)])


def yards_chart(agg, max_bars=40):
    """Histogram of the yards gained (sacks negative), from the 0.5-yd metric bins
    grouped into whole-yard bars (wider if the spread needs more than max_bars)."""
    hist = agg.yards_hist
    used = [i for i, c in enumerate(hist) if c]
    width, height, left, top, bottom = 460, 230, 44, 36, 190
    chart = _Chart(width, height, "Yards distribution")
    chart.text(12, 16, "Yards distribution", 14, bold=True)
    if not used:
        chart.text(left, 100, "no episodes")
        return chart.pic
    lo = math.floor(C.YARDS_MIN + used[0] * C.YARDS_BIN)
    hi = math.floor(C.YARDS_MIN + used[-1] * C.YARDS_BIN) + 1
    step = max(1, math.ceil((hi - lo) / max_bars))
    edges = list(range(lo, hi + step, step))
    counts = [0] * (len(edges) - 1)
    for i in used:
        yd = C.YARDS_MIN + i * C.YARDS_BIN
        counts[min(int((yd - lo) // step), len(counts) - 1)] += int(hist[i])
    peak = max(counts)
    bar_w = (width - left - 12) / len(counts)
    for k, c in enumerate(counts):
        x = left + bar_w * k
        h = (bottom - top) * c / peak
        colour = "#c0392b" if edges[k + 1] <= 0 else BAR
        if c:
            chart.rect(x + 0.5, bottom - h, x + bar_w - 0.5, bottom, colour)
    chart.line([(left, bottom), (width - 12, bottom)], INK)
    label_every = max(1, math.ceil(len(counts) / 8))
    for k in range(0, len(edges), label_every):
        x = left + bar_w * k
        chart.line([(x, bottom), (x, bottom + 4)], INK)
        chart.text(x, bottom + 14, f"{edges[k]:+d}", 10, anchor="middle", cls="tick")
    chart.text(left - 6, top, str(peak), 10, anchor="end", cls="tick")
    chart.text(left - 6, bottom, "0", 10, anchor="end", cls="tick")
    chart.text(width - 12, height - 8, "yards gained", 10, "#555555", anchor="end")
    return chart.pic


def run_charts(run) -> list[tuple[str, str]]:
    """(title, inline SVG) of a finished run's charts: outcome mix, yards distribution,
    completion by depth, target share. Empty while the run has no results."""
    if not run.metrics:
        return []
    agg = _aggregate(run)
    if not agg.episodes:
        return []
    pictures = [outcome_chart(agg), yards_chart(agg), depth_chart(agg), target_chart(agg)]
    return [(pic.title, diagrams.to_svg(pic)) for pic in pictures]


# --- the learning curve of a policy (drawn by its admin page's template) --------------------

CURVE_WIDTH, CURVE_HEIGHT = 640, 220
CURVE_LEFT, CURVE_RIGHT, CURVE_TOP, CURVE_BOTTOM = 56, 56, 14, 34


def _scale(value, low, high, out_low, out_high):
    if high == low:
        return (out_low + out_high) / 2
    return out_low + (value - low) * (out_high - out_low) / (high - low)


def curve_chart(curve):
    """The learning curve as SVG coordinates: mean reward (left axis) and best-arm
    share (right axis, 0–100 %) by progress."""
    points = [p for p in curve or [] if p.get("mean_reward") is not None]
    if len(points) < 2:
        return None
    rewards = [p["mean_reward"] for p in points]
    low, high = math.floor(min(rewards)), math.ceil(max(rewards))
    if high - low < 2:
        low, high = low - 1, high + 1
    left, right = CURVE_LEFT, CURVE_WIDTH - CURVE_RIGHT
    top, bottom = CURVE_TOP, CURVE_HEIGHT - CURVE_BOTTOM

    def x(progress):
        return round(_scale(progress, 0, 100, left, right), 1)

    def y_reward(value):
        return round(_scale(value, low, high, bottom, top), 1)

    def y_share(value):
        return round(_scale(value, 0, 1, bottom, top), 1)

    reward_line = " ".join(f"{x(p['progress'])},{y_reward(p['mean_reward'])}" for p in points)
    share_line = " ".join(
        f"{x(p['progress'])},{y_share(p['best_arm_share'])}"
        for p in points
        if p.get("best_arm_share") is not None
    )
    steps = 4
    ticks = []
    for i in range(steps + 1):
        fraction = i / steps
        ticks.append(
            {
                "y": round(_scale(fraction, 0, 1, bottom, top), 1),
                "reward": f"{low + (high - low) * fraction:.1f}",
                "share": f"{fraction * 100:.0f} %",
            }
        )
    x_ticks = [{"x": x(v), "label": f"{v} %"} for v in (0, 25, 50, 75, 100)]
    return {
        "width": CURVE_WIDTH,
        "height": CURVE_HEIGHT,
        "left": left,
        "right": right,
        "top": top,
        "bottom": bottom,
        "reward_line": reward_line,
        "share_line": share_line,
        "ticks": ticks,
        "x_ticks": x_ticks,
        "label_y": CURVE_HEIGHT - 4,
        "right_label_x": right + 8,
        "middle_x": (left + right) / 2,
    }
