"""Regressions from probing the API with bad input: wrong types, missing fields, huge
values, NaN/Infinity literals, odd Unicode, malformed bodies, other teams' ids, bad
query parameters, deletes of objects in use, double submits and garbage imports.

Each test pins behaviour that is correct today: a 4xx in the API's error shape
({"status", "code", "detail", "errors"}) naming the field, nothing of another team
visible, and nothing changed by a refused request."""

import pytest
from django.urls import reverse

from accounts.models import User
from playbook import services
from playbook.models import (
    Formation,
    Lineup,
    Play,
    Playbook,
    PlaybookEntry,
    Player,
    Route,
    Ruleset,
    Scenario,
)
from simulation.models import SimulationRun
from teams.models import Membership, Role
from tests.support import builders as b
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"  # beyond 64 bits


# --- helpers ---------------------------------------------------------------------------


def url(team, kind, pk=None, action=None, **extra):
    team_id = team if isinstance(team, int | str) else team.pk
    if pk is None:
        name = f"{kind}-{action}" if action else f"{kind}-list"
        return reverse(name, kwargs={"team_id": team_id, **extra})
    name = f"{kind}-{action}" if action else f"{kind}-detail"
    return reverse(name, kwargs={"team_id": team_id, "pk": pk, **extra})


def error(response, status, code=None):
    """The one error shape of docs/api.md; returns the parsed body."""
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) >= {"status", "code", "detail", "errors"}, body
    assert body["status"] == status
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["errors"], dict)
    if code is not None:
        assert body["code"] == code, body
    return body


def field_error(response, field, text=None):
    """A 400 whose `errors` names `field` (a flattened path such as `slots[0].x`)."""
    body = error(response, 400, "invalid")
    assert field in body["errors"], body["errors"]
    messages = body["errors"][field]
    assert messages and all(isinstance(m, str) and m for m in messages)
    if text is not None:
        assert any(text in m for m in messages), messages
    return body


def player(team, **kw):
    return Player.objects.create(
        team=team, **{"name": b.name("Player"), "side": "OFFENSE", "role": "QB", **kw}
    )


def raw(client, method, path, body, content_type="application/json"):
    return client.generic(method, path, body, content_type=content_type)


def counts(team):
    return {
        model.__name__: model.objects.filter(team=team).count()
        for model in (Ruleset, Player, Lineup, Formation, Route, Play, Scenario, Playbook)
    }


@pytest.fixture
def api(coach):
    return client_for(coach)


@pytest.fixture
def owner_api(owner):
    return client_for(owner)


@pytest.fixture
def book(team):
    """One of everything in `team`, built through the services."""
    form = b.formation(team)
    out, slant = b.route(team), b.route(team, b.SLANT)
    play = b.play(team, form=form, routes={"WR1": out, "WR2": slant})
    other_play = b.play(team, form=form, routes={"WR1": slant})
    qb = player(team)
    defender = player(team, side="DEFENSE", role="D1")
    lineup = services.lineup_write(
        team=team, data={"name": b.name("Lineup")}, spots=[{"role": "QB", "player": qb}]
    )
    playbook = services.playbook_write(
        team=team,
        data={"name": b.name("Playbook")},
        entries=[
            {"play": play, "call_number": "10", "situations": ["REDZONE"]},
            {"play": other_play, "call_number": "11", "situations": []},
        ],
    )
    return {
        "ruleset": Ruleset.objects.get(team=team, is_default=True),
        "extra_ruleset": Ruleset.objects.create(team=team, name=b.name("Rules")),
        "formation": form,
        "route": out,
        "slant": slant,
        "play": play,
        "other_play": other_play,
        "scenario": b.scenario(team),
        "player": qb,
        "defender": defender,
        "lineup": lineup,
        "playbook": playbook,
    }


@pytest.fixture
def theirs(other_team):
    """The same kinds of objects in another team, for foreign-id probes."""
    form = b.formation(other_team)
    play = b.play(other_team, form=form)
    qb = player(other_team)
    playbook = services.playbook_write(
        team=other_team,
        data={"name": b.name("Playbook")},
        entries=[{"play": play, "call_number": "1", "situations": []}],
    )
    return {
        "ruleset": Ruleset.objects.create(team=other_team, name=b.name("Rules")),
        "formation": form,
        "route": b.route(other_team),
        "play": play,
        "scenario": b.scenario(other_team),
        "player": qb,
        "defender": player(other_team, side="DEFENSE", role="D1"),
        "lineup": services.lineup_write(
            team=other_team, data={"name": b.name("Lineup")}, spots=[{"role": "QB", "player": qb}]
        ),
        "playbook": playbook,
        "entry": playbook.entries.get(),
    }


def payload(kind, book):
    """A valid create body of each kind (fresh name each call)."""
    assignments = [
        {"role": s["role"], "route": book["route"].pk if s["role"] == "WR1" else None}
        for s in b.TRIPS
    ]
    bodies = {
        "ruleset": {"field_width": 30},
        "player": {"side": "OFFENSE", "role": "WR1", "jersey_number": 7, "speed": 80},
        "formation": {"slots": [dict(s) for s in b.TRIPS]},
        "route": {"breakpoints": [dict(p) for p in b.OUT], "settle": False},
        "play": {
            "formation": book["formation"].pk,
            "assignments": assignments,
            "qb_plan": {"progression": ["WR1"], "max_time_to_throw_ms": 3000},
            "motion": None,
            "tags": ["probe"],
        },
        "scenario": {"defenders": [dict(d) for d in b.COVER2], "coverage": "ZONE"},
        "lineup": {"spots": [{"role": "QB", "player": book["player"].pk}]},
        "playbook": {"entries": [{"play": book["play"].pk, "call_number": "1"}]},
    }
    return {"name": b.name(kind.capitalize()), **bodies[kind]}


MODELS = {
    "ruleset": Ruleset,
    "player": Player,
    "formation": Formation,
    "route": Route,
    "play": Play,
    "scenario": Scenario,
    "lineup": Lineup,
    "playbook": Playbook,
}
KINDS = list(MODELS)


def set_path(body, path, value):
    """set_path(body, "slots[0].x", 1) — the same paths the API reports errors under."""
    parts = path.replace("[", ".").replace("]", "").split(".")
    target = body
    for part in parts[:-1]:
        target = target[int(part)] if part.isdigit() else target[part]
    last = parts[-1]
    target[int(last) if last.isdigit() else last] = value
    return body


# --- malformed bodies ------------------------------------------------------------------


