"""The run game and trick plays in the engine: the demo's runs in the calibration band,
determinism whatever the chunking or traces, the no-run zone, QB keepers, trick plays
through the pass engine, and training / recommending with run plays in the playbook."""

from pathlib import Path

import numpy as np
import pytest
from django.urls import reverse

from simulation import engine
from simulation.engine import demo
from simulation.engine.metrics import MetricsAggregator
from simulation.models import Policy
from teams.models import Role
from tests.conftest import client_for
from tests.playbook import builders as b
from tests.support.factories import MembershipFactory

ROOT = Path(__file__).resolve().parents[2]
DEMO = demo.load_demo(ROOT / "fixtures" / "fieldos-demo")
EXTRA = demo.plays_from_file(
    ROOT / "fixtures" / "demo-runs.json", ROOT / "fixtures" / "fieldos-demo"
)
RUNS = [p for p in EXTRA.values() if p.kind == "RUN"]
TRICK = EXTRA["play_reverse_pass"]
RULES = engine.Ruleset()
OPEN = engine.Situation(1, 10, 35)


def run(play, scenario, n=600, seed=5, situation=OPEN, **kw):
    return engine.simulate(
        play, scenario, RULES, DEMO.offense, DEMO.defense, situation, n, seed, **kw
    )


@pytest.mark.xfail(
    strict=True,
    reason="known defect (docs/engine.md, Run game): with the exchange at the mesh point "
    "the demo runs make about 2.2 yd a carry and lose yards on about 29 %; defenders do "
    "not bite on the flow of a reverse, so End Around is stopped behind the line",
)
def test_demo_runs_are_in_the_calibration_band():
    """3–7 yd per carry, 10–25 % negative runs over the demo runs × demo defenses."""
    agg = MetricsAggregator()
    for play in RUNS:
        for scenario in DEMO.scenarios.values():
            agg.add(run(play, scenario, n=300))
    m = agg.metrics()
    assert m["carries"] == m["episodes"] == 3 * 8 * 300 and m["run_share"] == 1.0
    assert 3.0 <= m["yards_per_carry"] <= 7.0, m["yards_per_carry"]
    assert 0.10 <= m["negative_run_rate"] <= 0.25, m["negative_run_rate"]
    assert m["attempts"] == 0 and m["sack_rate"] == 0  # a carry is not a dropback


def test_runs_are_deterministic_whatever_the_chunks_and_traces():
    scenario = DEMO.scenarios["scenario_cover1_mlb_rush"]
    whole = run(RUNS[0], scenario, n=2500)
    traced = run(RUNS[0], scenario, n=2500, traces=3)
    parts = engine.Outcomes.concat([run(RUNS[0], scenario, n=2500, chunks=[k]) for k in (0, 1, 2)])
    assert whole.equals(traced) and whole.equals(parts)
    assert not whole.equals(run(RUNS[0], scenario, n=2500, seed=6))
    assert (whole.result == engine.RUN).all()
    assert set(np.unique(whole.target)) == {whole.roles.index(RUNS[0].handoff.carrier)}


def test_a_run_trace_carries_the_ball_with_the_runner():
    outcomes = run(RUNS[1], DEMO.scenarios["scenario_cover2_no_rush"], n=4, traces=1)
    trace = outcomes.traces[0]
    carrier = trace["offense_roles"].index(RUNS[1].handoff.carrier)
    assert trace["events"]["release"] is None and trace["events"]["handoff"] == 500
    for frame in trace["frames"]:
        if frame["t_ms"] >= 600:  # after the pitch the ball is where the runner is
            assert np.allclose(frame["ball"], frame["offense"][carrier], atol=0.01)
        elif frame["t_ms"] < 500:  # before it, in the QB's hands
            assert frame["ball"] == [-5.0, 0.0]
    last = trace["frames"][-1]
    assert last["ball"][0] == pytest.approx(trace["outcome"]["yards"], abs=0.01)


def test_the_ball_changes_hands_at_the_mesh_point_not_wherever_the_carrier_is():
    """End Around: WR1 needs ~1.8 s to come back behind the QB; the design says 1.1 s. The
    exchange waits for him at the mesh point (it used to hand him the ball 5 yd away, on
    the line, and he ran straight up untouched)."""
    play = EXTRA["play_end_around"]
    scenario = DEMO.scenarios["scenario_cover2_no_rush"]
    pr = engine.prepare(play, scenario, RULES, DEMO.offense, DEMO.defense, OPEN)
    h, car = play.handoff, pr.carrier
    assert pr.mesh_step * 50 > h.time_ms  # late: he is waited for
    gap = np.hypot(pr.pp.step_x[car, pr.mesh_step] - h.x, pr.pp.step_y[car, pr.mesh_step] - h.y)
    assert gap <= 1.0
    outcomes = run(play, scenario, n=4, traces=1)
    trace = outcomes.traces[0]
    assert trace["events"]["handoff"] == pr.mesh_step * 50
    handed = next(f for f in trace["frames"] if f["t_ms"] >= trace["events"]["handoff"])
    assert np.hypot(handed["ball"][0] - h.x, handed["ball"][1] - h.y) <= 1.5


