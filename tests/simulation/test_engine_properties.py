"""Sanity a coach will check (docs/engine.md), as hypothesis properties over paired seeds:
the same seed gives both sides of a comparison the same random numbers, so a small
number of episodes is enough to see the effect of the one thing that changed."""

from dataclasses import replace
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation.engine import (
    AUTO,
    COMPLETE,
    INTERCEPTION,
    MAN,
    RUSH,
    SACK,
    ZONE,
    DefenderInput,
    PlayInput,
    Route,
    Ruleset,
    ScenarioInput,
    Situation,
    simulate,
)
from simulation.engine.demo import load_demo

DEMO = load_demo(Path(__file__).resolve().parents[2] / "fixtures" / "fieldos-demo")
PLAYS = sorted(DEMO.plays)
SCENARIOS = sorted(DEMO.scenarios)
RULES = Ruleset()
TWO_RUSHERS = Ruleset(name="two rushers", max_rushers=2)
SITUATION = Situation(down=2, distance=6, yardline=40)
FEW = settings(max_examples=6, deadline=None)

seeds = st.integers(min_value=0, max_value=2**31)
ratings = st.floats(min_value=20, max_value=80)
gains = st.floats(min_value=5, max_value=20)


def run(play, scenario, offense=None, defense=None, n=1024, seed=0, rules=RULES):
    offense = DEMO.offense if offense is None else offense
    defense = DEMO.defense if defense is None else defense
    return simulate(play, scenario, rules, offense, defense, SITUATION, n, seed)


def completion(out):
    thrown = out.result != SACK
    return (out.result[thrown] == COMPLETE).mean()


def interceptions(out):
    thrown = out.result != SACK
    return (out.result[thrown] == INTERCEPTION).mean()


def receivers_with(**change):
    return {role: replace(r, **change) if role != "QB" else r for role, r in DEMO.offense.items()}


@FEW
@given(st.sampled_from(PLAYS), st.sampled_from(SCENARIOS), ratings, gains, seeds)
def test_better_hands_never_lower_the_completion_rate(play, scenario, base, gain, seed):
    args = (DEMO.plays[play], DEMO.scenarios[scenario])
    worse = run(*args, offense=receivers_with(hands=base), seed=seed)
    better = run(*args, offense=receivers_with(hands=base + gain), seed=seed)
    assert completion(better) >= completion(worse)


@FEW
@given(st.sampled_from(PLAYS), st.sampled_from(SCENARIOS), ratings, gains, seeds)
def test_better_separation_never_lowers_the_completion_rate(play, scenario, base, gain, seed):
    args = (DEMO.plays[play], DEMO.scenarios[scenario])
    worse = run(*args, offense=receivers_with(separation=base), seed=seed)
    better = run(*args, offense=receivers_with(separation=base + gain), seed=seed)
    assert completion(better) >= completion(worse)


@FEW
@given(st.sampled_from(PLAYS), st.sampled_from(SCENARIOS), ratings, gains, seeds)
def test_better_accuracy_never_raises_the_interception_rate(play, scenario, base, gain, seed):
    def qb(accuracy):
        passer = replace(
            DEMO.offense["QB"], short_acc=accuracy, mid_acc=accuracy, deep_acc=accuracy
        )
        return {**DEMO.offense, "QB": passer}

    args = (DEMO.plays[play], DEMO.scenarios[scenario])
    worse = run(*args, offense=qb(base), seed=seed)
    better = run(*args, offense=qb(base + gain), seed=seed)
    assert interceptions(better) <= interceptions(worse)


@FEW
@given(st.sampled_from(PLAYS), seeds)
def test_more_rushers_never_lower_the_sack_rate(play, seed):
    """The same coverage with no rusher, the MLB rushing, and a sixth man rushing too."""
    one = DEMO.scenarios["scenario_cover1_mlb_rush"]
    none = replace(
        one,
        defenders=tuple(
            replace(d, duty=ZONE, zone_x=d.x, zone_y=d.y, zone_radius=5.0) if d.duty == RUSH else d
            for d in one.defenders
        ),
    )
    two = replace(one, defenders=(*one.defenders, DefenderInput("D6", 7.0, -3.0, RUSH)))
    defense = {**DEMO.defense, "D6": DEMO.defense["D3"]}
    rates = [
        (
            run(DEMO.plays[play], s, defense=defense, seed=seed, rules=TWO_RUSHERS).result == SACK
        ).mean()
        for s in (none, one, two)
    ]
    assert rates[0] == 0
    assert rates[0] <= rates[1] <= rates[2]