class TestMalformedBodies:
    @pytest.mark.parametrize("kind", KINDS)
    @pytest.mark.parametrize(
        "text", ['{"name": ', '{"name": "x",}', "{'name': 'x'}", '{"name": NaN}', "[Infinity]"]
    )
    def test_unparsable_json_is_a_parse_error(self, api, team, book, kind, text):
        before = counts(team)
        body = error(raw(api, "POST", url(team, kind), text), 400, "parse_error")
        assert body["detail"].startswith("JSON parse error")
        assert counts(team) == before

    @pytest.mark.parametrize("kind", KINDS)
    @pytest.mark.parametrize("text", ["[]", "[1, 2]", '"name"', "3", "true"])
    def test_a_body_that_is_not_an_object_is_refused(self, api, team, book, kind, text):
        before = counts(team)
        body = error(raw(api, "POST", url(team, kind), text), 400, "invalid")
        assert "non_field_errors" in body["errors"]
        assert "Expected a dictionary" in body["detail"]
        assert counts(team) == before

    @pytest.mark.parametrize("kind", KINDS)
    def test_wrong_content_type_is_415(self, api, team, book, kind):
        response = raw(api, "POST", url(team, kind), '{"name": "x"}', content_type="text/plain")
        error(response, 415, "unsupported_media_type")

    @pytest.mark.parametrize("kind", KINDS)
    def test_empty_object_names_the_missing_name(self, api, team, book, kind):
        field_error(raw(api, "POST", url(team, kind), "{}"), "name", "required")

    def test_empty_patch_body_changes_nothing(self, api, team, book):
        route = book["route"]
        response = raw(api, "PATCH", url(team, "route", route.pk), "")
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
    def test_unparsable_json_outside_the_team_urls(self, api, path, kwargs):
        error(raw(api, "POST", reverse(path, kwargs=kwargs), "{"), 400, "parse_error")


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
    ("formation", "ruleset", "default", "ruleset", "Incorrect type"),
    ("route", "breakpoints", [], "breakpoints", "at least one breakpoint"),
    ("route", "breakpoints", {"x": 1}, "breakpoints", "Expected a list"),
    ("route", "breakpoints[0].time_ms", 1.5, "breakpoints[0].time_ms", "valid integer"),
    ("route", "breakpoints[0].time_ms", -1, "breakpoints[0].time_ms", None),
    ("route", "breakpoints[0].time_ms", 10**20, "breakpoints[0].time_ms", None),
    ("route", "breakpoints[0].time_ms", 0, "breakpoints[0].time_ms", "later than 0"),
    ("route", "breakpoints[0].x", "NaN", "breakpoints[0].x", "valid number"),
    ("route", "settle", "sometimes", "settle", "valid boolean"),
    ("play", "formation", None, "formation", "may not be null"),
    ("play", "formation", "abc", "formation", "Incorrect type"),
    ("play", "formation", 10**20, "formation", "does not exist"),
    ("play", "assignments", "all", "assignments", "Expected a list"),
    ("play", "assignments[2].role", "WR9", "assignments[2].role", "not in the formation"),
    ("play", "assignments[2].route", "slant", "assignments[2].route", "Incorrect type"),
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
    ("scenario", "defenders[0].player", "abc", "defenders[0].player", "Incorrect type"),
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
    def test_refused_with_the_field_named(self, api, team, book, kind, path, value, key, text):
        before = counts(team)
        body = set_path(payload(kind, book), path, value)
        field_error(api.post(url(team, kind), body, format="json"), key, text)
        assert counts(team) == before

    @pytest.mark.parametrize("kind", KINDS)
    def test_the_valid_payload_is_accepted(self, api, team, book, kind):
        """The control for the table above: only the mutated field is wrong."""
        assert api.post(url(team, kind), payload(kind, book), format="json").status_code == 201

    def test_play_without_assignments_names_them(self, api, team, book):
        body = payload("play", book)
        del body["assignments"]
        field_error(api.post(url(team, "play"), body, format="json"), "assignments")

    def test_route_with_eleven_breakpoints_is_refused(self, api, team, book):
        points = [{"x": 1.0, "y": 0.0, "time_ms": 100 * (i + 1)} for i in range(11)]
        body = {"name": "Long", "breakpoints": points}
        field_error(api.post(url(team, "route"), body, format="json"), "breakpoints", "at most 10")

    def test_route_with_ten_thousand_breakpoints_is_refused_quickly(self, api, team, book):
        points = [{"x": 1.0, "y": 0.0, "time_ms": i + 1} for i in range(10_000)]
        response = api.post(url(team, "route"), {"name": "Huge", "breakpoints": points})
        field_error(response, "breakpoints", "at most 10")
        assert len(response.content) < 1000

    def test_ratings_bounds_are_inclusive(self, api, team, book):
        body = {**payload("player", book), "speed": 100, "agility": 0}
        assert api.post(url(team, "player"), body, format="json").status_code == 201

    def test_name_of_120_characters_is_the_limit(self, api, team, book):
        body = {**payload("route", book), "name": "n" * 120}
        assert api.post(url(team, "route"), body, format="json").status_code == 201
        body = {**payload("route", book), "name": "m" * 121}
        field_error(api.post(url(team, "route"), body, format="json"), "name", "120")

    def test_unknown_and_read_only_fields_are_ignored(self, api, team, other_team, book):
        body = {
            **payload("route", book),
            "team": other_team.pk,
            "id": 999_999,
            "warnings": ["fake"],
            "leg_speeds": [99],
            "created_at": "2000-01-01T00:00:00Z",
        }
        response = api.post(url(team, "route"), body, format="json")
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
    def test_lone_surrogate_in_a_name_is_refused(self, api, team, book, kind):
        text = '{"name": "bad \\ud800 name"}'
        field_error(raw(api, "POST", url(team, kind), text), "name", "Surrogate")

    @pytest.mark.parametrize("kind", KINDS)
    def test_nul_in_a_name_is_refused(self, api, team, book, kind):
        text = '{"name": "a\\u0000b"}'
        field_error(raw(api, "POST", url(team, kind), text), "name", "Null characters")

    @pytest.mark.parametrize("name", ["🏈 Flood 🔥", "Flèche ñ", "ドラッグ", "e\u0301", "Ü" * 120])
    def test_unicode_names_round_trip(self, api, team, book, name):
        response = api.post(url(team, "route"), {**payload("route", book), "name": name})
        assert response.status_code == 201, response.json()
        fetched = api.get(url(team, "route", response.json()["id"])).json()
        assert fetched["name"] == name

    @pytest.mark.parametrize("name", ["", "   ", "\u00a0\u00a0", "\t\n"])
    def test_blank_names_are_refused(self, api, team, book, name):
        body = {**payload("play", book), "name": name}
        field_error(api.post(url(team, "play"), body, format="json"), "name", "blank")

    @pytest.mark.parametrize(("tag", "text"), [("\\ud800", "Surrogate"), ("a\\u0000", "Null")])
    def test_bad_characters_in_tags_are_refused(self, api, team, book, tag, text):
        formation = book["formation"].pk
        body = f'{{"name": "Tagged", "formation": {formation}, "tags": ["{tag}"]}}'
        field_error(raw(api, "POST", url(team, "play"), body), "tags[0]", text)

    def test_tags_are_trimmed_and_deduplicated(self, api, team, book):
        body = {**payload("play", book), "tags": [" flood ", "flood", "Flood", "x"]}
        response = api.post(url(team, "play"), body, format="json")
        assert response.status_code == 201
        assert response.json()["tags"] == ["flood", "Flood", "x"]

    def test_names_are_trimmed_before_the_uniqueness_check(self, api, team, book):
        body = {**payload("route", book), "name": f"  {book['route'].name}  "}
        field_error(api.post(url(team, "route"), body, format="json"), "name", "already exists")

    def test_team_name_with_only_whitespace_is_refused(self, api):
        field_error(api.post(reverse("team-list"), {"name": "   "}), "name", "blank")

    def test_display_name_too_long_is_refused(self, api):
        response = api.patch(reverse("auth-me"), {"display_name": "d" * 151})
        field_error(response, "display_name", "150")


