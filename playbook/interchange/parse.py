"""Per-kind parsing: one FieldOS object (a dict) → its spec, plain data with references
as ids. Each function takes the Reader, which records errors and reads embedded
objects (a play's formation and routes, a scenario's ruleset) as definitions."""

from football import plays as kinds
from football.routes import settles_by_name
from playbook.constants import MAN_AUTO, Coverage, Duty, Shell
from playbook.interchange.errors import describe
from playbook.interchange.format import RULES_FIELDS, RULES_GROUPS, SCENARIO_FIELD
from playbook.interchange.values import BAD
from playbook.models import Player, Ruleset


def rules(r, item, where):
    groups = {}
    for group in RULES_GROUPS:
        value = item.get(group, {})
        groups[group] = r.mapping(where, group, value) if value is not None else {}
        if groups[group] is BAD:
            groups[group] = {}
        allowed = {path[1] for path, _ in RULES_FIELDS if path[0] == group}
        if group == "no_run_zone":
            allowed = {"enabled", "depth_from_goal_yards"}
        r.known(where, groups[group], allowed, group)
    values = {}
    for path, name in RULES_FIELDS:
        container = item if len(path) == 1 else groups[path[0]]
        if path[-1] not in container:
            values[name] = Ruleset._meta.get_field(name).default
        elif name == "rush_delay_ms":
            seconds = r.number(where, ".".join(path), container[path[-1]])
            values[name] = round(seconds * 1000) if seconds is not BAD else BAD
        else:
            values[name] = r.model_value(Ruleset, name, where, ".".join(path), container[path[-1]])
    zone = groups["no_run_zone"]
    if "depth_from_goal_yards" in zone:
        depth = r.number(where, "no_run_zone.depth_from_goal_yards", zone["depth_from_goal_yards"])
        if "no_run_zone_depth_yards" not in groups["field"]:
            values["no_run_zone_depth"] = depth
        elif depth is not BAD and depth != values["no_run_zone_depth"]:
            r.error(
                where,
                "no_run_zone.depth_from_goal_yards",
                f"{depth} differs from field.no_run_zone_depth_yards "
                f"({values['no_run_zone_depth']})",
            )
    if "enabled" in zone and r.boolean(where, "no_run_zone.enabled", zone["enabled"]) is False:
        values["no_run_zone_depth"] = 0.0
    if item.get("default") is not None:
        default = r.boolean(where, "default", item["default"])
        item_id = item["id"]
        if r.rule_defaults.get(item_id, default) != default:
            r.error(where, "default", f"'{item_id}' is also given default={not default}")
        r.rule_defaults[item_id] = default
    return {"name": r.name(where, item), "values": values}


def players(r, item, where):
    values = {
        "name": r.name(where, item),
        "side": r.text(where, "side", item.get("side")),
        "role": r.text(where, "role", item.get("role")),
        "jersey_number": None,
    }
    if item.get("jersey_number") is not None:
        values["jersey_number"] = r.number(
            where, "jersey_number", item["jersey_number"], integer=True
        )
    attributes = r.mapping(where, "attributes", item.get("attributes", {}), "an object of ratings")
    attributes = {} if attributes is BAD else attributes
    for name in Player.RATINGS:
        if name in attributes:
            values[name] = r.model_value(
                Player, name, where, f"attributes.{name}", attributes[name]
            )
        else:
            values[name] = Player._meta.get_field(name).default
    for name in attributes:
        if name not in Player.RATINGS:
            r.warn(where, f"attributes.{name}", "not a FieldOS rating; ignored")
    return values


def formations(r, item, where):
    slots = []
    raw = r.listing(where, "slots", item.get("slots"), "a list of slots")
    for i, slot in enumerate([] if raw is BAD else raw):
        path = f"slots[{i}]"
        if r.mapping(where, path, slot) is BAD:
            continue
        r.known(where, slot, {"role", "position"}, path)
        x, y = r.point(where, f"{path}.position", slot.get("position"))
        slots.append({"role": r.text(where, f"{path}.role", slot.get("role")), "x": x, "y": y})
    return {
        "name": r.name(where, item),
        "rules": r.reference("rules", where, "rules", item.get("rules"), required=False),
        "slots": slots,
    }


