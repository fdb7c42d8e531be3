"""The OpenAPI schema is served and matches what the endpoints answer."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from playbook import services
from tests.support import builders as b
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db


def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def test_schema_is_served_with_the_picture_endpoints(api):
    """GET /api/schema/ was a 500: the picture viewsets' content negotiation read
    `self.request.method` while drf-spectacular builds views without a request."""
    response = api.get("/api/schema/")
    assert response.status_code == 200
    assert "/api/teams/{team_id}/plays/{id}/diagram.{ext}" in schema()["paths"]


def test_a_slot_without_a_route_matches_the_schema(team, coach):
    """A play's QB has no route: route_name is null, the schema said string only."""
    field = schema()["components"]["schemas"]["Assignment"]["properties"]["route_name"]
    assert field.get("nullable") is True
    play = b.play(team)
    data = client_for(coach).get(f"/api/teams/{team.pk}/plays/{play.pk}/").json()
    assert None in [a["route_name"] for a in data["assignments"]]


def test_the_call_sheet_is_documented_as_the_list_it_is(team, coach):
    """The schema wrapped call-sheet/ in a paginated object; the endpoint answers a list."""
    path = schema()["paths"]["/api/teams/{team_id}/playbooks/{id}/call-sheet/"]["get"]
    body = path["responses"]["200"]["content"]["application/json"]["schema"]
    assert body["type"] == "array"
    book = services.playbook_write(
        team=team, data={"name": "Book"}, entries=[{"play": b.play(team), "call_number": "1"}]
    )
    response = client_for(coach).get(f"/api/teams/{team.pk}/playbooks/{book.pk}/call-sheet/")
    assert isinstance(response.json(), list)