# --- other teams' ids in every id field -------------------------------------------------


FOREIGN_FIELDS = [
    # (kind, path in the body, key of the other team's object)
    ("formation", "ruleset", "ruleset"),
    ("play", "formation", "formation"),
    ("play", "ruleset", "ruleset"),
    ("play", "assignments[2].route", "route"),
    ("scenario", "ruleset", "ruleset"),
    ("scenario", "defenders[0].player", "defender"),
    ("lineup", "spots[0].player", "player"),
    ("playbook", "entries[0].play", "play"),
]


class TestForeignIds:
    @pytest.mark.parametrize(("kind", "path", "key"), FOREIGN_FIELDS)
    def test_other_teams_id_is_a_400_like_a_missing_id(
        self, api, team, book, theirs, kind, path, key
    ):
        before = counts(team)
        foreign_id = theirs[key].pk
        foreign = api.post(
            url(team, kind), set_path(payload(kind, book), path, foreign_id), format="json"
        )
        missing = api.post(
            url(team, kind), set_path(payload(kind, book), path, 987_654_321), format="json"
        )
        field_error(foreign, path, "does not exist")
        field_error(missing, path, "does not exist")
        # Same message, only the echoed id differs: nothing tells the id exists elsewhere.
        assert foreign.json()["errors"][path] == [
            m.replace("987654321", str(foreign_id)) for m in missing.json()["errors"][path]
        ]
        assert counts(team) == before

    @pytest.mark.parametrize(("kind", "path", "key"), FOREIGN_FIELDS)
    def test_other_teams_id_in_a_patch_changes_nothing(
        self, api, team, book, theirs, kind, path, key
    ):
        obj = {
            "formation": book["formation"],
            "play": book["play"],
            "scenario": book["scenario"],
            "lineup": book["lineup"],
            "playbook": book["playbook"],
        }[kind]
        body = set_path(payload(kind, book), path, theirs[key].pk)
        body["name"] = "renamed"
        field_error(api.patch(url(team, kind, obj.pk), body, format="json"), path)
        obj.refresh_from_db()
        assert obj.name != "renamed"

    def test_other_teams_playbook_entry_ids(self, api, team, book, theirs):
        playbook = book["playbook"]
        order = list(playbook.entries.values_list("pk", flat=True))
        response = api.post(
            url(team, "playbook", playbook.pk, "reorder"),
            {"entries": [theirs["entry"].pk, *order[1:]]},
            format="json",
        )
        field_error(response, "entries", "List every entry")
        response = api.delete(
            url(team, "playbook", playbook.pk, "remove-entry", entry_id=theirs["entry"].pk)
        )
        error(response, 404, "not_found")
        assert PlaybookEntry.objects.filter(pk=theirs["entry"].pk).exists()
        assert list(playbook.entries.values_list("pk", flat=True)) == order

    def test_other_teams_member_id(self, owner_api, team, outsider):
        membership = Membership.objects.get(user=outsider)
        path = reverse("membership-detail", kwargs={"team_id": team.pk, "pk": membership.pk})
        error(owner_api.get(path), 404, "not_found")
        error(owner_api.patch(path, {"role": "member"}), 404, "not_found")
        error(owner_api.delete(path), 404, "not_found")
        membership.refresh_from_db()
        assert membership.role == Role.COACH

    @pytest.mark.parametrize(
        ("field", "key"),
        [
            ("plays", "play"),
            ("scenarios", "scenario"),
            ("ruleset", "ruleset"),
            ("lineup", "lineup"),
        ],
    )
    def test_other_teams_ids_in_a_simulation(self, api, team, book, theirs, field, key):
        body = {"plays": [book["play"].pk], "scenarios": [book["scenario"].pk], "episodes": 10}
        value = theirs[key].pk
        body[field] = [value] if field in ("plays", "scenarios") else value
        field_error(api.post(url(team, "simulation"), body, format="json"), field, "not exist")
        assert not SimulationRun.objects.exists()

    @pytest.mark.parametrize("param", ["formation", "route", "ruleset"])
    def test_filtering_by_another_teams_id_shows_nothing(self, api, team, book, theirs, param):
        response = api.get(url(team, "play"), {param: theirs[param].pk})
        assert response.status_code == 200
        assert response.json()["count"] == 0


# --- who may see what -------------------------------------------------------------------


def _team_urls(team, book):
    pb, play = book["playbook"], book["play"]
    entry = pb.entries.first()
    return [
        ("GET", url(team, "play")),
        ("GET", url(team, "play", play.pk)),
        ("PATCH", url(team, "play", play.pk)),
        ("DELETE", url(team, "play", play.pk)),
        ("POST", url(team, "play", play.pk, "mirror")),
        ("POST", url(team, "play", play.pk, "duplicate")),
        ("POST", url(team, "formation", book["formation"].pk, "mirror")),
        ("POST", url(team, "route", book["route"].pk, "mirror")),
        ("POST", url(team, "ruleset", book["extra_ruleset"].pk, "make-default")),
        ("POST", url(team, "lineup", action="build-default")),
        ("GET", url(team, "playbook", pb.pk, "call-sheet")),
        ("POST", url(team, "playbook", pb.pk, "add-entry")),
        ("POST", url(team, "playbook", pb.pk, "reorder")),
        ("DELETE", url(team, "playbook", pb.pk, "remove-entry", entry_id=entry.pk)),
        ("GET", reverse("team-export", kwargs={"team_id": team.pk})),
        ("POST", reverse("team-import", kwargs={"team_id": team.pk})),
        ("GET", reverse("membership-list", kwargs={"team_id": team.pk})),
        ("GET", reverse("team-detail", kwargs={"team_id": team.pk})),
        ("PATCH", reverse("team-detail", kwargs={"team_id": team.pk})),
        ("DELETE", reverse("team-detail", kwargs={"team_id": team.pk})),
        ("GET", url(team, "simulation")),
    ]


