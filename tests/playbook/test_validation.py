"""Property tests for the rules in playbook/validation.py: valid objects pass, and
each single violation is caught with its field named."""

import math

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from playbook import validation as v
from playbook.api.filters import play_search
from playbook.models import Play
from tests.support import builders as b

RULES = v.Rules()
half = RULES.half_width
LANES = [y for y in (3.5 + 1.5 * k for k in range(8)) if y + 0.2 <= half]
LANES += [-y for y in LANES]


@st.composite
def formations(draw):
    """Valid 5v5 formations: spread receivers, QB behind the ball."""
    qb = {"role": "QB", "x": draw(st.floats(-7, -1)), "y": draw(st.floats(-2, 2))}
    # Lanes 1.5 yd apart, clear of the QB (|y| ≤ 2) and the ball; a little jitter in each.
    lanes = draw(st.lists(st.sampled_from(LANES), min_size=3, max_size=3, unique=True))
    ys = [lane + draw(st.floats(-0.2, 0.2)) for lane in lanes]
    wrs = [{"role": f"WR{i + 1}", "x": draw(st.floats(-3, 0)), "y": y} for i, y in enumerate(ys)]
    return [qb, {"role": "CENTER", "x": 0.0, "y": 0.0}, *wrs]


@st.composite
def routes(draw):
    n = draw(st.integers(1, v.MAX_BREAKPOINTS))
    points, t, x, y = [], 0, 0.0, 0.0
    for _ in range(n):
        dt = draw(st.integers(200, 1500))
        speed = draw(st.floats(0, 11.5))
        angle = draw(st.floats(0, 6.28))
        x += speed * dt / 1000 * math.cos(angle)
        y += speed * dt / 1000 * math.sin(angle)
        t += dt
        points.append({"x": round(x, 3), "y": round(y, 3), "time_ms": t})
    return points


@settings(max_examples=60, deadline=None)
@given(formations())
def test_valid_formations_pass(slots):
    report = v.check_formation(slots, RULES)
    assert report.ok, report.errors
    assert not any("apart" in w for w in report.warnings)


@settings(max_examples=60, deadline=None)
@given(formations(), st.integers(0, 4), st.sampled_from(["offfield", "role", "dup", "stack"]))
def test_each_formation_violation_is_named(slots, index, kind):
    slots = [dict(s) for s in slots]
    if kind == "offfield":
        slots[index]["y"] = half + 1
        expected = f"slots[{index}].y"
    elif kind == "role":
        slots[index]["role"] = "TE"
        expected = f"slots[{index}].role"
    elif kind == "dup":
        other = (index + 1) % 5
        slots[other]["role"] = slots[index]["role"]
        expected = f"slots[{max(index, other)}].role"
    else:
        other = (index + 1) % 5
        slots[other]["x"], slots[other]["y"] = slots[index]["x"] + 0.1, slots[index]["y"]
        expected = f"slots[{max(index, other)}]"
    report = v.check_formation(slots, RULES)
    assert expected in report.errors, (kind, report.errors)


@settings(max_examples=60, deadline=None)
@given(routes())
def test_valid_routes_pass_without_speed_warnings(points):
    report = v.check_route(points)
    assert report.ok, report.errors
    assert report.warnings == []


@settings(max_examples=60, deadline=None)
@given(routes(), st.data())
def test_each_route_violation_is_named(points, data):
    index = data.draw(st.integers(0, len(points) - 1))
    kind = data.draw(st.sampled_from(["time", "teleport", "nan"]))
    points = [dict(p) for p in points]
    if kind == "time":
        points[index]["time_ms"] = points[index - 1]["time_ms"] if index else 0
        expected = f"breakpoints[{index}].time_ms"
    elif kind == "teleport":  # 30 yd/s from the previous point
        before = points[index - 1] if index else {"x": 0.0, "y": 0.0, "time_ms": 0}
        dt = (points[index]["time_ms"] - before["time_ms"]) / 1000
        points[index].update(x=before["x"] + 30 * dt, y=before["y"])
        expected = f"breakpoints[{index}]"
    else:
        points[index]["y"] = float("nan")
        expected = f"breakpoints[{index}].y"
    report = v.check_route(points)
    assert expected in report.errors, (kind, report.errors)


