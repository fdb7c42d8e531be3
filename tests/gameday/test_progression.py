"""Down, distance and yard line by the NFL FLAG rules (pure functions)."""

import pytest

from gameday import progression as pg

R = pg.Rules()  # NFL FLAG 5v5: 50 yd goal to goal, midfield line to gain, 4 downs


def test_a_drive_starts_at_the_own_5_with_midfield_to_gain():
    assert pg.drive_start(R, 1) == pg.State(1, 1, 20.0, 45.0)


def test_rules_of_a_ruleset():
    class Ruleset:
        field_length, endzone_depth = 70.0, 10.0
        use_midfield_line_to_gain, line_to_gain, downs_to_convert = True, 25.0, 3

    assert pg.Rules.of(Ruleset) == pg.Rules(50.0, 25.0, 3)
    Ruleset.use_midfield_line_to_gain = False
    assert pg.drive_start(pg.Rules.of(Ruleset)) == pg.State(1, 1, 45.0, 45.0)


def test_a_short_gain_uses_a_down():
    out = pg.advance(R, pg.State(1, 1, 20.0, 45.0), "complete", 6)
    assert out.event is None and out.next == pg.State(1, 2, 14.0, 39.0)
    assert not out.converted


def test_incomplete_gains_nothing_whatever_is_entered():
    out = pg.advance(R, pg.State(1, 2, 14.0, 39.0), "incomplete", 12)
    assert out.next == pg.State(1, 3, 14.0, 39.0)


def test_crossing_midfield_is_a_first_down_with_the_goal_to_gain():
    out = pg.advance(R, pg.State(1, 3, 4.0, 29.0), "run", 7)
    assert out.event == pg.FIRST_DOWN and out.converted
    assert out.next == pg.State(1, 1, 22.0, 22.0)  # goal to go from their 22


def test_reaching_midfield_exactly_converts():
    assert pg.advance(R, pg.State(1, 2, 5.0, 30.0), "complete", 5).event == pg.FIRST_DOWN


def test_touchdown_by_yards_or_by_flag_goes_to_the_try_then_the_next_drive():
    by_yards = pg.advance(R, pg.State(1, 1, 22.0, 22.0), "complete", 22)
    by_flag = pg.advance(R, pg.State(1, 1, 22.0, 22.0), "complete", 3, touchdown=True)
    for out in (by_yards, by_flag):
        assert out.event == pg.TOUCHDOWN and out.converted
        assert out.next == pg.State(1, 1, 5.0, 5.0, try_points=1)  # the 1-point try from the 5
        after = pg.advance(R, out.next, "incomplete")
        assert after.event == pg.TRY_FAILED and not after.converted
        assert after.next == pg.State(2, 1, 20.0, 45.0)


def test_the_coach_picks_the_2_point_try_from_the_10():
    one = pg.try_state(R, 3)
    two = pg.entered(one, {"try_points": 2}, R)
    assert two == pg.State(3, 1, 10.0, 10.0, try_points=2)
    assert pg.entered(two, {"try_points": 1}, R) == one
    good = pg.advance(R, two, "complete", 10)
    assert good.event == pg.TRY_GOOD and good.converted and good.next == pg.drive_start(R, 4)
    short = pg.advance(R, two, "run", 9)
    assert short.event == pg.TRY_FAILED and short.next == pg.drive_start(R, 4)
    assert pg.advance(R, two, "interception").event == pg.TRY_FAILED
    assert pg.advance(R, two, "complete", 2, touchdown=True).event == pg.TRY_GOOD


def test_the_try_distances_come_from_the_ruleset():
    class Ruleset:
        field_length, endzone_depth = 80.0, 10.0
        use_midfield_line_to_gain, line_to_gain, downs_to_convert = True, 30.0, 3
        pat1_distance, pat2_distance = 3.0, 12.0

    rules = pg.Rules.of(Ruleset)
    assert pg.try_state(rules, 1, 1) == pg.State(1, 1, 3.0, 3.0, 1)
    assert pg.try_state(rules, 1, 2) == pg.State(1, 1, 12.0, 12.0, 2)
    with pytest.raises(ValueError):
        pg.try_state(rules, 1, 3)


