"""The analyses endpoint: the generic team-scoped checks, create/list/filter/cancel,
result reuse, and the pictures (decoded)."""

import xml.etree.ElementTree as ET

import numpy as np
import pytest
from django.urls import reverse

from playbook.services import playbook_write
from strategy.models import Analysis
from tests.support import builders as b
from tests.support.api import TeamScopedAPITests

pytestmark = pytest.mark.django_db


class TestAnalysisEndpoint(TeamScopedAPITests):
    basename = "analysis"
    model = Analysis
    created_status = 202  # a job: queued, its task runs after the commit

    def make(self, team):
        analysis = Analysis.objects.create(
            team=team, kind="expected_points", name=b.name("Analysis"), episodes=16, seed=1
        )
        return analysis

    def payload(self, team):
        plays = [b.play(team), b.play(team, routes={"WR1": b.route(team, b.SLANT)})]
        return {
            "kind": "expected_points",
            "name": "EP",
            "plays": [p.pk for p in plays],
            "mix": [{"scenario": b.scenario(team).pk, "weight": 1}],
            "episodes": 16,
            "seed": 1,
        }

    def foreign_payload(self, team, other_team):
        return {**self.payload(team), "mix": [{"scenario": b.scenario(other_team).pk}]}


def test_create_is_a_job_with_progress_and_a_result(demo, capture):
    created = demo.start(capture, "expected_points").json()
    assert created["status"] == "queued" and created["cached_from"] is None
    detail = demo.api.get(demo.url(created["id"])).json()
    assert detail["status"] == "succeeded" and detail["progress"] == 100
    assert detail["started_at"] and detail["finished_at"]
    result = detail["result"]
    assert len(result["ep_curve"]) == 50 and result["rules"]["name"] == "NFL FLAG (tests)"
    assert detail["pictures"]["ep_chart"].endswith("/ep-chart.svg")
    assert detail["pictures"]["wristband"] is None
    listed = demo.api.get(demo.list_url()).json()["results"]
    assert listed[0]["id"] == created["id"] and "result" not in listed[0]


def test_bad_inputs_are_400_by_field(demo):
    body = demo.body("call_mix", plays=[demo.plays[0].pk], episodes=16)
    body["mix"][0]["weight"] = -1
    body["situation"] = {"down": 5, "distance": 2, "yards_to_goal": 30}
    response = demo.api.post(demo.list_url(), body, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"plays", "mix", "situation"}, errors
    assert "down 5: must be 1 to 3 in NFL FLAG (tests)" in errors["situation"][0]
    response = demo.api.post(demo.list_url(), demo.body("season", episodes=16), format="json")
    assert response.status_code == 400
    assert "opponent_playbook" in response.json()["errors"]
    assert not Analysis.objects.filter(team=demo.team).exists()


def test_same_inputs_reuse_the_finished_result(demo, capture):
    first = demo.run(capture, "expected_points")
    again = demo.start(capture, "expected_points", expect=201).json()
    assert again["status"] == "succeeded" and again["cached_from"] == first["id"]
    reused = demo.api.get(demo.url(again["id"])).json()
    assert reused["result"] == first["result"]
    # Any change to what the engine sees computes again.
    play = demo.plays[0]
    play.max_time_to_throw_ms += 400
    play.save()
    fresh = demo.start(capture, "expected_points").json()
    assert fresh["cached_from"] is None
    assert demo.api.get(demo.url(fresh["id"])).json()["result"] != first["result"]


def test_filters_and_cancel(demo):
    body = demo.body("expected_points", episodes=16)
    queued = demo.api.post(demo.list_url(), body, format="json").json()  # no commit: stays
    mix = demo.body("call_mix", situation={"down": 1, "distance": 10, "yards_to_goal": 35})
    demo.api.post(demo.list_url(), mix, format="json")
    rows = demo.api.get(demo.list_url(), {"kind": "call_mix"}).json()["results"]
    assert [r["kind"] for r in rows] == ["call_mix"]
    assert demo.api.get(demo.list_url(), {"status": "succeeded"}).json()["count"] == 0
    # pictures of an unfinished analysis are a 409, not a broken image
    assert demo.api.get(demo.url(queued["id"], "ep-chart")).status_code == 409
    cancelled = demo.api.post(demo.url(queued["id"], "cancel"))
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert demo.api.post(demo.url(queued["id"], "cancel")).status_code == 409
    assert demo.api.get(demo.list_url(), {"status": "cancelled"}).json()["count"] == 1


def test_ep_chart_is_an_svg_with_a_line_per_down(demo, capture):
    data = demo.run(capture, "expected_points")
    response = demo.api.get(demo.url(data["id"], "ep-chart"))
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    svg = ET.fromstring(response.content)
    lines = svg.findall(".//{http://www.w3.org/2000/svg}polyline")
    assert [line.get("class") for line in lines] == ["down-1", "down-2", "down-3"]  # 3 downs
    assert len(lines[0].get("points").split()) == 50
    assert demo.api.get(demo.url(data["id"], "wristband")).status_code == 409  # wrong kind
    etag = response["ETag"]
    assert (
        demo.api.get(demo.url(data["id"], "ep-chart"), HTTP_IF_NONE_MATCH=etag).status_code == 304
    )


def test_call_mix_against_one_defense_and_its_wristband(demo, capture):
    known = demo.defenses[1]
    data = demo.run(
        capture,
        "call_mix",
        situation={"down": 1, "distance": 5, "yards_to_goal": 5},
        defense=known.pk,
        dice=6,
    )
    result = data["result"]
    assert result["situation_text"] == "1st & goal at their 5"
    assert result["ranking"]["against"] == str(known.pk)
    names = {p.name for p in demo.plays}
    assert {p["name"] for p in result["ranking"]["plays"]} == names
    pdf = demo.api.get(demo.url(data["id"], "wristband"))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    first = result["mix"]["wristband"]["ranges"][0]
    assert f"({first['play']})".encode() in pdf.content  # uncompressed text: the top call
    assert b"1st & goal at their 5" in pdf.content


