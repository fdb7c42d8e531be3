"""Plays from templates: the classic concepts, built from the route tree by the writers."""

import pytest

from playbook import play_templates, services
from playbook.models import Play, Route
from tests.support.admin import admin_url
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("key", play_templates.NAMES)
def test_every_template_makes_a_valid_play(team, key):
    play = services.play_from_template(team=team, template=key)
    spec = play_templates.TEMPLATES[key]
    assert play.name == spec.name and play.kind == spec.kind
    routed = {a.role: a.route for a in play.assignments.all() if a.route}
    assert set(routed) == set(spec.routes)
    assert play.progression == list(spec.progression)
    assert not play.warnings or all("out of bounds" not in w for w in play.warnings)


def test_routes_follow_the_receivers_side(team):
    play = services.play_from_template(team=team, template="smash")
    by_role = {a.role: a.route for a in play.assignments.select_related("route") if a.route}
    left_corner = by_role["WR2"]  # lined up left of the ball: the corner breaks to -y
    assert left_corner.name == "Corner 8 (left)"
    assert left_corner.breakpoints.order_by("time_ms").last().y < 0
    assert by_role["WR3"].name == "Hitch 5 (right)"


def test_a_second_play_reuses_the_routes_and_names_itself(team):
    first = services.play_from_template(team=team, template="slants")
    routes = Route.objects.count()
    second = services.play_from_template(team=team, template="slants")
    assert Route.objects.count() == routes  # same tree routes, not copies
    assert second.name == "Slants 2" and second.formation_id != first.formation_id


def test_an_unknown_template_is_refused(team):
    with pytest.raises(services.ValidationError) as error:
        services.play_from_template(team=team, template="wishbone")
    assert "one of flood, mesh" in error.value.message_dict["template"][0]


def test_the_api_makes_a_play_from_a_template(team, coach, member):
    url = f"/api/teams/{team.pk}/plays/from-template/"
    response = client_for(coach).post(url, {"template": "flood", "name": "Flood Rt"}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["name"] == "Flood Rt" and response.json()["kind"] == "PASS"
    bad = client_for(coach).post(url, {"template": "wishbone"}, format="json")
    assert bad.status_code == 400 and "use one of: flood" in bad.json()["errors"]["template"][0]
    assert client_for(member).post(url, {"template": "flood"}, format="json").status_code == 403
    assert Play.objects.filter(team=team).count() == 1


def _staff(user):
    user.is_staff = True
    user.save()
    return user


def test_the_admin_makes_a_play_from_a_template_and_opens_it(client, team, coach):
    client.force_login(_staff(coach))
    changelist = client.get(admin_url(Play, "changelist"))
    page = admin_url(Play, "from_template")
    assert page in changelist.content.decode()  # the list offers "New play from template"
    assert "Flood" in client.get(page).content.decode()
    response = client.post(page, {"team": team.pk, "template": "flood", "name": "Flood Right"})
    play = Play.objects.get(team=team, name="Flood Right")
    assert response.status_code == 302 and response.url == admin_url(Play, "change", play.pk)
    assert play.assignments.filter(route__isnull=False).exists()


def test_the_admin_template_page_refuses_a_taken_name_and_writes_nothing(client, team, coach):
    client.force_login(_staff(coach))
    services.play_from_template(team=team, template="mesh", name="Mesh")
    counts = Play.objects.count(), Route.objects.count()
    response = client.post(
        admin_url(Play, "from_template"), {"team": team.pk, "template": "mesh", "name": "Mesh"}
    )
    assert response.status_code == 200 and "already" in response.content.decode()
    assert (Play.objects.count(), Route.objects.count()) == counts


def test_the_admin_template_page_is_for_editors_of_their_own_teams(
    client, team, other_team, member, coach
):
    client.force_login(_staff(member))
    assert client.get(admin_url(Play, "from_template")).status_code == 403
    client.force_login(_staff(coach))
    response = client.post(
        admin_url(Play, "from_template"), {"team": other_team.pk, "template": "flood"}
    )
    assert response.status_code == 200 and "valid choice" in response.content.decode()
    assert not Play.objects.filter(team=other_team).exists()
