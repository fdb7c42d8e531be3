"""The playbook API under bad input: deep JSON, huge ids and positions, long lists and
names, unknown flags, too-large bodies, cross-field ruleset rules."""

import pytest
from django.test import override_settings
from django.urls import reverse

from playbook import services
from playbook.models import Formation, Play, Player, Route, Ruleset, Scenario
from teams.models import Role
from tests.playbook.test_api import player, url
from tests.support import builders as b
from tests.support.clients import client_for
from tests.support.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(team):
    return client_for(MembershipFactory(team=team, role=Role.OWNER).user)


def deep(n=1000):
    return '{"name": ' + "[" * n + "]" * n + "}"


def test_deeply_nested_json_is_a_400(api, team):
    for path in ("/api/auth/login/", url(team, "play")):
        response = api.generic("POST", path, deep(), content_type="application/json")
        assert response.status_code == 400
        assert response.json()["code"] == "parse_error"
    response = api.post(
        reverse("team-import", kwargs={"team_id": team.pk}),
        deep(),
        content_type="application/json",
    )
    assert response.status_code == 400


def test_huge_ids_are_404_or_400_not_500(api, team):
    assert api.get(f"/api/teams/{10**20}/plays/").status_code == 404
    assert api.get(url(team, "play") + f"?ruleset={10**20}").status_code == 400
    assert api.get(url(team, "play") + "?formation=0").status_code == 400


def test_huge_entry_position_appends(api, team):
    book = services.playbook_write(team=team, data={"name": "Book"}, entries=[])
    response = api.post(
        url(team, "playbook", book.pk, "add-entry"),
        {"play": b.play(team).pk, "call_number": "1", "position": 10**20},
        format="json",
    )
    assert response.status_code == 201


def test_ruleset_in_use_is_never_force_deleted(api, team):
    wide = Ruleset.objects.create(team=team, name="Wide", field_width=40)
    scenario = b.scenario(team, ruleset=wide)
    response = api.delete(url(team, "ruleset", wide.pk) + "?force=true")
    assert response.status_code == 409
    assert "force" not in response.json()["detail"]
    assert Scenario.objects.filter(pk=scenario.pk).exists()


def test_formation_edit_that_breaks_a_play_is_refused(api, team):
    form = b.formation(team)
    play = b.play(
        team,
        form=form,
        name="Motion Flood",
        motion_role="WR3",
        motion_x=-1.0,
        motion_y=2.0,
        motion_duration_ms=500,
    )
    slots = [dict(s) for s in b.TRIPS]
    slots[4]["x"] = -3.0  # the motion to x -1 would now go toward the line
    response = api.patch(url(team, "formation", form.pk), {"slots": slots}, format="json")
    assert response.status_code == 400
    assert "play 'Motion Flood': motion.x" in " ".join(
        response.json()["errors"]["non_field_errors"]
    )
    assert {s.role: s.x for s in Formation.objects.get(pk=form.pk).slots.all()}["WR3"] == 0.0
    assert Play.objects.get(pk=play.pk).motion["x"] == -1.0


def test_player_in_a_lineup_cannot_change_side(api, team):
    qb = player(team, role="QB", name="Marcus")
    services.lineup_write(team=team, data={"name": "Main"}, spots=[{"role": "QB", "player": qb}])
    response = api.patch(
        url(team, "player", qb.pk), {"side": "DEFENSE", "role": "D1"}, format="json"
    )
    assert response.status_code == 400
    assert "Main as QB" in response.json()["errors"]["side"][0]
    assert Player.objects.get(pk=qb.pk).side == "OFFENSE"


def test_unknown_dry_run_value_is_a_400_and_writes_nothing(api, team):
    body = {
        "routes": [
            {
                "id": "r1",
                "name": "Stop",
                "breakpoints": [{"x_yards": 5, "y_yards": 0, "time_ms": 1000}],
            }
        ]
    }
    path = reverse("team-import", kwargs={"team_id": team.pk}) + "?dry_run=on"
    response = api.post(path, body, format="json")
    assert response.status_code == 400
    assert not Route.objects.filter(team=team).exists()


def test_long_row_lists_are_refused_quickly(api, team):
    slots = [{"role": "WR1", "x": 0.0, "y": float(i % 15)} for i in range(10_000)]
    response = api.post(url(team, "formation"), {"name": "Huge", "slots": slots}, format="json")
    assert response.status_code == 400
    assert len(response.content) < 2000


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_too_large_body_is_a_json_413(api, team):
    response = api.post(url(team, "play"), {"name": "x", "notes": "y" * 5000}, format="json")
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"


@pytest.mark.parametrize("path", ["play", "route", "lineup", "ruleset"])
def test_nonsense_boolean_filters_are_400(api, team, path):
    param = {
        "play": "has_warnings",
        "route": "settle",
        "lineup": "is_default",
        "ruleset": "is_default",
    }[path]
    assert api.get(url(team, path) + f"?{param}=maybe").status_code == 400
    assert api.get(url(team, path) + f"?{param}=true").status_code == 200


def test_copies_of_long_names_fit(api, team):
    play = b.play(team, name="L" * 120)
    for action in ("duplicate", "mirror", "duplicate"):
        response = api.post(url(team, "play", play.pk, action))
        assert response.status_code == 201, response.json()
        assert len(response.json()["name"]) <= 120
    names = [p.name for p in Play.objects.filter(team=team)]
    assert len(set(names)) == 4
    assert any(n.endswith("(copy 2)") for n in names)


def test_notes_are_limited(api, team):
    play = b.play(team)
    response = api.patch(url(team, "play", play.pk), {"notes": "n" * 5001}, format="json")
    assert response.status_code == 400
    assert "notes" in response.json()["errors"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"field_length": 30, "endzone_depth": 10}, "endzone_depth"),
        ({"line_to_gain": 100}, "line_to_gain"),
        ({"players_per_side": 4, "max_rushers": 5}, "max_rushers"),
        ({"pat1_distance": -1}, "pat1_distance"),
    ],
)
def test_ruleset_cross_field_rules(api, team, change, field):
    response = api.post(url(team, "ruleset"), {"name": "Odd", **change}, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()
