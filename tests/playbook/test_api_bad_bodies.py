"""The playbook API refuses malformed bodies, wrong types, missing fields, huge values
and odd strings in its error shape, naming the field, and changes nothing."""

import pytest
from django.urls import reverse

from playbook.models import (
    Route,
)
from tests.support import builders as b
from tests.support.probe import (
    KINDS,
    counts,
    error,
    field_error,
    payload,
    raw,
    set_path,
    url,
)

pytestmark = pytest.mark.django_db


# --- malformed bodies ------------------------------------------------------------------


class TestMalformedBodies:
    @pytest.mark.parametrize("kind", KINDS)
    @pytest.mark.parametrize(
        "text", ['{"name": ', '{"name": "x",}', "{'name': 'x'}", '{"name": NaN}', "[Infinity]"]
    )
    def test_unparsable_json_is_a_parse_error(self, coach_client, team, team_objects, kind, text):
        before = counts(team)
        body = error(raw(coach_client, "POST", url(team, kind), text), 400, "parse_error")
        assert body["detail"].startswith("JSON parse error")
        assert counts(team) == before

    @pytest.mark.parametrize("kind", KINDS)
    @pytest.mark.parametrize("text", ["[]", "[1, 2]", '"name"', "3", "true"])
    def test_a_body_that_is_not_an_object_is_refused(
        self, coach_client, team, team_objects, kind, text
    ):
        before = counts(team)
        body = error(raw(coach_client, "POST", url(team, kind), text), 400, "invalid")
        assert "non_field_errors" in body["errors"]
        assert "Expected a dictionary" in body["detail"]
        assert counts(team) == before

    @pytest.mark.parametrize("kind", KINDS)
    def test_wrong_content_type_is_415(self, coach_client, team, team_objects, kind):
        response = raw(
            coach_client, "POST", url(team, kind), '{"name": "x"}', content_type="text/plain"
        )
        error(response, 415, "unsupported_media_type")

    @pytest.mark.parametrize("kind", KINDS)
    def test_empty_object_names_the_missing_name(self, coach_client, team, team_objects, kind):
        field_error(raw(coach_client, "POST", url(team, kind), "{}"), "name", "required")

    def test_empty_patch_body_changes_nothing(self, coach_client, team, team_objects):
        route = team_objects["route"]
        response = raw(coach_client, "PATCH", url(team, "route", route.pk), "")
        assert response.status_code == 200
        route.refresh_from_db()
        assert response.json()["name"] == route.name
        assert route.breakpoint_data() == b.OUT

    @pytest.mark.parametrize(
        ("path", "kwargs"),
        [
            ("auth-login", {}),
            ("auth-register", {}),
            ("team-list", {}),
        ],
    )
    def test_unparsable_json_outside_the_team_urls(self, coach_client, path, kwargs):
        error(raw(coach_client, "POST", reverse(path, kwargs=kwargs), "{"), 400, "parse_error")


# --- wrong types, missing fields and huge values, field by field -----------------------


