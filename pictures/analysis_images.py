"""Pictures of an analysis: the EP field-position chart (SVG), the drive chart of a
season's first game (SVG) and the call mix's wristband card (PDF).

The SVGs are written as text with every user string escaped; the PDF is drawn on
ReportLab's canvas with the call sheet's font handling (pictures.callsheet_pdf), so a
play name prints the same on both."""

from __future__ import annotations

import io
from html import escape

from reportlab.lib.units import inch
from reportlab.pdfgen import canvas

from pictures.callsheet_pdf import BOLD, REGULAR, _fit, _printable
from pictures.serving import Image, content_key, safe_filename
from strategy.models import AnalysisKind

DOWN_COLOURS = ("#1d4ed8", "#15803d", "#d97706", "#b91c1c", "#7c3aed", "#0f766e")
RESULT_COLOURS = {"TD": "#15803d", "Interception": "#b91c1c", "Downs": "#6b7280"}
INK, GRID, FONT = "#222222", "#d4d4d4", "font-family:Helvetica,Arial,sans-serif"
PICTURES = {
    "ep-chart": ("svg", (AnalysisKind.EXPECTED_POINTS,)),
    "drive-chart": ("svg", (AnalysisKind.SEASON,)),
    "wristband": ("pdf", (AnalysisKind.CALL_MIX,)),
}


class NoPicture(ValueError):
    """This analysis has no such picture (wrong kind or no result yet)."""


def _svg(width, height, title, body):
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
        f'style="{FONT}"><title>{escape(title)}</title>'
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>{"".join(body)}</svg>'
    )


def _text(x, y, text, size=12, anchor="start", colour=INK, bold=False):
    weight = ' font-weight="bold"' if bold else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'fill="{colour}"{weight}>{escape(str(text))}</text>'
    )


def _line(x1, y1, x2, y2, colour=GRID, width=1):
    return (
        f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
        f'stroke="{colour}" stroke-width="{width}"/>'
    )


def _field_label(L, ytg):
    if ytg == L:
        return "own goal"
    if 2 * ytg == L:
        return "50" if L == 100 else "mid"
    return f"own {L - ytg}" if 2 * ytg > L else str(ytg)


def ep_chart_svg(result) -> str:
    """EP (points of this drive's expected net score) by yards to the goal, one line per
    down at the series' distance: own goal line on the left, the goal on the right."""
    rows = result["ep_curve"]
    L = max(r["yards_to_goal"] for r in rows)
    downs = max(len(r["ep"]) for r in rows)
    values = [v for r in rows for v in r["ep"]]
    low, high = min(0.0, min(values)), max(values)
    low, high = float(int(low) - (1 if low < int(low) else 0)), float(int(high) + 1)
    W, H, left, right, top, bottom = 720, 380, 56, 20, 40, 56
    pw, ph = W - left - right, H - top - bottom

    def x(ytg):
        return left + pw * (L - ytg) / (L - 1 or 1)

    def y(v):
        return top + ph * (high - v) / (high - low)

    body = [
        _text(
            left,
            22,
            f"Expected points by field position — {result['rules']['name']}",
            14,
            bold=True,
        )
    ]
    step = 1 if high - low <= 8 else 2
    v = low
    while v <= high + 1e-9:
        body.append(_line(left, y(v), W - right, y(v), "#999999" if v == 0 else GRID))
        body.append(_text(left - 6, y(v) + 4, f"{v:g}", 11, "end"))
        v += step
    for ytg in range(L, 0, -5 if L <= 60 else 10):
        body.append(_line(x(ytg), top, x(ytg), top + ph, GRID))
        body.append(_text(x(ytg), top + ph + 16, _field_label(L, ytg), 11, "middle"))
    body.append(_text(left + pw / 2, H - 10, "yard line (yards to the goal →)", 11, "middle"))
    body.append(_text(14, top + ph / 2, "EP", 11, "middle"))
    for n in range(downs):
        points = [(x(r["yards_to_goal"]), y(r["ep"][n])) for r in rows if len(r["ep"]) > n]
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
        colour = DOWN_COLOURS[n % len(DOWN_COLOURS)]
        body.append(
            f'<polyline class="down-{n + 1}" points="{path}" fill="none" '
            f'stroke="{colour}" stroke-width="2"/>'
        )
        lx = left + 10 + n * 90
        body.append(_line(lx, top + 8, lx + 18, top + 8, colour, 3))
        body.append(_text(lx + 22, top + 12, f"down {n + 1}", 11))
    return _svg(W, H, "Expected points by field position", body)


