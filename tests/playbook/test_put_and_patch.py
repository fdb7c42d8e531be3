"""PUT replaces (every field required), PATCH changes what it names."""

import pytest

from playbook.models import (
    Ruleset,
)
from tests.support import builders as b
from tests.support.probe import error, field_error, url

pytestmark = pytest.mark.django_db


# --- PUT versus PATCH ------------------------------------------------------------------


class TestPutAndPatch:
    def test_put_without_rows_is_refused_and_changes_nothing(
        self, coach_client, team, team_objects
    ):
        formation = team_objects["formation"]
        response = coach_client.put(url(team, "formation", formation.pk), {"name": "Renamed"})
        field_error(response, "slots", "required")
        formation.refresh_from_db()
        assert formation.name != "Renamed"

    def test_put_play_without_formation_names_it(self, coach_client, team, team_objects):
        response = coach_client.put(url(team, "play", team_objects["play"].pk), {"name": "Renamed"})
        field_error(response, "formation", "required")

    def test_patch_without_rows_keeps_them(self, coach_client, team, team_objects):
        formation = team_objects["formation"]
        response = coach_client.patch(url(team, "formation", formation.pk), {"name": "Renamed"})
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
    def test_patch_null_rows_is_refused(self, coach_client, team, team_objects, kind, key, field):
        obj = team_objects[key]
        response = coach_client.patch(url(team, kind, obj.pk), {"name": "Renamed", field: None})
        field_error(response, field, "may not be null")
        obj.refresh_from_db()
        assert obj.name != "Renamed"

    def test_refused_patch_does_not_keep_the_valid_part(self, coach_client, team, team_objects):
        play = team_objects["play"]
        body = {"name": "Renamed", "qb_plan": {"max_time_to_throw_ms": 10}}
        found = error(coach_client.patch(url(team, "play", play.pk), body), 400, "invalid")[
            "errors"
        ]
        assert [k for k in found if k.endswith("max_time_to_throw_ms")], found
        play.refresh_from_db()
        assert play.name != "Renamed"
        assert play.max_time_to_throw_ms == 3000

    def test_patch_motion_null_clears_it(self, coach_client, team, team_objects):
        play = team_objects["play"]
        motion = {"role": "WR3", "x": 0.0, "y": 2.0, "duration_ms": 800}
        assert coach_client.patch(url(team, "play", play.pk), {"motion": motion}).status_code == 200
        response = coach_client.patch(url(team, "play", play.pk), {"motion": None})
        assert response.status_code == 200
        assert response.json()["motion"] is None

    def test_patch_with_player_role_of_the_other_side(self, coach_client, team, team_objects):
        qb = team_objects["player"]
        field_error(coach_client.patch(url(team, "player", qb.pk), {"side": "DEFENSE"}), "role")
        qb.refresh_from_db()
        assert qb.side == "OFFENSE"

    def test_is_default_is_read_only_on_rulesets(self, coach_client, team, team_objects):
        extra = team_objects["extra_ruleset"]
        response = coach_client.patch(url(team, "ruleset", extra.pk), {"is_default": True})
        assert response.status_code == 200
        assert response.json()["is_default"] is False
        assert Ruleset.objects.get(team=team, is_default=True) == team_objects["ruleset"]

    @pytest.mark.parametrize(
        ("change", "text"),
        [
            ({"players_per_side": 7}, "a formation has exactly 7"),
            ({"field_width": 10}, "off the field"),
            ({"pass_clock_ms": 1000}, "pass clock"),
        ],
    )
    def test_ruleset_change_that_breaks_users_is_refused(
        self, coach_client, team, team_objects, change, text
    ):
        ruleset = team_objects["ruleset"]
        response = coach_client.patch(
            url(team, "ruleset", ruleset.pk), {**change, "name": "Renamed"}
        )
        body = field_error(response, "non_field_errors", "would break")
        assert any(text in m for m in body["errors"]["non_field_errors"])
        ruleset.refresh_from_db()
        assert ruleset.name == "NFL FLAG 5v5"
        assert (ruleset.players_per_side, ruleset.field_width, ruleset.pass_clock_ms) == (
            5,
            30.0,
            7000,
        )
