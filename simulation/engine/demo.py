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
    Handoff,
    Motion,
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


def play_from_json(data: dict, refs: dict | None = None) -> PlayInput:
    """A play object; `refs` (id → object) resolves a formation or route given by id.
    Run and trick plays and motion as the importer reads them (docs/import-export.md)."""
    refs = refs or {}
    formation = data["formation"]
    formation = refs[formation] if isinstance(formation, str) else formation
    slots = formation["slots"]
    alignment = {s["role"]: (float(s["position"]["x"]), float(s["position"]["y"])) for s in slots}
    routes = {
        role: route_from_json(refs[r] if isinstance(r, str) else r)
        for role, r in data.get("assignments", {}).items()
    }
    plan = data.get("qb_plan", {})
    motion = data.get("motion")
    handoff = data.get("handoff")
    trick = data.get("trick") or {}
    return PlayInput(
        name=data["name"],
        alignment=alignment,
        routes={role: r for role, r in routes.items() if r is not None},
        progression=tuple(plan.get("progression_roles", ())),
        max_time_to_throw_ms=float(plan.get("max_time_to_throw_ms", 3000.0)),
        motion=Motion(
            motion["role"],
            float(motion["to"]["x"]),
            float(motion["to"]["y"]),
            float(motion.get("duration_ms") or 0),
            kind=motion.get("kind", "").upper(),
            at_snap=bool(motion.get("moving_at_snap", False)),
        )
        if motion
        else None,
        kind=data.get("kind", "pass").upper(),
        handoff=Handoff(
            carrier=handoff["to"],
            giver=handoff.get("from") or "QB",
            x=(handoff.get("at") or {}).get("x"),
            y=(handoff.get("at") or {}).get("y"),
            time_ms=handoff.get("time_ms"),
            path=data.get("run_path", "").upper(),
            trick=trick.get("kind", "").upper(),
            progression=tuple(trick.get("progression_roles", ())),
        )
        if handoff
        else None,
    )


def plays_from_file(path: str | Path, directory: str | Path) -> dict[str, PlayInput]:
    """Plays of an extra file whose formations and routes may be ids of the demo's."""
    directory = Path(directory)
    refs = {}
    for name in ("formations.json", "routes.json"):
        refs.update({o["id"]: o for o in json.loads((directory / name).read_text())})
    for play in json.loads((directory / "plays.json").read_text()):
        refs.setdefault(play["formation"]["id"], play["formation"])
        for route in play.get("assignments", {}).values():
            if route:
                refs.setdefault(route["id"], route)
    return {p["id"]: play_from_json(p, refs) for p in json.loads(Path(path).read_text())}


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
