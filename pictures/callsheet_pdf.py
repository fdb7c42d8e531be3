"""The playbook's call sheet as a print-ready PDF: `call_sheet_pdf(playbook, ...)`.

Two layouts:

- ``"sheet"``: US Letter (default) or A4 pages with a title block (playbook, team, date
  printed; on page 1 also the call sheet by situation) and a 2-column grid of cards, three
  rows to a full page: call number, play name and formation, the play's diagram, its notes
  (wrapped, cut with an ellipsis when too long), situations and tags. Pages are numbered.
- ``"wristband"``: panels of 4.5 × 2.75 in (a common wristband insert), a 3 × 4 grid of
  calls each (number, name, tiny diagram), three panels to a page with cut marks. When the
  whole playbook fits on one page, the page is filled with copies so one sheet serves
  several players.

Library: ReportLab, not WeasyPrint. ReportLab installs from pure wheels with no system
libraries, while WeasyPrint needs Pango (and its font stack) from the operating system,
which a fresh machine or a slim container may not have. The layout here is a fixed grid,
so drawing on ReportLab's canvas is simpler than HTML/CSS anyway.

Fonts: ReportLab's built-in Helvetica, which draws the Windows-1252 set (Latin-1 plus
curly quotes, dashes, the ellipsis, €). Every string goes through `_printable()` first:
a few symbols are spelled out (≤ → <=), other letters lose their accents (ő → o, Ł → L)
and anything left becomes "?". No font files are needed or embedded, so the PDF is the
same on every machine, and with ReportLab's ``invariant`` mode the bytes depend only on
the playbook and the date printed (good for an ETag by content hash). Page streams are
left uncompressed (they are small; the diagrams are compressed images) so the text can
be read straight from the file.

Diagrams come from `pictures.diagrams` (`play_picture` + `to_png`), one render per play.
"""

from __future__ import annotations

import io
import unicodedata

from django.db.models import prefetch_related_objects
from django.utils import timezone
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import inch
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

from pictures import diagrams
from playbook import services
from playbook.constants import Bucket

LAYOUTS = ("sheet", "wristband")
PAGES = {"letter": LETTER, "a4": A4}
MARGIN = 0.5 * inch
HEADER_H = 30  # title line, rule and gap at the top of every page
REGULAR, BOLD, ITALIC = "Helvetica", "Helvetica-Bold", "Helvetica-Oblique"
INK, GREY, RULE = (0.1, 0.1, 0.1), (0.4, 0.4, 0.4), (0.7, 0.7, 0.7)
ELLIPSIS = "…"

# sheet cards
COLUMNS, CARD_H, GAP = 2, 200.0, 12.0
STRIP_H = 32.0  # call number and name
FOOT_H = 18.0  # situations and tags
NOTE_SIZE, NOTE_LEADING = 8.0, 10.0

# wristband
PANEL_W, PANEL_H = 4.5 * inch, 2.75 * inch
PANEL_COLUMNS, PANEL_ROWS = 3, 4
PANEL_GAP = 30.0  # room for the cut marks of two panels
CUT_MARK, CUT_OFFSET = 10.0, 3.0

_SPELLED = str.maketrans(
    {
        "≤": "<=",
        "≥": ">=",
        "≠": "!=",
        "→": "->",
        "←": "<-",
        "↔": "<->",
        "−": "-",
        "′": "'",
        "″": '"',
        "Ł": "L",
        "ł": "l",
        "Đ": "D",
        "đ": "d",
        "ı": "i",
        "\t": " ",
    }
)


def _printable(text) -> str:
    """`text` reduced to what the built-in Helvetica draws (Windows-1252); see the docstring."""
    out = []
    for char in unicodedata.normalize("NFC", str(text)).translate(_SPELLED):
        if char == "\n" or _encodable(char):
            out.append(char)
        elif not unicodedata.category(char).startswith("C"):  # control characters are dropped
            parts = unicodedata.normalize("NFKD", char)
            folded = "".join(c for c in parts if _encodable(c) and not unicodedata.combining(c))
            out.append(folded or ("" if unicodedata.combining(char) else "?"))
    return "".join(out)


def _encodable(char):
    if unicodedata.category(char).startswith("C"):
        return False
    try:
        char.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def _fit(text, font, size, width) -> str:
    """One line: `text` cut with an ellipsis to fit `width`."""
    text = " ".join(text.split())
    if stringWidth(text, font, size) <= width:
        return text
    return _ellipsis(text, font, size, width)


