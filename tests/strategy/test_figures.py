"""The issue's checks through the API on the demo (NFL FLAG): EP rises toward the goal
and falls with down and distance; the equilibrium mix is worth at least any pure call
against the defense's best response; always calling the best play is exploitable."""

import itertools

import pytest

pytestmark = pytest.mark.django_db


def test_ep_rises_toward_the_goal_and_falls_with_down_and_distance(demo, capture):
    data = demo.run(capture, "expected_points", episodes=128)
    rows = {r["yards_to_goal"]: r for r in data["result"]["ep_curve"]}
    # Under NFL FLAG the line to gain is midfield: a series before it and a series to
    # the goal from it. Within each, EP rises toward the goal — except right before
    # midfield, where 1st & 5 at the 30 is worth about what 1st & 10 at the 35 is (a
    # 10-yard gain from the 35 converts beyond midfield; measured 3.386 vs 3.371).
    before_midfield = [rows[y]["ep"][0] for y in (45, 40, 35)]
    # Inside the 10 the end zone squeezes the routes: with these three plays 1st & goal
    # at the 5 measures a little below the 10 (4.04 vs 4.09), so the series is checked to
    # the 10 and the 5 against the far spots.
    to_the_goal = [rows[y]["ep"][0] for y in (25, 20, 15, 10)]
    # 1st & 25 at midfield (the rest of the field in one series) and 1st & 20 at own 5
    # (a series to midfield, then another) are worth about the same with these plays:
    # 1.41-1.58 vs 1.31-1.43 over seeds 1-6 at 128 episodes, and which is higher depends
    # on the random streams (they are keyed by the database ids). No order is asserted
    # between them; both are well below 1st & goal at the 5.
    own_5, midfield, their_5 = (rows[y]["ep"][0] for y in (45, 25, 5))
    assert max(own_5, midfield) + 2 < their_5, (own_5, midfield, their_5)
    for series in (before_midfield, to_the_goal):
        assert all(a < b for a, b in itertools.pairwise(series)), series
    for y in (45, 35, 20, 10):
        by_down = rows[y]["ep"]
        assert all(a > b for a, b in itertools.pairwise(by_down)), (y, by_down)
    for row in data["result"]["ep_by_distance"]:
        by_distance = [cell["ep"] for cell in row["ep"]]
        assert by_distance[-1] < by_distance[0], row
    drive = data["result"]["drive_from_start"]
    assert drive["from"] == "own 5" and 0 < drive["td_per_drive"] < 1


def test_call_mix_is_unexploitable_and_the_best_call_is_not(demo, capture):
    data = demo.run(
        capture,
        "call_mix",
        situation={"down": 3, "distance": 2, "yards_to_goal": 27},
        episodes=64,
    )
    mix = data["result"]["mix"]
    assert mix["value"] >= max(mix["pure_vs_best_response"].values()) - 1e-4
    assert mix["exploitability"] > 0
    assert abs(sum(mix["mix"].values()) - 1) < 1e-3
    band = mix["wristband"]
    assert sum(r["faces"] for r in band["ranges"]) == 6
    assert band["text"].startswith("1")
    assert data["result"]["situation_text"] == "3rd & 2 at own 23"
    ranking = data["result"]["ranking"]
    assert ranking["against"] == "mix"
    epa = [p["epa"] for p in ranking["plays"]]
    assert epa == sorted(epa, reverse=True)
