"""The engine's mechanics, inputs, determinism, traces and metrics (no database needed)."""

import ast
import json
import math
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from simulation.engine import (
    AUTO,
    COMPLETE,
    INCOMPLETE,
    INTERCEPTION,
    MAN,
    RUSH,
    SACK,
    ZONE,
    DefenderInput,
    DefenseRatings,
    MetricsAggregator,
    Motion,
    OffenseRatings,
    Outcomes,
    Route,
    Ruleset,
    ScenarioInput,
    Situation,
    iter_outcomes,
    prepare,
    resolve_assignments,
    reward,
    simulate,
    simulate_matrix,
    simulate_metrics,
    simulate_prepared,
)
from simulation.engine import constants as C
from simulation.engine.demo import load_demo, route_from_json
from simulation.engine.prepare import field_bounds, read_schedule, run_route, top_speed

ROOT = Path(__file__).resolve().parents[2]
DEMO_DIR = ROOT / "fixtures" / "fieldos-demo"
ENGINE_DIR = ROOT / "simulation" / "engine"
RULES = Ruleset()
SITUATION = Situation(down=1, distance=10, yardline=35)


@pytest.fixture(scope="module")
def demo():
    return load_demo(DEMO_DIR)


def run(demo, play, scenario, n=2048, seed=11, **kwargs):
    play = demo.plays[play] if isinstance(play, str) else play
    scenario = demo.scenarios[scenario] if isinstance(scenario, str) else scenario
    defense = kwargs.pop("defense", demo.defense)
    offense = kwargs.pop("offense", demo.offense)
    situation = kwargs.pop("situation", SITUATION)
    return simulate(play, scenario, RULES, offense, defense, situation, n, seed, **kwargs)


def with_duty(scenario, name, **changes):
    defenders = tuple(replace(d, **changes) if d.name == name else d for d in scenario.defenders)
    return replace(scenario, defenders=defenders)


# --- the package ---------------------------------------------------------------------


def test_engine_has_no_django_imports():
    for path in ENGINE_DIR.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            assert not any(n == "django" or n.startswith("django.") for n in names), path
    probe = (
        "import sys, simulation.engine, simulation.engine.demo;"
        "sys.exit(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", probe], cwd=ROOT).returncode == 0


# --- inputs --------------------------------------------------------------------------


def duties(scenario):
    return {d.name: (d.duty, d.man_target, d.zone_radius) for d in scenario.defenders}


def test_defense_calls_become_explicit_duties(demo):
    # the defender over the ball at least 7 yd deep rushes; zones drop to shell landmarks:
    # in this Cover 1 the deep one is a lone safety whose zone spans the field
    mlb = duties(demo.scenarios["scenario_cover1_mlb_rush"])
    assert mlb["D3"] == (RUSH, None, None)
    assert mlb["D1"] == (ZONE, None, C.ZONE_RADIUS_UNDER_YD)
    assert mlb["D2"] == (ZONE, None, RULES.half_width - C.SIDELINE_MARGIN_YD)
    spots = {
        d.name: (d.zone_x, d.zone_y) for d in demo.scenarios["scenario_cover1_mlb_rush"].defenders
    }
    assert spots["D2"] == (14.0, 0.0)  # the deep middle
    assert spots["D1"][0] < C.ZONE_DEEP_X_YD and spots["D1"][1] < -5  # the left flat
    # D3 (7, 0) and D4 (12, 0) are both over the ball: the shallower one rushes; MAN puts
    # the defenders within 5 yd of the LOS on auto man, the deep one in a zone
    man = duties(demo.scenarios["scenario_man_with_rush"])
    assert man["D3"][0] == RUSH
    assert man["D1"] == man["D2"] == man["D5"] == (MAN, AUTO, None)
    assert man["D4"] == (ZONE, None, RULES.half_width - C.SIDELINE_MARGIN_YD)
    # two deep halves split the field with the usual deep radius
    cover2 = duties(demo.scenarios["scenario_cover2_no_rush"])
    assert cover2["D2"] == cover2["D4"] == (ZONE, None, C.ZONE_RADIUS_DEEP_YD)
    # D2 sits over the ball at 5 yd, too shallow to rush: D3 behind him rushes
    three_one = duties(demo.scenarios["scenario_3_1_with_rush"])
    assert three_one["D3"][0] == RUSH
    assert three_one["D2"][0] == ZONE
    no_rush = demo.scenarios["scenario_cover2_no_rush"]
    assert all(d.duty == ZONE for d in no_rush.defenders)


