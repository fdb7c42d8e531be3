"""Engine inputs from the FieldOS JSON files (players.json, plays.json, scenarios.json).

The scenarios only name a `defense_call`; `football.duties.defenders_from_call` turns
it into one duty per defender, the same way the importer does (docs/domain.md,
"Defense calls"): zone defenders drop to their shell's landmarks (football.shells).
The scenarios' embedded "Standard 5v5" ruleset is ignored: a run uses the ruleset it is
given (NFL FLAG 5v5 by default).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from football import duties
from football.routes import SETTLE_NAME
from simulation.engine.inputs import (
    DefenderInput,
    DefenseRatings,
    OffenseRatings,
    PlayInput,
    Route,
    Ruleset,
    ScenarioInput,
)


@dataclass
class DemoData:
    plays: dict[str, PlayInput]  # by external id, file order
    scenarios: dict[str, ScenarioInput]
    offense: dict[str, OffenseRatings]  # by role
    defense: dict[str, DefenseRatings]  # by defender slot (D1..D5)


def route_from_json(data: dict | None) -> Route | None:
    if not data:
        return None
    points = tuple(
        (float(p["x_yards"]), float(p["y_yards"]), float(p["time_ms"])) for p in data["breakpoints"]
    )
    settle = data.get("settle")
    if settle is None:
        settle = bool(SETTLE_NAME.search(data.get("name", "")))
    return Route(breakpoints=points, settle=bool(settle), name=data.get("name", ""))


def play_from_json(data: dict) -> PlayInput:
    slots = data["formation"]["slots"]
    alignment = {s["role"]: (float(s["position"]["x"]), float(s["position"]["y"])) for s in slots}
    routes = {role: route_from_json(r) for role, r in data.get("assignments", {}).items()}
    plan = data.get("qb_plan", {})
    return PlayInput(
        name=data["name"],
        alignment=alignment,
        routes={role: r for role, r in routes.items() if r is not None},
        progression=tuple(plan.get("progression_roles", ())),
        max_time_to_throw_ms=float(plan.get("max_time_to_throw_ms", 3000.0)),
    )


def defenders_from_call(
    starts: dict[str, tuple[float, float]], call: dict, rules: Ruleset
) -> tuple[DefenderInput, ...]:
    """A defense call → explicit duties for every defender, in the scenario's order."""
    rows, _ = duties.defenders_from_call(
        starts,
        call.get("type", duties.ZONE).upper(),
        int(call.get("rushers_count", 0)),
        rules.rush_distance,
        shell=call.get("shell"),
        half_width=rules.half_width,
    )
    by_slot = {row["slot"]: row for row in rows}
    return tuple(
        DefenderInput(
            name,
            x,
            y,
            by_slot[name]["duty"],
            by_slot[name]["man_target"] or None,
            by_slot[name]["zone_x"],
            by_slot[name]["zone_y"],
            by_slot[name]["zone_radius"],
        )
        for name, (x, y) in starts.items()
    )


def scenario_from_json(data: dict, rules: Ruleset) -> ScenarioInput:
    starts = {
        name: (float(p["x"]), float(p["y"])) for name, p in data["defender_start_positions"].items()
    }
    randomness = data.get("randomness", {})
    call = data.get("defense_call", {})
    defenders = defenders_from_call(starts, call, rules)
    return ScenarioInput(
        name=data["name"],
        defenders=defenders,
        position_jitter_yards=float(randomness.get("position_jitter_yards", 0.5)),
        reaction_jitter_ms=float(randomness.get("reaction_jitter_ms", 50.0)),
    )


def load_demo(directory: str | Path, rules: Ruleset | None = None) -> DemoData:
    directory = Path(directory)
    rules = rules or Ruleset()

    def read(name):
        return json.loads((directory / name).read_text())

    offense, defense = {}, {}
    for player in read("players.json"):
        if player["side"] == "OFFENSE":
            offense[player["role"]] = OffenseRatings.from_dict(player.get("attributes"))
        else:
            defense[player["role"]] = DefenseRatings.from_dict(player.get("attributes"))
    plays = {p["id"]: play_from_json(p) for p in read("plays.json")}
    scenarios = {s["id"]: scenario_from_json(s, rules) for s in read("scenarios.json")}
    return DemoData(plays=plays, scenarios=scenarios, offense=offense, defense=defense)
