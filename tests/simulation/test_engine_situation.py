"""The situation-aware parts of the pass game: late-down reads, red-zone coverage depth, the
deep defender who stays on top (no database needed)."""

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from simulation.engine import Ruleset, Situation, prepare
from simulation.engine.demo import load_demo
from simulation.engine.prepare import situational_order

ROOT = Path(__file__).resolve().parents[2]
RULES = Ruleset()


@pytest.fixture(scope="module")
def demo():
    return load_demo(ROOT / "fixtures" / "fieldos-demo")


def pair(demo, play, scenario, situation, **changes):
    play = replace(demo.plays[play], **changes)
    return prepare(play, demo.scenarios[scenario], RULES, demo.offense, demo.defense, situation)


def progression(pp):
    return [pp.roles[r] for r in pp.progression]


def test_on_3rd_and_short_the_qb_reads_the_quickest_route_past_the_sticks_first(demo):
    undrawn = {"progression": ()}
    first = pair(
        demo, "play_trips_flood", "scenario_cover2_no_rush", Situation(1, 10, 35), **undrawn
    )
    third = pair(
        demo, "play_trips_flood", "scenario_cover2_no_rush", Situation(3, 2, 27), **undrawn
    )
    # no progression drawn: alignment order on 1st down ...
    assert progression(first) == ["CENTER", "WR1", "WR2", "WR3"]
    # ... on 3rd & 2 the order the routes get past the line to gain (the 5-yd stop at
    # 1.0 s comes before the 8-yd out at 1.4 s and the corner at 1.8 s)
    assert progression(third) == ["CENTER", "WR3", "WR2", "WR1"]


def test_a_drawn_progression_keeps_its_order_but_routes_short_of_the_sticks_go_last():
    class Path:
        def __init__(self, depth):
            self.x = np.linspace(0.0, depth, 100, dtype=np.float32)
            self.first_break_ms = 500.0

    paths = {"A": Path(5.0), "B": Path(12.0), "C": Path(9.0)}
    late = Situation(3, 7, 27)
    assert situational_order(["A", "B", "C"], paths, late, explicit=True) == ["B", "C", "A"]
    assert situational_order(["A", "B", "C"], paths, Situation(2, 7, 27), True) == ["A", "B", "C"]


def test_near_the_goal_every_level_of_a_zone_plays_at_its_share_of_the_depth(demo):
    open_field = pair(demo, "play_trips_flood", "scenario_cover3_no_rush", Situation(1, 10, 35))
    goal = pair(demo, "play_trips_flood", "scenario_cover3_no_rush", Situation(1, 5, 5))
    deep_open = open_field.zone_x.ravel()
    deep_goal = goal.zone_x.ravel()
    depth_left = 5 + RULES.endzone_depth - 0.5 - 1.0  # end line, margin, cushion
    assert np.allclose(deep_goal, deep_open * depth_left / 20.0, atol=1e-5)
    assert deep_goal.max() < 5 + RULES.endzone_depth


def test_a_deep_safety_holds_his_landmark_until_a_receiver_threatens_deep(demo):
    pp = pair(demo, "play_twins_smash", "scenario_man_zone_lb_no_rush", Situation(1, 10, 35))
    rows = len(pp.roles) + pp.n_zone
    deep = [pp.n_man + j for j in range(pp.n_zone) if pp.zone_deep[j, 0]]
    assert deep
    safety = deep[0]
    followed = pp.follow_base[:, safety, 0] // pp.n_fine - safety * rows
    landmark = len(pp.roles) + (safety - pp.n_man)
    step_1s = 1000 // 50
    # through the first second every receiver is short: he reads the QB on his landmark
    assert (followed[:step_1s] == landmark).all()
    # later he carries the vertical nobody has in man (WR3's go), not a short or manned one
    later = followed[step_1s:]
    played = {pp.roles[r] for r in later if r < len(pp.roles)}
    assert "WR3" in played
    assert "WR2" not in played  # the 6-yd hitch stays underneath