def test_auto_man_matches_closest_pairs_and_lines_up_over_his_man(demo):
    scenario = demo.scenarios["scenario_man_with_rush"]
    trips = demo.plays["play_trips_flood"]
    eligible = ["CENTER", "WR1", "WR2", "WR3"]
    resolved = {
        a.name: a for a in resolve_assignments(scenario.defenders, trips.alignment, eligible)
    }
    assert (resolved["D1"].target, resolved["D2"].target, resolved["D5"].target) == (
        "WR1",
        "WR2",
        "WR3",
    )
    # twins: WR3 is split wide left, so the slot defender takes the center instead
    twins = demo.plays["play_twins_smash"]
    resolved = {
        a.name: a for a in resolve_assignments(scenario.defenders, twins.alignment, eligible)
    }
    assert resolved["D5"].target == "CENTER"
    assert (resolved["D5"].x, resolved["D5"].y) == (2.0, twins.alignment["CENTER"][1])
    # more auto men than receivers: the spare one plays a zone at his spot
    spare = (*scenario.defenders, DefenderInput("D6", 3.0, -3.0, MAN, AUTO))
    resolved = resolve_assignments(spare, trips.alignment, ["WR1", "WR2"])
    assert [a.duty for a in resolved].count(MAN) == 2


def test_route_settle_flag_and_rating_defaults():
    hitch = {"name": "6-Yard Hitch", "breakpoints": [{"x_yards": 6, "y_yards": 0, "time_ms": 900}]}
    go = {"name": "Go (Vertical)", "breakpoints": [{"x_yards": 10, "y_yards": 0, "time_ms": 1800}]}
    assert route_from_json(hitch).settle
    assert not route_from_json(go).settle
    assert not route_from_json({**hitch, "settle": False}).settle
    ratings = OffenseRatings.from_dict({"speed": 90, "stamina": 50})
    assert (ratings.speed, ratings.hands, ratings.release_time_ms) == (90, 70, 400)
    assert DefenseRatings.from_dict(None).reaction_time_ms == 250


@pytest.mark.parametrize(
    "change",
    [
        {"alignment": {"QB": (-5.0, 0.0), "WR1": (0.0, 20.0)}},  # off a 30-yd-wide field
        {"routes": {"WR9": Route(((1, 0, 100),))}},
        {"motion": Motion("WR9", 0, 3)},
    ],
)
def test_invalid_plays_are_refused(demo, change):
    play = replace(demo.plays["play_trips_flood"], **change)
    with pytest.raises(ValueError):
        run(demo, play, "scenario_cover2_no_rush", n=10)


@pytest.mark.parametrize(
    "name, change",
    [
        ("D1", {"x": 0.0}),  # on the LOS
        ("D1", {"duty": RUSH}),  # a rusher at 5 yd: inside the rush distance
        ("D2", {"duty": RUSH}),  # a second rusher where one is allowed
        ("D1", {"duty": "BLITZ"}),
        ("D1", {"duty": MAN, "man_target": "WR9"}),
    ],
)
def test_invalid_scenarios_are_refused(demo, name, change):
    scenario = with_duty(demo.scenarios["scenario_cover1_mlb_rush"], name, **change)
    with pytest.raises(ValueError):
        run(demo, "play_trips_flood", scenario, n=10)


# --- movement --------------------------------------------------------------------------

BOUNDS = field_bounds(RULES, SITUATION)


def test_a_route_timed_too_fast_is_run_late_at_top_speed():
    ratings = OffenseRatings(speed=80, acceleration=80)
    route = Route(((20.0, 0.0, 500.0),))  # 40 yd/s: nobody runs that
    path = run_route((0.0, 0.0), route, ratings, 400, BOUNDS)
    step = np.hypot(np.diff(path.x), np.diff(path.y))
    assert step.max() <= top_speed(80) * C.FINE_MS / 1000 + 1e-5  # never teleported
    arrived_ms = path.first_break_ms
    assert arrived_ms >= 1000 * 20 / top_speed(80)  # late, at his real speed


