"""Games and snaps through the API: the generic endpoint checks, progression,
idempotency, validation and history."""

import datetime

import pytest
from django.urls import reverse

from gameday.models import Game, Snap
from gameday.services import snap_record
from teams.models import Role
from tests.gameday.conftest import sideline_for
from tests.support.api import TeamScopedAPITests

pytestmark = pytest.mark.django_db


def make_game(team, opponent="Eagles"):
    return Game.objects.create(team=team, opponent=opponent, date=datetime.date(2026, 9, 12))


class TestGameEndpoint(TeamScopedAPITests):
    basename, model = "game", Game

    def make(self, team):
        return make_game(team)

    def payload(self, team):
        return {"opponent": "Hawks", "date": "2026-10-03", "our_score": 26, "their_score": 19}

    def update(self, obj):
        return {"notes": "rain", "opponent": f"{obj.opponent} II"}

    def foreign_payload(self, team, other_team):
        return {**self.payload(team), "playbook": sideline_for(other_team).playbook.pk}


class TestSnapEndpoint(TeamScopedAPITests):
    basename, model = "snap", Snap

    def make(self, team):
        game = Game.objects.filter(team=team).first() or make_game(team)
        snap, _ = snap_record(
            game=game, data={"result": "complete", "yards": 4}, key=f"k{Snap.objects.count()}"
        )
        return snap

    def payload(self, team):
        game = Game.objects.filter(team=team).first() or make_game(team)
        return {"game": game.pk, "idempotency_key": "abc", "result": "run", "yards": 3}

    def update(self, obj):
        return {"yards": 7, "notes": "broke a flag pull"}

    def foreign_payload(self, team, other_team):
        return {**self.payload(team), "game": make_game(other_team).pk}


def url(team, kind, **kw):
    return reverse(f"{kind}-list", kwargs={"team_id": team.pk, **kw})


def post_snap(client, s, key, **body):
    return client.post(
        url(s.team, "snap"), {"game": s.game.pk, "idempotency_key": key, **body}, format="json"
    )


@pytest.fixture
def coach_client(team):
    from tests.support.clients import client_for
    from tests.support.factories import MembershipFactory

    return client_for(MembershipFactory(team=team, role=Role.COACH).user)


def test_snaps_follow_on_by_the_ruleset(coach_client, sideline):
    s = sideline
    flood, mesh, _ = s.plays
    first = post_snap(coach_client, s, "a", play=flood.pk, result="complete", yards=8)
    assert first.status_code == 201, first.json()
    assert [first.json()[k] for k in ("drive", "down", "distance", "yards_to_goal")] == [
        1,
        1,
        20.0,
        45.0,
    ]
    second = post_snap(coach_client, s, "b", call="11", result="complete", yards=13).json()
    assert second["play"] == mesh.pk  # call number 11 in the game's playbook
    assert (second["down"], second["distance"], second["yards_to_goal"]) == (2, 12.0, 37.0)
    third = post_snap(coach_client, s, "c", play=flood.pk, result="run", yards=4).json()
    assert (third["down"], third["distance"], third["yards_to_goal"]) == (1, 24.0, 24.0)
    assert third["sequence"] == 3  # midfield crossed: first and goal from their 24
    td = post_snap(coach_client, s, "d", play=flood.pk, result="complete", yards=20).json()
    assert (td["down"], td["distance"], td["touchdown"]) == (2, 20.0, True)  # reached the goal
    attempt = post_snap(
        coach_client, s, "t", play=flood.pk, result="complete", yards=10, try_points=2
    ).json()
    assert (attempt["drive"], attempt["try_points"], attempt["yards_to_goal"]) == (1, 2, 10.0)
    assert attempt["distance"] == 10.0  # the 2-point try from the 10, the coach's pick
    nxt = post_snap(coach_client, s, "e", play=mesh.pk, result="sack", yards=4).json()
    assert (nxt["drive"], nxt["down"], nxt["yards_to_goal"], nxt["yards"]) == (2, 1, 45.0, -4.0)
    assert nxt["try_points"] is None


def test_a_resend_with_the_same_key_is_stored_once(coach_client, sideline):
    s = sideline
    first = post_snap(coach_client, s, "same", play=s.plays[0].pk, result="run", yards=5)
    again = post_snap(coach_client, s, "same", play=s.plays[1].pk, result="sack", yards=-3)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["result"] == "run"  # the first one stays
    assert Snap.objects.filter(game=s.game).count() == 1
    other = make_game(s.team, "Hawks")  # keys are per game
    body = {"game": other.pk, "idempotency_key": "same", "result": "run"}
    assert coach_client.post(url(s.team, "snap"), body).status_code == 201