def routes(r, item, where):
    points = []
    raw = r.listing(where, "breakpoints", item.get("breakpoints"), "a list of breakpoints")
    for i, bp in enumerate([] if raw is BAD else raw):
        path = f"breakpoints[{i}]"
        if r.mapping(where, path, bp) is BAD:
            continue
        r.known(where, bp, {"x_yards", "y_yards", "time_ms"}, path)
        time_ms = r.number(where, f"{path}.time_ms", bp.get("time_ms"), integer=True)
        if time_ms is not BAD and time_ms < 0:
            r.error(where, f"{path}.time_ms", f"{time_ms} is before the snap")
        points.append(
            {
                "x": r.number(where, f"{path}.x_yards", bp.get("x_yards")),
                "y": r.number(where, f"{path}.y_yards", bp.get("y_yards")),
                "time_ms": time_ms,
            }
        )
    settle = item.get("settle")
    if settle is None:  # the engine format has no flag: infer it from the route's name
        settle = settles_by_name(item.get("name"))
    return {
        "name": r.name(where, item),
        "settle": r.boolean(where, "settle", settle),
        "breakpoints": points,
    }


def plays(r, item, where):
    assignments = []
    raw = r.mapping(where, "assignments", item.get("assignments", {}), "an object role → route")
    for role, route in ({} if raw is BAD else raw).items():
        route_id = r.reference("routes", where, f"assignments.{role}", route, required=False)
        assignments.append({"role": role, "route": route_id})
    plan = r.mapping(where, "qb_plan", item.get("qb_plan", {}))
    plan = {} if plan is BAD else plan
    r.known(
        where,
        plan,
        {"progression_roles", "max_time_to_throw_ms", "scramble_allowed"},
        "qb_plan",
    )
    progression = r.listing(where, "qb_plan.progression_roles", plan.get("progression_roles", []))
    if progression is not BAD:
        for i, role in enumerate(progression):
            r.text(where, f"qb_plan.progression_roles[{i}]", role)
    return {
        "name": r.name(where, item),
        "formation": r.reference("formations", where, "formation", item.get("formation")),
        "rules": r.reference("rules", where, "rules", item.get("rules"), required=False),
        "assignments": assignments,
        "progression": progression,
        "max_time_to_throw_ms": r.number(
            where,
            "qb_plan.max_time_to_throw_ms",
            plan.get("max_time_to_throw_ms", 3000),
            integer=True,
        ),
        "scramble_allowed": r.boolean(
            where, "qb_plan.scramble_allowed", plan.get("scramble_allowed", False)
        ),
        "motion": play_motion(r, item.get("motion"), where),
        **play_handoff(r, item, where),
        "tags": r.tags(where, "tags", item.get("tags", [])),
        "notes": r.text(where, "notes", item.get("notes", "")),
    }


def play_motion(r, motion, where):
    if motion is None:
        return None
    if r.mapping(where, "motion", motion, "an object {role, to: {x, y}, duration_ms}") is BAD:
        return BAD
    r.known(where, motion, {"role", "to", "duration_ms", "kind", "moving_at_snap"}, "motion")
    x, y = r.point(where, "motion.to", motion.get("to"))
    return {
        "role": r.text(where, "motion.role", motion.get("role")),
        "x": x,
        "y": y,
        "duration_ms": r.number(
            where, "motion.duration_ms", motion.get("duration_ms"), integer=True
        ),
        "kind": _word(r, where, "motion.kind", motion.get("kind", ""), kinds.MOTIONS),
        "at_snap": r.boolean(where, "motion.moving_at_snap", motion.get("moving_at_snap", False)),
    }


def _word(r, where, path, value, allowed):
    """An upper-case choice written in any case ("jet", "reverse_pass"); "" when absent."""
    value = r.text(where, path, value)
    if value is BAD:
        return BAD
    word = value.strip().upper()
    if word and word not in allowed:
        r.error(where, path, f"'{value}' is not one of {', '.join(w.lower() for w in allowed)}")
        return BAD
    return word


