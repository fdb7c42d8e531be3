"""Rebuild fixtures/demo.json from fixtures/fieldos-demo/ (docs/import-export.md).

Everything happens inside one transaction that is rolled back, so the database
is left as it was; the output depends only on the demo files and this code."""

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.management.base import BaseCommand
from django.db import transaction

from playbook import services
from playbook.interchange import fieldos_import, sources_from_paths
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
from teams.models import Team

DEMO_SLUG = "demo"
DEMO_NAME = "FieldOS Demo"
SOURCE = Path(settings.BASE_DIR) / "fixtures" / "fieldos-demo"
# The FieldOS demo has no run or trick plays: ours, in the same format (its extension keys).
RUNS = Path(settings.BASE_DIR) / "fixtures" / "demo-runs.json"
OUTPUT = Path(settings.BASE_DIR) / "fixtures" / "demo.json"
FROZEN = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)  # stable timestamps, stable file

# (play id, call number, situations): the demo wristband.
DEMO_CALLS = [
    ("play_trips_flood", "10", ["1ST_ANY", "2ND_LONG", "3RD_LONG"]),
    ("play_twins_smash", "11", ["1ST_ANY", "REDZONE"]),
    ("play_spread_vertical", "12", ["1ST_ANY", "2ND_LONG"]),
    ("play_bunch_slants", "20", ["2ND_SHORT", "3RD_SHORT", "GOALLINE"]),
    ("play_bunch_stick", "21", ["2ND_SHORT", "3RD_SHORT", "REDZONE"]),
    ("play_bunch_mesh", "22", ["3RD_SHORT", "3RD_LONG"]),
    ("play_bunch_wheel", "23", ["2ND_LONG", "REDZONE"]),
    ("play_bunch_scissors", "24", ["3RD_LONG", "GOALLINE"]),
    ("play_jet_sweep", "30", ["1ST_ANY", "2ND_SHORT", "3RD_SHORT"]),
    ("play_orbit_pitch", "31", ["1ST_ANY", "2ND_LONG"]),
    ("play_end_around", "32", ["2ND_SHORT", "REDZONE"]),
    ("play_reverse_pass", "40", ["1ST_ANY", "REDZONE"]),
]

# The shipped files carry no jersey numbers; a coach's roster has them (lists, diagrams).
DEMO_JERSEYS = {
    "player_qb1": 7,
    "player_center1": 55,
    "player_wr1_1": 1,
    "player_wr2_1": 80,
    "player_wr3_1": 3,
    "player_d1": 21,
    "player_d2": 24,
    "player_d3": 99,
    "player_d4": 31,
    "player_d5": 42,
}

# Parents before children; child rows in their stored order (pks are not written).
DUMPED = [
    (Ruleset, ["name"]),
    (Player, ["name"]),
    (Lineup, ["name"]),
    (LineupSpot, ["lineup__name", "id"]),
    (Formation, ["name"]),
    (FormationSlot, ["formation__name", "id"]),
    (Route, ["name"]),
    (RouteBreakpoint, ["route__name", "time_ms"]),
    (Play, ["name"]),
    (PlayAssignment, ["play__name", "id"]),
    (Scenario, ["name"]),
    (ScenarioDefender, ["scenario__name", "slot"]),
    (Playbook, ["name"]),
    (PlaybookEntry, ["playbook__name", "order"]),
]


def demo_fixture_json():
    """The demo team as a natural-key fixture (the team, no users)."""
    with transaction.atomic():
        # Keep a demo team that already exists out of the way; rolled back below.
        Team.objects.filter(slug=DEMO_SLUG).update(slug="demo-fixture-build-aside")
        team = Team.objects.create(name=DEMO_NAME, slug=DEMO_SLUG)
        services.ruleset_create_default(team)
        fieldos_import(team=team, sources=sources_from_paths([SOURCE, RUNS]))
        # The shipped scenarios embed the 40 x 80 "Standard 5v5" ruleset; the demo plays on
        # one field, the team's default, unless a coach picks another for a scenario or a
        # run (the engine's own demo loader ignores the embedded ruleset the same way).
        Scenario.objects.filter(team=team).update(ruleset=None)
        for external_id, number in DEMO_JERSEYS.items():
            Player.objects.filter(team=team, external_id=external_id).update(jersey_number=number)
        plays = {p.external_id: p for p in Play.objects.filter(team=team)}
        services.playbook_write(
            team=team,
            data={
                "name": "Demo playbook",
                "external_id": "playbook_demo",
                "description": "Every demo play with its wristband number and the situations "
                "it is called in.",
            },
            entries=[
                {"play": plays[play_id], "call_number": call, "situations": situations}
                for play_id, call, situations in DEMO_CALLS
            ],
        )
        Team.objects.filter(pk=team.pk).update(created_at=FROZEN, updated_at=FROZEN)
        querysets = [Team.objects.filter(pk=team.pk)]
        for model, order in DUMPED:
            team_path = "team" if hasattr(model, "team") else f"{order[0].split('__')[0]}__team"
            queryset = model.objects.filter(**{team_path: team}).order_by(*order)
            if hasattr(model, "updated_at"):
                queryset.update(created_at=FROZEN, updated_at=FROZEN)
            querysets.append(queryset)
        text = serializers.serialize(
            "json",
            [obj for queryset in querysets for obj in queryset],
            indent=2,
            use_natural_foreign_keys=True,
            use_natural_primary_keys=True,
        )
        transaction.set_rollback(True)
    return text + "\n"


class Command(BaseCommand):
    help = (
        "Rebuild fixtures/demo.json: import fixtures/fieldos-demo/ into a fresh 'demo' team, "
        "add the demo playbook and dump it with natural keys. Leaves the database unchanged."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(OUTPUT), help=f"Default: {OUTPUT}.")

    def handle(self, *args, output, **options):
        text = demo_fixture_json()
        Path(output).write_text(text, encoding="utf-8")
        count = text.count('"model": ')
        self.stdout.write(f"Wrote {output} ({count} objects)")
