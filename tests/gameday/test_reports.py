"""Drive chart, self-scout, opponent scouting and simulated-vs-real, checked against
numbers worked out by hand from the snaps below."""

import math

import pytest
from django.urls import reverse

from gameday import selectors
from gameday.services import snap_record
from simulation.models import JobStatus, Policy, SimulationRun
from teams.models import Role
from tests.support.clients import client_for
from tests.support.factories import MembershipFactory

pytestmark = pytest.mark.django_db

FIRST = {"down": 1, "distance": 20, "yards_to_goal": 45}  # 1st & 20 at the own 5
THIRD = {"down": 3, "distance": 2, "yards_to_goal": 27}  # 3rd & 2 short of midfield


def finished_run(team, bucket, pairs):
    return SimulationRun.objects.create(
        team=team,
        bucket=bucket,
        episodes=1000,
        seed=1,
        status=JobStatus.SUCCEEDED,
        metrics={
            "overall": {},
            "pairs": [
                {"play": p.pk, "scenario": s.pk, "success_rate": rate, "episodes": n}
                for p, s, rate, n in pairs
            ],
        },
    )


@pytest.fixture
def charted(sideline):
    """Flood vs Cover 2 on 1st & 20: 2 conversions in 10. Mesh vs a Cover 0 man look
    (described, not picked) on 3rd & 2: 2 in 4. Jet Sweep vs a Cover 3 we have no
    scenario for. Simulated: Flood × Cover 2 60 % (1st down); Mesh × Cover 0 50 % over
    400 on 1st down and 70 % over 600 on 3rd & short."""
    s = sideline
    flood, mesh, jet = s.plays
    cover2, cover0 = s.scenarios
    n = iter(range(100))

    def snap(play, result, yards, situation, **defense):
        data = {"play": play, "result": result, "yards": yards, **situation, **defense}
        snap_record(game=s.game, data=data, key=f"k{next(n)}")

    for i in range(10):
        snap(flood, "complete" if i < 2 else "incomplete", 25, FIRST, defense=cover2)
    for i in range(4):
        snap(
            mesh,
            "run" if i < 2 else "incomplete",
            3,
            THIRD,
            defense_shell="COVER0",
            defense_coverage="MAN",
        )
    snap(jet, "run", 4, FIRST, defense_shell="COVER3")
    finished_run(s.team, "1ST_ANY", [(flood, cover2, 0.6, 1000), (mesh, cover0, 0.5, 400)])
    finished_run(s.team, "3RD_SHORT", [(mesh, cover0, 0.7, 600)])
    return s


@pytest.fixture
def coach(sideline):
    return client_for(MembershipFactory(team=sideline.team, role=Role.COACH).user)


def team_url(s, name, **query):
    from urllib.parse import urlencode

    base = reverse(name, kwargs={"team_id": s.team.pk})
    return f"{base}?{urlencode(query, doseq=True)}" if query else base


def test_drive_chart_follows_the_snaps(sideline, coach):
    s = sideline
    flood = s.plays[0]
    for i, (result, yards) in enumerate(
        [
            ("complete", 8),
            ("complete", 13),
            ("run", 4),
            ("complete", 20),  # TD drive
            ("complete", 5),  # the 1-point try from the 5: good
            ("incomplete", 0),
            ("interception", 0),  # picked off
            ("run", 3),
        ]  # in progress
    ):
        snap_record(game=s.game, data={"play": flood, "result": result, "yards": yards}, key=str(i))
    url = reverse("game-drive-chart", kwargs={"team_id": s.team.pk, "pk": s.game.pk})
    chart = coach.get(url).json()
    assert chart["snaps"] == 8 and chart["touchdowns"] == 1
    assert chart["tries"] == {"attempted": 1, "good": 1, "points": 1}
    summary = [
        (d["drive"], d["plays"], d["yards"], d["first_downs"], d["result"]) for d in chart["drives"]
    ]
    assert summary == [
        (1, 5, 45.0, 1, "touchdown"),
        (2, 2, 0.0, 0, "interception"),
        (3, 1, 3.0, 0, "in progress"),
    ]
    first = chart["drives"][0]["snaps"]
    assert [(x["down"], x["distance"], x["yards_to_goal"], x["event"]) for x in first] == [
        (1, 20.0, 45.0, None),
        (2, 12.0, 37.0, "first_down"),
        (1, 24.0, 24.0, None),
        (2, 20.0, 20.0, "touchdown"),
        (1, 5.0, 5.0, "try_good"),
    ]
    assert first[-1]["try_points"] == 1 and chart["drives"][0]["try"] == {"points": 1, "good": True}
    assert chart["next"] == {
        "drive": 3,
        "down": 2,
        "distance": 17.0,
        "yards_to_goal": 42.0,
        "try_points": None,
    }
    svg = coach.get(url.replace("drive-chart/", "drive-chart-svg/"))
    assert svg["Content-Type"] == "image/svg+xml" and b"Drive 3" in svg.content


