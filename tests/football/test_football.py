"""The pure football package: one definition of the profile, roles, duties and buckets,
and the same answer whatever order a defense's positions come in."""

import itertools
import subprocess
import sys

import pytest

from football import duties, roles, routes, rules, shells, situations
from playbook import constants, validation
from playbook.models import Ruleset
from simulation.engine import inputs


def test_football_imports_no_django_and_nothing_of_the_project():
    code = (
        "import sys, football.duties, football.roles, football.routes, football.rules, "
        "football.situations; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'django', 'playbook', 'simulation', 'teams', 'accounts', 'pictures', 'config'}); "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_nfl_flag_default_comes_from_the_one_profile():
    profile = rules.NFL_FLAG_5V5.as_dict()
    assert profile == constants.NFL_FLAG_5V5
    for name in Ruleset.RULE_FIELDS:
        assert Ruleset._meta.get_field(name).default == profile[name], name
    for name in validation.Rules.__dataclass_fields__:
        assert getattr(validation.Rules(), name) == profile[name], name
    for name in inputs.Ruleset.__dataclass_fields__:
        assert getattr(inputs.Ruleset(), name) == profile[name], name


def test_the_django_choices_carry_footballs_values():
    assert constants.Bucket.values == list(situations.BUCKET_LABELS)
    assert constants.Shell.values == list(duties.SHELL_LABELS)
    assert set(constants.Duty.values) == {duties.MAN, duties.ZONE, duties.RUSH}
    assert [r for r, _ in constants.OFFENSE_ROLE_CHOICES] == roles.offense_roles(7)


STARTS = {"D1": (8.0, -3.0), "D2": (8.0, 3.0), "D3": (2.0, 0.0), "D4": (12.0, 0.0)}


@pytest.mark.parametrize("order", list(itertools.permutations(STARTS)))
def test_a_tie_for_rusher_breaks_by_slot_whatever_the_order(order):
    positions = {slot: STARTS[slot] for slot in order}
    rows, missing = duties.defenders_from_call(positions, duties.MAN, 2, 7.0)
    by_slot = {row["slot"]: row for row in rows}
    # D4 is over the ball; D1 and D2 tie on |y| and depth, D1 wins on its name.
    assert [s for s, r in by_slot.items() if r["duty"] == duties.RUSH] == ["D1", "D4"]
    assert by_slot["D3"]["duty"] == duties.MAN and by_slot["D3"]["man_target"] == "auto"
    assert by_slot["D2"]["duty"] == duties.ZONE and by_slot["D2"]["zone_radius"] == 5.0
    assert [r["slot"] for r in rows] == sorted(STARTS)
    assert missing == 0


def test_the_demo_loader_and_the_importer_read_a_call_alike():
    from simulation.engine.demo import defenders_from_call as demo_call

    positions = dict(reversed(list(STARTS.items())))
    engine = demo_call(positions, {"type": "zone", "rushers_count": 1}, inputs.Ruleset())
    rows, _ = duties.defenders_from_call(positions, duties.ZONE, 1, 7.0)
    by_slot = {row["slot"]: row for row in rows}
    assert [d.name for d in engine] == list(positions)  # the scenario's own order
    for d in engine:
        row = by_slot[d.name]
        assert (d.duty, d.zone_x, d.zone_y, d.zone_radius) == (
            row["duty"],
            row["zone_x"],
            row["zone_y"],
            row["zone_radius"],
        )
    assert by_slot["D4"]["duty"] == duties.RUSH and by_slot["D4"]["zone_radius"] is None


def test_a_call_for_more_rushers_than_stand_deep_enough_says_how_many_are_missing():
    _, missing = duties.defenders_from_call({"D1": (2.0, 0.0), "D2": (7.0, 1.0)}, "ZONE", 3, 7.0)
    assert missing == 2


@pytest.mark.parametrize(
    ("name", "settles"),
    [("Hitch", True), ("5-yd curl", True), ("Stick-Nod", True), ("Go", False), ("", False)],
)
def test_route_names_that_settle(name, settles):
    assert routes.settles_by_name(name) is settles


def test_zone_radius_by_depth():
    assert duties.zone_radius(9.9) == shells.ZONE_RADIUS_UNDER_YD
    assert duties.zone_radius(10.0) == shells.ZONE_RADIUS_DEEP_YD


def test_zone_defenders_drop_to_their_shell_s_landmarks():
    """Cover 2 from a 3-2 look: the two deep defenders take the halves, the three
    underneath the flats and the hook; a MAN call of the same look differs."""
    positions = {
        "D1": (5.0, -10.0),
        "D2": (12.0, -8.0),
        "D3": (6.0, 0.0),
        "D4": (12.0, 8.0),
        "D5": (5.0, 10.0),
    }
    rows, _ = duties.defenders_from_call(positions, duties.ZONE, 0, 7.0, "COVER2", 15.0)
    spot = {r["slot"]: (r["zone_x"], r["zone_y"], r["zone_radius"]) for r in rows}
    assert spot["D2"] == (13.0, -7.05, shells.ZONE_RADIUS_DEEP_YD)
    assert spot["D4"] == (13.0, 7.05, shells.ZONE_RADIUS_DEEP_YD)
    assert spot["D1"][:2] == (5.0, -10.05) and spot["D5"][:2] == (5.0, 10.05)
    assert spot["D3"][:2] == (7.0, 0.0)
    man, _ = duties.defenders_from_call(positions, duties.MAN, 0, 7.0, "COVER2", 15.0)
    assert [r["duty"] for r in man] != [r["duty"] for r in rows]
    # a corner at 5 yd bails to a deep third when the shell wants three deep
    three, _ = duties.defenders_from_call(positions, duties.ZONE, 0, 7.0, "COVER3", 15.0)
    deep = sorted(r["slot"] for r in three if r["zone_x"] >= shells.ZONE_DEEP_X_YD)
    assert len(deep) == 3 and {"D2", "D4"} <= set(deep)
    # without a shell the zone stays on the start spot
    plain, _ = duties.defenders_from_call(positions, duties.ZONE, 0, 7.0)
    assert all((r["zone_x"], r["zone_y"]) == positions[r["slot"]] for r in plain)