@st.composite
def defenses(draw):
    rusher = draw(st.integers(0, 4))
    defenders = []
    for i in range(5):
        x = draw(st.floats(7.5, 20)) if i == rusher else draw(st.floats(1, 20))
        y = draw(st.floats(-half, half))
        duty = "RUSH" if i == rusher else draw(st.sampled_from(["MAN", "ZONE"]))
        d = {"slot": f"D{i + 1}", "x": x, "y": y, "duty": duty}
        if duty == "MAN":
            d["man_target"] = draw(st.sampled_from(["auto", "WR1", "WR2", "WR3", "CENTER"]))
        if duty == "ZONE":
            d.update(zone_x=x, zone_y=y, zone_radius=draw(st.floats(1, 10)))
        defenders.append(d)
    return defenders


@settings(max_examples=60, deadline=None)
@given(defenses())
def test_valid_scenarios_pass(defenders):
    assert v.check_scenario(defenders, RULES).ok


@settings(max_examples=60, deadline=None)
@given(
    defenses(), st.integers(0, 4), st.sampled_from(["behind", "offfield", "close_rush", "target"])
)
def test_each_scenario_violation_is_named(defenders, index, kind):
    defenders = [dict(d) for d in defenders]
    d = defenders[index]
    if kind == "behind":
        d["x"], expected = -1.0, f"defenders[{index}].x"
    elif kind == "offfield":
        d["y"], expected = half + 2, f"defenders[{index}].y"
    elif kind == "close_rush":
        for other in defenders:
            if other["duty"] == "RUSH":
                other.update(duty="ZONE", zone_x=other["x"], zone_y=other["y"], zone_radius=5)
        d.update(duty="RUSH", x=3.0)
        expected = f"defenders[{index}].x"
    else:
        d.update(duty="MAN", man_target="LB")
        expected = f"defenders[{index}].man_target"
    assert expected in v.check_scenario(defenders, RULES).errors


def test_two_rushers_refused_and_double_man_warned():
    defenders = [
        {"slot": "D1", "x": 8, "y": 0, "duty": "RUSH"},
        {"slot": "D2", "x": 9, "y": 3, "duty": "RUSH"},
        {"slot": "D3", "x": 2, "y": 5, "duty": "MAN", "man_target": "WR1"},
        {"slot": "D4", "x": 3, "y": 6, "duty": "MAN", "man_target": "WR1"},
        {
            "slot": "D5",
            "x": 12,
            "y": 0,
            "duty": "ZONE",
            "zone_x": 12,
            "zone_y": 0,
            "zone_radius": 8,
        },
    ]
    report = v.check_scenario(defenders, RULES)
    assert "2 rushers" in report.errors["defenders"][0]
    assert report.warnings == ["defenders[3].man_target: WR1 is doubled (D3 and D4)"]


@pytest.mark.django_db
def test_postgres_search_uses_the_gin_index(team):
    if connection.vendor != "postgresql":
        pytest.skip("the GIN index exists on PostgreSQL only; SQLite uses a contains match")
    b.play(team, name="Trips Flood", notes="corner")
    # Without the team filter, so the planner cannot pick the team index instead.
    queryset = play_search(Play.objects.all(), "flood")
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        plan = queryset.explain()
        cursor.execute("SET enable_seqscan = on")
    assert "play_search_gin" in plan
    assert [p.name for p in queryset] == ["Trips Flood"]


def test_blank_numbers_and_slots_read_as_plain_words():
    """The field editor sends blanks as null: no "None is not a number" (found by a probe)."""
    report = v.check_route([{"x": None, "y": 0.0, "time_ms": 500}])
    assert report.errors["breakpoints[0].x"] == ["a number is needed here"]
    scenario = v.check_scenario([{"slot": None, "x": 5.0, "y": 0.0, "duty": "RUSH"}], v.Rules())
    assert scenario.errors["defenders[0].slot"][0].startswith("pick a defender (D1")


