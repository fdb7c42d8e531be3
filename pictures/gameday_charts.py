"""The self-scout tendency heat map and the drive chart of a game as SVG, drawn from
the gameday selectors' plain data (the same data feeds pictures/self_scout_pdf.py)."""

from xml.sax.saxutils import escape

CELL_W, CELL_H, LEFT, TOP = 64, 26, 190, 96


def _shade(share):
    """White (never) → deep blue (always), the colour of the other result heat maps."""
    share = max(0.0, min(1.0, share))
    r = round(255 - share * (255 - 31))
    g = round(255 - share * (255 - 78))
    b = round(255 - share * (255 - 160))
    return f"#{r:02x}{g:02x}{b:02x}"


def heat_map_svg(heat, title="Tendencies: share of calls per situation"):
    """Rows: our calls; columns: situations (down & distance); a cell's colour and
    number are the share of that situation's snaps that were this call."""
    rows, cols, counts = heat["rows"], heat["columns"], heat["counts"]
    totals = [sum(row[j] for row in counts) for j in range(len(cols))]
    width = LEFT + CELL_W * max(1, len(cols)) + 20
    height = TOP + CELL_H * max(1, len(rows)) + 40
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="Helvetica, Arial, sans-serif">',
        f"<title>{escape(title)}</title>",
        f'<rect width="{width}" height="{height}" fill="#fff"/>',
        f'<text x="10" y="24" font-size="16" font-weight="bold">{escape(title)}</text>',
    ]
    if not rows:
        out.append(f'<text x="10" y="{TOP}" font-size="13">No snaps charted yet.</text></svg>')
        return "".join(out)
    for j, col in enumerate(cols):
        x = LEFT + j * CELL_W + CELL_W / 2
        out.append(
            f'<text x="{x}" y="{TOP - 24}" font-size="11" text-anchor="middle">'
            f"{escape(col)}</text>"
            f'<text x="{x}" y="{TOP - 8}" font-size="10" fill="#666" '
            f'text-anchor="middle">n={totals[j]}</text>'
        )
    for i, call in enumerate(rows):
        y = TOP + i * CELL_H
        label = call if len(call) <= 26 else call[:25] + "…"
        out.append(
            f'<text x="{LEFT - 8}" y="{y + CELL_H * 0.65}" font-size="12" '
            f'text-anchor="end">{escape(label)}</text>'
        )
        for j in range(len(cols)):
            share = counts[i][j] / totals[j] if totals[j] else 0.0
            x = LEFT + j * CELL_W
            out.append(
                f'<rect x="{x}" y="{y}" width="{CELL_W - 2}" height="{CELL_H - 2}" '
                f'fill="{_shade(share)}" stroke="#ddd"/>'
            )
            if counts[i][j]:
                ink = "#fff" if share > 0.55 else "#111"
                out.append(
                    f'<text x="{x + CELL_W / 2 - 1}" y="{y + CELL_H * 0.65}" font-size="11" '
                    f'text-anchor="middle" fill="{ink}">{share:.0%}</text>'
                )
    out.append("</svg>")
    return "".join(out)


RESULT_COLOURS = {
    "touchdown": "#1b7f3b",
    "interception": "#b3261e",
    "turnover_on_downs": "#b3261e",
    "safety": "#b3261e",
    "ended": "#777",
    "in progress": "#1f4ea0",
}


def drive_chart_svg(chart, playing_length=50.0, title="Drive chart"):
    """One bar per drive from where it started to where its last snap ended."""
    lane, left, width = 30, 120, 600
    height = 60 + lane * max(1, len(chart["drives"])) + 30
    scale = width / playing_length
    total = left + width + 230  # room for the text after a bar that reaches the goal
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="{height}" '
        f'viewBox="0 0 {total} {height}" font-family="Helvetica, Arial, sans-serif">',
        f"<title>{escape(title)}</title>",
        f'<rect width="{total}" height="{height}" fill="#fff"/>',
        f'<text x="10" y="22" font-size="16" font-weight="bold">{escape(title)}</text>',
        f'<rect x="{left}" y="40" width="{width}" height="{height - 60}" fill="#eaf4ea"/>',
        f'<line x1="{left + width / 2}" y1="36" x2="{left + width / 2}" y2="{height - 20}" '
        'stroke="#5a5" stroke-dasharray="4 3"/>',
        f'<text x="{left}" y="{height - 6}" font-size="10">own goal</text>',
        f'<text x="{left + width / 2}" y="{height - 6}" font-size="10" '
        'text-anchor="middle">midfield</text>',
        f'<text x="{left + width}" y="{height - 6}" font-size="10" text-anchor="end">goal</text>',
    ]
    for i, drive in enumerate(chart["drives"]):
        y = 48 + i * lane
        start = playing_length - drive["start_yards_to_goal"]
        last = drive["snaps"][-1]
        end = start
        if drive["result"] == "touchdown":
            end = playing_length
        else:
            end = min(
                playing_length, max(0.0, playing_length - last["yards_to_goal"] + last["yards"])
            )
        x1, x2 = left + start * scale, left + end * scale
        colour = RESULT_COLOURS.get(drive["result"], "#1f4ea0")
        out.append(
            f'<text x="{left - 8}" y="{y + 15}" font-size="12" text-anchor="end">'
            f"Drive {drive['drive']}</text>"
            f'<rect x="{min(x1, x2)}" y="{y + 3}" width="{max(abs(x2 - x1), 2)}" height="16" '
            f'fill="{colour}" rx="3"/>'
            f'<text x="{max(x1, x2) + 4}" y="{y + 15}" font-size="11">'
            f"{drive['plays']} plays, {drive['yards']:g} yd, "
            f"{escape(drive['result'].replace('_', ' '))}</text>"
        )
    out.append("</svg>")
    return "".join(out)
