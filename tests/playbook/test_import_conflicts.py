"""A second FieldOS file imported into a team that already holds the demo: objects with
identical content are reused, a different object whose name is taken is renamed
(or skipped, or refused: on_conflict), a dry run shows it, and nothing is lost."""

import json

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from playbook.interchange import (
    FieldOSImportError,
    fieldos_export,
    fieldos_import,
    sources_from_data,
    sources_from_paths,
)
from playbook.models import Formation, Play, Route
from tests.support import builders as b
from tests.support.clients import client_for
from tests.support.factories import TeamFactory

DEMO_DIR = settings.BASE_DIR / "fixtures" / "fieldos-demo"
# Three plays from another engine file: motion, a center wheel, a double move. Its
# "Delay Flat" is wider and later than the demo's; "Go (Vertical)", "Wheel Route" and
# the "Spread" formation equal the demo's under other ids; "Center Drag" and "Bunch"
# differ from the demo's.
SECOND = settings.BASE_DIR / "tests" / "playbook" / "data" / "motion-and-trick-plays.json"
WHERE = "motion-and-trick-plays.json"


def second_file():
    return json.loads(SECOND.read_text())


def import_second(team, **kwargs):
    return fieldos_import(team=team, sources=sources_from_paths([SECOND]), **kwargs)


def counts(summary, kind):
    c = summary.kinds[kind]
    return c["created"], c["updated"], c["unchanged"]


def warnings(summary):
    return [w for c in summary.kinds.values() for w in c["warnings"]]


def route_of(team, play_id, role):
    play = Play.objects.get(team=team, external_id=play_id)
    return play.assignments.get(role=role).route


@pytest.fixture
def demo_team(team):
    fieldos_import(team=team, sources=sources_from_paths([DEMO_DIR]))
    return team


def test_the_second_file_is_refused_whole_when_conflicts_fail(demo_team):
    """What a coach met before: one taken name and nothing of the file is imported."""
    before = fieldos_export(demo_team)
    with pytest.raises(FieldOSImportError) as exc:
        import_second(demo_team, on_conflict="fail")
    lines = exc.value.lines()
    assert (
        f"{WHERE}[0] (play_jet_flat): assignments.WR3.name: 'Delay Flat' is already the name "
        "of route 'route_flat_delay' (breakpoints differ)"
    ) in lines
    assert fieldos_export(demo_team) == before


@pytest.mark.django_db
class TestRename:
    def test_renamed_reused_and_created(self, demo_team):
        demo_flat = Route.objects.get(team=demo_team, external_id="route_flat_delay")
        demo_points = demo_flat.breakpoint_data()
        summary = import_second(demo_team)
        assert counts(summary, "plays") == (3, 0, 0)
        # new: Delay Flat (2), Center Drag (2), Slant and Go; by id or same content: the rest
        assert counts(summary, "routes") == (3, 0, 4)
        assert counts(summary, "formations") == (1, 0, 2)  # Bunch (2); Trips Left, Spread
        flat = route_of(demo_team, "play_jet_flat", "WR3")
        assert (flat.name, flat.external_id) == ("Delay Flat (2)", "route_flat_delay_wide")
        assert flat.breakpoint_data() == [
            {"x": 0.0, "y": 0.0, "time_ms": 700},
            {"x": 2.0, "y": 8.0, "time_ms": 1700},
        ]
        # one route for the three plays that embed it; the demo's route is untouched
        assert route_of(demo_team, "play_center_wheel", "WR2") == flat
        assert route_of(demo_team, "play_bunch_sluggo", "WR3") == flat
        demo_flat.refresh_from_db()
        assert (demo_flat.name, demo_flat.breakpoint_data()) == ("Delay Flat", demo_points)
        # same content under another id: the team's own object, not a copy
        assert route_of(demo_team, "play_jet_flat", "WR1").external_id == "route_go"
        assert route_of(demo_team, "play_center_wheel", "CENTER").external_id == "route_wheel"
        wheel = Play.objects.get(team=demo_team, external_id="play_center_wheel")
        assert wheel.formation.external_id == "form_spread"
        assert not Route.objects.filter(team=demo_team, name="Go (Vertical) (2)").exists()
        assert Formation.objects.get(team=demo_team, name="Bunch (2)").external_id == (
            "form_bunch_wide"
        )

    def test_warnings_say_what_happened(self, demo_team):
        found = warnings(import_second(demo_team))
        assert (
            f"{WHERE}[0] (play_jet_flat): assignments.WR3.name: 'Delay Flat' is already the "
            "name of route 'route_flat_delay' (breakpoints differ); imported as 'Delay Flat (2)'"
        ) in found
        assert (
            f"{WHERE}[0] (play_jet_flat): assignments.WR1.name: 'Go (Vertical)' has the same "
            "content as the team's route 'route_go'; reused"
        ) in found
        assert (
            f"{WHERE}[2] (play_bunch_sluggo): formation.name: 'Bunch' is already the name of "
            "formation 'form_bunch' (slots differ); imported as 'Bunch (2)'"
        ) in found

    def test_a_second_run_changes_nothing(self, demo_team):
        import_second(demo_team)
        again = import_second(demo_team)
        assert not again.changed
        assert counts(again, "routes") == (0, 0, 7)
        assert Route.objects.filter(team=demo_team, name__startswith="Delay Flat").count() == 2

    def test_a_dry_run_shows_the_renames_and_writes_nothing(self, demo_team):
        before = fieldos_export(demo_team)
        summary = import_second(demo_team, dry_run=True)
        assert counts(summary, "plays") == (3, 0, 0)
        assert any("imported as 'Delay Flat (2)'" in w for w in warnings(summary))
        assert fieldos_export(demo_team) == before

    def test_the_free_name_skips_names_in_use(self, demo_team):
        b.route(demo_team, name="Delay Flat (2)")  # drawn in the editor
        import_second(demo_team)
        assert route_of(demo_team, "play_jet_flat", "WR3").name == "Delay Flat (3)"

    def test_the_free_name_skips_names_the_import_gives(self, demo_team):
        """A later object of the same file is called "Delay Flat (2)": the renamed route
        must leave that name to it."""
        data = second_file()
        data[2]["assignments"]["WR1"]["name"] = "Delay Flat (2)"
        fieldos_import(team=demo_team, sources=sources_from_data(WHERE, data))
        assert route_of(demo_team, "play_jet_flat", "WR3").name == "Delay Flat (3)"
        assert route_of(demo_team, "play_bunch_sluggo", "WR1").name == "Delay Flat (2)"

    def test_the_round_trip_stays_lossless(self, demo_team):
        import_second(demo_team)
        exported = fieldos_export(demo_team)
        copy = TeamFactory()
        fieldos_import(team=copy, sources=sources_from_data("", exported))
        assert fieldos_export(copy) == exported
        # every play of the file, each receiver on the breakpoints the file gave him
        plays = {p["id"]: p for p in exported["plays"]}
        for play in second_file():
            for role, route in play["assignments"].items():
                if isinstance(route, dict):
                    got = plays[play["id"]]["assignments"][role]["breakpoints"]
                    assert got == route["breakpoints"], (play["id"], role)