def test_season_and_stress_test_against_an_opponent(demo, capture):
    book = playbook_write(
        team=demo.team,
        data={"name": "Their offense"},
        entries=[{"play": p, "call_number": str(i)} for i, p in enumerate(demo.plays[1:])],
    )
    season = demo.run(
        capture, "season", opponent_playbook=book.pk, games=20, drives_per_team=4, episodes=16
    )
    result = season["result"]
    assert result["season"]["games"] == 20
    chart = result["game"]["drive_chart"]
    assert len(chart) == 8
    assert all(0 <= row["end_ytg"] <= 50 and row["start_ytg"] >= 1 for row in chart)
    assert all(row["end_ytg"] == 0 for row in chart if row["result"].startswith("TD"))
    assert result["game"]["key_moments"] and result["game"]["teams"][0]["by_down"]
    assert "Opponent (Their offense)" in result["game"]["score"]
    svg = demo.api.get(demo.url(season["id"], "drive-chart"))
    rects = ET.fromstring(svg.content).findall(
        ".//{http://www.w3.org/2000/svg}rect[@class='drive']"
    )
    assert len(rects) == 8

    stress = demo.run(
        capture, "stress_test", opponent_playbook=book.pk, games=10, drives_per_team=4, episodes=16
    )
    rows = stress["result"]["rows"]
    assert {(r["caller"], r["defense"]) for r in rows} == {
        (c, d) for c in ("best", "greedy", "equilibrium") for d in ("mix", "fictitious")
    }


def test_other_teams_ids_are_400_and_their_analyses_404(demo, other_team):
    theirs = b.play(other_team)
    body = demo.body("expected_points", plays=[demo.plays[0].pk, theirs.pk])
    response = demo.api.post(demo.list_url(), body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["plays"] == [f"No play {theirs.pk} in this team."]
    other = Analysis.objects.create(team=other_team, kind="season", episodes=16, seed=1)
    for action in ("detail", "cancel", "drive-chart"):
        method = demo.api.post if action == "cancel" else demo.api.get
        url = reverse(f"analysis-{action}", kwargs={"team_id": demo.team.pk, "pk": other.pk})
        assert method(url).status_code == 404


@pytest.mark.parametrize(
    "situation, cells, late, words",
    [
        ({"down": 3, "distance": 2, "yards_to_goal": 27}, [30], [2], "3rd & 2 at own 23"),
        ({"down": 1, "distance": 3, "yards_to_goal": 3}, [3], [], "1st & goal at their 3"),
    ],
)
def test_recommend_against_one_named_defense_matches_the_exhaustive_answer(
    demo, capture, situation, cells, late, words
):
    """Run the analysis, then its ranking against a named defense: EPA, confidence,
    enough data and the reasons in words; wherever a bigger independent simulation of
    that very situation ranks one play clearly first, the answer is that play with
    confidence ≥ 0.8."""
    from simulation.drives import Grid, advance, build_models, sample_transitions
    from simulation.drives.rules import CONTINUE, TD
    from strategy import services

    known = demo.defenses[0]
    data = demo.run(
        capture, "call_mix", situation=situation, defense=known.pk, episodes=200, seed=7
    )
    ranking = data["result"]["ranking"]
    assert ranking["enough_data"] and 0 <= ranking["confidence"] <= 1
    assert ranking["plays"][0]["reasoning"].startswith(f"{words} vs {known.name}: ")
    analysis = Analysis.objects.get(pk=data["id"])
    inputs = services._stored_inputs(analysis)
    ours, _ = inputs.specs(demo.team)
    model = build_models(ours, None, inputs.rules, 200, 7)[0]
    grid = Grid(inputs.rules)
    s = grid.find(situation["down"], situation["distance"], situation["yards_to_goal"])
    ref = sample_transitions(ours, ours, inputs.rules, 2048, 99, cells=cells, late=late)
    ev, nxt, pf, pa = advance(
        inputs.rules, grid, np.full(len(ref.bin_kind), s), ref.bin_kind, ref.bin_value
    )
    w = pf - pa + np.where(ev == TD, model.side.try_value, 0.0)
    w = w + np.where(ev == CONTINUE, 1.0, -1.0) * model.V[nxt] - model.V[s]
    d = list(ref.defenses).index(str(known.pk))
    hist = ref.histogram()[:, d, int(ref.state_cells(inputs.rules, grid)[s]), :]
    exact = hist @ w
    exact_se = np.sqrt(np.maximum(hist @ w**2 - exact**2, 0) / ref.bins.shape[3])
    first, second = np.argsort(-exact)[:2]
    rows = {r["play"]: r for r in ranking["plays"]}
    own_se = [
        (rows[ref.plays[p]]["interval"][1] - rows[ref.plays[p]]["epa"]) / 1.96
        for p in (first, second)
    ]
    if exact[first] - exact[second] >= 4 * np.hypot(*own_se) + 2 * np.hypot(
        *exact_se[[first, second]]
    ):
        assert ranking["plays"][0]["play"] == ref.plays[first]
        assert ranking["confidence"] >= 0.8
    # Whatever the gap, the ranking's figures are the same simulation's: every play's EPA
    # lies within its interval's width of the exhaustive one.
    for p, play in enumerate(ref.plays):
        half = rows[play]["interval"][1] - rows[play]["epa"]
        assert abs(rows[play]["epa"] - exact[p]) <= 2 * half + 3 * exact_se[p], play
