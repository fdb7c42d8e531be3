"""Engine inputs from the FieldOS JSON files (players.json, plays.json, scenarios.json).

The scenarios only name a `defense_call`; DOMAIN.md §2 turns it into defender duties:
rushers first (the defender over the ball, at least the rush distance deep), then MAN
calls put defenders within 5 yd of the LOS on man "auto" and everyone else in a zone at
their start spot; ZONE calls give every non-rusher a zone at their start spot (radius
5 yd underneath, 8 yd deep). scenario_from_json then sends every zone defender to the
landmark his shell gives him (shells.py: flats, hooks, deep halves/thirds/quarters), so
he drops at the snap instead of standing on his spot. The scenarios' embedded
"Standard 5v5" ruleset is ignored: a run uses the ruleset it is given (NFL FLAG 5v5 by
default).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from simulation.engine import constants as C
from simulation.engine.inputs import (
    AUTO,
    MAN,
    RUSH,
    ZONE,
    DefenderInput,
    DefenseRatings,
    OffenseRatings,
    PlayInput,
    Route,
    Ruleset,
    ScenarioInput,
)
from simulation.engine.prepare import default_zone_radius
from simulation.engine.shells import shell_landmarks

# The demo routes carry no `settle` flag; routes named like these stop at their last
# breakpoint (a hitch or a stop does not keep running back towards the LOS).
SETTLE_NAME = re.compile(r"\b(hitch|stop|curl|sit|stick|comeback|check)\b", re.IGNORECASE)


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
    """DOMAIN.md §2: a defense call → explicit duties for every defender."""
    rushers_count = int(call.get("rushers_count", 0))
    deep_enough = [name for name, (x, _) in starts.items() if x >= rules.rush_distance]
    by_ball = sorted(deep_enough, key=lambda n: (abs(starts[n][1]), starts[n][0]))
    rushers = set(by_ball[:rushers_count])
    coverage = call.get("type", ZONE).upper()
    defenders = []
    for name, (x, y) in starts.items():
        if name in rushers:
            defenders.append(DefenderInput(name, x, y, RUSH))
        elif coverage == MAN and x <= C.MAN_AUTO_MAX_DEPTH_YD:
            defenders.append(DefenderInput(name, x, y, MAN, man_target=AUTO))
        else:
            defenders.append(DefenderInput(name, x, y, ZONE, None, x, y, default_zone_radius(x)))
    return tuple(defenders)


def scenario_from_json(data: dict, rules: Ruleset) -> ScenarioInput:
    starts = {
        name: (float(p["x"]), float(p["y"])) for name, p in data["defender_start_positions"].items()
    }
    randomness = data.get("randomness", {})
    call = data.get("defense_call", {})
    defenders = shell_landmarks(
        defenders_from_call(starts, call, rules), call.get("shell"), rules.half_width
    )
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