def test_a_runnable_route_is_on_time_and_settle_stops():
    ratings = OffenseRatings(speed=80, acceleration=80)
    route = Route(((5.0, 0.0, 1200.0), (5.0, 3.0, 1800.0)), settle=True)
    path = run_route((0.0, 0.0), route, ratings, 400, BOUNDS)
    assert abs(path.first_break_ms - 1200) <= 100
    assert (path.x[-1], path.y[-1]) == pytest.approx((5.0, 3.0))
    assert path.breaks  # the cut and the stop are direction changes a defender reacts to


def test_without_settle_the_runner_keeps_going_and_stays_in_bounds():
    ratings = OffenseRatings(speed=80, acceleration=80)
    route = Route(((5.0, 0.0, 1000.0), (5.0, 4.0, 1500.0)))
    path = run_route((0.0, 10.0), route, ratings, 500, BOUNDS)
    assert path.x[-1] == pytest.approx(5.0)  # along the last leg: straight out ...
    assert path.y[-1] == pytest.approx(RULES.half_width - C.SIDELINE_MARGIN_YD)  # ... to here


def test_pre_snap_motion_moves_the_mover_before_the_snap(demo):
    play = replace(demo.plays["play_twins_smash"], motion=Motion("WR3", 0.0, -3.0, 1500))
    pp = prepare(play, demo.scenarios["scenario_cover2_no_rush"], RULES, {}, {}, SITUATION)
    wr3 = pp.roles.index("WR3")
    assert (pp.step_x[wr3, 0], pp.step_y[wr3, 0]) == (0.0, -3.0)


def test_other_bad_inputs_are_refused(demo):
    play = demo.plays["play_trips_flood"]
    no_qb = replace(play, alignment={k: v for k, v in play.alignment.items() if k != "QB"})
    with pytest.raises(ValueError):
        run(demo, no_qb, "scenario_cover2_no_rush", n=10)
    with pytest.raises(ValueError):
        run(demo, play, "scenario_cover2_no_rush", n=10, situation=Situation(1, 10, 80))
    with pytest.raises(ValueError):
        simulate_matrix([play], [], RULES, {}, {}, SITUATION, 10, 1, play_keys=[1, 2])
    with pytest.raises(ValueError):
        Outcomes.concat([])
    crowd = ScenarioInput(
        "eight", tuple(DefenderInput(f"D{i}", 5.0, i - 4.0, ZONE) for i in range(8))
    )
    with pytest.raises(ValueError):
        run(demo, play, crowd, n=10)


def test_the_read_schedule_waits_for_the_dropback_the_break_and_the_read():
    # reads of roles 3, 2, 4: first breaks at 1000, 400 and 1800 ms, 250 ms per read
    reads = read_schedule([1000.0, 400.0, 1800.0], [3, 2, 4], 250.0, 60)
    assert min(reads) == (1000 + 250) // C.DT_MS  # not before his break + the read
    assert reads[25] == 3 and reads[30] == 2  # then on to the next read after 250 ms
    assert reads[41] == 4  # the third waits for its receiver's break at 1800 ms
    assert max(reads) == 59 and set(reads.values()) == {2, 3, 4}  # cycling to the clock
    assert read_schedule([], [], 250.0, 60) == {}


# --- the play ---------------------------------------------------------------------------


def test_a_play_with_nobody_to_throw_to_ends_in_a_throw_away_or_a_sack(demo):
    play = replace(demo.plays["play_trips_flood"], routes={}, progression=())
    out = run(demo, play, "scenario_man_with_rush", n=500)
    assert set(np.unique(out.result)) <= {INCOMPLETE, SACK}
    assert np.all(out.target == -1)


def test_only_a_rusher_sacks_and_the_rusher_is_whoever_the_scenario_says(demo):
    no_rush = run(demo, "play_spread_vertical", "scenario_cover2_no_rush")
    assert not (no_rush.result == SACK).any()
    # the Cover 1 rusher is D3; hand the rush to D5, lined up 7 yd deep off the slot
    scenario = demo.scenarios["scenario_cover1_mlb_rush"]
    scenario = with_duty(scenario, "D3", duty=ZONE, zone_x=7.0, zone_y=0.0, zone_radius=5.0)
    scenario = with_duty(scenario, "D5", duty=RUSH, x=7.0, y=3.0)
    out = run(demo, "play_spread_vertical", scenario, traces=300)
    assert (out.result == SACK).any()
    d5 = out.traces[0]["defenders"].index("D5")
    for trace in out.traces:
        if trace["outcome"]["result"] == "SACK":
            qb = np.array(trace["frames"][-1]["offense"][0])
            rusher = np.array(trace["frames"][-1]["defense"][d5])
            assert np.hypot(*(qb - rusher)) <= C.FLAG_PULL_YD + 0.01