@pytest.mark.django_db
class TestSkip:
    def test_the_teams_object_is_used_in_its_place(self, demo_team):
        summary = import_second(demo_team, on_conflict="skip")
        assert counts(summary, "plays") == (3, 0, 0)
        assert route_of(demo_team, "play_jet_flat", "WR3").external_id == "route_flat_delay"
        assert not Route.objects.filter(team=demo_team, name__endswith="(2)").exists()
        assert (
            f"{WHERE}[0] (play_jet_flat): assignments.WR3.name: 'Delay Flat' is already the "
            "name of route 'route_flat_delay' (breakpoints differ); skipped: the team's route "
            "'route_flat_delay' is used in its place"
        ) in warnings(summary)


@pytest.mark.django_db
class TestCommandAndAPI:
    def test_command_on_conflict(self, demo_team, capsys):
        with pytest.raises(CommandError, match="'Delay Flat' is already the name of route"):
            call_command(
                "import_fieldos", "--team", demo_team.slug, str(SECOND), "--on-conflict", "fail"
            )
        call_command("import_fieldos", "--team", demo_team.slug, str(SECOND), "--dry-run")
        out = capsys.readouterr().out
        assert "Dry run: nothing was written" in out and "imported as 'Delay Flat (2)'" in out
        assert not Play.objects.filter(team=demo_team, external_id="play_jet_flat").exists()
        call_command(
            "import_fieldos", "--team", demo_team.slug, str(SECOND), "--on-conflict", "skip"
        )
        assert route_of(demo_team, "play_jet_flat", "WR3").external_id == "route_flat_delay"

    def test_api_on_conflict(self, demo_team, coach):
        client = client_for(coach)
        url = reverse("team-import", kwargs={"team_id": demo_team.pk})
        body = {"plays": second_file()}
        refused = client.post(f"{url}?on_conflict=fail", body, format="json")
        assert refused.status_code == 400
        key = "plays[0] (play_jet_flat): assignments.WR3.name"
        assert "already the name of route 'route_flat_delay'" in refused.json()["errors"][key][0]
        bad = client.post(f"{url}?on_conflict=merge", body, format="json")
        assert bad.status_code == 400 and "on_conflict" in bad.json()["errors"]
        response = client.post(url, body, format="json")  # rename by default
        assert response.status_code == 201, response.json()
        assert route_of(demo_team, "play_jet_flat", "WR3").name == "Delay Flat (2)"