def test_a_quicker_carrier_never_costs_a_run_its_yards():
    """The same seeds, End Around's carrier 4 points quicker off the mark: the mean gain
    may move a little, never by a swing of many yards (it went from +7.2 to -2.5 when a
    quicker carrier was a hair short of the line at the designed mesh time)."""
    from dataclasses import replace

    play = EXTRA["play_end_around"]
    carrier = play.handoff.carrier
    quicker = {**DEMO.offense, carrier: replace(DEMO.offense[carrier], acceleration=96.0)}
    slower = {**DEMO.offense, carrier: replace(DEMO.offense[carrier], acceleration=92.0)}
    for scenario in list(DEMO.scenarios.values())[:4]:
        a = engine.simulate(play, scenario, RULES, slower, DEMO.defense, OPEN, 400, 5)
        b_ = engine.simulate(play, scenario, RULES, quicker, DEMO.defense, OPEN, 400, 5)
        assert b_.yards.mean() > a.yards.mean() - 1.0, scenario.name


def test_a_run_inside_a_no_run_zone_is_blown_dead():
    outcomes = run(
        RUNS[0], DEMO.scenarios["scenario_cover2_no_rush"], situation=engine.Situation(1, 3, 3)
    )
    assert (outcomes.yards == 0).all() and not outcomes.converted.any()
    assert MetricsAggregator.of(outcomes).metrics()["carries"] == 0


def test_a_qb_keeper_runs_from_his_spot():
    keeper = engine.PlayInput(
        name="Keeper",
        alignment=RUNS[0].alignment,
        routes=RUNS[0].routes,
        kind="RUN",
        handoff=engine.Handoff(carrier="QB", giver="QB", path="DIVE"),
    )
    outcomes = run(keeper, DEMO.scenarios["scenario_cover3_no_rush"], n=400)
    assert (outcomes.time_to_throw_ms == 0).all()  # no handoff
    assert (outcomes.target == outcomes.roles.index("QB")).all()
    # up the middle into five defenders who may all come once he crosses: a yard or so
    assert -3 < outcomes.yards.mean() < 6 and outcomes.yards.max() > 0


def test_running_start_moves_the_jet_runner_sooner():
    jet = EXTRA["play_jet_sweep"]
    standing = engine.PlayInput(**{**jet.__dict__, "motion": engine.Motion("WR3", -1.5, 3.0, 700)})
    scenario = DEMO.scenarios["scenario_cover2_no_rush"]
    moving = engine.prepare(jet, scenario, RULES, DEMO.offense, DEMO.defense, OPEN)
    still = engine.prepare(standing, scenario, RULES, DEMO.offense, DEMO.defense, OPEN)
    car = moving.carrier
    gone = np.hypot(np.diff(moving.pp.step_x[car, :8]), np.diff(moving.pp.step_y[car, :8]))
    slow = np.hypot(np.diff(still.pp.step_x[car, :8]), np.diff(still.pp.step_y[car, :8]))
    assert gone.sum() > 1.5 * slow.sum()  # already at speed at the snap


def test_a_trick_play_throws_through_the_pass_engine():
    outcomes = run(TRICK, DEMO.scenarios["scenario_cover3_no_rush"], n=800, traces=1)
    assert outcomes.roles[0] == "QB" and "WR1" in outcomes.roles
    thrown = outcomes.target[outcomes.target >= 0]
    assert {outcomes.roles[t] for t in thrown} <= {"WR2", "CENTER"}
    assert (outcomes.time_to_throw_ms[outcomes.result != engine.SACK] >= 1800).all()
    frames = outcomes.traces[0]["frames"]
    wr1 = outcomes.roles.index("WR1")
    assert frames[0]["offense"][wr1] == [0.0, 10.0]  # he starts at his alignment ...
    assert frames[0]["ball"] == [-5.0, 0.0]  # ... and the QB has the ball until the pitch
    assert run(TRICK, DEMO.scenarios["scenario_cover3_no_rush"], n=800).equals(outcomes)


# --- training and recommending with run plays in the playbook -----------------------------


@pytest.mark.django_db
def test_train_and_recommend_with_a_run_play(team, django_capture_on_commit_callbacks):
    api = client_for(MembershipFactory(team=team, role=Role.COACH).user)
    sweep = b.play(
        team,
        kind="RUN",
        ball_carrier="WR3",
        mesh_x=-3.0,
        mesh_y=-0.5,
        mesh_ms=400,
        run_path="SWEEP",
    )
    passes = [b.play(team), b.play(team, routes={"WR2": b.route(team)})]
    scenario = b.scenario(team)
    body = {
        "plays": [p.pk for p in (sweep, *passes)],
        "scenarios": [{"scenario": scenario.pk, "weight": 1.0}],
        "buckets": ["1ST_ANY", "GOALLINE"],
        "algorithm": "thompson",
        "episodes": 2400,
        "seed": 3,
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            reverse("policy-train", kwargs={"team_id": team.pk}), body, format="json"
        )
    assert response.status_code == 202, response.json()
    policy = Policy.objects.get(pk=response.json()["id"])
    assert policy.status == "succeeded", policy.error
    url = reverse("policy-recommend", kwargs={"team_id": team.pk, "pk": policy.pk})
    first = api.get(url + "?situation=1ST_ANY").json()
    ranked = {r["play"] for r in first["recommendations"]}
    assert ranked == {sweep.pk, *(p.pk for p in passes)}
    run_row = next(r for r in first["recommendations"] if r["play"] == sweep.pk)
    assert run_row["pulls"] > 0 and run_row["mean_yards"] is not None
    goal = api.get(url + "?situation=GOALLINE").json()
    assert sweep.pk not in {r["play"] for r in goal["recommendations"]}
    assert "inside the no-run zone" in goal["left_out"]