def test_a_sack_is_the_rusher_getting_there_not_a_clock(demo):
    # Trips Flood against the MLB rushing (D3): the pair where the QB is sacked most
    out = run(demo, "play_trips_flood", "scenario_cover1_mlb_rush", n=4096)
    sack_times = out.time_to_throw_ms[out.result == SACK]
    assert len(np.unique(sack_times)) > 5
    slow = {**demo.defense, "D3": DefenseRatings(speed=10, acceleration=10, pass_rush=10)}
    slower = run(demo, "play_trips_flood", "scenario_cover1_mlb_rush", n=4096, defense=slow)
    slow_sacks = slower.time_to_throw_ms[slower.result == SACK]
    assert len(slow_sacks) < len(sack_times)
    assert len(slow_sacks) == 0 or np.median(slow_sacks) > np.median(sack_times)


def test_the_qb_reads_before_he_throws(demo):
    qb = demo.offense["QB"]
    earliest = C.DROPBACK_MS + qb.decision_latency_ms + qb.release_time_ms
    for play in ("play_bunch_slants", "play_trips_flood"):
        out = run(demo, play, "scenario_cover3_no_rush")
        thrown = out.result != SACK
        assert out.time_to_throw_ms[thrown].min() >= earliest - C.DT_MS
        assert np.median(out.time_to_throw_ms[thrown]) >= 1000


def test_separation_at_the_catch_is_measured_at_the_ball_s_arrival(demo):
    out = run(demo, "play_bunch_mesh", "scenario_man_cover0_no_rush", n=60, traces=60)
    checked = 0
    for trace in out.traces:
        outcome = trace["outcome"]
        if outcome["separation_at_catch"] is None:
            continue
        arrival = next(f for f in trace["frames"] if f["t_ms"] == trace["events"]["arrival"])
        ball = np.array(arrival["ball"])
        nearest = min(np.hypot(*(np.array(d) - ball)) for d in arrival["defense"])
        assert nearest == pytest.approx(outcome["separation_at_catch"], abs=0.03)
        assert trace["events"]["arrival"] > trace["events"]["release"]
        checked += 1
    assert checked > 20
    arrived = ~np.isnan(out.separation_at_catch)
    assert not np.allclose(out.separation_at_catch[arrived], out.separation_at_throw[arrived])


def test_every_defender_can_intercept(demo):
    """Lowering one defender's ball skills only removes the interceptions he would have
    made; several defenders matter, so it is not one fixed defender deciding them all."""
    play, scenario = "play_bunch_stick", "scenario_man_zone_lb_no_rush"
    base = run(demo, play, scenario, n=4096)
    assert (base.result == INTERCEPTION).sum() > 20
    mattered = 0
    for name in ("D1", "D2", "D3", "D4", "D5"):
        weaker = {**demo.defense, name: replace(demo.defense[name], ball_skills=0.0)}
        out = run(demo, play, scenario, n=4096, defense=weaker)
        assert (out.result == INTERCEPTION).sum() <= (base.result == INTERCEPTION).sum()
        mattered += (out.result == INTERCEPTION).sum() < (base.result == INTERCEPTION).sum()
    assert mattered >= 2


def test_the_nearest_pursuer_pulls_the_flag(demo):
    out = run(demo, "play_bunch_mesh", "scenario_man_cover0_no_rush", n=300, traces=300)
    pullers = set()
    for trace in out.traces:
        outcome = trace["outcome"]
        if outcome["result"] != "COMPLETE" or outcome["touchdown"] or outcome["yac"] <= 0:
            continue
        last = trace["frames"][-1]
        ball = np.array(last["ball"])
        gaps = [np.hypot(*(np.array(d) - ball)) for d in last["defense"]]
        assert min(gaps) < C.FLAG_PULL_YD + 0.01
        pullers.add(int(np.argmin(gaps)))
    assert len(pullers) >= 2  # whoever is nearest, not one fixed tackler


def test_touchdowns_score_the_distance_to_the_goal(demo):
    out = run(demo, "play_spread_vertical", "scenario_cover3_no_rush", situation=Situation(1, 5, 8))
    td = out.touchdown
    assert td.any()
    assert np.all(out.yards[td] == 8)
    assert np.all(out.converted[td])
    assert np.all(out.yards <= 8)


