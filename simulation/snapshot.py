"""What a run simulates, taken once when it is created: the engine inputs of every play,
defense, ruleset and player, and the version of each object they came from.

A run reads its inputs from here, never from the live objects, so an edit or a delete
made while it is queued or running cannot mix two versions into one run's metrics, and
a finished run keeps reporting what it simulated. `changed_since()` says which inputs
were edited (or deleted) after the run took them."""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping

from django.db.models import JSONField
from django.db.models.fields.json import KeyTransform

from playbook.models import Formation, Lineup, Play, Player, Route, Ruleset, Scenario
from simulation import adapter, engine
from simulation.models import FINISHED, SimulationRun

KINDS = {
    "play": Play,
    "formation": Formation,
    "route": Route,
    "scenario": Scenario,
    "player": Player,
    "lineup": Lineup,
    "ruleset": Ruleset,
}


# --- engine dataclasses ↔ JSON ------------------------------------------------------------


def to_data(value):
    """A frozen engine dataclass (nested, with tuples and mappings) as plain JSON data."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_data(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): to_data(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return [to_data(v) for v in value]
    return value


def from_data(kind, data):
    """The inverse of to_data for the type `kind` (read from the dataclass annotations)."""
    if data is None:
        return None
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(kind) if a is not type(None)]
        for option in options[:-1]:
            try:
                return from_data(option, data)
            except (TypeError, ValueError, KeyError):
                continue
        return from_data(options[-1], data)
    if dataclasses.is_dataclass(kind):
        hints = typing.get_type_hints(kind)
        names = {f.name for f in dataclasses.fields(kind) if f.init}
        return kind(**{k: from_data(hints[k], v) for k, v in data.items() if k in names})
    if origin is tuple:
        args = typing.get_args(kind)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(from_data(args[0], v) for v in data)
        if args:
            return tuple(from_data(a, v) for a, v in zip(args, data, strict=True))
        return tuple(data)
    if origin in (dict, Mapping, typing.Mapping) or kind in (dict, Mapping):
        args = typing.get_args(kind)
        value_kind = args[1] if len(args) == 2 else typing.Any
        return {k: from_data(value_kind, v) for k, v in data.items()}
    if kind is float and isinstance(data, int):
        return float(data)
    return data


# --- taking a snapshot --------------------------------------------------------------------


def _load_plays(ids):
    return (
        Play.objects.filter(pk__in=ids)
        .select_related("formation")
        .prefetch_related("formation__slots", "assignments__route__breakpoints")
        .order_by("pk")
    )


def _load_scenarios(ids):
    return (
        Scenario.objects.filter(pk__in=ids)
        .select_related("ruleset")
        .prefetch_related("defenders__player")
        .order_by("pk")
    )


def take(run):
    """The run's inputs (from its play_ids, scenario_ids, ruleset, lineup and team) and
    the versions they were taken from, as JSON data for SimulationRun.inputs."""
    used = {kind: {} for kind in KINDS}

    def note(kind, obj):
        if obj is not None:
            used[kind][obj.pk] = {"name": str(obj), "version": obj.version}

    plays, scenarios, rules = {}, {}, {}
    for play in _load_plays(run.play_ids):
        plays[str(play.pk)] = to_data(adapter.engine_play(play))
        note("play", play)
        note("formation", play.formation)
        for assignment in play.assignments.all():
            if assignment.route_id:
                note("route", assignment.route)
    for scenario in _load_scenarios(run.scenario_ids):
        scenarios[str(scenario.pk)] = to_data(adapter.engine_scenario(scenario))
        ruleset = adapter.run_ruleset(run, scenario)
        rules[str(scenario.pk)] = to_data(adapter.engine_rules(ruleset))
        note("scenario", scenario)
        note("ruleset", ruleset)
        for defender in scenario.defenders.all():
            if defender.player_id:
                note("player", defender.player)
    lineup = run.lineup or Lineup.objects.filter(team=run.team_id, is_default=True).first()
    note("lineup", lineup)
    roster = adapter.roster(run.team, lineup)
    for player in roster.values():
        note("player", player)
    offense, defense = adapter.engine_players(run.team, lineup)
    return {
        "plays": plays,
        "scenarios": scenarios,
        "rules": rules,
        "offense": to_data(offense),
        "defense": to_data(defense),
        "versions": [
            {"kind": kind, "id": pk, **entry}
            for kind in KINDS
            for pk, entry in sorted(used[kind].items())
        ],
    }


class Inputs:
    """The engine inputs of a snapshot (what _Inputs in services prepares from)."""

    def __init__(self, data):
        self.data = data
        self.offense = {r: from_data(engine.OffenseRatings, v) for r, v in data["offense"].items()}
        self.defense = {r: from_data(engine.DefenseRatings, v) for r, v in data["defense"].items()}

    def play(self, play_id):
        return from_data(engine.PlayInput, self.data["plays"][str(play_id)])

    def scenario(self, scenario_id):
        return from_data(engine.ScenarioInput, self.data["scenarios"][str(scenario_id)])

    def rules(self, scenario_id):
        return from_data(engine.Ruleset, self.data["rules"][str(scenario_id)])


# --- reading ------------------------------------------------------------------------------


def with_versions_only(queryset):
    """Runs without their engine inputs, only the versions part of them (`versions()`
    reads it): a list of runs shows versions, and the inputs are most of a run's row."""
    return queryset.defer("inputs").annotate(
        input_versions=KeyTransform("versions", "inputs", output_field=JSONField())
    )


def versions(run):
    """[{"kind", "id", "name", "version"}] of every object the run simulated; [] for a
    run made before runs kept their inputs."""
    if "inputs" in run.get_deferred_fields() and hasattr(run, "input_versions"):
        return list(run.input_versions or [])
    return list((run.inputs or {}).get("versions", []))


def changed_since(run):
    """The inputs edited or deleted since the run took them: each entry of versions()
    with `current_version` (None when the object was deleted)."""
    return changed_since_many([run])[run.pk]


def changed_since_many(runs):
    """changed_since() of each run, {run id: [...]}, in one query per kind of input."""
    runs = list(runs)
    wanted = {kind: set() for kind in KINDS}
    for run in runs:
        for v in versions(run):
            wanted[v["kind"]].add(v["id"])
    now = {
        kind: dict(KINDS[kind].objects.filter(pk__in=ids).values_list("pk", "version"))
        for kind, ids in wanted.items()
        if ids
    }
    return {
        run.pk: [
            {**v, "current_version": now[v["kind"]].get(v["id"])}
            for v in versions(run)
            if now[v["kind"]].get(v["id"]) != v["version"]
        ]
        for run in runs
    }


def runs_using(obj):
    """Queued or running runs of obj's team that simulate obj (one of KINDS)."""
    kind = next((k for k, m in KINDS.items() if isinstance(obj, m)), None)
    if kind is None or obj.pk is None:
        return []
    active = SimulationRun.objects.filter(team=obj.team_id).exclude(status__in=FINISHED)
    # A run made before runs kept their inputs still names its plays and scenarios.
    listed = {"play": "play_ids", "scenario": "scenario_ids"}.get(kind)
    return [
        run
        for run in active.order_by("id")
        if any(v["kind"] == kind and v["id"] == obj.pk for v in versions(run))
        or (listed and run.inputs is None and obj.pk in getattr(run, listed))
    ]


def on_jobs_using(sender, obj, **kwargs):
    """playbook.services.jobs_using receiver: a queued or running run blocks deleting
    what it simulates."""
    return runs_using(obj)