# --- a controlled field: one receiver running one route ---------------------------------

ROUTES = {  # each ends on a spot and stays there, so "where he catches it" is known
    "out": Route(((8.0, 0.0, 1400.0), (8.0, 5.0, 1800.0)), settle=True),
    "stop": Route(((5.0, 0.0, 1000.0),), settle=True),
    "hitch": Route(((6.0, 0.0, 1200.0), (5.0, 0.0, 1400.0)), settle=True),
    "curl": Route(((10.0, 0.0, 1800.0), (9.0, -1.0, 2100.0)), settle=True),
}
ALIGNMENT = {"QB": (-5.0, 0.0), "CENTER": (0.0, 0.0), "WR1": (0.0, 6.0), "WR2": (0.0, -8.0)}


def solo(route):
    """WR1 runs the route and is the only read; the others stay in to block."""
    return PlayInput(route, ALIGNMENT, {"WR1": ROUTES[route]}, ("WR1",), 2500.0)


def far_side(*extra):
    """Defenders parked in zones on the far (left) side of the field, plus `extra`."""
    parked = tuple(
        DefenderInput(f"D{i}", 6.0 + 3 * i, -12.0, ZONE, None, 6.0 + 3 * i, -12.0, 2.0)
        for i in range(len(extra) + 1, 6)
    )
    return ScenarioInput("test", (*extra, *parked))


@FEW
@given(st.sampled_from(sorted(ROUTES)), seeds)
def test_a_receiver_with_nobody_near_him_beats_one_in_tight_coverage(route, seed):
    play = solo(route)
    tight = far_side(DefenderInput("D1", 1.0, 6.0, MAN, "WR1"))
    alone = far_side(DefenderInput("D1", 6.0, -6.0, ZONE, None, 6.0, -6.0, 2.0))
    covered, free = run(play, tight, seed=seed), run(play, alone, seed=seed)
    assert completion(free) > completion(covered)
    assert np.nanmean(free.separation_at_catch) > np.nanmean(covered.separation_at_catch)


@FEW
@given(st.sampled_from(sorted(ROUTES)), seeds)
def test_a_throw_into_an_empty_zone_beats_one_into_double_coverage(route, seed):
    play = solo(route)
    # where the route takes him: the end of the route, from the alignment
    x, y, _ = ROUTES[route].breakpoints[-1]
    spot = (ALIGNMENT["WR1"][0] + x, ALIGNMENT["WR1"][1] + y)
    double = far_side(
        DefenderInput("D1", spot[0] + 1.5, spot[1] - 1.5, ZONE, None, spot[0], spot[1] - 1.0, 5.0),
        DefenderInput("D2", spot[0] + 2.5, spot[1] + 1.5, ZONE, None, spot[0] + 1, spot[1], 5.0),
    )
    empty = far_side(
        DefenderInput("D1", 6.0, -4.0, ZONE, None, 6.0, -4.0, 5.0),
        DefenderInput("D2", 14.0, -4.0, ZONE, None, 14.0, -4.0, 5.0),
    )
    into_double, into_empty = run(play, double, seed=seed), run(play, empty, seed=seed)
    assert completion(into_empty) > completion(into_double)
    assert into_empty.reward.mean() > into_double.reward.mean()


@FEW
@given(st.sampled_from(PLAYS), seeds)
def test_man_and_zone_play_differently(play, seed):
    """The same five spots, called man (auto) or zone: different defenses, different plays."""
    spots = DEMO.scenarios["scenario_man_cover0_no_rush"]
    man = replace(
        spots, defenders=tuple(replace(d, duty=MAN, man_target=AUTO) for d in spots.defenders)
    )
    zone = replace(
        spots,
        defenders=tuple(
            replace(d, duty=ZONE, zone_x=d.x, zone_y=d.y, zone_radius=5.0) for d in spots.defenders
        ),
    )
    in_man, in_zone = run(DEMO.plays[play], man, seed=seed), run(DEMO.plays[play], zone, seed=seed)
    share = [
        np.bincount(o.target[o.target >= 0], minlength=5) / max((o.target >= 0).sum(), 1)
        for o in (in_man, in_zone)
    ]
    differs = (
        abs(completion(in_man) - completion(in_zone)) + 0.5 * np.abs(share[0] - share[1]).sum()
    )
    assert differs > 0.05
    assert not np.array_equal(in_man.time_to_throw_ms, in_zone.time_to_throw_ms)