class TestIsolation:
    def test_outsider_gets_404_everywhere_and_changes_nothing(self, team, book, outsider):
        client = client_for(outsider)
        before = counts(team)
        names = {k: v.name for k, v in book.items()}
        for method, path in _team_urls(team, book):
            response = raw(client, method, path, '{"name": "hijack", "entries": []}')
            error(response, 404, "not_found")
        assert counts(team) == before
        for key, obj in book.items():
            obj.refresh_from_db()
            assert obj.name == names[key]
        assert book["playbook"].entries.count() == 2
        assert not book["extra_ruleset"].is_default

    def test_anonymous_gets_401_everywhere(self, api, team, book):
        anonymous = client_for(None)
        for method, path in _team_urls(team, book):
            error(raw(anonymous, method, path, "{}"), 401, "not_authenticated")

    @pytest.mark.parametrize("kind", KINDS)
    def test_other_teams_object_under_own_team_is_404(self, api, team, theirs, kind):
        key = {"ruleset": "ruleset"}.get(kind, kind)
        obj = theirs["defender"] if kind == "player" else theirs[key]
        path = url(team, kind, obj.pk)
        error(api.get(path), 404, "not_found")
        error(api.patch(path, {"name": "hijack"}), 404, "not_found")
        error(api.delete(path + "?force=true"), 404, "not_found")
        obj.refresh_from_db()
        assert obj.name != "hijack"

    def test_member_writes_are_403_and_change_nothing(self, team, book, member):
        client = client_for(member)
        play = book["play"]
        error(client.patch(url(team, "play", play.pk), {"name": "x"}), 403, "permission_denied")
        error(client.delete(url(team, "play", play.pk)), 403, "permission_denied")
        error(client.post(url(team, "play", play.pk, "mirror")), 403, "permission_denied")
        response = client.post(reverse("team-import", kwargs={"team_id": team.pk}), {"plays": []})
        error(response, 403, "permission_denied")
        play.refresh_from_db()
        assert Play.objects.filter(team=team).count() == 2
        assert client.get(reverse("team-export", kwargs={"team_id": team.pk})).status_code == 200

    def test_coach_cannot_manage_members_or_the_team(self, api, team, owner, user):
        members = reverse("membership-list", kwargs={"team_id": team.pk})
        error(api.post(members, {"email": user.email, "role": "owner"}), 403)
        owner_membership = Membership.objects.get(user=owner)
        path = reverse("membership-detail", kwargs={"team_id": team.pk, "pk": owner_membership.pk})
        error(api.patch(path, {"role": "member"}), 403)
        error(api.delete(path), 403)
        detail = reverse("team-detail", kwargs={"team_id": team.pk})
        error(api.patch(detail, {"name": "hijack"}), 403)
        error(api.delete(detail), 403)
        team.refresh_from_db()
        assert team.name != "hijack"
        assert not Membership.objects.filter(user=user).exists()


# --- ids in URLs ----------------------------------------------------------------------


class TestUrlIds:
    @pytest.mark.parametrize("kind", KINDS)
    @pytest.mark.parametrize("pk", ["abc", "0", "-1", "1.5", "1e3", HUGE, "9223372036854775808"])
    def test_bad_object_ids_are_json_404(self, api, team, book, kind, pk):
        path = f"/api/teams/{team.pk}/{kind}s/{pk}/"
        error(api.get(path), 404, "not_found")
        error(api.patch(path, {"name": "x"}), 404, "not_found")
        error(api.delete(path), 404, "not_found")

    @pytest.mark.parametrize("entry_id", ["0", HUGE, "9223372036854775808"])
    def test_bad_entry_ids_are_json_404(self, api, team, book, entry_id):
        playbook = book["playbook"]
        path = f"/api/teams/{team.pk}/playbooks/{playbook.pk}/entries/{entry_id}/"
        error(api.delete(path), 404, "not_found")
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
    def test_unknown_api_urls_answer_in_the_error_shape(self, api, path):
        # Under the test (= production-like, DEBUG off) settings.
        error(api.get(path), 404, "not_found")

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
    def test_wrong_methods_are_405(self, api, team, method, name, kwargs):
        path = reverse(name, kwargs={"team_id": team.pk} if kwargs else {})
        error(raw(api, method, path, "{}"), 405, "method_not_allowed")


# --- query parameters ------------------------------------------------------------------


class TestQueryParameters:
    @pytest.mark.parametrize("page", ["0", "-1", "abc", "1.5", "999", HUGE])
    @pytest.mark.parametrize("kind", ["play", "route", "player", "playbook"])
    def test_bad_page_is_json_404(self, api, team, book, kind, page):
        body = error(api.get(url(team, kind), {"page": page}), 404, "not_found")
        assert body["detail"] == "Invalid page."

    @pytest.mark.parametrize("size", ["0", "-5", "abc", HUGE])
    def test_bad_page_size_falls_back_to_the_default(self, api, team, book, size):
        response = api.get(url(team, "route"), {"page_size": size})
        assert response.status_code == 200
        assert len(response.json()["results"]) == response.json()["count"] == 2

    def test_page_size_is_honoured(self, api, team, book):
        body = api.get(url(team, "route"), {"page_size": 1}).json()
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
    def test_invalid_filter_values_are_400(self, api, team, book, kind, params, field):
        field_error(api.get(url(team, kind), params), field)

    def test_invalid_member_role_filter_is_400(self, api, team):
        response = api.get(reverse("membership-list", kwargs={"team_id": team.pk}), {"role": "x"})
        field_error(response, "role")

    @pytest.mark.parametrize("kind", ["play", "route", "player", "formation", "playbook"])
    def test_search_with_nul_is_400(self, api, team, book, kind):
        body = error(api.get(url(team, kind), {"search": "a\x00b"}), 400, "invalid")
        assert "Null characters" in body["detail"]

    @pytest.mark.parametrize("text", ["%", "_", "'\"", "\\", "🏈", "a" * 5000])
    def test_odd_search_text_is_harmless(self, api, team, book, text):
        for params in ({"search": text}, {"q": text}, {"tag": text}):
            response = api.get(url(team, "play"), params)
            assert response.status_code == 200
            assert response.json()["count"] == 0

    def test_valid_filters_still_work(self, api, team, book):
        assert api.get(url(team, "play"), {"situation": "REDZONE"}).json()["count"] == 1
        assert api.get(url(team, "play"), {"route": book["route"].pk}).json()["count"] == 1
        assert api.get(url(team, "player"), {"side": "DEFENSE"}).json()["count"] == 1


# --- deleting things in use -------------------------------------------------------------


class TestDeleteInUse:
    def test_route_used_by_a_play_is_409_with_used_by(self, api, team, book):
        route, play = book["route"], book["play"]
        body = error(api.delete(url(team, "route", route.pk)), 409, "in_use")
        assert body["used_by"] == [{"kind": "play", "id": play.pk, "name": play.name}]
        assert play.name in body["detail"] and "?force=true" in body["detail"]
        assert Route.objects.filter(pk=route.pk).exists()
        assert Play.objects.filter(pk=play.pk).exists()

    @pytest.mark.parametrize("force", ["false", "0", "no", "", "maybe"])
    def test_anything_but_a_yes_is_not_force(self, api, team, book, force):
        formation = book["formation"]
        error(api.delete(url(team, "formation", formation.pk) + f"?force={force}"), 409)
        assert Formation.objects.filter(pk=formation.pk).exists()
        assert Play.objects.filter(team=team).count() == 2

    def test_forced_play_delete_leaves_the_playbook(self, api, team, book):
        play, playbook = book["play"], book["playbook"]
        error(api.delete(url(team, "play", play.pk)), 409, "in_use")
        assert playbook.entries.count() == 2
        response = api.delete(url(team, "play", play.pk) + "?force=true")
        assert response.status_code == 200
        assert f"play '{play.name}'" in response.json()["deleted"]
        assert not Play.objects.filter(pk=play.pk).exists()
        assert Playbook.objects.filter(pk=playbook.pk).exists()
        assert list(playbook.entries.values_list("call_number", flat=True)) == ["11"]

    def test_forced_player_delete_removes_only_the_lineup_spot(self, api, team, book):
        qb, lineup = book["player"], book["lineup"]
        error(api.delete(url(team, "player", qb.pk)), 409, "in_use")
        assert lineup.spots.count() == 1
        response = api.delete(url(team, "player", qb.pk) + "?force=true")
        assert response.status_code == 200
        assert Lineup.objects.filter(pk=lineup.pk).exists()
        assert lineup.spots.count() == 0

    @pytest.mark.parametrize("suffix", ["", "?force=true"])
    def test_default_ruleset_cannot_be_deleted(self, api, team, book, suffix):
        ruleset = book["ruleset"]
        response = api.delete(url(team, "ruleset", ruleset.pk) + suffix)
        field_error(response, "is_default", "cannot be deleted")
        assert Ruleset.objects.filter(pk=ruleset.pk, is_default=True).exists()

    def test_unused_object_delete_is_204_then_404(self, api, team, book):
        scenario = book["scenario"]
        assert api.delete(url(team, "scenario", scenario.pk)).status_code == 204
        error(api.delete(url(team, "scenario", scenario.pk)), 404, "not_found")


