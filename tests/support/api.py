"""Generic tests for every team-scoped endpoint (in the spirit of NetBox's API
test cases). A test class for an endpoint subclasses TeamScopedAPITests and says:

    basename      router basename ("play" → play-list / play-detail)
    model         the model class
    make(team)    create one object of this kind in `team`
    payload(team) a valid create body for `team`
    update(obj)   a valid PATCH body (defaults to a new name)
    foreign_payload(team, other_team)
                  a create body that points at another team's object (None when the
                  body has no related ids)
    writer_role   the weakest role that may write (coach unless stated)
    created_status  what a create answers (201; 202 for endpoints that start a job)

and inherits checks for 401/404/403, CRUD, cross-team ids and query counts.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from teams.models import Role
from tests.support.clients import client_for
from tests.support.factories import MembershipFactory


@pytest.mark.django_db
class TeamScopedAPITests:
    basename: str
    model: type
    writer_role = Role.COACH
    created_status = 201
    list_extra_rows = 5

    def update(self, obj):
        return {"name": f"{obj.name} renamed"}

    def foreign_payload(self, team, other_team):
        return None

    # helpers

    def list_url(self, team):
        return reverse(f"{self.basename}-list", kwargs={"team_id": team.pk})

    def detail_url(self, obj, team=None):
        team_id = team.pk if team is not None else obj.team_id
        return reverse(f"{self.basename}-detail", kwargs={"team_id": team_id, "pk": obj.pk})

    def client_with_role(self, team, role):
        return client_for(MembershipFactory(team=team, role=role).user)

    def writer(self, team):
        return self.client_with_role(team, self.writer_role)

    # the checks

    def test_anonymous_gets_401(self, api, team):
        obj = self.make(team)
        assert api.get(self.list_url(team)).status_code == 401
        assert api.get(self.detail_url(obj)).status_code == 401
        assert api.post(self.list_url(team), self.payload(team), format="json").status_code == 401

    def test_non_member_gets_404_everywhere(self, team, outsider):
        obj = self.make(team)
        client = client_for(outsider)
        assert client.get(self.list_url(team)).status_code == 404
        assert client.get(self.detail_url(obj)).status_code == 404
        assert (
            client.patch(self.detail_url(obj), self.update(obj), format="json").status_code == 404
        )
        assert client.delete(self.detail_url(obj)).status_code == 404
        assert (
            client.post(self.list_url(team), self.payload(team), format="json").status_code == 404
        )

    def test_object_of_other_team_is_404_under_own_team(self, team, other_team, outsider):
        theirs = self.make(other_team)
        client = self.writer(team)
        url = self.detail_url(theirs, team=team)
        assert client.get(url).status_code == 404
        assert client.patch(url, self.update(theirs), format="json").status_code == 404
        assert client.delete(url).status_code == 404

    def test_member_reads_but_cannot_write(self, team):
        if self.writer_role == Role.MEMBER:
            pytest.skip("members may write here")
        obj = self.make(team)
        client = self.client_with_role(team, Role.MEMBER)
        assert client.get(self.list_url(team)).status_code == 200
        assert client.get(self.detail_url(obj)).status_code == 200
        assert (
            client.post(self.list_url(team), self.payload(team), format="json").status_code == 403
        )
        assert (
            client.patch(self.detail_url(obj), self.update(obj), format="json").status_code == 403
        )
        assert client.delete(self.detail_url(obj)).status_code == 403

    def test_writer_crud(self, team):
        client = self.writer(team)
        created = client.post(self.list_url(team), self.payload(team), format="json")
        assert created.status_code == self.created_status, created.json()
        obj = self.model.objects.get(pk=created.json()["id"])
        assert self.team_of(obj) == team.pk
        assert client.get(self.detail_url(obj)).status_code == 200
        updated = client.patch(self.detail_url(obj), self.update(obj), format="json")
        assert updated.status_code == 200, updated.json()
        assert client.delete(self.detail_url(obj)).status_code == 204
        assert not self.model.objects.filter(pk=obj.pk).exists()

    def test_team_is_set_from_url_not_body(self, team, other_team):
        body = {**self.payload(team), "team": other_team.pk}
        created = self.writer(team).post(self.list_url(team), body, format="json")
        assert created.status_code == self.created_status, created.json()
        assert self.team_of(self.model.objects.get(pk=created.json()["id"])) == team.pk

    def test_other_teams_id_in_body_is_400(self, team, other_team):
        body = self.foreign_payload(team, other_team)
        if body is None:
            pytest.skip("this endpoint's body has no related ids")
        response = self.writer(team).post(self.list_url(team), body, format="json")
        assert response.status_code == 400, response.json()
        assert response.json()["errors"]

    def test_list_shows_only_own_team(self, team, other_team):
        mine = self.make(team)
        theirs = self.make(other_team)
        response = self.writer(team).get(self.list_url(team))
        ids = {row["id"] for row in response.json()["results"]}
        assert mine.pk in ids
        assert theirs.pk not in ids

    def test_list_query_count_does_not_grow(self, team):
        client = self.writer(team)
        self.make(team)
        client.get(self.list_url(team))  # warm caches (content types etc.)
        with CaptureQueriesContext(connection) as few:
            assert client.get(self.list_url(team)).status_code == 200
        for _ in range(self.list_extra_rows):
            self.make(team)
        with CaptureQueriesContext(connection) as many:
            response = client.get(self.list_url(team))
        assert response.json()["count"] >= self.list_extra_rows + 1
        assert len(many) == len(few), [q["sql"] for q in many.captured_queries]

    def team_of(self, obj):
        return obj.team_id


def errors(response):
    """The field errors of a 400."""
    assert response.status_code == 400, response.json()
    return response.json()["errors"]
