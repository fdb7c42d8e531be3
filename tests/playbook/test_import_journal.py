"""The import's undo journal (playbook/interchange/journal.py): an import written in
many chunks that fails, or whose process dies, leaves the team's objects, their child
rows and their history exactly as they were — on SQLite and PostgreSQL alike. The same
with real processes and SQLite's lock: tests/hardening/test_import_lock.py."""

import json
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.apps import apps
from django.conf import settings
from django.utils import timezone

from playbook.interchange import (
    FieldOSImportError,
    fieldos_export,
    fieldos_import,
    journal,
    sources_from_data,
)
from playbook.models import ImportJournal, Play, Ruleset
from tests.support.factories import TeamFactory

pytestmark = pytest.mark.django_db

DEMO_DIR = settings.BASE_DIR / "fixtures" / "fieldos-demo"
TEAM_MODELS = [
    "playbook.ruleset",
    "playbook.player",
    "playbook.lineup",
    "playbook.formation",
    "playbook.route",
    "playbook.play",
    "playbook.scenario",
    "playbook.playbook",
]
CHILDREN = [
    "playbook.lineupspot",
    "playbook.formationslot",
    "playbook.routebreakpoint",
    "playbook.playassignment",
    "playbook.scenariodefender",
    "playbook.playbookentry",
]


def demo():
    return {
        kind: json.loads((DEMO_DIR / f"{kind}.json").read_text())
        for kind in ("rules", "players", "formations", "routes", "scenarios", "plays")
    }


def state(team):
    """Every row of the team's objects, their child rows and their history records."""
    out = {}
    for label in TEAM_MODELS:
        model = apps.get_model(label)
        out[label] = list(model.objects.filter(team=team).order_by("pk").values())
        out[f"{label} history"] = list(
            model.history.filter(team_id=team.pk).order_by("history_id").values()
        )
    for label in CHILDREN:
        model = apps.get_model(label)
        parent = next(f for f in model._meta.concrete_fields if f.is_relation).name
        out[label] = list(model.objects.filter(**{f"{parent}__team": team}).order_by("pk").values())
    return out


@pytest.fixture
def small_chunks(monkeypatch):
    """Two objects per chunk: a small import is written in many chunks."""
    monkeypatch.setattr(journal, "CHUNK_OBJECTS", 2)


@pytest.fixture
def demo_team():
    team = TeamFactory()
    fieldos_import(team=team, sources=sources_from_data("", demo()))
    return team


def changed_document(team):
    """The team's export with objects changed (a route its plays use, a play, a lineup's
    name), a new default ruleset, 40 new plays, and a last play that fails."""
    doc = fieldos_export(team)
    doc["routes"][0]["breakpoints"][-1]["time_ms"] += 100
    doc["plays"][0]["notes"] = "changed by an import that fails"
    doc["lineups"][0]["name"] = "Renamed by an import that fails"
    for rules in doc["rules"]:
        rules["default"] = False
    doc["rules"].append(dict(doc["rules"][0], id="rules_new", name="New default", default=True))
    for i in range(40):
        play = json.loads(json.dumps(doc["plays"][i % 8]))
        play["id"], play["name"] = f"play_more_{i}", f"More {i}"
        doc["plays"].append(play)
    doc["plays"][-1]["assignments"]["WR1"] = "route_nobody_has"
    return doc


def test_a_failing_import_in_many_chunks_leaves_the_team_as_it_was(demo_team, small_chunks):
    commits = []
    commit = journal.Journal.commit

    def counting(self, last=False):
        commits.append(last)
        return commit(self, last)

    before = state(demo_team)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(journal.Journal, "commit", counting)
        with pytest.raises(FieldOSImportError, match="route_nobody_has"):
            fieldos_import(
                team=demo_team, sources=sources_from_data("", changed_document(demo_team))
            )
    assert len(commits) > 20  # it failed after many chunks were written
    assert state(demo_team) == before
    assert not ImportJournal.objects.exists()


def test_the_same_import_without_the_error_goes_through(demo_team, small_chunks):
    doc = changed_document(demo_team)
    doc["plays"][-1]["assignments"]["WR1"] = doc["plays"][0]["assignments"]["WR1"]
    summary = fieldos_import(team=demo_team, sources=sources_from_data("", doc))
    assert summary.kinds["plays"]["created"] == 40
    assert Ruleset.objects.get(team=demo_team, is_default=True).name == "New default"
    assert Play.objects.get(team=demo_team, external_id=doc["plays"][0]["id"]).notes
    assert not ImportJournal.objects.exists()


def dead_pid():
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(child.stdout)


class Died(BaseException):
    """The process ends here: nothing of the import's own clean-up runs."""


def die_half_way(team, doc, monkeypatch):
    """Run the import until its 10th chunk is committed, then stop as a killed process
    would: the committed chunks and their journal stay."""
    commits = []
    commit = journal.Journal.commit

    def commit_then_die(self, last=False):
        commit(self, last)
        commits.append(last)
        if len(commits) == 10:
            raise Died

    monkeypatch.setattr(journal.Journal, "commit", commit_then_die)
    monkeypatch.setattr(journal.Journal, "fail", lambda self, exc: None)
    with pytest.raises(Died):
        fieldos_import(team=team, sources=sources_from_data("", doc))
    monkeypatch.undo()


def test_an_import_whose_process_died_is_undone_by_the_next_one(
    demo_team, small_chunks, monkeypatch
):
    before = state(demo_team)
    doc = changed_document(demo_team)
    doc["plays"][-1]["assignments"]["WR1"] = doc["plays"][0]["assignments"]["WR1"]
    die_half_way(demo_team, doc, monkeypatch)
    assert state(demo_team) != before  # ten chunks are in the database
    ImportJournal.objects.update(pid=dead_pid())
    monkeypatch.setattr(journal, "CHUNK_OBJECTS", 2)
    fieldos_import(team=demo_team, sources=sources_from_data("", {"plays": []}))
    assert state(demo_team) == before
    assert not ImportJournal.objects.exists()


def test_the_recovery_pass_undoes_an_import_whose_heartbeat_is_old(
    demo_team, small_chunks, monkeypatch
):
    before = state(demo_team)
    die_half_way(demo_team, changed_document(demo_team), monkeypatch)
    assert journal.recover() == 0  # this process is alive and its journal fresh
    ImportJournal.objects.update(heartbeat_at=timezone.now() - timedelta(minutes=11))
    assert journal.recover() == 1
    assert state(demo_team) == before


def test_a_second_import_into_the_team_waits_for_the_first(demo_team, small_chunks, monkeypatch):
    die_half_way(demo_team, changed_document(demo_team), monkeypatch)  # "still running"
    assert ImportJournal.objects.get().pid == os.getpid()
    with pytest.raises(FieldOSImportError, match="another import into this team is running"):
        fieldos_import(team=demo_team, sources=sources_from_data("", {"plays": []}))
    other = TeamFactory()  # other teams import meanwhile
    fieldos_import(team=other, sources=sources_from_data("", demo()))
