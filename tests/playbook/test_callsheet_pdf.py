"""The printable call sheet (pictures/callsheet_pdf.py): the sheet and wristband PDFs.

Page streams are uncompressed, so the text is read straight from the `(...) Tj` operators."""

import datetime
import re

import pytest

from pictures.callsheet_pdf import call_sheet_pdf
from playbook import services
from tests.support import builders as b

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 11, 23)


def book(team, plays, situations=None, **data):
    entries = [
        {"play": p, "call_number": str(20 + i), "situations": (situations or {}).get(i, [])}
        for i, p in enumerate(plays)
    ]
    return services.playbook_write(
        team=team, data={"name": b.name("Playbook"), **data}, entries=entries
    )


def render(playbook, layout="sheet", **kw):
    pdf = call_sheet_pdf(playbook, layout, printed_on=DAY, **kw)
    assert_valid(pdf)
    return pdf


def assert_valid(pdf):
    """Header, trailer and every cross-reference offset pointing at its object."""
    assert pdf.startswith(b"%PDF-1.") and pdf.rstrip().endswith(b"%%EOF")
    start = int(re.search(rb"startxref\s+(\d+)", pdf).group(1))
    assert pdf[start:].startswith(b"xref")
    rows = re.findall(rb"(\d{10}) 00000 n", pdf[start:])
    assert rows
    for number, offset in enumerate(rows, start=1):
        assert re.match(rb"%d 0 obj" % number, pdf[int(offset) :]), number


def pages(pdf):
    count = len(re.findall(rb"/Type /Page\b", pdf))
    assert re.search(rb"/Count %d\b" % count, pdf)
    return count


_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def texts(pdf):
    """Every string drawn, decoded (the built-in fonts use Windows-1252)."""

    def unescape(m):
        code = m.group(1)
        return bytes([int(code, 8)]) if code[:1].isdigit() else _ESCAPES.get(code, code)

    raw = re.findall(rb"\(((?:[^\\)]|\\.)*)\) Tj", pdf, re.S)
    return [re.sub(rb"\\([0-7]{1,3}|.)", unescape, s, flags=re.S).decode("cp1252") for s in raw]


def test_sheet_has_title_calls_names_and_diagrams(team):
    slant = {"WR1": b.route(team, b.SLANT)}
    plays = [b.play(team, name="Flood"), b.play(team, name="Mesh", routes=slant)]
    playbook = book(team, [*plays, b.play(team, name="Smash")], name="Game 1")
    pdf = render(playbook)
    assert pages(pdf) == 1
    drawn = texts(pdf)
    for text in ("Game 1", "20", "21", "22", "Flood", "Mesh", "Smash", "Page 1 of 1"):
        assert text in drawn
    assert f"{team.name} · printed 2026-11-23" in drawn
    assert len(re.findall(rb"/FormXob\.\w+ Do", pdf)) == 3  # a diagram on every card
    assert len(re.findall(rb"/Subtype /Image", pdf)) == 2  # Flood and Smash look the same
    assert b"/MediaBox [ 0 0 612 792 ]" in pdf  # US Letter
    assert render(playbook) == pdf  # deterministic for a given day


def test_pages_grow_with_plays_and_the_wristband_holds_every_call(team):
    small = render(book(team, [b.play(team) for _ in range(2)]))
    plays = [b.play(team) for _ in range(14)]
    playbook = book(team, plays)
    sheet = render(playbook)
    assert pages(small) == 1
    assert pages(sheet) == 3  # six cards to a page
    assert "Page 3 of 3" in texts(sheet)

    wristband = render(playbook, "wristband")
    assert wristband != sheet
    drawn = texts(wristband)
    for i, play in enumerate(plays):
        assert str(20 + i) in drawn
        assert play.name in drawn
    assert "Panel 2 of 2" in drawn  # twelve calls to a panel
    assert pages(wristband) == 1


def test_a_small_wristband_page_is_filled_with_copies(team):
    drawn = texts(render(book(team, [b.play(team, name="Only")]), "wristband"))
    assert drawn.count("Only") == 3
    assert drawn.count("Panel 1 of 1") == 3


def test_situations_index_and_card_footer_in_bucket_order(team):
    plays = [b.play(team, name=n) for n in ("Flood", "Mesh")]
    playbook = book(team, plays, situations={0: ["3RD_SHORT", "GOALLINE"], 1: ["3RD_SHORT"]})
    drawn = texts(render(playbook))
    assert "Goal line (<= 5 yd to goal): 20" in drawn
    assert "3rd/last down and short (<= 3): 20, 21" in drawn
    assert any(t.startswith("GOALLINE · 3RD SHORT") for t in drawn)


def test_markup_and_characters_outside_the_font_are_drawn_safely(team):
    notes = "Hit the flat ≤ 3 yd → go 🏈. " + "Read the corner, then the post. " * 40
    play = b.play(team, name="<b>& Café “Über”", notes=notes, tags=["quick"])
    team.name = "Łódź <i>"
    team.save()
    playbook = book(team, [play], name="Book <b>&amp;", description="Ünï & cafe\u0301 co")
    for layout in ("sheet", "wristband"):
        drawn = texts(render(playbook, layout))
        assert "Book <b>&amp;" in drawn
        assert any(t.startswith("Lódz <i>") for t in drawn)  # ó is in the font
    drawn = texts(render(playbook))
    assert "<b>& Café “Über”" in drawn
    assert any(t.startswith("Hit the flat <= 3 yd -> go ?.") for t in drawn)
    note_lines = [t for t in drawn if "corner" in t or "post" in t]
    assert note_lines[-1].endswith("…")  # cut, not overflowing the card
    assert len(note_lines) < 20
    assert "Ünï & café co" in drawn


def test_empty_playbook_is_one_page_saying_so(team):
    playbook = book(team, [])
    for layout in ("sheet", "wristband"):
        pdf = render(playbook, layout)
        assert pages(pdf) == 1
        assert any("empty" in t for t in texts(pdf))


def test_a4_and_bad_arguments(team):
    playbook = book(team, [b.play(team)])
    assert b"/MediaBox [ 0 0 595.2756 841.8898 ]" in render(playbook, page="a4")
    with pytest.raises(ValueError, match="Unknown call sheet layout 'poster'"):
        call_sheet_pdf(playbook, "poster")
    with pytest.raises(ValueError, match="Unknown page size 'legal'"):
        call_sheet_pdf(playbook, page="legal")