# --- PUT versus PATCH ------------------------------------------------------------------


class TestPutAndPatch:
    def test_put_without_rows_is_refused_and_changes_nothing(self, api, team, book):
        formation = book["formation"]
        response = api.put(url(team, "formation", formation.pk), {"name": "Renamed"})
        field_error(response, "slots", "required")
        formation.refresh_from_db()
        assert formation.name != "Renamed"

    def test_put_play_without_formation_names_it(self, api, team, book):
        response = api.put(url(team, "play", book["play"].pk), {"name": "Renamed"})
        field_error(response, "formation", "required")

    def test_patch_without_rows_keeps_them(self, api, team, book):
        formation = book["formation"]
        response = api.patch(url(team, "formation", formation.pk), {"name": "Renamed"})
        assert response.status_code == 200
        assert response.json()["slots"] == [dict(s) for s in b.TRIPS]

    @pytest.mark.parametrize(
        ("kind", "key", "field"),
        [
            ("formation", "formation", "slots"),
            ("route", "route", "breakpoints"),
            ("play", "play", "assignments"),
            ("play", "play", "qb_plan"),
            ("play", "play", "tags"),
            ("scenario", "scenario", "defenders"),
            ("lineup", "lineup", "spots"),
            ("playbook", "playbook", "entries"),
            ("player", "player", "side"),
        ],
    )
    def test_patch_null_rows_is_refused(self, api, team, book, kind, key, field):
        obj = book[key]
        response = api.patch(url(team, kind, obj.pk), {"name": "Renamed", field: None})
        field_error(response, field, "may not be null")
        obj.refresh_from_db()
        assert obj.name != "Renamed"

    def test_refused_patch_does_not_keep_the_valid_part(self, api, team, book):
        play = book["play"]
        body = {"name": "Renamed", "qb_plan": {"max_time_to_throw_ms": 10}}
        found = error(api.patch(url(team, "play", play.pk), body), 400, "invalid")["errors"]
        assert [k for k in found if k.endswith("max_time_to_throw_ms")], found
        play.refresh_from_db()
        assert play.name != "Renamed"
        assert play.max_time_to_throw_ms == 3000

    def test_patch_motion_null_clears_it(self, api, team, book):
        play = book["play"]
        motion = {"role": "WR3", "x": 0.0, "y": 2.0, "duration_ms": 800}
        assert api.patch(url(team, "play", play.pk), {"motion": motion}).status_code == 200
        response = api.patch(url(team, "play", play.pk), {"motion": None})
        assert response.status_code == 200
        assert response.json()["motion"] is None

    def test_patch_with_player_role_of_the_other_side(self, api, team, book):
        qb = book["player"]
        field_error(api.patch(url(team, "player", qb.pk), {"side": "DEFENSE"}), "role")
        qb.refresh_from_db()
        assert qb.side == "OFFENSE"

    def test_is_default_is_read_only_on_rulesets(self, api, team, book):
        extra = book["extra_ruleset"]
        response = api.patch(url(team, "ruleset", extra.pk), {"is_default": True})
        assert response.status_code == 200
        assert response.json()["is_default"] is False
        assert Ruleset.objects.get(team=team, is_default=True) == book["ruleset"]

    @pytest.mark.parametrize(
        ("change", "text"),
        [
            ({"players_per_side": 7}, "a formation has exactly 7"),
            ({"field_width": 10}, "off the field"),
            ({"pass_clock_ms": 1000}, "pass clock"),
        ],
    )
    def test_ruleset_change_that_breaks_users_is_refused(self, api, team, book, change, text):
        ruleset = book["ruleset"]
        response = api.patch(url(team, "ruleset", ruleset.pk), {**change, "name": "Renamed"})
        body = field_error(response, "non_field_errors", "would break")
        assert any(text in m for m in body["errors"]["non_field_errors"])
        ruleset.refresh_from_db()
        assert ruleset.name == "NFL FLAG 5v5"
        assert (ruleset.players_per_side, ruleset.field_width, ruleset.pass_clock_ms) == (
            5,
            30.0,
            7000,
        )


# --- playbook entries -------------------------------------------------------------------