def play_handoff(r, item, where):
    """Run and trick plays (extension): `kind`, the `handoff` behind the line, a run's
    `run_path`, a trick play's `trick` {kind, progression_roles}. No `kind`: a pass."""
    kind = _word(r, where, "kind", item.get("kind", "pass"), kinds.KINDS) or kinds.PASS
    values = {
        "kind": kind,
        "ball_carrier": "",
        "handoff_from": "",
        "mesh_x": None,
        "mesh_y": None,
        "mesh_ms": None,
        "run_path": _word(r, where, "run_path", item.get("run_path", ""), kinds.RUN_PATHS),
        "trick_kind": "",
        "trick_progression": [],
    }
    handoff = item.get("handoff")
    if handoff is not None:
        handoff = r.mapping(where, "handoff", handoff, "an object {from, to, at: {x, y}, time_ms}")
    if handoff not in (None, BAD):
        r.known(where, handoff, {"from", "to", "at", "time_ms"}, "handoff")
        values["ball_carrier"] = r.text(where, "handoff.to", handoff.get("to", ""))
        values["handoff_from"] = r.text(where, "handoff.from", handoff.get("from", ""))
        if handoff.get("at") is not None:
            values["mesh_x"], values["mesh_y"] = r.point(where, "handoff.at", handoff["at"])
        if handoff.get("time_ms") is not None:
            values["mesh_ms"] = r.number(where, "handoff.time_ms", handoff["time_ms"], integer=True)
    trick = item.get("trick")
    if trick is not None:
        trick = r.mapping(where, "trick", trick, "an object {kind, progression_roles}")
    if trick not in (None, BAD):
        r.known(where, trick, {"kind", "progression_roles"}, "trick")
        values["trick_kind"] = _word(r, where, "trick.kind", trick.get("kind", ""), kinds.TRICKS)
        reads = r.listing(where, "trick.progression_roles", trick.get("progression_roles", []))
        if reads is not BAD:
            for i, role in enumerate(reads):
                r.text(where, f"trick.progression_roles[{i}]", role)
        values["trick_progression"] = reads
    return values


def scenarios(r, item, where):
    call = r.mapping(
        where,
        "defense_call",
        item.get("defense_call"),
        "an object {type, shell, rushers_count}",
    )
    call = {} if call is BAD else call
    r.known(
        where,
        call,
        {"type", "shell", "rushers_count", "rusher_position", "notes"},
        "defense_call",
    )
    coverage = call.get("type")
    if coverage not in Coverage.values:
        r.error(
            where,
            "defense_call.type",
            f"{describe(coverage)} is not {' or '.join(Coverage.values)}",
        )
    shell = call.get("shell", Shell.OTHER)
    if shell not in Shell.values:
        r.warn(
            where,
            "defense_call.shell",
            f"{describe(shell)} is not modelled; stored as OTHER",
        )
        shell = Shell.OTHER
    if call.get("rusher_position", "CENTER") != "CENTER":
        r.error(
            where,
            "defense_call.rusher_position",
            f"{describe(call['rusher_position'])}: only CENTER (the defender over the ball) "
            "is supported",
        )
    rushers = call.get("rushers_count")
    if rushers is not None:
        rushers = r.number(where, "defense_call.rushers_count", rushers, integer=True)
    if rushers not in (None, BAD) and rushers < 0:
        r.error(where, "defense_call.rushers_count", f"{rushers} is negative")

    positions = {}
    raw = r.mapping(
        where,
        "defender_start_positions",
        item.get("defender_start_positions"),
        "an object D1 → {x, y}",
    )
    for slot, point in sorted(({} if raw is BAD else raw).items()):
        positions[slot] = r.point(where, f"defender_start_positions.{slot}", point)

    duties = None
    if item.get("defender_assignments") is not None:
        duties = defender_duties(r, item["defender_assignments"], positions, where)
    players = {}
    raw = r.mapping(
        where, "defender_players", item.get("defender_players", {}), "an object D1 → player id"
    )
    for slot, player in ({} if raw is BAD else raw).items():
        players[slot] = r.text(where, f"defender_players.{slot}", player)
        if slot not in positions:
            r.error(where, f"defender_players.{slot}", f"'{slot}' has no start position")

    randomness = r.mapping(where, "randomness", item.get("randomness", {}))
    randomness = {} if randomness is BAD else randomness
    r.known(
        where,
        randomness,
        {"position_jitter_yards", "reaction_jitter_ms"},
        "randomness",
    )
    field_ = item.get("field")
    if field_ is not None and r.mapping(where, "field", field_) is not BAD:
        r.known(where, field_, set(SCENARIO_FIELD), "field")
        field_ = {
            k: r.number(where, f"field.{k}", v) for k, v in field_.items() if k in SCENARIO_FIELD
        }
    return {
        "name": r.name(where, item),
        "rules": r.reference("rules", where, "rules", item.get("rules"), required=False),
        "field": field_,
        "coverage": coverage,
        "shell": shell,
        "notes": r.text(where, "defense_call.notes", call.get("notes", "")),
        "rushers_count": rushers,
        "positions": positions,
        "duties": duties,
        "players": players,
        "position_jitter_yards": r.number(
            where,
            "randomness.position_jitter_yards",
            randomness.get("position_jitter_yards", 0.5),
        ),
        "reaction_jitter_ms": r.number(
            where, "randomness.reaction_jitter_ms", randomness.get("reaction_jitter_ms", 50.0)
        ),
        "situation_tags": r.tags(where, "situation_tags", item.get("situation_tags", [])),
    }


