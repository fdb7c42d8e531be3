"""A create sent twice makes one object or a clear conflict, never a 500."""

import pytest
from django.urls import reverse

from playbook.models import (
    Formation,
    Ruleset,
)
from tests.support.probe import KINDS, counts, field_error, payload, url

pytestmark = pytest.mark.django_db


# --- double submits ---------------------------------------------------------------------


class TestDoubleSubmits:
    @pytest.mark.parametrize("kind", KINDS)
    def test_second_create_with_the_same_name_is_refused(
        self, coach_client, team, team_objects, kind
    ):
        body = payload(kind, team_objects)
        if kind == "playbook":
            body["entries"] = []
        assert coach_client.post(url(team, kind), body, format="json").status_code == 201
        before = counts(team)
        field_error(
            coach_client.post(url(team, kind), body, format="json"), "name", "already exists"
        )
        assert counts(team) == before

    def test_same_external_id_is_refused(self, coach_client, team, team_objects):
        body = {**payload("route", team_objects), "external_id": "route_x"}
        assert coach_client.post(url(team, "route"), body, format="json").status_code == 201
        body = {**payload("route", team_objects), "external_id": "route_x"}
        field_error(coach_client.post(url(team, "route"), body, format="json"), "external_id")

    def test_duplicate_twice_numbers_the_copies(self, coach_client, team, team_objects):
        play = team_objects["play"]
        path = url(team, "play", play.pk, "duplicate")
        names = [coach_client.post(path).json()["name"] for _ in range(2)]
        assert names == [f"{play.name} (copy)", f"{play.name} (copy 2)"]

    def test_mirror_twice_reuses_the_mirror(self, coach_client, team, team_objects):
        path = url(team, "formation", team_objects["formation"].pk, "mirror")
        first, second = coach_client.post(path).json(), coach_client.post(path).json()
        assert first["id"] == second["id"]
        assert Formation.objects.filter(team=team).count() == 2

    def test_make_default_twice_is_idempotent(self, coach_client, team, team_objects):
        extra = team_objects["extra_ruleset"]
        path = url(team, "ruleset", extra.pk, "make-default")
        assert coach_client.post(path).status_code == coach_client.post(path).status_code == 200
        assert list(Ruleset.objects.filter(team=team, is_default=True)) == [extra]

    def test_register_twice_is_refused(self, coach_client):
        body = {"email": "twice@example.com", "password": "a-long-passphrase"}
        assert coach_client.post(reverse("auth-register"), body).status_code == 201
        field_error(coach_client.post(reverse("auth-register"), body), "email", "already exists")