class TestPlaybookEntries:
    @pytest.mark.parametrize("position", ["1", -1, True, 1.5, None, [0], {"at": 0}])
    def test_bad_position_is_refused(self, api, team, book, position):
        playbook = book["playbook"]
        new = b.play(team, form=book["formation"], routes={"WR1": book["route"]})
        body = {"play": new.pk, "call_number": "99", "position": position}
        response = api.post(url(team, "playbook", playbook.pk, "add-entry"), body, format="json")
        field_error(response, "position", "whole number")
        assert playbook.entries.count() == 2

    def test_position_past_the_end_appends(self, api, team, book):
        playbook = book["playbook"]
        new = b.play(team, form=book["formation"], routes={"WR1": book["route"]})
        body = {"play": new.pk, "call_number": "99", "position": 50}
        response = api.post(url(team, "playbook", playbook.pk, "add-entry"), body, format="json")
        assert response.status_code == 201
        assert [e["call_number"] for e in response.json()["entries"]] == ["10", "11", "99"]

    @pytest.mark.parametrize(
        ("body", "field", "text"),
        [
            ({"call_number": "12"}, "entries[2].play", "already in the playbook"),
            ({"call_number": " 10 "}, "entries[2].call_number", "already used"),
            ({"call_number": "x" * 13}, "call_number", "12 characters"),
            ({"call_number": "12", "situations": ["NOPE"]}, "situations[0]", "valid choice"),
            ({"call_number": "12", "situations": ["REDZONE"] * 8}, "situations", "7"),
            ({"call_number": "   "}, "call_number", "blank"),
        ],
    )
    def test_bad_entry_is_refused(self, api, team, book, body, field, text):
        playbook = book["playbook"]
        body = {"play": book["play"].pk, **body}
        response = api.post(url(team, "playbook", playbook.pk, "add-entry"), body, format="json")
        field_error(response, field, text)
        assert playbook.entries.count() == 2

    def test_entry_body_must_be_an_object(self, api, team, book):
        playbook = book["playbook"]
        response = api.post(
            url(team, "playbook", playbook.pk, "add-entry"),
            [{"play": book["play"].pk, "call_number": "1"}],
            format="json",
        )
        field_error(response, "non_field_errors", "Expected a dictionary")

    @pytest.mark.parametrize(
        "entries",
        [[], "all", None, [True, False], [1.5], "dupes", "missing", "unknown"],
    )
    def test_bad_reorder_is_refused(self, api, team, book, entries):
        playbook = book["playbook"]
        order = list(playbook.entries.values_list("pk", flat=True))
        entries = (
            {
                "dupes": [*order, order[0]],
                "missing": order[:1],
                "unknown": [*reversed(order), 987_654_321],
            }.get(entries, entries)
            if isinstance(entries, str)
            else entries
        )
        response = api.post(
            url(team, "playbook", playbook.pk, "reorder"), {"entries": entries}, format="json"
        )
        body = error(response, 400, "invalid")
        assert any(key.startswith("entries") for key in body["errors"]), body
        assert list(playbook.entries.values_list("pk", flat=True)) == order

    def test_reorder_accepts_numeric_strings(self, api, team, book):
        playbook = book["playbook"]
        order = [str(pk) for pk in playbook.entries.values_list("pk", flat=True)]
        response = api.post(
            url(team, "playbook", playbook.pk, "reorder"),
            {"entries": list(reversed(order))},
            format="json",
        )
        assert response.status_code == 200
        assert [e["call_number"] for e in response.json()["entries"]] == ["11", "10"]

    def test_removing_an_entry_twice_and_from_another_playbook(self, api, team, book):
        playbook = book["playbook"]
        other = services.playbook_write(team=team, data={"name": "Other"}, entries=[])
        entry = playbook.entries.first()
        path = url(team, "playbook", other.pk, "remove-entry", entry_id=entry.pk)
        error(api.delete(path), 404, "not_found")
        path = url(team, "playbook", playbook.pk, "remove-entry", entry_id=entry.pk)
        assert api.delete(path).status_code == 200
        error(api.delete(path), 404, "not_found")
        assert playbook.entries.count() == 1

    def test_duplicate_rows_in_a_patch_are_refused(self, api, team, book):
        playbook = book["playbook"]
        play = book["play"].pk
        entries = [{"play": play, "call_number": "1"}, {"play": play, "call_number": "2"}]
        response = api.patch(url(team, "playbook", playbook.pk), {"entries": entries})
        field_error(response, "entries[1].play", "already in the playbook")
        assert playbook.entries.count() == 2


# --- members and teams ------------------------------------------------------------------


class TestMembersAndTeams:
    def members(self, team):
        return reverse("membership-list", kwargs={"team_id": team.pk})

    def test_last_owner_can_be_neither_demoted_nor_removed(self, owner_api, team, owner):
        membership = Membership.objects.get(user=owner)
        path = reverse("membership-detail", kwargs={"team_id": team.pk, "pk": membership.pk})
        field_error(owner_api.patch(path, {"role": "coach"}), "role", "last owner")
        body = error(owner_api.delete(path), 400, "invalid")
        assert "last owner" in body["detail"]
        membership.refresh_from_db()
        assert membership.role == Role.OWNER

    def invitations(self, team):
        return reverse("invitation-list", kwargs={"team_id": team.pk})

    def test_unknown_emails_are_invited_like_known_ones(self, owner_api, team):
        # Adding by email used to answer "register first" for an unknown address (an
        # account oracle); people join by invitation now, whatever the address.
        response = owner_api.post(self.invitations(team), {"email": "nobody@example.com"})
        assert response.status_code == 201
        assert owner_api.post(self.members(team), {"email": "x@example.com"}).status_code == 405

    @pytest.mark.parametrize(
        ("body", "field", "text"),
        [
            ({"email": "not an email"}, "email", "valid email"),
            ({"email": None}, "email", "may not be null"),
            ({"role": "owner"}, "email", "required"),
            ({"email": "EXISTING", "role": "captain"}, "role", "valid choice"),
            ({"email": "EXISTING", "role": ["owner"]}, "role", "valid choice"),
        ],
    )
    def test_bad_member_additions(self, owner_api, team, user, body, field, text):
        if body.get("email") == "EXISTING":
            body = {**body, "email": user.email}
        field_error(owner_api.post(self.invitations(team), body, format="json"), field, text)
        assert not Membership.objects.filter(user=user).exists()

    def test_adding_a_member_twice_in_any_case_is_refused(self, owner_api, team, user):
        response = owner_api.post(self.invitations(team), {"email": user.email, "role": "member"})
        assert response.status_code == 201
        accepted = client_for(user).post(f"/api/invitations/{response.json()['id']}/accept/")
        assert accepted.status_code == 200
        response = owner_api.post(self.invitations(team), {"email": user.email.upper()})
        field_error(response, "email", "already a member")
        assert Membership.objects.filter(user=user, team=team).count() == 1

    def test_member_may_leave(self, team, member):
        membership = Membership.objects.get(user=member)
        path = reverse("membership-detail", kwargs={"team_id": team.pk, "pk": membership.pk})
        assert client_for(member).delete(path).status_code == 204

    @pytest.mark.parametrize(
        ("body", "field", "text"),
        [
            ({"name": "T", "slug": "Bad Slug!"}, "slug", "valid"),
            ({"name": "T", "slug": ""}, "slug", "blank"),
            ({"name": "T", "slug": "s" * 61}, "slug", "60"),
            ({"name": "T", "slug": None}, "slug", "null"),
            ({"name": "n" * 121}, "name", "120"),
            ({"slug": "only-slug"}, "name", "required"),
        ],
    )
    def test_bad_team_bodies(self, api, body, field, text):
        field_error(api.post(reverse("team-list"), body, format="json"), field, text)

    def test_taken_slug_suggests_another(self, api, team):
        response = api.post(reverse("team-list"), {"name": "T", "slug": team.slug})
        field_error(response, "slug", f"try '{team.slug}-2'")

    def test_creating_teams_with_the_same_name_gets_distinct_slugs(self, api):
        first = api.post(reverse("team-list"), {"name": "Tigers"}).json()
        second = api.post(reverse("team-list"), {"name": "Tigers"}).json()
        assert (first["slug"], second["slug"]) == ("tigers", "tigers-2")
        assert first["role"] == second["role"] == "owner"


# --- auth ---------------------------------------------------------------------------------


