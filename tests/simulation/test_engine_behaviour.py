"""Behaviour a coach checks: +20 on one rating group, the same seeds, the demo plays
against the demo defenses. Each rating moves the figures the way football says it does."""

from dataclasses import replace
from pathlib import Path

import pytest

from simulation.engine import NFL_FLAG_5V5, MetricsAggregator, Situation, simulate_matrix
from simulation.engine.demo import load_demo

DEMO = load_demo(Path(__file__).resolve().parents[2] / "fixtures" / "fieldos-demo")
SITUATION = Situation(down=1, distance=10, yardline=35)
MAN_CALLS = [s for k, s in DEMO.scenarios.items() if "man" in k]
ZONE_CALLS = [s for k, s in DEMO.scenarios.items() if "man" not in k]
EPISODES = 512
SEED = 5


def figures(scenarios, offense=None, defense=None):
    results = simulate_matrix(
        list(DEMO.plays.values()),
        scenarios,
        NFL_FLAG_5V5,
        offense or DEMO.offense,
        defense or DEMO.defense,
        SITUATION,
        EPISODES,
        SEED,
    )
    return MetricsAggregator.of(*results.values()).metrics()


def plus20(players, *names, only=None):
    return {
        role: replace(r, **{n: min(100.0, getattr(r, n) + 20) for n in names})
        if only is None or only(role)
        else r
        for role, r in players.items()
    }


def receivers(*names):
    return plus20(DEMO.offense, *names, only=lambda role: role != "QB")


def passer(*names):
    return plus20(DEMO.offense, *names, only=lambda role: role == "QB")


@pytest.fixture(scope="module")
def base_man():
    return figures(MAN_CALLS)


@pytest.fixture(scope="module")
def base_all():
    return figures(list(DEMO.scenarios.values()))


def test_man_coverage_lowers_completion_against_man_calls(base_man):
    better = figures(MAN_CALLS, defense=plus20(DEMO.defense, "man_coverage"))
    drop = base_man["completion_rate"] - better["completion_rate"]
    assert 0.03 <= drop <= 0.08


def test_zone_coverage_lowers_completion_against_zone_calls():
    base = figures(ZONE_CALLS)
    better = figures(ZONE_CALLS, defense=plus20(DEMO.defense, "zone_coverage"))
    drop = base["completion_rate"] - better["completion_rate"]
    assert 0.03 <= drop <= 0.08


def test_a_stronger_arm_never_lowers_yards_per_attempt(base_all):
    better = figures(list(DEMO.scenarios.values()), offense=passer("throw_power"))
    assert better["yards_per_attempt"] >= base_all["yards_per_attempt"]


def test_faster_defenders_lower_yards_after_the_catch(base_all):
    faster = figures(list(DEMO.scenarios.values()), defense=plus20(DEMO.defense, "speed"))
    assert faster["yac_per_completion"] < base_all["yac_per_completion"]


@pytest.mark.parametrize(
    "offense",
    [
        pytest.param(lambda: receivers("hands"), id="hands"),
        pytest.param(lambda: passer("short_acc", "mid_acc", "deep_acc"), id="accuracy"),
        pytest.param(lambda: receivers("speed"), id="speed"),
    ],
)
def test_better_offense_never_lowers_the_offense_s_figures(base_all, offense):
    better = figures(list(DEMO.scenarios.values()), offense=offense())
    assert better["completion_rate"] >= base_all["completion_rate"]
    assert better["yards_per_attempt"] >= base_all["yards_per_attempt"]
    assert better["mean_yards"] >= base_all["mean_yards"]


def test_man_and_zone_calls_of_the_same_shell_play_differently():
    """The same spots and shell, called man or zone, through the demo's call mapping."""
    import json

    from simulation.engine.demo import scenario_from_json

    raw = json.loads(
        (Path(__file__).resolve().parents[2] / "fixtures/fieldos-demo/scenarios.json").read_text()
    )
    spec = next(s for s in raw if s["id"] == "scenario_man_with_rush")
    zone_spec = {**spec, "defense_call": {**spec["defense_call"], "type": "ZONE"}}
    man, zone = (scenario_from_json(s, NFL_FLAG_5V5) for s in (spec, zone_spec))
    in_man, in_zone = figures([man]), figures([zone])
    assert in_man["completion_rate"] != in_zone["completion_rate"]
    assert in_man["target_share"] != in_zone["target_share"]


def test_route_running_raises_completion(base_all):
    """A precise route runner is where the QB throws on timing and fools his man at the
    break: more catches, never fewer."""
    better = figures(list(DEMO.scenarios.values()), offense=receivers("route_running"))
    assert better["completion_rate"] > base_all["completion_rate"]
    assert better["yards_per_attempt"] >= base_all["yards_per_attempt"] - 0.05