def test_self_scout_matches_the_snaps(charted, coach):
    report = coach.get(team_url(charted, "self-scout")).json()
    assert report["snaps"] == 15 and report["games"] == 1
    down = {r["key"]: r for r in report["by_down"]}
    assert down["1"]["n"] == 11 and down["1"]["top_call"] == "Flood"
    assert down["1"]["top_share"] == pytest.approx(10 / 11)
    assert down["3"]["calls"] == [{"call": "Mesh", "n": 4, "share": 1.0}]
    situations = {r["key"]: r for r in report["by_situation"]}
    h = -(10 / 11 * math.log2(10 / 11) + 1 / 11 * math.log2(1 / 11))  # 0.4395 bits
    assert situations["1st & long"]["entropy"] == pytest.approx(h)
    assert situations["3rd & short"]["entropy"] == 0.0
    assert situations["3rd & short"]["top_share"] == 1.0
    zones = {r["key"]: r["n"] for r in report["by_zone"]}
    assert zones == {"own half": 15}
    assert [r["key"] for r in report["by_distance"]] == ["short (1-3)", "long (11+)"]
    assert report["by_formation"][0]["n"] == 15  # all three plays share one formation
    results = {r["call"]: r for r in report["results"]}
    assert (results["Flood"]["n"], results["Flood"]["successes"]) == (10, 2)
    assert results["Flood"]["simulated_success_rate"] == pytest.approx(0.6)
    assert results["Mesh"]["simulated_success_rate"] == pytest.approx(0.62)  # pooled
    assert results["Jet Sweep"]["simulated_success_rate"] is None
    assert "no finished simulation" in results["Jet Sweep"]["expectation"]
    heat = report["heat_map"]
    assert heat["rows"] == ["Flood", "Mesh", "Jet Sweep"]
    assert heat["columns"] == ["1st & long", "3rd & short"]
    assert heat["counts"] == [[10, 0], [0, 4], [1, 0]]
    svg = coach.get(team_url(charted, "self-scout-heat-map"))
    assert svg["Content-Type"] == "image/svg+xml"
    assert b"91%" in svg.content and b"Jet Sweep" in svg.content  # 10 of 11
    pdf = coach.get(team_url(charted, "self-scout-pdf"))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    other = coach.get(team_url(charted, "self-scout", opponent="Hawks")).json()
    assert other["snaps"] == 0
    assert coach.get(team_url(charted, "self-scout", game="x")).status_code == 400
    assert coach.get(team_url(charted, "self-scout", game=999999)).status_code == 400


