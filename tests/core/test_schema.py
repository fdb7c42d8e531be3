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


def _refs(node):
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"].rsplit("/", 1)[1]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_every_component_is_used_by_an_operation():
    """MetricsRequest, MetricsBlockRequest and PairMetricsRequest were built for the run's
    read-only `metrics` and used by no request: dead types in a generated client."""
    data = schema()
    components = data["components"]["schemas"]
    used, todo = set(), list(_refs(data["paths"]))
    while todo:
        name = todo.pop()
        if name not in used:
            used.add(name)
            todo.extend(_refs(components.get(name, {})))
    assert set(components) - used == set()
    assert "MetricsRequest" not in components and "Metrics" in components


def test_every_operation_documents_its_errors_with_the_error_component():
    data = schema()
    components = data["components"]["schemas"]
    shape = set(components["Error"]["properties"])
    for path, operations in data["paths"].items():
        for method, operation in operations.items():
            errors = {c: r for c, r in operation["responses"].items() if c.startswith("4")}
            # the health check takes no token, no parameter and no body: nothing to refuse
            assert errors or path == "/api/health/", f"{method.upper()} {path} documents no 4xx"
            for code, response in errors.items():
                name = response["content"]["application/json"]["schema"]["$ref"].rsplit("/")[-1]
                # Error, or the import's variant of it (same keys, its own path format)
                assert name in ("Error", "ImportError"), (method, path, code)
                assert set(components[name]["properties"]) == shape


def test_the_policy_mix_and_call_numbers_are_typed_both_ways():
    """The training was written as `scenarios` and read as an untyped `mix`; a call
    number reads as a string, and the schema says why."""
    components = schema()["components"]["schemas"]
    read = components["Policy"]["properties"]["mix"]
    assert read["items"] == {"$ref": "#/components/schemas/MixItem"}
    assert "mix" in components["PolicyRequest"]["properties"]
    assert (
        components["PolicyRequest"]["properties"]["scenarios"]
        .get("description", "")
        .startswith("Deprecated")
    )
    for name in ("AdoptRequest", "Adoption", "Entry", "EntryRequest"):
        field = components[name]["properties"]["call_number"]
        assert field["type"] == "string" and "wristband code" in field["description"], name
    assert components["Policy"]["properties"]["algorithm"]["default"] == "thompson"