def _ellipsis(text, font, size, width) -> str:
    """`text` shortened as needed and ended with an ellipsis, within `width`."""
    text = text.rstrip()
    while text and stringWidth(text + ELLIPSIS, font, size) > width:
        text = text[:-1].rstrip()
    return text + ELLIPSIS


def _wrap(text, font, size, width, max_lines) -> list[str]:
    """`text` wrapped to `width`; at most `max_lines`, the last ended with an ellipsis."""
    lines = simpleSplit(text, font, size, width)
    if len(lines) <= max_lines:
        return lines
    return [*lines[: max_lines - 1], _ellipsis(lines[max_lines - 1], font, size, width)]


def _situation_codes(values):
    """Bucket codes in bucket order, readable: 3RD_SHORT → "3RD SHORT"."""
    order = list(Bucket.values)
    ranked = sorted(values, key=lambda v: order.index(v) if v in order else len(order))
    return [v.replace("_", " ") for v in ranked]


def call_sheet_pdf(playbook, layout: str = "sheet", page: str = "letter", printed_on=None) -> bytes:
    """The playbook's call sheet as PDF bytes; `layout` is "sheet" or "wristband", `page`
    "letter" or "a4", `printed_on` the date shown (today by default). ValueError otherwise."""
    if layout not in LAYOUTS:
        raise ValueError(f"Unknown call sheet layout {layout!r}: use 'sheet' or 'wristband'.")
    if page not in PAGES:
        raise ValueError(f"Unknown page size {page!r}: use 'letter' or 'a4'.")
    groups = services.playbook_call_sheet(playbook)
    unique = {e.pk: e for group in groups for e in group["entries"]}
    entries = sorted(unique.values(), key=lambda e: (e.order, e.pk))
    prefetch_related_objects(  # what the diagrams read, in a few queries
        [e.play for e in entries], "ruleset", "formation__slots", "assignments__route__breakpoints"
    )
    images = {e.play_id: _diagram(e.play) for e in entries}
    printed_on = printed_on or timezone.localdate()
    doc = _Document(playbook, PAGES[page], printed_on, layout)
    if layout == "sheet":
        _sheet(doc, groups, entries, images)
    else:
        _wristband(doc, entries, images)
    return doc.finish()


def _diagram(play):
    return ImageReader(io.BytesIO(diagrams.to_png(diagrams.play_picture(play))))


class _Document:
    """A ReportLab canvas with the page frame (title line, page numbers) drawn at the end,
    once the number of pages is known."""

    def __init__(self, playbook, pagesize, printed_on, layout):
        self.buffer = io.BytesIO()
        self.width, self.height = pagesize
        self.canvas = canvas.Canvas(self.buffer, pagesize=pagesize, invariant=1, pageCompression=0)
        self.title = _printable(playbook.name)
        self.description = _printable(playbook.description).strip()
        self.subtitle = _printable(
            f"{playbook.team.name} · printed {printed_on.isoformat()}"
            + (" · wristband, cut on the marks" if layout == "wristband" else "")
        )
        self.canvas.setTitle(f"{self.title} - call sheet")
        self.canvas.setAuthor("FieldOS")
        self.canvas.setCreator("FieldOS")
        self.pages = []  # one drawing function per page

    @property
    def top(self):
        """The y where a page's content starts, under the title line."""
        return self.height - MARGIN - HEADER_H

    def finish(self) -> bytes:
        c = self.canvas
        total = len(self.pages)
        for number, draw in enumerate(self.pages, start=1):
            self._frame(number, total)
            draw()
            c.showPage()
        c.save()
        return self.buffer.getvalue()

    def _frame(self, number, total):
        c, w, h = self.canvas, self.width, self.height
        c.setFillColorRGB(*INK)
        c.setFont(BOLD, 16)
        room = w - 2 * MARGIN - 20 - stringWidth(self.subtitle, REGULAR, 9)
        c.drawString(MARGIN, h - MARGIN - 14, _fit(self.title, BOLD, 16, room))
        c.setFont(REGULAR, 9)
        c.setFillColorRGB(*GREY)
        c.drawRightString(w - MARGIN, h - MARGIN - 14, self.subtitle)
        c.setStrokeColorRGB(*RULE)
        c.setLineWidth(0.8)
        c.line(MARGIN, h - MARGIN - 22, w - MARGIN, h - MARGIN - 22)
        c.setFont(REGULAR, 8)
        c.drawCentredString(w / 2, MARGIN / 2, f"Page {number} of {total}")
        c.setFillColorRGB(*INK)