WRONG_FIELDS = [
    # (kind, path, value, error key, message fragment)
    ("ruleset", "players_per_side", 8, "players_per_side", "less than or equal to 7"),
    ("ruleset", "players_per_side", "five", "players_per_side", "valid integer"),
    ("ruleset", "field_width", "wide", "field_width", "valid number"),
    ("ruleset", "field_width", 1e308, "field_width", "less than or equal to 80"),
    ("ruleset", "pass_clock_ms", 10**20, "pass_clock_ms", None),
    ("ruleset", "rush_delay_ms", -1, "rush_delay_ms", "greater than or equal to 0"),
    ("ruleset", "allow_motion", "perhaps", "allow_motion", "valid boolean"),
    ("ruleset", "name", None, "name", "may not be null"),
    ("player", "speed", "fast", "speed", "valid number"),
    ("player", "speed", 101, "speed", "less than or equal to 100"),
    ("player", "speed", -1, "speed", "greater than or equal to 0"),
    ("player", "speed", "1e999", "speed", "valid number"),
    ("player", "release_time_ms", 1e308, "release_time_ms", None),
    ("player", "jersey_number", 10**20, "jersey_number", None),
    ("player", "jersey_number", -1, "jersey_number", None),
    ("player", "side", None, "side", "may not be null"),
    ("player", "side", "MIDDLE", "side", "not a valid choice"),
    ("player", "role", "D1", "role", "not a offense role"),
    ("player", "name", ["a list"], "name", "Not a valid string"),
    ("player", "name", {"an": "object"}, "name", "Not a valid string"),
    ("player", "name", "x" * 100_000, "name", "no more than 120 characters"),
    ("formation", "slots", {}, "slots", "Expected a list"),
    ("formation", "slots", None, "slots", "may not be null"),
    ("formation", "slots", "QB", "slots", "Expected a list"),
    ("formation", "slots", [], "slots", "a formation has exactly 5"),
    ("formation", "slots[0]", "QB", "slots[0]", "Invalid data"),
    ("formation", "slots[0].x", "left", "slots[0].x", "valid number"),
    ("formation", "slots[0].x", None, "slots[0].x", "may not be null"),
    ("formation", "slots[2].y", 1e308, "slots[2].y", "off the field"),
    ("formation", "slots[2].x", -1e308, "slots[2].x", "off the field"),
    ("formation", "slots[2].role", "WR9", "slots[2].role", "not a role"),
    ("formation", "slots[2].role", "x" * 7, "slots[2].role", "no more than 6"),
    ("formation", "ruleset", "default", "ruleset", "a whole number"),
    ("route", "breakpoints", [], "breakpoints", "at least one breakpoint"),
    ("route", "breakpoints", {"x": 1}, "breakpoints", "Expected a list"),
    ("route", "breakpoints[0].time_ms", 1.5, "breakpoints[0].time_ms", "valid integer"),
    ("route", "breakpoints[0].time_ms", -1, "breakpoints[0].time_ms", None),
    ("route", "breakpoints[0].time_ms", 10**20, "breakpoints[0].time_ms", None),
    ("route", "breakpoints[0].time_ms", 0, "breakpoints[0].time_ms", "later than 0"),
    ("route", "breakpoints[0].x", "NaN", "breakpoints[0].x", "valid number"),
    ("route", "settle", "sometimes", "settle", "valid boolean"),
    ("play", "formation", None, "formation", "may not be null"),
    ("play", "formation", "abc", "formation", "a whole number"),
    ("play", "formation", 10**20, "formation", "No formation 1000"),
    ("play", "assignments", "all", "assignments", "Expected a list"),
    ("play", "assignments[2].role", "WR9", "assignments[2].role", "not in the formation"),
    ("play", "assignments[2].route", "slant", "assignments[2].route", "a whole number"),
    ("play", "qb_plan", "quick", "qb_plan", "Invalid data"),
    ("play", "qb_plan.progression", "WR1", "qb_plan.progression", "Expected a list"),
    ("play", "qb_plan.progression", ["WR1"] * 8, "qb_plan.progression", "no more than 7"),
    ("play", "qb_plan.max_time_to_throw_ms", 10**20, "qb_plan.max_time_to_throw_ms", None),
    ("play", "qb_plan.scramble_allowed", "maybe", "qb_plan.scramble_allowed", None),
    ("play", "motion", [], "motion", "Invalid data"),
    ("play", "motion", {"role": "WR3"}, "motion.x", "required"),
    ("play", "tags", "flood", "tags", "Expected a list"),
    ("play", "tags", [f"t{i}" for i in range(31)], "tags", "no more than 30"),
    ("play", "tags", ["x" * 41], "tags[0]", "no more than 40"),
    ("play", "tags", ["   "], "tags[0]", "may not be blank"),
    ("scenario", "defenders", [], "defenders", "a defense has exactly 5"),
    ("scenario", "defenders[0].duty", "SPY", "defenders[0].duty", "not MAN, ZONE or RUSH"),
    ("scenario", "defenders[0].x", 1e308, "defenders[0].x", "off the field"),
    ("scenario", "defenders[0].zone_radius", -1, "defenders[0].zone_radius", "0 to 20"),
    ("scenario", "defenders[4].man_target", "WR9", "defenders[4].man_target", "not an"),
    ("scenario", "defenders[0].player", "abc", "defenders[0].player", "a whole number"),
    ("scenario", "coverage", "PRESS", "coverage", "not a valid choice"),
    ("scenario", "position_jitter_yards", 1e308, "position_jitter_yards", None),
    ("scenario", "situation_tags", {"a": 1}, "situation_tags", "Expected a list"),
    ("lineup", "spots", {}, "spots", "Expected a list"),
    ("lineup", "spots[0].role", "KICKER", "spots[0].role", "not a role"),
    ("lineup", "spots[0].player", None, "spots[0].player", "may not be null"),
    ("lineup", "is_default", "yes please", "is_default", "valid boolean"),
    ("playbook", "entries", {}, "entries", "Expected a list"),
    ("playbook", "entries[0].call_number", "", "entries[0].call_number", "may not be blank"),
    ("playbook", "entries[0].call_number", "x" * 13, "entries[0].call_number", "12"),
    ("playbook", "entries[0].situations", ["NOPE"], "entries[0].situations[0]", None),
    ("playbook", "entries[0].situations", "REDZONE", "entries[0].situations", "list"),
    ("playbook", "entries[0].play", None, "entries[0].play", "may not be null"),
]


