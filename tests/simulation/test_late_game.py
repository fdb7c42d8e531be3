"""Late-game mode (simulation/drives/wp.py): win probability on hand-made transition
tables against closed forms — the try chosen for the win, a safe call preferred over a
better one for points, the drives that follow — and its refusals."""

from itertools import pairwise

import pytest

from simulation.drives import solve_ep
from simulation.drives.rules import GAIN, INTERCEPTION, TOUCHDOWN
from simulation.drives.wp import WinModel, late_game, score_text
from tests.support.drives import FOUR_DOWNS, table

START = (1, 20, 45)  # 1st & 20 at the own 5 (four downs to cross midfield)


def model(outcomes):
    return solve_ep(table(outcomes), [1.0] * len(outcomes[0]), FOUR_DOWNS)


HALF = model([[[(TOUCHDOWN, 0), (GAIN, 0)]]])  # each snap: a touchdown or nothing


@pytest.mark.parametrize(
    ("margin", "win"),
    [
        (-4, 15 / 16),  # any touchdown wins; a drive scores with 1 - (1/2)^4
        (-6, 15 / 16 * 0.75),  # a touchdown ties; the try (half good) wins, else a coin flip
        (-7, 15 / 16 * 0.5),  # down 1 after it: go for two (half good) rather than tie
        (-9, 0.0),  # 8 points at most
        (1, 1.0),  # nothing can go wrong: no play loses yards
    ],
)
def test_the_last_drive_against_closed_forms(margin, win):
    answer = late_game(HALF, *START, margin=margin, drives_after=0)
    assert answer["win_probability"] == pytest.approx(win, abs=1e-4)
    assert answer["rows"][0]["play"] == "P0"


def test_up_one_on_the_last_drive_the_safe_call_beats_the_call_for_points():
    """P0 scores 90 % of the time and gives up a safety otherwise; P1 never gains and is
    intercepted a quarter of the time. For points P0 is far better; up 1 with nothing
    after, only a safety can lose the game."""
    m = model([[[(TOUCHDOWN, 0)] * 9 + [(GAIN, -10)]], [[(GAIN, 0)] * 3 + [(INTERCEPTION, 0)]]])
    answer = late_game(m, *START, margin=1, drives_after=0)
    assert answer["ep_best_play"] == "P0" and answer["best_play"] == "P1"
    assert answer["win_probability"] == pytest.approx(1.0)
    assert answer["win_probability_of_ep_best"] == pytest.approx(0.9)
    assert [r["play"] for r in answer["rows"]] == ["P1", "P0"]
    assert answer["rows"][1]["epa"] > answer["rows"][0]["epa"]
    # Down 1 the same call for the win is P0: a drive that never scores loses.
    assert late_game(m, *START, margin=-1, drives_after=0)["best_play"] == "P0"


@pytest.mark.parametrize(
    ("margin", "drives_after", "win"),
    [
        (0, 1, 0.5),  # 8 each: tied at the end, a coin flip
        (1, 1, 1.0),
        (-1, 1, 0.0),
        (0, 2, 1.0),  # we score last
        (-9, 2, 0.0),  # 8 + 8 - 8: still down 1
    ],
)
def test_the_drives_that_follow(margin, drives_after, win):
    """Every snap a touchdown and every try good: each drive scores 8 (the 2-point try,
    the better one for the margin that counts)."""
    always = model([[[(TOUCHDOWN, 0)]]])
    answer = late_game(always, *START, margin=margin, drives_after=drives_after)
    assert answer["win_probability"] == pytest.approx(win, abs=1e-9)


def test_win_probability_rises_with_the_margin():
    wins = WinModel(HALF)
    s = HALF.state(*START)
    values = [wins.solve_drive(m, 3)[0][s] for m in range(-20, 21)]
    assert all(b >= a - 1e-12 for a, b in pairwise(values))
    assert values[0] < 0.05 and values[-1] > 0.95


def test_refusals_name_what_is_wrong():
    with pytest.raises(ValueError, match="margin"):
        late_game(HALF, *START, margin=61, drives_after=0)
    with pytest.raises(ValueError, match="drives after"):
        late_game(HALF, *START, margin=0, drives_after=41)
    with pytest.raises(ValueError, match="unknown defense"):
        late_game(HALF, *START, margin=0, drives_after=0, defense="D9")


def test_the_score_in_words():
    assert score_text(-4, 0) == "down 4, the last drive of the game"
    assert score_text(0, 1) == "tied, one drive after this one (theirs)"
    assert score_text(3, 5) == "up 3, 5 drives after this one"