# --- sheet ---------------------------------------------------------------------------------


def _sheet(doc, groups, entries, images):
    c = doc.canvas
    content_w = doc.width - 2 * MARGIN
    intro = _intro_lines(doc.description, groups, content_w)
    intro_h = sum(step for _, _, _, step in intro) + (GAP if intro else 0)
    if not entries:

        def draw_empty():
            _draw_intro(c, intro, doc.top)
            _draw_empty(c, doc.top)

        doc.pages.append(draw_empty)
        return
    card_w = (content_w - GAP * (COLUMNS - 1)) / COLUMNS
    remaining, first = list(entries), True
    while remaining:
        space = doc.top - MARGIN - (intro_h if first else 0)
        rows = max(1, int((space + GAP) // (CARD_H + GAP)))
        chunk, remaining = remaining[: rows * COLUMNS], remaining[rows * COLUMNS :]

        def draw(chunk=chunk, first=first):
            y = doc.top - (_draw_intro(c, intro, doc.top) if first else 0)
            for i, entry in enumerate(chunk):
                row, col = divmod(i, COLUMNS)
                x = MARGIN + col * (card_w + GAP)
                bottom = y - (row + 1) * CARD_H - row * GAP
                _card(c, entry, images[entry.play_id], x, bottom, card_w)

        doc.pages.append(draw)
        first = False


def _intro_lines(description, groups, width):
    """Page 1 under the title: the description (two lines at most) and the call numbers by
    situation, as (font, size, text, step) lines."""
    lines = [(ITALIC, 9, text, 11) for text in _wrap(description, ITALIC, 9, width, 2)]
    if groups:
        lines.append((BOLD, 10, "Calls by situation", 14))
    for group in groups:
        calls = ", ".join(e.call_number for e in group["entries"])
        text = _printable(f"{group['label']}: {calls}")
        lines.extend((REGULAR, 9, line, 11) for line in _wrap(text, REGULAR, 9, width, 3))
    return lines


def _draw_intro(c, lines, top):
    y = top
    for font, size, text, step in lines:
        c.setFont(font, size)
        c.drawString(MARGIN, y - size, text)
        y -= step
    return top - y + (GAP if lines else 0)


def _draw_empty(c, top):
    c.setFont(ITALIC, 12)
    c.setFillColorRGB(*GREY)
    c.drawString(MARGIN, top - 40, "This playbook is empty: add plays to it to print a call sheet.")
    c.setFillColorRGB(*INK)


def _card(c, entry, image, x, y, w):
    """One call: number, name, diagram, notes, situations and tags in a w × CARD_H box."""
    h, play = CARD_H, entry.play
    c.setStrokeColorRGB(*RULE)
    c.setLineWidth(0.8)
    c.roundRect(x, y, w, h, 6)
    number = _printable(entry.call_number)
    size = 22
    while size > 10 and stringWidth(number, BOLD, size) > w * 0.4:
        size -= 1
    c.setFont(BOLD, size)
    c.drawString(x + 8, y + h - 24, number)
    name_x = x + 8 + max(stringWidth(number, BOLD, size), 28) + 10
    c.setFont(BOLD, 11)
    c.drawString(name_x, y + h - 15, _fit(_printable(play.name), BOLD, 11, x + w - 8 - name_x))
    c.setFont(REGULAR, 8)
    c.setFillColorRGB(*GREY)
    formation = _printable(play.formation.name)
    c.drawString(name_x, y + h - 26, _fit(formation, REGULAR, 8, x + w - 8 - name_x))
    c.line(x, y + h - STRIP_H, x + w, y + h - STRIP_H)

    body_top, body_bottom = y + h - STRIP_H - 6, y + FOOT_H
    box_h = body_top - body_bottom
    iw, ih = image.getSize()
    box_w = min(box_h * iw / ih, w * 0.55)
    c.drawImage(image, x + 6, body_bottom, box_w, box_h, preserveAspectRatio=True, anchor="c")

    notes_x = x + 6 + box_w + 8
    notes_w = x + w - 6 - notes_x
    notes = _printable(play.notes).strip()
    max_lines = int(box_h // NOTE_LEADING)
    if notes:
        c.setFillColorRGB(*INK)
        c.setFont(REGULAR, NOTE_SIZE)
        lines = _wrap(notes, REGULAR, NOTE_SIZE, notes_w, max_lines)
    else:
        c.setFont(ITALIC, NOTE_SIZE)
        lines = ["No notes."]
    for i, line in enumerate(lines):
        c.drawString(notes_x, body_top - NOTE_SIZE - i * NOTE_LEADING, line)

    tags = [*_situation_codes(entry.situations), *(f"#{t}" for t in play.tags)]
    c.setFont(REGULAR, 7)
    c.setFillColorRGB(*GREY)
    c.drawString(x + 8, y + 6, _fit(_printable(" · ".join(tags)), REGULAR, 7, w - 16))
    c.setFillColorRGB(*INK)


# --- wristband -----------------------------------------------------------------------------


def _wristband(doc, entries, images):
    c = doc.canvas
    if not entries:
        doc.pages.append(lambda: _draw_empty(c, doc.top))
        return
    per_panel = PANEL_COLUMNS * PANEL_ROWS
    panels = [entries[i : i + per_panel] for i in range(0, len(entries), per_panel)]
    top = doc.top - CUT_OFFSET - CUT_MARK
    per_page = max(1, int((top - MARGIN + PANEL_GAP) // (PANEL_H + PANEL_GAP)))
    numbered = [(k + 1, panel) for k, panel in enumerate(panels)]
    if len(panels) <= per_page:  # one page: fill it with copies of the whole set
        numbered = numbered * (per_page // len(panels))
    x = (doc.width - PANEL_W) / 2
    for start in range(0, len(numbered), per_page):

        def draw(chunk=numbered[start : start + per_page]):
            for i, (k, panel) in enumerate(chunk):
                y = top - (i + 1) * PANEL_H - i * PANEL_GAP
                _panel(c, panel, images, x, y, f"Panel {k} of {len(panels)}")

        doc.pages.append(draw)


def _panel(c, panel, images, x, y, label):
    cw, ch = PANEL_W / PANEL_COLUMNS, PANEL_H / PANEL_ROWS
    c.setStrokeColorRGB(*RULE)
    c.setLineWidth(0.4)
    for col in range(1, PANEL_COLUMNS):
        c.line(x + col * cw, y, x + col * cw, y + PANEL_H)
    for row in range(1, PANEL_ROWS):
        c.line(x, y + row * ch, x + PANEL_W, y + row * ch)
    c.setStrokeColorRGB(*INK)
    c.setLineWidth(0.5)
    for cx, cy, dx, dy in (
        (x, y, -1, -1),
        (x + PANEL_W, y, 1, -1),
        (x, y + PANEL_H, -1, 1),
        (x + PANEL_W, y + PANEL_H, 1, 1),
    ):
        c.line(cx + dx * CUT_OFFSET, cy, cx + dx * (CUT_OFFSET + CUT_MARK), cy)
        c.line(cx, cy + dy * CUT_OFFSET, cx, cy + dy * (CUT_OFFSET + CUT_MARK))
    c.setFont(REGULAR, 6)
    c.setFillColorRGB(*GREY)
    c.drawCentredString(x + PANEL_W / 2, y - 9, label)
    c.setFillColorRGB(*INK)
    for i, entry in enumerate(panel):
        row, col = divmod(i, PANEL_COLUMNS)
        _cell(c, entry, images[entry.play_id], x + col * cw, y + PANEL_H - (row + 1) * ch, cw, ch)


def _cell(c, entry, image, x, y, w, h):
    """One call on the wristband: number and name on the left, a tiny diagram on the right."""
    pic = h - 6
    text_w = w - 8 - pic - 4
    c.drawImage(image, x + w - 3 - pic, y + 3, pic, pic, preserveAspectRatio=True, anchor="c")
    number = _printable(entry.call_number)
    size = 13
    while size > 7 and stringWidth(number, BOLD, size) > text_w:
        size -= 1
    c.setFont(BOLD, size)
    c.drawString(x + 4, y + h - 4 - size, _fit(number, BOLD, size, text_w))
    c.setFont(REGULAR, 7)
    for i, line in enumerate(_wrap(_printable(entry.play.name), REGULAR, 7, text_w, 3)):
        c.drawString(x + 4, y + h - 4 - size - 9 - i * 8, line)
