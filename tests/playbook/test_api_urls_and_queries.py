"""Bad ids in URLs and bad query parameters answer 4xx in the error shape, never 500."""

import pytest
from django.urls import reverse

from tests.support.probe import HUGE, KINDS, error, field_error, raw, url

pytestmark = pytest.mark.django_db


# --- ids in URLs ----------------------------------------------------------------------


class TestUrlIds:
    @pytest.mark.parametrize("kind", KINDS)
    @pytest.mark.parametrize("pk", ["abc", "0", "-1", "1.5", "1e3", HUGE, "9223372036854775808"])
    def test_bad_object_ids_are_json_404(self, coach_client, team, team_objects, kind, pk):
        path = f"/api/teams/{team.pk}/{kind}s/{pk}/"
        error(coach_client.get(path), 404, "not_found")
        error(coach_client.patch(path, {"name": "x"}), 404, "not_found")
        error(coach_client.delete(path), 404, "not_found")

    @pytest.mark.parametrize("entry_id", ["0", HUGE, "9223372036854775808"])
    def test_bad_entry_ids_are_json_404(self, coach_client, team, team_objects, entry_id):
        playbook = team_objects["playbook"]
        path = f"/api/teams/{team.pk}/playbooks/{playbook.pk}/entries/{entry_id}/"
        error(coach_client.delete(path), 404, "not_found")
        assert playbook.entries.count() == 2

    @pytest.mark.parametrize(
        "path",
        [
            "/api/nope/",
            "/api/",
            "/api/teams/abc/",
            "/api/teams/abc/plays/",
            "/api/teams/-1/plays/",
            "/api/teams/1/nope/",
            "/api/teams/1/plays/1/nope/",
            "/api/auth/nope/",
            "/api/teams/1/playbooks/1/entries/abc/",
        ],
    )
    def test_unknown_api_urls_answer_in_the_error_shape(self, coach_client, path):
        # Under the test (= production-like, DEBUG off) settings.
        error(coach_client.get(path), 404, "not_found")

    @pytest.mark.parametrize(
        ("method", "name", "kwargs"),
        [
            ("PUT", "play-list", True),
            ("DELETE", "play-list", True),
            ("GET", "team-import", True),
            ("POST", "team-export", True),
            ("GET", "auth-login", False),
            ("DELETE", "auth-me", False),
            ("PATCH", "team-list", False),
        ],
    )
    def test_wrong_methods_are_405(self, coach_client, team, method, name, kwargs):
        path = reverse(name, kwargs={"team_id": team.pk} if kwargs else {})
        error(raw(coach_client, method, path, "{}"), 405, "method_not_allowed")


# --- query parameters ------------------------------------------------------------------


class TestQueryParameters:
    @pytest.mark.parametrize("page", ["0", "-1", "abc", "1.5", "999", HUGE])
    @pytest.mark.parametrize("kind", ["play", "route", "player", "playbook"])
    def test_bad_page_is_json_404(self, coach_client, team, team_objects, kind, page):
        body = error(coach_client.get(url(team, kind), {"page": page}), 404, "not_found")
        assert body["detail"] == "Invalid page."

    @pytest.mark.parametrize("size", ["0", "-5", "abc", HUGE])
    def test_bad_page_size_falls_back_to_the_default(self, coach_client, team, team_objects, size):
        response = coach_client.get(url(team, "route"), {"page_size": size})
        assert response.status_code == 200
        assert len(response.json()["results"]) == response.json()["count"] == 2

    def test_page_size_is_honoured(self, coach_client, team, team_objects):
        body = coach_client.get(url(team, "route"), {"page_size": 1}).json()
        assert body["count"] == 2
        assert len(body["results"]) == 1
        assert "page=2" in body["next"]

    @pytest.mark.parametrize(
        ("kind", "params", "field"),
        [
            ("player", {"side": "MIDDLE"}, "side"),
            ("player", {"role": "KICKER"}, "role"),
            ("player", {"speed__gte": "fast"}, "speed__gte"),
            ("player", {"speed__lte": "1e999"}, "speed__lte"),
            ("player", {"jersey_number": "ten"}, "jersey_number"),
            ("play", {"situation": "4TH_AND_INCHES"}, "situation"),
            ("play", {"formation": "abc"}, "formation"),
            ("play", {"route": "NaN"}, "route"),
            ("play", {"ruleset": "inf"}, "ruleset"),
            ("play", {"formation": "1e400"}, "formation"),
            ("play", {"q": "a\x00b"}, "q"),
            ("scenario", {"coverage": "PRESS"}, "coverage"),
            ("scenario", {"shell": "COVER9"}, "shell"),
            ("scenario", {"situation_tag": "\x00"}, "situation_tag"),
            ("ruleset", {"players_per_side": "five"}, "players_per_side"),
            ("simulation", {"status": "NOPE"}, "status"),
            ("simulation", {"bucket": "NOPE"}, "bucket"),
        ],
    )
    def test_invalid_filter_values_are_400(
        self, coach_client, team, team_objects, kind, params, field
    ):
        field_error(coach_client.get(url(team, kind), params), field)

    def test_invalid_member_role_filter_is_400(self, coach_client, team):
        response = coach_client.get(
            reverse("membership-list", kwargs={"team_id": team.pk}), {"role": "x"}
        )
        field_error(response, "role")

    @pytest.mark.parametrize("kind", ["play", "route", "player", "formation", "playbook"])
    def test_search_with_nul_is_400(self, coach_client, team, team_objects, kind):
        body = error(coach_client.get(url(team, kind), {"search": "a\x00b"}), 400, "invalid")
        assert "Null characters" in body["detail"]

    @pytest.mark.parametrize("text", ["%", "_", "'\"", "\\", "🏈", "a" * 5000])
    def test_odd_search_text_is_harmless(self, coach_client, team, team_objects, text):
        for params in ({"search": text}, {"q": text}, {"tag": text}):
            response = coach_client.get(url(team, "play"), params)
            assert response.status_code == 200
            assert response.json()["count"] == 0

    def test_valid_filters_still_work(self, coach_client, team, team_objects):
        assert coach_client.get(url(team, "play"), {"situation": "REDZONE"}).json()["count"] == 1
        assert (
            coach_client.get(url(team, "play"), {"route": team_objects["route"].pk}).json()["count"]
            == 1
        )
        assert coach_client.get(url(team, "player"), {"side": "DEFENSE"}).json()["count"] == 1
