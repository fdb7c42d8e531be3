"""The printable self-scout report (ReportLab): predictability, calls by down, the
tendency heat map, results against the simulation and the flags."""

import io

from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from pictures.gameday_charts import _shade

GRID = TableStyle(
    [
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8),
        ("FONT", (0, 1), (-1, -1), "Helvetica", 8),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef8")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
)


def _pct(x):
    return "—" if x is None else f"{x:.0%}"


def _heat_drawing(heat, width):
    rows, cols, counts = heat["rows"], heat["columns"], heat["counts"]
    left, top, cell_h = 120, 24, 13
    cell_w = min(48, (width - left) / max(1, len(cols)))
    height = top + cell_h * len(rows) + 4
    drawing = Drawing(width, height)
    totals = [sum(r[j] for r in counts) for j in range(len(cols))]
    for j, col in enumerate(cols):
        x = left + j * cell_w + cell_w / 2
        drawing.add(String(x, height - 10, col, fontSize=6, textAnchor="middle"))
        drawing.add(String(x, height - 18, f"n={totals[j]}", fontSize=5, textAnchor="middle"))
    for i, call in enumerate(rows):
        y = height - top - (i + 1) * cell_h
        drawing.add(String(left - 4, y + 4, call[:28], fontSize=6.5, textAnchor="end"))
        for j in range(len(cols)):
            share = counts[i][j] / totals[j] if totals[j] else 0.0
            x = left + j * cell_w
            drawing.add(
                Rect(
                    x,
                    y,
                    cell_w - 1,
                    cell_h - 1,
                    fillColor=colors.HexColor(_shade(share)),
                    strokeColor=colors.HexColor("#dddddd"),
                    strokeWidth=0.3,
                )
            )
            if counts[i][j]:
                ink = colors.white if share > 0.55 else colors.black
                drawing.add(
                    String(
                        x + cell_w / 2,
                        y + 4,
                        f"{share:.0%}",
                        fontSize=6,
                        textAnchor="middle",
                        fillColor=ink,
                    )
                )
    return drawing


def self_scout_pdf(title, report, corrections):
    buffer = io.BytesIO()
    page = landscape(A4)
    doc = SimpleDocTemplate(
        buffer,
        pagesize=page,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=title,
    )
    styles = getSampleStyleSheet()
    width = page[0] - 24 * mm
    overall = report["overall"]
    story = [
        Paragraph(title, styles["Title"]),
        Paragraph(
            f"{report['snaps']} snaps in {report['games']} game(s). Most common call "
            f"{overall['top_call'] or '—'} ({_pct(overall['top_share'])}); entropy "
            f"{(overall['entropy'] or 0):.2f} bits.",
            styles["Normal"],
        ),
        Spacer(1, 4 * mm),
        Paragraph("How predictable we are, by situation", styles["Heading3"]),
    ]
    rows = [["Situation", "Snaps", "Most common call", "Share", "Entropy (bits)", "Evenness"]]
    for r in report["by_situation"]:
        rows.append(
            [
                r["key"],
                r["n"],
                r["top_call"],
                _pct(r["top_share"]),
                f"{r['entropy']:.2f}",
                _pct(r["evenness"]),
            ]
        )
    story += [Table(rows, style=GRID, repeatRows=1), Spacer(1, 4 * mm)]
    story += [
        Paragraph("Tendencies (share of each situation's calls)", styles["Heading3"]),
        _heat_drawing(report["heat_map"], width),
        Spacer(1, 4 * mm),
        Paragraph("Calls by down", styles["Heading3"]),
    ]
    rows = [["Down", "Snaps", "Calls"]]
    for r in report["by_down"]:
        calls = ", ".join(f"{c['call']} {c['n']}" for c in r["calls"][:6])
        rows.append([r["key"], r["n"], Paragraph(calls, styles["BodyText"])])
    story += [Table(rows, style=GRID, colWidths=[30 * mm, 20 * mm, width - 50 * mm])]
    story += [Spacer(1, 4 * mm), Paragraph("Results against expectation", styles["Heading3"])]
    rows = [["Play", "Snaps", "Success", "Mean yd", "Simulated", "Note"]]
    for r in report["results"]:
        rows.append(
            [
                r["call"],
                r["n"],
                _pct(r["success_rate"]),
                f"{r['mean_yards']:.1f}",
                _pct(r["simulated_success_rate"]),
                Paragraph(r["expectation"], styles["BodyText"]),
            ]
        )
    story += [
        Table(
            rows,
            style=GRID,
            repeatRows=1,
            colWidths=[45 * mm, 15 * mm, 18 * mm, 18 * mm, 20 * mm, width - 116 * mm],
        )
    ]
    flagged = [c for c in corrections if c["flagged"] and c["bucket"] is None]
    story += [Spacer(1, 4 * mm), Paragraph("Simulated vs real (flags)", styles["Heading3"])]
    if not flagged:
        story.append(
            Paragraph("No play disagrees with the simulation beyond chance.", styles["Normal"])
        )
    for c in flagged:
        story.append(
            Paragraph(
                f"<b>{c['play_name']} vs {c['scenario_name']}</b>: {c['summary']}", styles["Normal"]
            )
        )
    doc.build(story)
    return buffer.getvalue()