def defender_duties(r, raw, positions, where):
    """Explicit defender assignments (the export writes them): slot → duty."""
    base = "defender_assignments"
    if r.mapping(where, base, raw, "an object D1 → {duty, …}") is BAD:
        return BAD
    duties = {}
    for slot in sorted(set(raw) | set(positions)):
        path = f"{base}.{slot}"
        if slot not in raw:
            r.error(where, path, "missing; give every defender a duty (MAN, ZONE or RUSH)")
            continue
        if slot not in positions:
            r.error(where, path, f"'{slot}' has no start position")
            continue
        duty = r.mapping(where, path, raw[slot], "an object {duty, man_target | zone}")
        if duty is BAD:
            continue
        r.known(where, duty, {"duty", "man_target", "zone"}, path)
        kind = duty.get("duty")
        row = {
            "duty": kind,
            "man_target": "",
            "zone_x": None,
            "zone_y": None,
            "zone_radius": None,
        }
        if kind == Duty.MAN:
            row["man_target"] = r.text(
                where, f"{path}.man_target", duty.get("man_target", MAN_AUTO)
            )
        elif kind == Duty.ZONE:
            zone = r.mapping(where, f"{path}.zone", duty.get("zone"), "an object {x, y, radius}")
            if zone is not BAD:
                r.known(where, zone, {"x", "y", "radius"}, f"{path}.zone")
                row["zone_x"] = r.number(where, f"{path}.zone.x", zone.get("x"))
                row["zone_y"] = r.number(where, f"{path}.zone.y", zone.get("y"))
                row["zone_radius"] = r.number(where, f"{path}.zone.radius", zone.get("radius"))
        elif kind != Duty.RUSH:
            r.error(where, f"{path}.duty", f"{describe(kind)} is not MAN, ZONE or RUSH")
        duties[slot] = row
    return duties


def lineups(r, item, where):
    spots = r.mapping(where, "spots", item.get("spots", {}), "an object role → player id")
    spots = {} if spots is BAD else spots
    return {
        "name": r.name(where, item),
        "is_default": r.boolean(where, "default", item.get("default", False)),
        "spots": [
            {"role": role, "player": r.text(where, f"spots.{role}", player, required=True)}
            for role, player in spots.items()
        ],
    }


def playbooks(r, item, where):
    entries = []
    raw = r.listing(where, "entries", item.get("entries", []), "a list of entries")
    for i, entry in enumerate([] if raw is BAD else raw):
        path = f"entries[{i}]"
        if r.mapping(where, path, entry) is BAD:
            continue
        r.known(where, entry, {"play", "call_number", "situations"}, path)
        call = entry.get("call_number")
        if isinstance(call, int) and not isinstance(call, bool):
            call = str(call)
        situations = r.listing(where, f"{path}.situations", entry.get("situations", []))
        entries.append(
            {
                "play": r.text(where, f"{path}.play", entry.get("play"), required=True),
                "call_number": r.text(where, f"{path}.call_number", call, max_length=12),
                "situations": situations,
            }
        )
    return {
        "name": r.name(where, item),
        "description": r.text(where, "description", item.get("description", "")),
        "entries": entries,
    }


PARSERS = {
    "rules": rules,
    "players": players,
    "lineups": lineups,
    "formations": formations,
    "routes": routes,
    "plays": plays,
    "scenarios": scenarios,
    "playbooks": playbooks,
}
