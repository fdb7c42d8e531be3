"""Playbook entries through their own endpoint: positions, call numbers, situations."""

import pytest

from playbook import services
from tests.support import builders as b
from tests.support.probe import error, field_error, url

pytestmark = pytest.mark.django_db


# --- playbook entries -------------------------------------------------------------------


class TestPlaybookEntries:
    @pytest.mark.parametrize("position", ["1", -1, True, 1.5, None, [0], {"at": 0}])
    def test_bad_position_is_refused(self, coach_client, team, team_objects, position):
        playbook = team_objects["playbook"]
        new = b.play(team, form=team_objects["formation"], routes={"WR1": team_objects["route"]})
        body = {"play": new.pk, "call_number": "99", "position": position}
        response = coach_client.post(
            url(team, "playbook", playbook.pk, "add-entry"), body, format="json"
        )
        field_error(response, "position", "whole number")
        assert playbook.entries.count() == 2

    def test_position_past_the_end_appends(self, coach_client, team, team_objects):
        playbook = team_objects["playbook"]
        new = b.play(team, form=team_objects["formation"], routes={"WR1": team_objects["route"]})
        body = {"play": new.pk, "call_number": "99", "position": 50}
        response = coach_client.post(
            url(team, "playbook", playbook.pk, "add-entry"), body, format="json"
        )
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
    def test_bad_entry_is_refused(self, coach_client, team, team_objects, body, field, text):
        playbook = team_objects["playbook"]
        body = {"play": team_objects["play"].pk, **body}
        response = coach_client.post(
            url(team, "playbook", playbook.pk, "add-entry"), body, format="json"
        )
        field_error(response, field, text)
        assert playbook.entries.count() == 2

    def test_entry_body_must_be_an_object(self, coach_client, team, team_objects):
        playbook = team_objects["playbook"]
        response = coach_client.post(
            url(team, "playbook", playbook.pk, "add-entry"),
            [{"play": team_objects["play"].pk, "call_number": "1"}],
            format="json",
        )
        field_error(response, "non_field_errors", "Expected a dictionary")

    @pytest.mark.parametrize(
        "entries",
        [[], "all", None, [True, False], [1.5], "dupes", "missing", "unknown"],
    )
    def test_bad_reorder_is_refused(self, coach_client, team, team_objects, entries):
        playbook = team_objects["playbook"]
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
        response = coach_client.post(
            url(team, "playbook", playbook.pk, "reorder"), {"entries": entries}, format="json"
        )
        body = error(response, 400, "invalid")
        assert any(key.startswith("entries") for key in body["errors"]), body
        assert list(playbook.entries.values_list("pk", flat=True)) == order

    def test_reorder_accepts_numeric_strings(self, coach_client, team, team_objects):
        playbook = team_objects["playbook"]
        order = [str(pk) for pk in playbook.entries.values_list("pk", flat=True)]
        response = coach_client.post(
            url(team, "playbook", playbook.pk, "reorder"),
            {"entries": list(reversed(order))},
            format="json",
        )
        assert response.status_code == 200
        assert [e["call_number"] for e in response.json()["entries"]] == ["11", "10"]

    def test_removing_an_entry_twice_and_from_another_playbook(
        self, coach_client, team, team_objects
    ):
        playbook = team_objects["playbook"]
        other = services.playbook_write(team=team, data={"name": "Other"}, entries=[])
        entry = playbook.entries.first()
        path = url(team, "playbook", other.pk, "remove-entry", entry_id=entry.pk)
        error(coach_client.delete(path), 404, "not_found")
        path = url(team, "playbook", playbook.pk, "remove-entry", entry_id=entry.pk)
        assert coach_client.delete(path).status_code == 200
        error(coach_client.delete(path), 404, "not_found")
        assert playbook.entries.count() == 1

    def test_duplicate_rows_in_a_patch_are_refused(self, coach_client, team, team_objects):
        playbook = team_objects["playbook"]
        play = team_objects["play"].pk
        entries = [{"play": play, "call_number": "1"}, {"play": play, "call_number": "2"}]
        response = coach_client.patch(url(team, "playbook", playbook.pk), {"entries": entries})
        field_error(response, "entries[1].play", "already in the playbook")
        assert playbook.entries.count() == 2