def test_outcome_columns_are_consistent(demo):
    out = run(demo, "play_twins_smash", "scenario_3_1_with_rush", n=4096)
    thrown = out.target >= 0
    assert set(np.unique(out.result)) <= {COMPLETE, INCOMPLETE, INTERCEPTION, SACK}
    assert np.all(out.target[out.result == SACK] == -1)
    assert np.all(np.isnan(out.air_yards[~thrown]))
    assert np.all(out.yards[out.result == INCOMPLETE] == 0)
    # the catch happens where the ball lands, within the receiver's reach of the aim point
    caught = (out.result == COMPLETE) & ~out.touchdown
    catch_x = out.yards[caught] - out.yac[caught]
    assert np.all(np.abs(catch_x - out.air_yards[caught]) <= C.REACH_MAX_YD + 1e-3)
    assert np.all(out.converted == (out.touchdown | (out.yards >= SITUATION.distance)))
    assert np.all(out.pressured <= (out.result != SACK))


# --- determinism -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def prepared(demo):
    return prepare(
        demo.plays["play_trips_flood"],
        demo.scenarios["scenario_man_with_rush"],
        RULES,
        demo.offense,
        demo.defense,
        SITUATION,
    )


def test_same_seed_same_outcomes_other_seed_other_outcomes(prepared):
    a = simulate_prepared(prepared, 3000, 5)
    assert a.equals(simulate_prepared(prepared, 3000, 5))
    assert not a.equals(simulate_prepared(prepared, 3000, 6))


def test_outcomes_do_not_depend_on_how_chunks_are_batched(prepared):
    whole = simulate_prepared(prepared, 5000, 5)
    for batch in (1, 2, 3):
        parts = list(iter_outcomes(prepared, 5000, 5, batch_chunks=batch))
        assert Outcomes.concat(parts).equals(whole)
    # nor on how many episodes were asked for: an episode is a function of its index
    assert simulate_prepared(prepared, 1500, 5).equals(whole.subset(slice(0, 1500)))


def test_outcomes_do_not_depend_on_the_number_of_workers(prepared):
    whole = simulate_prepared(prepared, 5000, 5)
    shares = [[0, 1], [2], [3, 4]]
    parts = [simulate_prepared(prepared, 5000, 5, chunks=share) for share in shares]
    assert Outcomes.concat(parts).equals(whole)
    merged = MetricsAggregator()
    for share in reversed(shares):
        merged.merge(simulate_metrics(prepared, 5000, 5, chunks=share))
    assert merged.to_state() == MetricsAggregator.of(whole).to_state()


def test_outcomes_do_not_depend_on_the_order_plays_are_run_in(demo):
    plays = [demo.plays["play_trips_flood"], demo.plays["play_bunch_mesh"]]
    scenarios = [
        demo.scenarios["scenario_cover2_no_rush"],
        demo.scenarios["scenario_man_with_rush"],
    ]
    args = (RULES, demo.offense, demo.defense, SITUATION, 1500, 9)
    forward = simulate_matrix(plays, scenarios, *args, play_keys=[41, 42], scenario_keys=[7, 8])
    backward = simulate_matrix(
        plays[::-1], scenarios[::-1], *args, play_keys=[42, 41], scenario_keys=[8, 7]
    )
    assert forward.keys() == backward.keys()
    for pair, outcomes in forward.items():
        assert outcomes.equals(backward[pair])
    # a pair's stream belongs to the pair: the two plays do not share random numbers
    assert not forward[(41, 7)].equals(forward[(42, 7)])


def test_recording_traces_changes_nothing(prepared):
    plain = simulate_prepared(prepared, 3000, 5)
    traced = simulate_prepared(prepared, 3000, 5, traces=25)
    assert plain.equals(traced)
    assert len(traced.traces) == 25
    # a worker running chunk 1 only records nothing for episodes 0..24
    assert simulate_prepared(prepared, 3000, 5, chunks=[1], traces=25).traces == []


def test_bad_arguments_are_refused(prepared):
    with pytest.raises(ValueError):
        simulate_prepared(prepared, 0, 5)
    with pytest.raises(ValueError):
        simulate_prepared(prepared, 100, -1)
    with pytest.raises(ValueError):
        simulate_prepared(prepared, 100, 5, chunks=[1])


