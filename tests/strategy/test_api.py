"""The analyses endpoint: the generic team-scoped checks, create/list/filter/cancel,
result reuse, and the pictures (decoded)."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from playbook.services import playbook_write
from strategy.models import Analysis
from tests.api_base import TeamScopedAPITests
from tests.playbook import builders as b

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
