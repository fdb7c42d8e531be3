"""The play list serialises plain values (playbook.selectors.PlayRow) instead of model
instances: each item must be exactly the play's detail representation, for every kind of
play (motion, tags, a ruleset, one route, search and ordering), in a constant number of
queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from playbook.models import Play, Ruleset
from teams.models import Role
from tests.conftest import client_for
from tests.playbook import builders as b
from tests.support.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(team):
    return client_for(MembershipFactory(team=team, role=Role.COACH).user)


def plays_url(team, **query):
    url = reverse("play-list", kwargs={"team_id": team.pk})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def detail(api, team, play):
    return api.get(reverse("play-detail", kwargs={"team_id": team.pk, "pk": play.pk})).json()


def test_each_list_item_is_the_plays_detail(api, team):
    ruleset = Ruleset.objects.create(team=team, name="League rules")
    plain = b.play(team, tags=["red zone", "quick"], notes="Look left first.")
    routed = b.play(team, ruleset=ruleset)
    single = b.play(team, routes={"WR1": b.route(team)})
    Play.objects.filter(pk=routed.pk).update(
        motion_role="WR3", motion_x=-2.5, motion_y=4.0, motion_duration_ms=800
    )
    listed = api.get(plays_url(team)).json()["results"]
    assert len(listed) == 3
    by_id = {item["id"]: item for item in listed}
    for play in (plain, routed, single):
        assert by_id[play.pk] == detail(api, team, play)
    assert by_id[routed.pk]["motion"] == {
        "role": "WR3",
        "x": -2.5,
        "y": 4.0,
        "duration_ms": 800,
        "kind": "",
        "at_snap": False,
    }
    assert by_id[routed.pk]["ruleset"] == ruleset.pk and by_id[plain.pk]["motion"] is None
    assert by_id[plain.pk]["created_at"].endswith("Z")


def test_search_ordering_and_paging_keep_working(api, team):
    plays = [b.play(team, name=f"Flood {i}") for i in range(3)] + [b.play(team, name="Mesh")]
    found = api.get(plays_url(team, q="Flood", ordering="-name")).json()
    assert [p["name"] for p in found["results"]] == ["Flood 2", "Flood 1", "Flood 0"]
    page = api.get(plays_url(team, page_size=2, ordering="name")).json()
    assert page["count"] == 4 and [p["name"] for p in page["results"]] == ["Flood 0", "Flood 1"]
    assert page["results"][0] == detail(api, team, plays[0])


def test_queries_do_not_grow_with_the_plays(api, team):
    b.play(team)
    with CaptureQueriesContext(connection) as one:
        api.get(plays_url(team))
    for _ in range(4):
        b.play(team)
    with CaptureQueriesContext(connection) as five:
        assert api.get(plays_url(team)).json()["count"] == 5
    assert len(five) == len(one)