def drive_chart_svg(result) -> str:
    """The first game's drives, one row each: a bar from where the drive started to
    where it ended (toward the right: toward that team's goal), its result and points."""
    game, L = result["game"], result["field_length"]
    rows = game["drive_chart"]
    W, left, right, top, row_h = 760, 190, 150, 56, 22
    H = top + row_h * len(rows) + 40
    pw = W - left - right
    teams = list(game["score"])

    def x(ytg):
        return left + pw * (L - ytg) / L

    score = " — ".join(f"{t} {p}" for t, p in game["score"].items())
    body = [_text(12, 22, f"Drive chart, game 1: {score}", 14, bold=True)]
    for ytg in range(L, -1, -10):
        body.append(_line(x(ytg), top - 8, x(ytg), top + row_h * len(rows), GRID))
        body.append(
            _text(x(ytg), top - 12, "goal" if ytg == 0 else _field_label(L, ytg), 10, "middle")
        )
    for i, row in enumerate(rows):
        cy = top + i * row_h + row_h / 2
        colour = DOWN_COLOURS[teams.index(row["team"]) % 2] if row["team"] in teams else INK
        body.append(_text(12, cy + 4, f"{row['team']} — drive {row['drive']}", 11))
        x1, x2 = x(row["start_ytg"]), x(row["end_ytg"])
        body.append(
            f'<rect class="drive" x="{min(x1, x2):.1f}" y="{cy - 6:.1f}" '
            f'width="{max(abs(x2 - x1), 2):.1f}" height="12" fill="{colour}" opacity="0.8"/>'
        )
        outcome = row["result"].split(",")[0].split(" +")[0]
        body.append(
            _text(
                W - right + 8,
                cy + 4,
                f"{row['result']} ({row['snaps']} snaps)",
                11,
                colour=RESULT_COLOURS.get(outcome, INK),
            )
        )
    return _svg(W, H, "Drive chart", body)


def wristband_pdf(analysis) -> bytes:
    """One wristband card (3.5 × 2 in): the situation, the known defense or the mix, and
    the call mix as die faces, e.g. "1–3 Flood"."""
    result = analysis.result
    mix = result["mix"]
    band = mix["wristband"]
    buffer = io.BytesIO()
    w, h = 3.5 * inch, 2.0 * inch
    c = canvas.Canvas(buffer, pagesize=(w, h), invariant=True, pageCompression=0)
    c.setTitle(_printable(f"Wristband: {result['situation_text']}"))
    pad = 0.14 * inch
    c.setLineWidth(0.8)
    c.rect(pad / 2, pad / 2, w - pad, h - pad)
    c.setFont(BOLD, 12)
    c.drawString(
        pad, h - pad - 10, _fit(_printable(result["situation_text"]), BOLD, 12, w - 2 * pad)
    )
    c.setFont(REGULAR, 7.5)
    sub = (
        f"Roll a d{band['dice']}. Value {mix['value']:+.2f} EP; always the best call gives up "
        f"{mix['exploitability']:.2f} EP."
    )
    c.drawString(pad, h - pad - 22, _fit(_printable(sub), REGULAR, 7.5, w - 2 * pad))
    y = h - pad - 40
    for r in band["ranges"]:
        faces = f"{r['from']}" if r["from"] == r["to"] else f"{r['from']}–{r['to']}"
        c.setFont(BOLD, 14)
        c.drawString(pad + 4, y, _printable(faces))
        c.setFont(REGULAR, 12)
        c.drawString(pad + 0.75 * inch, y, _fit(_printable(r["play"]), REGULAR, 12, w - 1.1 * inch))
        y -= 17
        if y < pad + 4:
            break
    c.showPage()
    c.save()
    return buffer.getvalue()


def picture(analysis, name, ext) -> Image:
    """The Image `name`.`ext` of a finished analysis; NoPicture otherwise."""
    if name not in PICTURES:
        raise NoPicture(f"No picture {name!r}.")
    want_ext, kinds = PICTURES[name]
    if ext != want_ext or analysis.kind not in kinds:
        raise NoPicture(f"A {analysis.get_kind_display().lower()} analysis has no {name}.{ext}.")
    if not analysis.result:
        raise NoPicture(f"The analysis is {analysis.status}; no result yet.")
    key = content_key("strategy", name, analysis.inputs_key, analysis.pk)
    render = {
        "ep-chart": lambda: ep_chart_svg(analysis.result),
        "drive-chart": lambda: drive_chart_svg(analysis.result),
        "wristband": lambda: wristband_pdf(analysis),
    }[name]
    title = analysis.name or f"{analysis.get_kind_display()} {analysis.pk}"
    return Image(key=key, ext=ext, render=render, filename=safe_filename(f"{title} {name}", ext))