def test_entered_values_win_and_are_checked(coach_client, sideline):
    s = sideline
    entered = post_snap(
        coach_client, s, "x", result="run", yards=2, down=2, distance=4, yards_to_goal=29
    ).json()
    assert entered["entered"] is True and entered["down"] == 2
    follow = post_snap(coach_client, s, "y", result="run", yards=1).json()
    assert (follow["down"], follow["distance"]) == (3, 2.0)  # 2nd & 4, 2 gained
    bad = post_snap(coach_client, s, "z", result="run", down=4)  # NFL FLAG: 3 downs
    assert bad.status_code == 400 and "3 downs" in bad.json()["errors"]["down"][0]
    bad = post_snap(coach_client, s, "z", result="run", distance=30, yards_to_goal=20)
    assert bad.status_code == 400 and "distance" in bad.json()["errors"]
    bad = post_snap(coach_client, s, "z", result="fumble")
    assert bad.status_code == 400 and "result" in bad.json()["errors"]
    assert post_snap(coach_client, s, "z").status_code == 400  # no result
    no_key = coach_client.post(url(s.team, "snap"), {"game": s.game.pk, "result": "run"})
    assert "idempotency_key" in no_key.json()["errors"]


def test_filters_search_and_pagination(coach_client, sideline):
    s = sideline
    for i in range(7):
        post_snap(coach_client, s, f"k{i}", play=s.plays[i % 2].pk, result="run", yards=1)
    post_snap(coach_client, s, "n", play=s.plays[2].pk, result="incomplete", notes="dropped")
    base = url(s.team, "snap")
    assert coach_client.get(f"{base}?result=incomplete").json()["count"] == 1
    assert coach_client.get(f"{base}?play={s.plays[0].pk}").json()["count"] == 4
    assert coach_client.get(f"{base}?search=dropped").json()["count"] == 1
    page = coach_client.get(f"{base}?game={s.game.pk}&page_size=3").json()
    assert page["count"] == 8 and len(page["results"]) == 3 and page["next"]
    assert coach_client.get(f"{base}?result=fumble").status_code == 400
    assert coach_client.get(f"{base}?game=abc").status_code == 400
    games = url(s.team, "game")
    assert coach_client.get(f"{games}?opponent=eagles").json()["count"] == 1
    assert coach_client.get(f"{games}?search=eag").json()["results"][0]["snap_count"] == 8
    assert coach_client.get(f"{games}?date_after=2027-01-01").json()["count"] == 0
    assert coach_client.get(f"{games}?date_after=soon").status_code == 400


def test_versions_and_history(coach_client, sideline):
    s = sideline
    detail = reverse("game-detail", kwargs={"team_id": s.team.pk, "pk": s.game.pk})
    loaded = coach_client.get(detail)
    assert loaded["ETag"] == '"1"'
    assert coach_client.patch(detail, {"our_score": 20, "version": 1}).status_code == 200
    stale = coach_client.patch(detail, {"our_score": 27, "version": 1})
    assert stale.status_code == 409 and stale.json()["version"] == 2
    assert coach_client.patch(detail, {"notes": "x"}, HTTP_IF_MATCH='"1"').status_code == 412
    history = coach_client.get(detail + "history/").json()["results"]
    assert [v["action"] for v in history] == ["changed", "created"]
    assert history[0]["source"] == "api"
    assert {"field": "our_score", "old": None, "new": 20} in history[0]["changes"]
    snap = post_snap(coach_client, s, "h", result="run", yards=2).json()
    snap_url = reverse("snap-detail", kwargs={"team_id": s.team.pk, "pk": snap["id"]})
    changed = coach_client.patch(snap_url, {"yards": 6, "game": 999}).json()
    assert changed["yards"] == 6.0 and changed["game"] == s.game.pk  # game stays
    assert [v["action"] for v in coach_client.get(snap_url + "history/").json()["results"]] == [
        "changed",
        "created",
    ]
    assert coach_client.delete(snap_url).status_code == 204


def test_members_cannot_chart(sideline):
    from tests.support.clients import client_for
    from tests.support.factories import MembershipFactory

    member = client_for(MembershipFactory(team=sideline.team, role=Role.MEMBER).user)
    assert post_snap(member, sideline, "m", result="run").status_code == 403


def test_deleting_a_team_deletes_its_games(sideline):
    from playbook.models import Ruleset

    sideline.game.ruleset = Ruleset.objects.get(team=sideline.team, is_default=True)
    sideline.game.save()
    snap_record(game=sideline.game, data={"result": "run", "yards": 2}, key="t")
    sideline.team.delete()
    assert not Game.objects.exists() and not Snap.objects.exists()


def test_deleting_a_play_keeps_its_snaps(coach_client, sideline):
    snap, _ = snap_record(game=sideline.game, data={"call": "10", "result": "run"}, key="p")
    assert snap.play == sideline.plays[0] and snap.call == "10"
    detail = reverse("play-detail", kwargs={"team_id": sideline.team.pk, "pk": snap.play_id})
    assert coach_client.delete(f"{detail}?force=true").status_code in (200, 204)
    snap.refresh_from_db()
    assert snap.play_id is None and snap.call_label == "10"  # the call as charted stays