class TestWrongFields:
    @pytest.mark.parametrize(
        ("kind", "path", "value", "key", "text"),
        WRONG_FIELDS,
        ids=[f"{k}.{p}={str(v)[:12]}" for k, p, v, _, _ in WRONG_FIELDS],
    )
    def test_refused_with_the_field_named(
        self, coach_client, team, team_objects, kind, path, value, key, text
    ):
        before = counts(team)
        body = set_path(payload(kind, team_objects), path, value)
        field_error(coach_client.post(url(team, kind), body, format="json"), key, text)
        assert counts(team) == before

    @pytest.mark.parametrize("kind", KINDS)
    def test_the_valid_payload_is_accepted(self, coach_client, team, team_objects, kind):
        """The control for the table above: only the mutated field is wrong."""
        assert (
            coach_client.post(
                url(team, kind), payload(kind, team_objects), format="json"
            ).status_code
            == 201
        )

    def test_play_without_assignments_names_them(self, coach_client, team, team_objects):
        body = payload("play", team_objects)
        del body["assignments"]
        field_error(coach_client.post(url(team, "play"), body, format="json"), "assignments")

    def test_route_with_eleven_breakpoints_is_refused(self, coach_client, team, team_objects):
        points = [{"x": 1.0, "y": 0.0, "time_ms": 100 * (i + 1)} for i in range(11)]
        body = {"name": "Long", "breakpoints": points}
        field_error(
            coach_client.post(url(team, "route"), body, format="json"), "breakpoints", "at most 10"
        )

    def test_route_with_ten_thousand_breakpoints_is_refused_quickly(
        self, coach_client, team, team_objects
    ):
        points = [{"x": 1.0, "y": 0.0, "time_ms": i + 1} for i in range(10_000)]
        response = coach_client.post(url(team, "route"), {"name": "Huge", "breakpoints": points})
        field_error(response, "breakpoints", "at most 10")
        assert len(response.content) < 1000

    def test_ratings_bounds_are_inclusive(self, coach_client, team, team_objects):
        body = {**payload("player", team_objects), "speed": 100, "agility": 0}
        assert coach_client.post(url(team, "player"), body, format="json").status_code == 201

    def test_name_of_120_characters_is_the_limit(self, coach_client, team, team_objects):
        body = {**payload("route", team_objects), "name": "n" * 120}
        assert coach_client.post(url(team, "route"), body, format="json").status_code == 201
        body = {**payload("route", team_objects), "name": "m" * 121}
        field_error(coach_client.post(url(team, "route"), body, format="json"), "name", "120")

    def test_unknown_and_read_only_fields_are_ignored(
        self, coach_client, team, other_team, team_objects
    ):
        body = {
            **payload("route", team_objects),
            "team": other_team.pk,
            "id": 999_999,
            "warnings": ["fake"],
            "leg_speeds": [99],
            "created_at": "2000-01-01T00:00:00Z",
        }
        response = coach_client.post(url(team, "route"), body, format="json")
        assert response.status_code == 201
        route = Route.objects.get(pk=response.json()["id"])
        assert route.team == team
        assert route.pk != 999_999
        assert route.warnings == []
        assert route.created_at.year > 2000
        assert not Route.objects.filter(team=other_team, name=body["name"]).exists()