# --- traces ----------------------------------------------------------------------------


def test_a_trace_replays_the_episode(prepared):
    out = simulate_prepared(prepared, 200, 5, traces=10)
    for i, trace in enumerate(out.traces):
        json.dumps(trace)
        assert trace["episode"] == i
        frames = trace["frames"]
        times = [f["t_ms"] for f in frames]
        assert times[0] == 0 and times == sorted(times) and len(set(times)) == len(times)
        for frame in frames:
            assert len(frame["offense"]) == 5 and len(frame["defense"]) == 5
            assert len(frame["ball"]) == 2
        assert all(t % 100 == 0 for t in times[:5])
        outcome = trace["outcome"]
        assert outcome["yards"] == pytest.approx(float(out.yards[i]), abs=0.01)
        assert (
            outcome["result"] == ("COMPLETE", "INCOMPLETE", "INTERCEPTION", "SACK")[out.result[i]]
        )


# --- metrics -----------------------------------------------------------------------------


def test_reward_follows_the_domain_formula():
    got = reward(
        [30.0, -3.0, 4.0, 0.0, -8.0],
        [True, False, False, False, False],
        [COMPLETE, SACK, COMPLETE, INTERCEPTION, COMPLETE],
    )
    assert got.tolist() == [35.0, -8.0, 4.0, -10.0, -5.0]


def test_metrics_match_the_outcomes_and_merge_exactly(demo):
    out = run(demo, "play_twins_smash", "scenario_3_1_with_rush", n=6000)
    m = MetricsAggregator.of(out).metrics()
    thrown = out.result != SACK
    assert m["episodes"] == 6000 and m["attempts"] == thrown.sum()
    assert m["completion_rate"] == pytest.approx((out.result == COMPLETE).sum() / thrown.sum())
    assert m["sack_rate"] == pytest.approx((out.result == SACK).mean())
    assert m["interception_rate"] == pytest.approx(
        (out.result == INTERCEPTION).sum() / thrown.sum()
    )
    assert m["mean_yards"] == pytest.approx(out.yards.mean(), abs=1e-3)
    assert m["mean_reward"] == pytest.approx(out.reward.mean(), abs=1e-3)
    assert abs(m["median_yards"] - np.median(out.yards)) <= C.YARDS_BIN
    assert m["p10_yards"] <= m["median_yards"] <= m["p90_yards"]
    assert m["median_time_to_throw_ms"] == np.percentile(
        out.time_to_throw_ms[thrown], 50, method="inverted_cdf"
    )
    assert sum(m["target_share"].values()) == pytest.approx(1.0)
    assert list(m["completion_rate_by_depth"]) == ["0-5", "6-10", "11-15", "16-20", "21+"]
    assert m["clean_completion_rate"] is not None and m["pressured_completion_rate"] is not None
    # merging partial aggregates, in any order, is the same as one pass
    parts = [out.subset(slice(a, b)) for a, b in ((0, 1000), (1000, 4500), (4500, 6000))]
    merged = MetricsAggregator.of(parts[2]).merge(MetricsAggregator.of(parts[0], parts[1]))
    assert merged.to_state() == MetricsAggregator.of(out).to_state()
    stored = json.loads(json.dumps(merged.to_state()))
    assert MetricsAggregator.from_state(stored).metrics() == m


def test_empty_metrics_say_nothing_rather_than_zero():
    m = MetricsAggregator().metrics()
    assert m["episodes"] == 0 and m["completion_rate"] is None and m["median_yards"] is None
    assert math.isfinite(MetricsAggregator.of().yards_hist.sum())


def test_a_cover_0_blitz_with_no_zone_defender_simulates(demo):
    """Four men in man coverage and one rusher (Cover 0) leave no zone defender at all."""
    scenario = demo.scenarios["scenario_man_with_rush"]
    defenders = tuple(
        replace(d, duty=MAN, man_target=AUTO) if d.duty == ZONE else d for d in scenario.defenders
    )
    scenario = replace(scenario, defenders=defenders)
    assert {d.duty for d in scenario.defenders} == {MAN, RUSH}
    out = run(demo, "play_trips_flood", scenario, n=1024, traces=2)
    assert len(out.result) == 1024
    assert (out.result == COMPLETE).any()
    assert (out.result == SACK).any()