class TestAuth:
    def test_wrong_password_and_unknown_email_look_the_same(self, api, user):
        login = reverse("auth-login")
        wrong = api.post(login, {"email": user.email, "password": "wrong-password"})
        unknown = api.post(login, {"email": "nobody@example.com", "password": "wrong-password"})
        assert error(wrong, 401) == error(unknown, 401)

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"email": None, "password": "x"}, "email"),
            ({"email": {}, "password": "x"}, "email"),
            ({"email": "a@example.com", "password": ["x"]}, "password"),
            ({"email": "a@example.com"}, "password"),
        ],
    )
    def test_login_with_wrong_types(self, api, body, field):
        field_error(api.post(reverse("auth-login"), body, format="json"), field)

    @pytest.mark.parametrize(
        ("body", "status", "code"),
        [
            ({"refresh": "garbage"}, 401, "token_not_valid"),
            ({"refresh": 123}, 401, "token_not_valid"),
            ({"refresh": ""}, 400, "invalid"),
            ({"refresh": None}, 400, "invalid"),
            ({"refresh": ["x"]}, 400, "invalid"),
            ({}, 400, "invalid"),
        ],
    )
    @pytest.mark.parametrize("endpoint", ["auth-refresh", "auth-logout"])
    def test_bad_refresh_tokens(self, api, endpoint, body, status, code):
        error(api.post(reverse(endpoint), body, format="json"), status, code)

    def test_access_token_is_not_a_refresh_token(self, api, user):
        tokens = api.post(
            reverse("auth-login"), {"email": user.email, "password": "s3cret-pass-123"}
        ).json()
        body = error(api.post(reverse("auth-refresh"), {"refresh": tokens["access"]}), 401)
        assert body["code"] == "token_not_valid"
        assert "wrong type" in body["detail"]

    @pytest.mark.parametrize(
        ("body", "field", "text"),
        [
            ({"email": "EXISTING", "password": "a-long-passphrase"}, "email", "already exists"),
            ({"email": "x" * 250 + "@example.com", "password": "a-long-pass"}, "email", "254"),
            ({"email": "nope", "password": "a-long-passphrase"}, "email", "valid email"),
            ({"email": "new@example.com", "password": "12345678901"}, "password", "numeric"),
            ({"email": "new@example.com", "password": "short"}, "password", "too short"),
            ({"email": "new@example.com", "password": None}, "password", "null"),
        ],
    )
    def test_bad_registrations(self, api, user, body, field, text):
        if body["email"] == "EXISTING":
            body = {**body, "email": f"  {user.email.upper()} "}
        field_error(api.post(reverse("auth-register"), body, format="json"), field, text)
        assert not User.objects.filter(email="new@example.com").exists()

    def test_register_cannot_make_staff(self, api):
        body = {
            "email": "new@example.com",
            "password": "a-long-passphrase",
            "is_staff": True,
            "is_superuser": True,
        }
        assert api.post(reverse("auth-register"), body).status_code == 201
        created = User.objects.get(email="new@example.com")
        assert not created.is_staff and not created.is_superuser

    def test_me_ignores_privilege_fields(self, api, coach):
        body = {"is_staff": True, "is_superuser": True, "id": 999, "display_name": "Still me"}
        response = api.patch(reverse("auth-me"), body)
        assert response.status_code == 200
        coach.refresh_from_db()
        assert not coach.is_staff and not coach.is_superuser
        assert response.json()["id"] == coach.pk

    @pytest.mark.parametrize(
        ("body", "text"),
        [({"email": ""}, "blank"), ({"email": None}, "null"), ({"email": "nope"}, "valid")],
    )
    def test_me_bad_email(self, api, coach, body, text):
        field_error(api.patch(reverse("auth-me"), body, format="json"), "email", text)
        coach.refresh_from_db()
        assert "@" in coach.email

    def test_me_email_of_someone_else_in_another_case(self, api, user):
        response = api.patch(reverse("auth-me"), {"email": user.email.upper()})
        field_error(response, "email", "already exists")

    def test_put_me_needs_the_email(self, api):
        field_error(api.put(reverse("auth-me"), {"display_name": "x"}), "email", "required")

    @pytest.mark.parametrize(
        ("header", "code"),
        [
            ("Bearer garbage", "token_not_valid"),
            ("Bearer a.b.c", "token_not_valid"),
            ("Bearer a b", "bad_authorization_header"),
            ("Bearer " + "x" * 10_000, "token_not_valid"),
        ],
    )
    def test_bad_authorization_headers(self, header, code):
        client = client_for(None)
        error(client.get(reverse("auth-me"), HTTP_AUTHORIZATION=header), 401, code)


# --- the import endpoint -----------------------------------------------------------------


class TestImport:
    def path(self, team, dry_run=False):
        path = reverse("team-import", kwargs={"team_id": team.pk})
        return path + "?dry_run=true" if dry_run else path

    @pytest.mark.parametrize(
        ("text", "key", "fragment"),
        [
            ("[]", "body", "empty"),
            ("{}", "body", "empty"),
            ("0", "body", "empty"),
            ("null", "body", "empty"),
            ('"plays"', "body", "top level must be"),
            ("[1, 2]", "body", "cannot tell what kind"),
            ('{"nope": []}', "body", "top level must be"),
            ('{"plays": [], "nope": []}', "body", "unknown kind 'nope'"),
            ('{"plays": {}}', "plays", "expected a list of plays"),
            ('{"plays": [1]}', "plays[0]", "expected a play object"),
            ('{"plays": [null]}', "plays[0]", "expected a play object"),
            ('{"routes": [{"id": 1, "name": "r", "breakpoints": []}]}', "routes[0]: id", "text"),
            (
                '{"routes": [{"id": "r", "name": "r", "breakpoints": "abc"}]}',
                "routes[0] (r): breakpoints",
                "expected a list",
            ),
            (
                '{"players": [{"id": "p", "name": "P", "side": "OFFENSE", "role": "QB", '
                '"attributes": {"speed": "fast"}}]}',
                "players[0] (p): attributes.speed",
                "expected a number",
            ),
            (
                '{"rules": [{"id": "r", "name": "R", "players_per_side": "abc"}]}',
                "rules[0] (r): players_per_side",
                "expected a number",
            ),
        ],
    )
    def test_garbage_bodies_are_refused_and_write_nothing(self, api, team, text, key, fragment):
        before = counts(team)
        body = error(raw(api, "POST", self.path(team), text), 400, "invalid")
        assert body["detail"].startswith("Import refused, nothing was written")
        assert key in body["errors"], body["errors"]
        assert any(fragment in m for m in body["errors"][key]), body["errors"][key]
        assert counts(team) == before

    def test_nan_literal_in_a_body_is_a_parse_error(self, api, team):
        error(raw(api, "POST", self.path(team), '{"routes": [NaN]}'), 400, "parse_error")

    @pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
    def test_other_content_types_are_415(self, api, team, content_type):
        response = raw(api, "POST", self.path(team), "plays=1", content_type=content_type)
        error(response, 415, "unsupported_media_type")

    @pytest.mark.parametrize(
        ("name", "content", "fragment"),
        [
            ("plays.json", b"\xff\xfe\x00garbage", "not UTF-8"),
            ("plays.json", b"", "not valid JSON"),
            ("plays.json", b"[NaN]", "NaN is not a number"),
            ("plays.json", b'{"plays": [', "not valid JSON"),
            (
                "plays.json",
                b'[{"id": "r", "name": "r", "breakpoints": []}]',
                "holds routes",
            ),
            ("x.bin", bytes(range(256)), "not UTF-8"),
        ],
    )
    def test_garbage_files_are_refused(self, api, team, name, content, fragment):
        from django.core.files.uploadedfile import SimpleUploadedFile

        before = counts(team)
        upload = SimpleUploadedFile(name, content, content_type="application/json")
        response = api.post(self.path(team), {"files": [upload]}, format="multipart")
        body = error(response, 400, "invalid")
        assert any(fragment in m for m in body["errors"][name]), body["errors"]
        assert counts(team) == before

    def test_a_text_field_instead_of_a_file(self, api, team):
        response = api.post(self.path(team), {"plays": "[]"}, format="multipart")
        field_error(response, "plays", "expected a list of plays")

    def test_oversized_body_and_file_are_refused(self, api, team, monkeypatch):
        from django.core.files.uploadedfile import SimpleUploadedFile

        monkeypatch.setattr("playbook.interchange.sources.MAX_FILE_BYTES", 100)
        text = '{"routes": []}' + " " * 200
        body = error(raw(api, "POST", self.path(team), text), 400, "invalid")
        assert "are refused" in body["errors"]["body"][0]
        upload = SimpleUploadedFile("routes.json", text.encode(), content_type="application/json")
        response = api.post(self.path(team), {"files": [upload]}, format="multipart")
        assert "are refused" in error(response, 400)["errors"]["routes.json"][0]

    def test_all_or_nothing(self, api, team):
        before = counts(team)
        good = {
            "id": "good",
            "name": "Good",
            "breakpoints": [{"x_yards": 2, "y_yards": 0, "time_ms": 400}],
        }
        bad = {
            "id": "bad",
            "name": "Bad",
            "breakpoints": [{"x_yards": 2, "y_yards": 0, "time_ms": 0}],
        }
        player_row = {"id": "p", "name": "P", "side": "OFFENSE", "role": "QB"}
        response = api.post(
            self.path(team), {"routes": [good, bad], "players": [player_row]}, format="json"
        )
        field_error(response, "routes[1] (bad): breakpoints[0].time_ms", "later than 0")
        assert counts(team) == before

    def test_dry_run_writes_nothing_and_a_second_import_changes_nothing(self, api, team):
        route = {
            "id": "r",
            "name": "R",
            "breakpoints": [{"x_yards": 2, "y_yards": 0, "time_ms": 400}],
        }
        body = {"routes": [route]}
        response = api.post(self.path(team, dry_run=True), body, format="json")
        assert response.status_code == 200
        assert response.json()["kinds"]["routes"]["created"] == 1
        assert not Route.objects.filter(team=team).exists()
        assert api.post(self.path(team), body, format="json").status_code == 201
        again = api.post(self.path(team), body, format="json")
        assert again.status_code == 200
        assert again.json()["kinds"]["routes"] == {
            "created": 0,
            "updated": 0,
            "unchanged": 1,
            "warnings": [],
        }

    def test_same_id_twice_with_different_content_is_a_conflict(self, api, team):
        point = [{"x_yards": 2, "y_yards": 0, "time_ms": 400}]
        routes = [
            {"id": "dup", "name": "A", "breakpoints": point},
            {"id": "dup", "name": "B", "breakpoints": point},
        ]
        field_error(api.post(self.path(team), {"routes": routes}), "routes[1] (dup): id", "differ")
        assert not Route.objects.filter(team=team).exists()

    def test_name_taken_by_another_id_is_refused_when_conflicts_fail(self, api, team):
        taken = b.route(team, external_id="route_taken")
        route = {
            "id": "new_id",
            "name": taken.name,
            "breakpoints": [{"x_yards": 2, "y_yards": 0, "time_ms": 400}],
        }
        response = api.post(f"{self.path(team)}?on_conflict=fail", {"routes": [route]})
        field_error(response, "routes[0] (new_id): name", "already the name")


