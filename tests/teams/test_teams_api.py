import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from teams.models import Membership, Role, Team
from tests.support.clients import client_for
from tests.support.factories import MembershipFactory

TEAMS = "/api/teams/"


def team_url(team):
    return reverse("team-detail", kwargs={"team_id": team.pk})


@pytest.mark.django_db
class TestTeams:
    def test_anonymous_is_401(self, api):
        response = api.get(TEAMS)
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"

    def test_create_makes_caller_owner_and_slug(self, user):
        response = client_for(user).post(TEAMS, {"name": "Tigers Flag"}, format="json")
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["slug"] == "tigers-flag"
        assert body["role"] == "owner"
        assert Membership.objects.get(team_id=body["id"], user=user).role == Role.OWNER

    def test_slug_clash_gets_suffix_or_clear_error(self, user):
        client = client_for(user)
        client.post(TEAMS, {"name": "Tigers"}, format="json")
        second = client.post(TEAMS, {"name": "Tigers"}, format="json")
        assert second.json()["slug"] == "tigers-2"
        clash = client.post(TEAMS, {"name": "Other", "slug": "tigers"}, format="json")
        assert clash.status_code == 400
        assert "taken" in clash.json()["errors"]["slug"][0]

    def test_unicode_name(self, user):
        response = client_for(user).post(TEAMS, {"name": "Zürich Ørnene 🏈"}, format="json")
        assert response.status_code == 201
        assert response.json()["name"] == "Zürich Ørnene 🏈"
        assert response.json()["slug"]

    @pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": "   "}, {"name": ["x"]}])
    def test_bad_bodies_are_400(self, user, body):
        response = client_for(user).post(TEAMS, body, format="json")
        assert response.status_code == 400
        assert "name" in response.json()["errors"]

    def test_malformed_json_is_400(self, user):
        response = client_for(user).post(TEAMS, "{not json", content_type="application/json")
        assert response.status_code == 400
        assert response.json()["code"] == "parse_error"

    def test_list_shows_only_my_teams(self, team, other_team, coach):
        response = client_for(coach).get(TEAMS)
        ids = [row["id"] for row in response.json()["results"]]
        assert ids == [team.pk]
        assert response.json()["results"][0]["role"] == "coach"

    def test_other_team_is_404(self, team, other_team, coach):
        client = client_for(coach)
        assert client.get(team_url(other_team)).status_code == 404
        assert client.patch(team_url(other_team), {"name": "x"}, format="json").status_code == 404
        assert client.delete(team_url(other_team)).status_code == 404

    def test_only_owner_edits_and_deletes(self, team, owner, coach):
        assert (
            client_for(coach).patch(team_url(team), {"name": "New"}, format="json").status_code
            == 403
        )
        assert client_for(coach).delete(team_url(team)).status_code == 403
        response = client_for(owner).patch(team_url(team), {"name": "New"}, format="json")
        assert response.status_code == 200
        assert client_for(owner).delete(team_url(team)).status_code == 204
        assert not Team.objects.filter(pk=team.pk).exists()

    def test_list_query_count_is_constant(self, user):
        client = client_for(user)
        MembershipFactory(user=user)
        with CaptureQueriesContext(connection) as one:
            client.get(TEAMS)
        for _ in range(8):
            MembershipFactory(user=user)
        with CaptureQueriesContext(connection) as nine:
            response = client.get(TEAMS)
        assert response.json()["count"] == 9
        assert len(nine) == len(one)

    def test_non_numeric_team_id_is_json_404(self, user):
        response = client_for(user).get("/api/teams/abc/members/")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
