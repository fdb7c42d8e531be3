"""Export: the importer's format, no database ids, and the lossless round trip
export → import into a new team → export again."""

import json

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from playbook import services
from playbook.interchange import KINDS, fieldos_export, fieldos_import, sources_from_data
from playbook.interchange import sources_from_paths as read_paths
from playbook.models import Play, Playbook, Player, Route, Ruleset, Scenario
from tests.support import builders as b
from tests.support.clients import client_for
from tests.support.factories import TeamFactory

DEMO_DIR = settings.BASE_DIR / "fixtures" / "fieldos-demo"


def import_document(team, document):
    return fieldos_import(team=team, sources=sources_from_data("", document))


def keys_and_values(value):
    """Every key and every scalar anywhere in a JSON value."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield "key", key
            yield from keys_and_values(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from keys_and_values(inner)
    else:
        yield "value", value


@pytest.fixture
def rich_team(team):
    """The demo plus what a coach adds in the editor: objects without external ids,
    unicode, motion, tags, notes, explicit defender duties, a changed default ruleset
    profile, a playbook."""
    fieldos_import(team=team, sources=read_paths([DEMO_DIR]))
    nfl = Ruleset.objects.get(team=team, is_default=True)
    nfl.pass_clock_ms = 6000
    nfl.save()
    route = b.route(team, name="Flèche — Ñ 🏈", settle=True)
    formation = b.formation(team, name="Trips (editor)")
    play = services.play_write(
        team=team,
        data={
            "name": "Motion Flood",
            "formation": formation,
            "progression": ["WR1", "WR2"],
            "max_time_to_throw_ms": 2800,
            "scramble_allowed": True,
            "motion_role": "WR3",
            "motion_x": -1.0,
            "motion_y": -2.0,
            "motion_duration_ms": 800,
            "tags": ["motion", "3rd down"],
            "notes": "Motion WR3 across, then flood.",
        },
        assignments=[
            {"role": "QB", "route": None},
            {"role": "CENTER", "route": None},
            {"role": "WR1", "route": route},
            {"role": "WR2", "route": Route.objects.get(team=team, external_id="route_go")},
            {"role": "WR3", "route": None},
        ],
    )
    b.scenario(team, name="Editor Cover 2", situation_tags=["REDZONE"])
    scenario = Scenario.objects.get(team=team, external_id="scenario_man_with_rush")
    defenders = [{**d.as_data(), "player": d.player} for d in scenario.defenders.all()]
    defenders[0].update(man_target="WR1")
    defenders[0]["player"] = Player.objects.get(team=team, external_id="player_d1")
    services.scenario_write(team=team, data={}, defenders=defenders, instance=scenario)
    services.playbook_write(
        team=team,
        data={"name": "Wristband", "description": "Week 3"},
        entries=[
            {"play": play, "call_number": "7", "situations": ["3RD_SHORT"]},
            {
                "play": Play.objects.get(team=team, external_id="play_bunch_mesh"),
                "call_number": "12",
                "situations": [],
            },
        ],
    )
    return team


@pytest.mark.django_db
class TestExport:
    def test_a_key_per_kind_and_everything_the_team_has(self, rich_team):
        doc = fieldos_export(rich_team)
        assert list(doc) == list(KINDS)
        assert len(doc["plays"]) == Play.objects.filter(team=rich_team).count() == 9
        assert len(doc["rules"]) == 3
        assert len(doc["playbooks"]) == 1 and len(doc["lineups"]) == 1
        motion = next(p for p in doc["plays"] if p["name"] == "Motion Flood")
        assert motion["motion"] == {"role": "WR3", "to": {"x": -1.0, "y": -2.0}, "duration_ms": 800}
        assert motion["tags"] == ["motion", "3rd down"]
        assert motion["notes"] == "Motion WR3 across, then flood."
        assert motion["id"] == "play_motion_flood"  # made from the name: it has no external id
        assert motion["assignments"]["WR1"]["id"] == "route_flèche_ñ"
        book = doc["playbooks"][0]
        assert book["entries"] == [
            {"play": "play_motion_flood", "call_number": "7", "situations": ["3RD_SHORT"]},
            {"play": "play_bunch_mesh", "call_number": "12", "situations": []},
        ]

    def test_no_database_ids(self, rich_team):
        doc = fieldos_export(rich_team)
        keys = {v for kind, v in keys_and_values(doc) if kind == "key"}
        assert not keys & {"pk", "team", "team_id", "created_at", "updated_at", "warnings"}
        for items in doc.values():
            for item in items:
                assert isinstance(item["id"], str) and item["id"]

    def test_scenarios_carry_explicit_duties(self, rich_team):
        doc = fieldos_export(rich_team)
        scenario = next(s for s in doc["scenarios"] if s["id"] == "scenario_man_with_rush")
        assert scenario["defense_call"]["rushers_count"] == 1
        assert scenario["defender_assignments"]["D1"] == {"duty": "MAN", "man_target": "WR1"}
        assert scenario["defender_assignments"]["D3"] == {"duty": "RUSH"}
        assert scenario["defender_assignments"]["D4"] == {
            "duty": "ZONE",
            "zone": {"x": 14.0, "y": 0.0, "radius": 19.0},  # Cover 1's deep middle
        }
        assert scenario["defender_players"] == {"D1": "player_d1"}
        assert scenario["rules"]["id"] == "rules_standard"

    def test_round_trip_is_lossless(self, rich_team):
        first = fieldos_export(rich_team)
        copy = TeamFactory()
        summary = import_document(copy, json.loads(json.dumps(first)))
        assert summary.kinds["plays"]["created"] == 9
        assert summary.kinds["rules"]["updated"] == 1  # its NFL FLAG profile takes the pass clock
        second = fieldos_export(copy)
        assert second == first
        again = import_document(copy, second)
        assert not again.changed
        assert Playbook.objects.get(team=copy).entries.count() == 2

    def test_exporting_then_importing_into_the_same_team_adds_nothing(self, rich_team):
        before = {kind: len(items) for kind, items in fieldos_export(rich_team).items()}
        summary = import_document(rich_team, fieldos_export(rich_team))
        assert all(c["created"] == 0 for c in summary.kinds.values())
        assert {k: len(v) for k, v in fieldos_export(rich_team).items()} == before

    def test_a_changed_default_ruleset_travels(self, rich_team):
        standard = Ruleset.objects.get(team=rich_team, external_id="rules_standard")
        services.ruleset_make_default(standard)
        copy = TeamFactory()
        import_document(copy, fieldos_export(rich_team))
        assert Ruleset.objects.get(team=copy, is_default=True).external_id == "rules_standard"
        assert fieldos_export(copy) == fieldos_export(rich_team)

    def test_the_command_writes_one_file_per_kind_with_the_same_content(self, rich_team, tmp_path):
        call_command("export_fieldos", "--team", rich_team.slug, str(tmp_path / "out"))
        files = {p.stem: json.loads(p.read_text()) for p in (tmp_path / "out").glob("*.json")}
        assert files == fieldos_export(rich_team)
        copy = TeamFactory()
        call_command("import_fieldos", "--team", copy.slug, str(tmp_path / "out"))
        assert fieldos_export(copy) == files


@pytest.mark.django_db
class TestExportAPI:
    def url(self, team):
        return reverse("team-export", kwargs={"team_id": team.pk})

    def test_members_read_the_export(self, rich_team, member):
        response = client_for(member).get(self.url(rich_team))
        assert response.status_code == 200
        assert response.json() == json.loads(json.dumps(fieldos_export(rich_team)))

    def test_the_export_imports_through_the_api(self, rich_team, member, other_team, outsider):
        doc = client_for(member).get(self.url(rich_team)).json()
        url = reverse("team-import", kwargs={"team_id": other_team.pk})
        response = client_for(outsider).post(url, doc, format="json")
        assert response.status_code == 201, response.json()
        assert fieldos_export(other_team) == doc

    def test_isolation(self, rich_team, outsider, api):
        assert api.get(self.url(rich_team)).status_code == 401
        assert client_for(outsider).get(self.url(rich_team)).status_code == 404