def test_a_snap_that_states_where_it_was_after_a_touchdown_is_not_a_try():
    """A charted game that left the try out: its next snap says where the drive began."""
    expected = pg.try_state(R, 1)
    state = pg.entered(expected, {"drive": 2, "down": 1, "distance": 20.0, "yards_to_goal": 45.0})
    assert state == pg.State(2, 1, 20.0, 45.0) and state.try_points is None


def test_turnover_on_downs_after_the_last_down():
    out = pg.advance(R, pg.State(3, 4, 8.0, 33.0), "complete", 3)
    assert out.event == pg.TURNOVER_ON_DOWNS
    assert out.next == pg.State(4, 1, 20.0, 45.0)


def test_fewer_downs_in_another_ruleset():
    three = pg.Rules(downs=3)
    assert pg.advance(three, pg.State(1, 3, 8.0, 33.0), "run", 2).event == pg.TURNOVER_ON_DOWNS


def test_interception_ends_the_drive():
    out = pg.advance(R, pg.State(2, 2, 10.0, 20.0), "interception", 15)
    assert out.event == pg.TURNOVER and not out.converted
    assert out.next == pg.State(3, 1, 20.0, 45.0)


def test_sack_loses_yards_and_a_down_and_a_penalty_replays_the_down():
    assert pg.advance(R, pg.State(1, 1, 20.0, 45.0), "sack", -3).next == pg.State(1, 2, 23.0, 48.0)
    assert pg.advance(R, pg.State(1, 2, 14.0, 39.0), "penalty", 5).next == pg.State(1, 2, 9.0, 34.0)
    assert pg.advance(R, pg.State(1, 2, 3.0, 28.0), "penalty", 5).event == pg.FIRST_DOWN


def test_a_loss_behind_the_own_goal_line_is_a_safety():
    out = pg.advance(R, pg.State(1, 2, 21.0, 46.0), "sack", -5)
    assert out.event == pg.SAFETY and out.next.drive == 2


def test_unknown_result_is_an_error():
    with pytest.raises(ValueError):
        pg.advance(R, pg.drive_start(R), "fumble", 0)


def test_replay_takes_entered_values_over_the_progression():
    snaps = [
        {"result": "complete", "yards": 10},
        {"result": "run", "yards": 2, "down": 3, "distance": 4.0, "yards_to_goal": 29.0},
        {"result": "run", "yards": 4},
    ]
    states = [s for s, _ in pg.replay(R, snaps)]
    assert states == [
        pg.State(1, 1, 20.0, 45.0),
        pg.State(1, 3, 4.0, 29.0),  # as entered
        pg.State(1, 4, 2.0, 27.0),  # followed on from the entered one
    ]


def test_buckets_are_the_ones_training_uses():
    """Goal line ≤ 5 yd to go, red zone ≤ 10, then by down; the last down counts as 3rd,
    short is ≤ 3 yd — as the training buckets say."""
    cases = {
        (1, 5, 5): "GOALLINE",
        (3, 2, 8): "REDZONE",
        (2, 10, 10): "REDZONE",
        (1, 20, 45): "1ST_ANY",
        (2, 3, 30): "2ND_SHORT",
        (2, 4, 30): "2ND_LONG",
        (3, 3, 27): "3RD_SHORT",
        (3, 12, 40): "3RD_LONG",
        (4, 1, 20): "3RD_SHORT",
        (4, 9, 20): "3RD_LONG",
    }
    assert {k: pg.bucket(*k) for k in cases} == cases
    assert pg.bucket(2, 8, 30, downs=2) == "3RD_LONG"  # two downs: the 2nd is the last


def test_field_zones_and_distance_buckets():
    assert [pg.field_zone(R, y) for y in (45, 26, 25, 11, 10, 6, 5)] == [
        "own half",
        "own half",
        "plus territory",
        "plus territory",
        "red zone",
        "red zone",
        "goal line",
    ]
    assert [pg.distance_bucket(d) for d in (1, 3, 4, 10, 11, 20)] == [
        "short (1-3)",
        "short (1-3)",
        "medium (4-10)",
        "medium (4-10)",
        "long (11+)",
        "long (11+)",
    ]
