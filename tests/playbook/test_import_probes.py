"""The import endpoint under garbage input: refused with the path named, nothing written."""

import pytest
from django.urls import reverse

from playbook.models import (
    Route,
)
from tests.support import builders as b
from tests.support.probe import counts, error, field_error, raw

pytestmark = pytest.mark.django_db


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
            # an unknown top-level key is named, not described as "got an object"
            ('{"formation": [], "rulez": {}}', "body", "keys 'formation', 'rulez', not a kind"),
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
    def test_garbage_bodies_are_refused_and_write_nothing(
        self, coach_client, team, text, key, fragment
    ):
        before = counts(team)
        body = error(raw(coach_client, "POST", self.path(team), text), 400, "invalid")
        assert body["detail"].startswith("Import refused, nothing was written")
        assert key in body["errors"], body["errors"]
        assert any(fragment in m for m in body["errors"][key]), body["errors"][key]
        assert counts(team) == before

    def test_nan_literal_in_a_body_is_a_parse_error(self, coach_client, team):
        error(raw(coach_client, "POST", self.path(team), '{"routes": [NaN]}'), 400, "parse_error")

    @pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
    def test_other_content_types_are_415(self, coach_client, team, content_type):
        response = raw(coach_client, "POST", self.path(team), "plays=1", content_type=content_type)
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
    def test_garbage_files_are_refused(self, coach_client, team, name, content, fragment):
        from django.core.files.uploadedfile import SimpleUploadedFile

        before = counts(team)
        upload = SimpleUploadedFile(name, content, content_type="application/json")
        response = coach_client.post(self.path(team), {"files": [upload]}, format="multipart")
        body = error(response, 400, "invalid")
        assert any(fragment in m for m in body["errors"][name]), body["errors"]
        assert counts(team) == before

    def test_a_text_field_instead_of_a_file(self, coach_client, team):
        response = coach_client.post(self.path(team), {"plays": "[]"}, format="multipart")
        field_error(response, "plays", "expected a list of plays")

    def test_oversized_body_and_file_are_refused(self, coach_client, team, monkeypatch):
        from django.core.files.uploadedfile import SimpleUploadedFile

        monkeypatch.setattr("playbook.interchange.sources.MAX_FILE_BYTES", 100)
        text = '{"routes": []}' + " " * 200
        body = error(raw(coach_client, "POST", self.path(team), text), 400, "invalid")
        assert "are refused" in body["errors"]["body"][0]
        upload = SimpleUploadedFile("routes.json", text.encode(), content_type="application/json")
        response = coach_client.post(self.path(team), {"files": [upload]}, format="multipart")
        assert "are refused" in error(response, 400)["errors"]["routes.json"][0]

    def test_all_or_nothing(self, coach_client, team):
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
        response = coach_client.post(
            self.path(team), {"routes": [good, bad], "players": [player_row]}, format="json"
        )
        field_error(response, "routes[1] (bad): breakpoints[0].time_ms", "later than 0")
        assert counts(team) == before

    def test_dry_run_writes_nothing_and_a_second_import_changes_nothing(self, coach_client, team):
        route = {
            "id": "r",
            "name": "R",
            "breakpoints": [{"x_yards": 2, "y_yards": 0, "time_ms": 400}],
        }
        body = {"routes": [route]}
        response = coach_client.post(self.path(team, dry_run=True), body, format="json")
        assert response.status_code == 200
        assert response.json()["kinds"]["routes"]["created"] == 1
        assert not Route.objects.filter(team=team).exists()
        assert coach_client.post(self.path(team), body, format="json").status_code == 201
        again = coach_client.post(self.path(team), body, format="json")
        assert again.status_code == 200
        assert again.json()["kinds"]["routes"] == {
            "created": 0,
            "updated": 0,
            "unchanged": 1,
            "warnings": [],
        }

    def test_same_id_twice_with_different_content_is_a_conflict(self, coach_client, team):
        point = [{"x_yards": 2, "y_yards": 0, "time_ms": 400}]
        routes = [
            {"id": "dup", "name": "A", "breakpoints": point},
            {"id": "dup", "name": "B", "breakpoints": point},
        ]
        field_error(
            coach_client.post(self.path(team), {"routes": routes}), "routes[1] (dup): id", "differ"
        )
        assert not Route.objects.filter(team=team).exists()

    def test_name_taken_by_another_id_is_refused_when_conflicts_fail(self, coach_client, team):
        taken = b.route(team, external_id="route_taken")
        route = {
            "id": "new_id",
            "name": taken.name,
            "breakpoints": [{"x_yards": 2, "y_yards": 0, "time_ms": 400}],
        }
        response = coach_client.post(f"{self.path(team)}?on_conflict=fail", {"routes": [route]})
        field_error(response, "routes[0] (new_id): name", "already the name")