# --- checks a coach expects to hear about ------------------------------------------------


def test_a_route_past_the_pass_clock_is_warned_about():
    """A breakpoint after the 7-s clock is never run: the route does not pass every rule."""
    late = [{"x": 5.0, "y": 0.0, "time_ms": 1000}, {"x": 30.0, "y": 0.0, "time_ms": 7500}]
    report = v.check_route(late, RULES)
    assert report.ok and report.warnings
    assert "7.5 s, after the 7-s pass clock" in report.warnings[0]
    assert "breakpoint 2 and later are never run" in report.warnings[0]
    assert not v.check_route(late).warnings  # no ruleset given: nothing to compare with
    assert not v.check_route(late[:1], RULES).warnings


def test_a_play_whose_route_outlasts_the_pass_clock_is_warned_about():
    slots = [
        {"role": "QB", "x": -5.0, "y": 0.0},
        {"role": "CENTER", "x": 0.0, "y": 0.0},
        {"role": "WR1", "x": -1.0, "y": -10.0},
        {"role": "WR2", "x": -1.0, "y": 10.0},
        {"role": "WR3", "x": -1.0, "y": 5.0},
    ]
    route = {"name": "Endless go", "breakpoints": [{"x": 40.0, "y": 0.0, "time_ms": 8000}]}
    report = v.check_play(
        slots, [{"role": "WR1", "route": route}], {"progression": ["WR1"]}, rules=RULES
    )
    assert report.ok and any("WR1's route Endless go ends at 8 s" in w for w in report.warnings)


def test_a_defender_on_top_of_the_rusher_is_warned_about():
    defenders = [
        {"slot": "D1", "x": 7.0, "y": 0.0, "duty": "RUSH"},
        {"slot": "D2", "x": 6.0, "y": -8.0, "duty": "MAN", "man_target": "auto"},
        {"slot": "D3", "x": 8.0, "y": 0.0, "duty": "MAN", "man_target": "auto"},
        {"slot": "D4", "x": 6.0, "y": 8.0, "duty": "MAN", "man_target": "auto"},
        {
            "slot": "D5",
            "x": 14.0,
            "y": 0.0,
            "duty": "ZONE",
            "zone_x": 14.0,
            "zone_y": 0.0,
            "zone_radius": 8.0,
        },
    ]
    report = v.check_scenario(defenders, RULES)
    assert report.ok
    assert report.warnings == [
        "defenders[2]: D3 stands on top of D1 (1.00 yd apart); defenders need 1.25 yd to line "
        "up side by side"
    ]
    defenders[2]["x"] = 9.0
    assert not v.check_scenario(defenders, RULES).warnings


# --- the route tree ---------------------------------------------------------------------


@pytest.mark.parametrize("name", __import__("playbook.route_tree").route_tree.NAMES)
def test_every_tree_route_passes_every_rule_on_both_sides(name):
    from playbook import route_tree

    left = route_tree.tree_route(name, "left")[1]
    right = route_tree.tree_route(name, "right")[1]
    for points in (left, right):
        report = v.check_route(points, RULES)
        assert report.ok and not report.warnings, (name, report.errors, report.warnings)
    # the two sides mirror each other: no hand-made mirrored copy needed
    assert [(p["x"], -p["y"], p["time_ms"]) for p in left] == [
        (p["x"], p["y"], p["time_ms"]) for p in right
    ]


def test_an_out_breaks_towards_the_receivers_sideline_at_its_depth():
    from playbook import route_tree

    settle, points = route_tree.tree_route("out", "left", depth=12)
    assert not settle and points[0]["x"] == points[1]["x"] == 12 and points[1]["y"] < 0
    assert route_tree.tree_route("out", "right", depth=12)[1][1]["y"] > 0
    assert route_tree.tree_route("hitch", "right")[0]  # a hitch settles
    with pytest.raises(ValueError, match="not in the route tree"):
        route_tree.tree_route("banana", "left")
    with pytest.raises(ValueError, match="1 to 30 yd"):
        route_tree.tree_route("go", "left", depth=50)
