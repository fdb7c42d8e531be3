"""fixtures/demo.json: natural keys, loads on an empty database and again on one with
data, never touches another team; build_demo_fixture reproduces it; setup_demo uses it."""

import json

import pytest
from django.conf import settings
from django.core.management import call_command

from accounts.models import User
from playbook.constants import Bucket
from playbook.interchange import fieldos_export, fieldos_import, sources_from_paths
from playbook.management.commands.build_demo_fixture import demo_fixture_json
from playbook.models import (
    Formation,
    FormationSlot,
    Lineup,
    LineupSpot,
    Play,
    PlayAssignment,
    Playbook,
    PlaybookEntry,
    Player,
    Route,
    RouteBreakpoint,
    Ruleset,
    Scenario,
    ScenarioDefender,
)
from playbook.validation import check_playbook
from teams.models import Membership, Role, Team
from teams.services import team_create

FIXTURE = settings.BASE_DIR / "fixtures" / "demo.json"
MODELS = [
    Team,
    Ruleset,
    Player,
    Lineup,
    LineupSpot,
    Formation,
    FormationSlot,
    Route,
    RouteBreakpoint,
    Play,
    PlayAssignment,
    Scenario,
    ScenarioDefender,
    Playbook,
    PlaybookEntry,
]


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def load():
    call_command("loaddata", str(FIXTURE), verbosity=0)


@pytest.mark.django_db
class TestDemoFixture:
    def test_loads_into_an_empty_database(self):
        assert not Team.objects.exists()
        load()
        team = Team.objects.get(slug="demo")
        assert Player.objects.filter(team=team).count() == 10
        assert Ruleset.objects.filter(team=team).count() == 3
        assert Formation.objects.filter(team=team).count() == 9
        # the FieldOS demo's 34 routes and 8 plays, plus fixtures/demo-runs.json: three
        # runs and a trick play (with its own route)
        assert Route.objects.filter(team=team).count() == 35
        assert Play.objects.filter(team=team).count() == 12
        assert Play.objects.filter(team=team, kind="RUN").count() == 3
        assert Play.objects.filter(team=team, kind="TRICK").count() == 1
        assert Scenario.objects.filter(team=team).count() == 8
        assert Ruleset.objects.get(team=team, is_default=True).name == "NFL FLAG 5v5"
        assert not User.objects.exists() and not Membership.objects.exists()

    def test_the_demo_plays_on_the_teams_field(self):
        """One field for every demo defense: the team's default, not the 40 x 80 ruleset
        the shipped scenarios embed (a heat map would mix field sizes)."""
        load()
        team = Team.objects.get(slug="demo")
        assert set(Scenario.objects.filter(team=team).values_list("ruleset", flat=True)) == {None}
        default = Ruleset.objects.get(team=team, is_default=True)
        assert (default.field_width, default.field_length) == (30.0, 70.0)
        for scenario in Scenario.objects.filter(team=team):
            assert scenario.check_rules().ok, scenario.name

    def test_demo_players_wear_distinct_jersey_numbers(self):
        load()
        numbers = list(
            Player.objects.filter(team__slug="demo").values_list("jersey_number", flat=True)
        )
        assert None not in numbers and len(set(numbers)) == len(numbers) == 10

    def test_loading_twice_changes_no_counts(self):
        load()
        first = counts()
        load()
        assert counts() == first

    def test_another_team_is_left_untouched(self, other_team):
        # Same names, same external ids: only the team tells them apart.
        fieldos_import(
            team=other_team,
            sources=sources_from_paths([settings.BASE_DIR / "fixtures" / "fieldos-demo"]),
        )
        before = fieldos_export(other_team)
        pks = {m.__name__: set(m.objects.values_list("pk", flat=True)) for m in MODELS}
        load()
        load()
        assert fieldos_export(other_team) == before
        for model in MODELS:
            assert pks[model.__name__] <= set(model.objects.values_list("pk", flat=True))
        assert Play.objects.filter(team=other_team).count() == 8

    def test_loads_into_an_existing_demo_team(self, user):
        team = team_create(user=user, name="FieldOS Demo", slug="demo")
        load()
        assert Ruleset.objects.filter(team=team).count() == 3
        assert Team.objects.filter(slug="demo").count() == 1
        assert Membership.objects.get(team=team).user == user

    def test_the_demo_playbook(self):
        load()
        book = Playbook.objects.get(team__slug="demo", name="Demo playbook")
        entries = list(book.entries.select_related("play"))
        assert len(entries) == 12
        assert {e.play.external_id for e in entries} == set(
            Play.objects.filter(team__slug="demo").values_list("external_id", flat=True)
        )
        data = [
            {"play_id": e.play_id, "call_number": e.call_number, "situations": e.situations}
            for e in entries
        ]
        assert check_playbook(data, list(Bucket.values)).ok
        assert all(e.situations for e in entries)

    def test_natural_keys_only_and_no_users(self):
        objects = json.loads(FIXTURE.read_text())
        assert all("pk" not in o for o in objects)
        models = {o["model"] for o in objects}
        assert "teams.team" in models
        assert not models & {"accounts.user", "teams.membership"}

    def test_build_demo_fixture_reproduces_the_file_and_leaves_the_database(self, tmp_path):
        assert demo_fixture_json() == FIXTURE.read_text()
        assert not Team.objects.exists()
        out = tmp_path / "demo.json"
        call_command("build_demo_fixture", "--output", str(out))
        assert out.read_text() == FIXTURE.read_text()


@pytest.mark.django_db
class TestSetupDemo:
    def test_creates_the_demo_and_is_idempotent(self, capsys):
        call_command("setup_demo")
        out = capsys.readouterr().out
        assert "Demo team: 10 players, 9 formations, 35 routes, 12 plays, 8 scenarios" in out
        first = counts()
        call_command("setup_demo")
        assert counts() == first
        team = Team.objects.get(slug="demo")
        membership = Membership.objects.get(team=team)
        assert (membership.user.email, membership.role) == ("coach@fieldos.dev", Role.OWNER)
        assert Playbook.objects.get(team=team).entries.count() == 12

    def test_keeps_a_coachs_edits(self):
        call_command("setup_demo")
        play = Play.objects.get(team__slug="demo", external_id="play_trips_flood")
        Play.objects.filter(pk=play.pk).update(name="Trips Flood (ours)")
        call_command("setup_demo")
        play.refresh_from_db()
        assert play.name == "Trips Flood (ours)"
        assert Play.objects.filter(team__slug="demo").count() == 12

    def test_demo_objects_start_with_a_version_to_return_to(self):
        call_command("setup_demo")
        play = Play.objects.get(team__slug="demo", external_id="play_trips_flood")
        first = play.history.get()
        assert first.source == "fixture" and len(first.rows) == 5
        before = {a.role: a.route_id for a in play.assignments.all()}
        services_edit = [{"role": a.role, "route": None} for a in play.assignments.all()]
        from playbook import services

        services.play_write(
            team=play.team,
            data={"name": "Edited", "progression": []},
            assignments=services_edit,
            instance=play,
        )
        services.version_restore(play, first.history_id)
        play.refresh_from_db()
        assert play.name == "Trips Flood"
        assert {a.role: a.route_id for a in play.assignments.all()} == before
        call_command("setup_demo")  # idempotent: no second baseline
        assert play.history.filter(source="fixture").count() == 1