# --- Unicode and odd strings -----------------------------------------------------------


class TestStrings:
    @pytest.mark.parametrize("kind", KINDS)
    def test_lone_surrogate_in_a_name_is_refused(self, coach_client, team, team_objects, kind):
        text = '{"name": "bad \\ud800 name"}'
        field_error(raw(coach_client, "POST", url(team, kind), text), "name", "Surrogate")

    @pytest.mark.parametrize("kind", KINDS)
    def test_nul_in_a_name_is_refused(self, coach_client, team, team_objects, kind):
        text = '{"name": "a\\u0000b"}'
        field_error(raw(coach_client, "POST", url(team, kind), text), "name", "Null characters")

    @pytest.mark.parametrize("name", ["🏈 Flood 🔥", "Flèche ñ", "ドラッグ", "e\u0301", "Ü" * 120])
    def test_unicode_names_round_trip(self, coach_client, team, team_objects, name):
        response = coach_client.post(
            url(team, "route"), {**payload("route", team_objects), "name": name}
        )
        assert response.status_code == 201, response.json()
        fetched = coach_client.get(url(team, "route", response.json()["id"])).json()
        assert fetched["name"] == name

    @pytest.mark.parametrize("name", ["", "   ", "\u00a0\u00a0", "\t\n"])
    def test_blank_names_are_refused(self, coach_client, team, team_objects, name):
        body = {**payload("play", team_objects), "name": name}
        field_error(coach_client.post(url(team, "play"), body, format="json"), "name", "blank")

    @pytest.mark.parametrize(("tag", "text"), [("\\ud800", "Surrogate"), ("a\\u0000", "Null")])
    def test_bad_characters_in_tags_are_refused(self, coach_client, team, team_objects, tag, text):
        formation = team_objects["formation"].pk
        body = f'{{"name": "Tagged", "formation": {formation}, "tags": ["{tag}"]}}'
        field_error(raw(coach_client, "POST", url(team, "play"), body), "tags[0]", text)

    def test_tags_are_trimmed_and_deduplicated(self, coach_client, team, team_objects):
        body = {**payload("play", team_objects), "tags": [" flood ", "flood", "Flood", "x"]}
        response = coach_client.post(url(team, "play"), body, format="json")
        assert response.status_code == 201
        assert response.json()["tags"] == ["flood", "Flood", "x"]

    def test_names_are_trimmed_before_the_uniqueness_check(self, coach_client, team, team_objects):
        body = {**payload("route", team_objects), "name": f"  {team_objects['route'].name}  "}
        field_error(
            coach_client.post(url(team, "route"), body, format="json"), "name", "already exists"
        )

    def test_team_name_with_only_whitespace_is_refused(self, coach_client):
        field_error(coach_client.post(reverse("team-list"), {"name": "   "}), "name", "blank")

    def test_display_name_too_long_is_refused(self, coach_client):
        response = coach_client.patch(reverse("auth-me"), {"display_name": "d" * 151})
        field_error(response, "display_name", "150")
