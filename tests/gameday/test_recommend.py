"""Recommendations with the real games in: the policy's answer re-ranked by the combined
success rate (simulated prior worth n0 snaps + our real snaps), hand-computed."""

import pytest
from django.urls import reverse

from gameday.services import snap_record
from simulation.learning import ArmStats
from simulation.models import JobStatus, Policy
from teams.models import Role
from tests.conftest import client_for
from tests.support.factories import MembershipFactory, TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_client(team):
    """Recommendations are read: a member of the team may ask."""
    return client_for(MembershipFactory(team=team, role=Role.MEMBER).user)


def arm(name, pulls, mean, success_rate):
    stats = ArmStats(
        pulls=pulls,
        rounds=1,
        mean=mean,
        m2=pulls * 0.25,
        yards_sum=pulls * 5.0,
        successes=round(pulls * success_rate),
    )
    return {"name": name, **stats.to_dict(), "scenarios": {}}


@pytest.fixture
def policy(sideline):
    flood, mesh, jet = sideline.plays
    return Policy.objects.create(
        team=sideline.team,
        algorithm="ucb1",
        episodes=3000,
        seed=1,
        status=JobStatus.SUCCEEDED,
        buckets=["1ST_ANY"],
        mix=[{"scenario": sideline.scenarios[0].pk, "weight": 1.0}],
        stats={
            "1ST_ANY": {
                "arms": {
                    str(flood.pk): arm("Flood", 1000, 0.5, 0.6),
                    str(mesh.pk): arm("Mesh", 1000, 0.3, 0.5),
                    str(jet.pk): arm("Jet Sweep", 1000, 0.1, 0.45),
                }
            }
        },
    )


def chart(side, play, successes, n, start=0):
    """n first-and-20 snaps from our 5 (1ST_ANY): `successes` of them cross midfield."""
    for i in range(n):
        result, yards = ("complete", 25) if i < successes else ("incomplete", 0)
        snap_record(
            game=side.game,
            data={
                "play": play,
                "result": result,
                "yards": yards,
                "drive": 1 + start + i,
                "down": 1,
                "distance": 20.0,
                "yards_to_goal": 45.0,
            },
            key=f"{play.pk}-{i}",
        )


def url(team):
    return reverse("recommend-with-games", kwargs={"team_id": team.pk})


def test_real_snaps_re_rank_the_policy_by_the_combined_rate(member_client, sideline, policy):
    flood, mesh, _ = sideline.plays
    chart(sideline, flood, 2, 10)
    chart(sideline, mesh, 8, 10, start=10)
    answer = member_client.get(url(sideline.team), {"policy": policy.pk, "situation": "1ST_ANY"})
    assert answer.status_code == 200, answer.json()
    data = answer.json()
    assert data["ranked_by"] == "combined success rate" and data["real_snaps"] == 20
    rows = {r["name"]: r for r in data["recommendations"]}
    # (n0·p + s) / (n0 + n) with n0 = 10
    assert rows["Mesh"]["combined"]["success_rate"] == pytest.approx((5 + 8) / 20)  # 0.65
    assert rows["Flood"]["combined"]["success_rate"] == pytest.approx((6 + 2) / 20)  # 0.40
    assert rows["Jet Sweep"]["combined"]["success_rate"] == pytest.approx(0.45)  # no real snaps
    assert [r["name"] for r in data["recommendations"]] == ["Mesh", "Jet Sweep", "Flood"]
    assert [r["simulated_rank"] for r in data["recommendations"]] == [2, 3, 1]
    assert [r["rank"] for r in data["recommendations"]] == [1, 2, 3]
    mesh_row = rows["Mesh"]
    assert mesh_row["simulated"]["success_rate"] == pytest.approx(0.5)
    assert mesh_row["simulated"]["plays"] == 1000
    assert mesh_row["real"] == {"n": 10, "successes": 8, "success_rate": 0.8}
    assert mesh_row["summary"] == "Mesh: simulated 50 % success, 10 real snaps 80 %, combined 65 %"
    assert rows["Flood"]["flagged"]  # 2 of 10 against 60 %: p ≈ 0.012
    assert rows["Jet Sweep"]["real"] == {"n": 0, "successes": 0, "success_rate": None}
    assert "Mesh ahead of Flood" in data["note"]

    stronger = member_client.get(
        url(sideline.team), {"policy": policy.pk, "situation": "1ST_ANY", "n0": 1000}
    ).json()  # a prior worth 1000 snaps: the simulation's order again
    assert [r["name"] for r in stronger["recommendations"]] == ["Flood", "Mesh", "Jet Sweep"]


def test_only_snaps_of_the_situation_count_and_the_answer_is_scoped(
    member_client,
    sideline,
    policy,
):
    flood = sideline.plays[0]
    snap_record(  # 3rd down: not 1ST_ANY
        game=sideline.game,
        data={
            "play": flood,
            "result": "complete",
            "yards": 25,
            "down": 3,
            "distance": 20.0,
            "yards_to_goal": 45.0,
        },
        key="third",
    )
    by_situation = member_client.get(
        url(sideline.team), {"policy": policy.pk, "down": 1, "distance": 20, "yardline": 45}
    ).json()
    assert by_situation["bucket"] == "1ST_ANY" and by_situation["real_snaps"] == 0
    bad = member_client.get(
        url(sideline.team), {"policy": policy.pk, "down": 9, "distance": 5, "yardline": 20}
    )
    assert bad.status_code == 400
    assert member_client.get(url(sideline.team), {"situation": "1ST_ANY"}).status_code == 400
    untrained = member_client.get(
        url(sideline.team), {"policy": policy.pk, "situation": "3RD_LONG"}
    )
    assert untrained.status_code == 400 and "not trained for 3RD_LONG" in str(untrained.json())
    theirs = Policy.objects.create(
        team=TeamFactory(), algorithm="ucb1", episodes=1000, seed=1, buckets=["1ST_ANY"]
    )
    assert (
        member_client.get(
            url(sideline.team), {"policy": theirs.pk, "situation": "1ST_ANY"}
        ).status_code
        == 404
    )