def test_combined_estimates_by_hand(charted, coach):
    body = coach.get(team_url(charted, "corrections")).json()
    assert body["n0"] == 10
    rows = {(r["play_name"], r["scenario_name"], r["bucket"]): r for r in body["results"]}
    cover2, cover0 = (sc.name for sc in charted.scenarios)
    flood = rows[("Flood", cover2, None)]
    # Beta(6, 4) + 2 of 10 → Beta(8, 12): 8 / 20
    assert flood["simulated"]["success_rate"] == pytest.approx(0.6)
    assert flood["real"] == {"n": 10, "successes": 2, "success_rate": 0.2}
    assert flood["combined"]["success_rate"] == pytest.approx(0.4)
    assert (flood["combined"]["alpha"], flood["combined"]["beta"]) == pytest.approx((8, 12))
    assert flood["p_value"] == pytest.approx(0.01834, abs=1e-4)
    assert flood["flagged"] is True
    assert flood["summary"].startswith("simulated 60 % success, 10 real snaps 20 %, combined 40 %")
    assert "worse than the simulation beyond chance" in flood["summary"]
    # Mesh vs the described Cover 0 man look, matched to our one Cover 0 man scenario
    mesh = rows[("Mesh", cover0, None)]
    assert mesh["simulated"] == {"success_rate": pytest.approx(0.62), "episodes": 1000}
    assert mesh["combined"]["success_rate"] == pytest.approx((6.2 + 2) / 14)
    assert mesh["flagged"] is False
    third = rows[("Mesh", cover0, "3RD_SHORT")]  # the 3rd & short runs only: 70 %
    assert third["combined"]["success_rate"] == pytest.approx((7 + 2) / 14)
    jet = rows[("Jet Sweep", "not one of our scenarios", None)]
    assert jet["simulated"] is None and jet["combined"] is None
    assert "not one of our scenarios" in jet["summary"]
    assert ("Jet Sweep", "not one of our scenarios", "1ST_ANY") not in rows  # no simulation
    assert ("Mesh", cover0, "2ND_LONG") not in rows
    # a stronger prior moves less: n0 = 40 → (24 + 2) / 50
    strong = coach.get(team_url(charted, "corrections", n0=40)).json()["results"]
    flood40 = next(r for r in strong if r["play_name"] == "Flood" and r["bucket"] is None)
    assert flood40["combined"]["success_rate"] == pytest.approx(26 / 50)
    flagged = coach.get(team_url(charted, "corrections", flagged="true")).json()["results"]
    assert {(r["play_name"], r["bucket"]) for r in flagged} == {
        ("Flood", None),
        ("Flood", "1ST_ANY"),
    }
    assert coach.get(team_url(charted, "corrections", n0=0)).status_code == 400
    assert coach.get(team_url(charted, "corrections", n0="many")).status_code == 400


def test_opponent_defenses_feed_a_training_mix(charted, coach):
    cover2, cover0 = charted.scenarios
    report = coach.get(team_url(charted, "scouting", opponent="eagles")).json()
    assert (report["games"], report["snaps"]) == (1, 15)
    by_bucket = {b["bucket"]: b for b in report["situations"]}
    assert [(d["defense"], d["n"]) for d in by_bucket["1ST_ANY"]["defenses"]] == [
        (cover2.name, 10),
        ("Cover 3", 1),
    ]
    assert by_bucket["3RD_SHORT"]["defenses"][0]["scenario"] == cover0.pk
    assert report["unmatched"] == [{"defense": "Cover 3", "n": 1}]
    mix = coach.get(team_url(charted, "scouting-mix", opponent="Eagles")).json()
    assert mix["scenarios"] == [
        {"scenario": cover2.pk, "weight": round(10 / 14, 4)},
        {"scenario": cover0.pk, "weight": round(4 / 14, 4)},
    ]
    third = coach.get(team_url(charted, "scouting-mix", opponent="Eagles", bucket="3RD_SHORT"))
    assert third.json()["scenarios"] == [{"scenario": cover0.pk, "weight": 1.0}]
    # the mix is what training takes
    train = reverse("policy-train", kwargs={"team_id": charted.team.pk})
    body = {
        "plays": [p.pk for p in charted.plays],
        "scenarios": mix["scenarios"],
        "buckets": ["1ST_ANY"],
        "episodes": 200,
        "seed": 3,
    }
    started = coach.post(train, body, format="json")
    assert started.status_code == 202, started.json()
    policy = Policy.objects.get(pk=started.json()["id"])
    assert [m["scenario"] for m in policy.mix] == [cover2.pk, cover0.pk]
    assert coach.get(team_url(charted, "scouting")).status_code == 400
    assert coach.get(team_url(charted, "scouting-mix", opponent="Nobody")).status_code == 400
    assert (
        coach.get(team_url(charted, "scouting", opponent="Eagles", bucket="X")).status_code == 400
    )


def test_reports_read_only_this_team(charted, other_team):
    from tests.gameday.conftest import sideline_for

    theirs = sideline_for(other_team, opponent="Eagles")
    snap_record(game=theirs.game, data={"result": "run", "yards": 3}, key="t")
    assert selectors.self_scout(charted.team, selectors.snaps_for(charted.team))["snaps"] == 15
    assert selectors.scouting(other_team, "Eagles")["snaps"] == 1
