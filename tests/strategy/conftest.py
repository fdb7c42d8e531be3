"""The demo (fixtures/fieldos-demo) imported into a team, and helpers to start and run
analyses through the API. Episodes are small so the whole directory runs quickly."""

from pathlib import Path

import pytest
from django.urls import reverse

from playbook.constants import NFL_FLAG_5V5
from playbook.interchange import fieldos_import, sources_from_paths
from playbook.models import Play, Ruleset, Scenario
from strategy.models import Analysis
from teams.models import Role
from tests.support.clients import client_for
from tests.support.factories import MembershipFactory

DEMO = Path(__file__).resolve().parents[2] / "fixtures" / "fieldos-demo"
PLAYS = ("play_trips_flood", "play_bunch_mesh", "play_bunch_scissors")
DEFENSES = ("scenario_cover2_no_rush", "scenario_man_with_rush")


class Demo:
    def __init__(self, team):
        self.team = team
        fieldos_import(team=team, sources=sources_from_paths([DEMO]))
        self.plays = [Play.objects.get(team=team, external_id=e) for e in PLAYS]
        self.defenses = [Scenario.objects.get(team=team, external_id=e) for e in DEFENSES]
        self.ruleset = Ruleset.objects.create(
            team=team, **{**NFL_FLAG_5V5, "external_id": "", "name": "NFL FLAG (tests)"}
        )
        self.coach = MembershipFactory(team=team, role=Role.COACH).user
        self.api = client_for(self.coach)

    def body(self, kind, **extra):
        return {
            "kind": kind,
            "plays": [p.pk for p in self.plays],
            "mix": [
                {"scenario": s.pk, "weight": w} for s, w in zip(self.defenses, (2, 1), strict=False)
            ],
            "ruleset": self.ruleset.pk,
            "episodes": 32,
            "seed": 5,
            **extra,
        }

    def list_url(self):
        return reverse("analysis-list", kwargs={"team_id": self.team.pk})

    def url(self, analysis, action="detail"):
        pk = analysis if isinstance(analysis, int) else analysis.pk
        return reverse(f"analysis-{action}", kwargs={"team_id": self.team.pk, "pk": pk})

    def start(self, capture, kind, expect=202, **extra):
        """POST the analysis; its task runs (immediate backend) at the commit."""
        with capture(execute=True):
            response = self.api.post(self.list_url(), self.body(kind, **extra), format="json")
        assert response.status_code == expect, response.json()
        return response

    def run(self, capture, kind, **extra):
        """Start and return the finished analysis's detail JSON."""
        created = self.start(capture, kind, **extra).json()
        detail = self.api.get(self.url(created["id"]))
        assert detail.status_code == 200
        data = detail.json()
        assert data["status"] == "succeeded", data["error"]
        return data


@pytest.fixture
def demo(team):
    return Demo(team)


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def analyses(team):
    return Analysis.objects.filter(team=team)