# --- double submits ---------------------------------------------------------------------


class TestDoubleSubmits:
    @pytest.mark.parametrize("kind", KINDS)
    def test_second_create_with_the_same_name_is_refused(self, api, team, book, kind):
        body = payload(kind, book)
        if kind == "playbook":
            body["entries"] = []
        assert api.post(url(team, kind), body, format="json").status_code == 201
        before = counts(team)
        field_error(api.post(url(team, kind), body, format="json"), "name", "already exists")
        assert counts(team) == before

    def test_same_external_id_is_refused(self, api, team, book):
        body = {**payload("route", book), "external_id": "route_x"}
        assert api.post(url(team, "route"), body, format="json").status_code == 201
        body = {**payload("route", book), "external_id": "route_x"}
        field_error(api.post(url(team, "route"), body, format="json"), "external_id")

    def test_duplicate_twice_numbers_the_copies(self, api, team, book):
        play = book["play"]
        path = url(team, "play", play.pk, "duplicate")
        names = [api.post(path).json()["name"] for _ in range(2)]
        assert names == [f"{play.name} (copy)", f"{play.name} (copy 2)"]

    def test_mirror_twice_reuses_the_mirror(self, api, team, book):
        path = url(team, "formation", book["formation"].pk, "mirror")
        first, second = api.post(path).json(), api.post(path).json()
        assert first["id"] == second["id"]
        assert Formation.objects.filter(team=team).count() == 2

    def test_make_default_twice_is_idempotent(self, api, team, book):
        extra = book["extra_ruleset"]
        path = url(team, "ruleset", extra.pk, "make-default")
        assert api.post(path).status_code == api.post(path).status_code == 200
        assert list(Ruleset.objects.filter(team=team, is_default=True)) == [extra]

    def test_register_twice_is_refused(self, api):
        body = {"email": "twice@example.com", "password": "a-long-passphrase"}
        assert api.post(reverse("auth-register"), body).status_code == 201
        field_error(api.post(reverse("auth-register"), body), "email", "already exists")


# --- simulations ------------------------------------------------------------------------


class TestSimulationInput:
    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"plays": []}, "plays"),
            ({"plays": None}, "plays"),
            ({"plays": "abc"}, "plays"),
            ({"plays": [10**20]}, "plays"),
            ({"scenarios": [987_654_321]}, "scenarios"),
            ({"episodes": 0}, "episodes"),
            ({"episodes": 10**20}, "episodes"),
            ({"episodes": "many"}, "episodes"),
            ({"episodes": 1.5}, "episodes"),
            ({"seed": -1}, "seed"),
            ({"seed": 2**63}, "seed"),
            ({"traces": 21}, "traces"),
            ({"situation": None}, "situation"),
            ({"situation": "3rd and long"}, "situation"),
            ({"situation": {"down": 0}}, "situation.down"),
            ({"situation": {"down": 10**20}}, "situation.down"),
            ({"situation": {"yardline": 1e308}}, "situation.yardline"),
            ({"situation": {"yardline": -1}}, "situation.yardline"),
            ({"situation": {"distance": 0}}, "situation.distance"),
        ],
    )
    def test_bad_runs_are_refused_before_anything_runs(self, api, team, book, change, field):
        body = {"plays": [book["play"].pk], "scenarios": [book["scenario"].pk], "episodes": 10}
        response = api.post(url(team, "simulation"), {**body, **change}, format="json")
        field_error(response, field)
        assert not SimulationRun.objects.exists()

    @pytest.mark.parametrize("pk", ["abc", HUGE, "0"])
    def test_bad_run_ids_are_404(self, api, team, pk):
        error(api.get(f"/api/teams/{team.pk}/simulations/{pk}/"), 404, "not_found")
        error(api.post(f"/api/teams/{team.pk}/simulations/{pk}/cancel/"), 404, "not_found")

    def test_member_cannot_start_a_run(self, team, book, member):
        body = {"plays": [book["play"].pk], "scenarios": [book["scenario"].pk], "episodes": 10}
        response = client_for(member).post(url(team, "simulation"), body, format="json")
        error(response, 403, "permission_denied")
        assert not SimulationRun.objects.exists()
