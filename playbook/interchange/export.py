"""Export: the team rendered in the format the import reads, so export → import into
another team → export gives the same document. Objects are named by their external
ids (made from the name when an object has none), never by database ids."""

import json

from django.utils.text import slugify

from football import plays as kinds
from playbook.constants import MAN_AUTO, Duty
from playbook.interchange import extensions
from playbook.interchange.format import ID_PREFIX, RULES_FIELDS
from playbook.interchange.store import team_objects
from playbook.models import Player


def export_ids(objects, kind):
    """pk → the id an object is exported under: its external_id, else one made from its
    name (unique among the kind's ids; never a database id)."""
    taken = {o.external_id for o in objects if o.external_id}
    ids = {}
    for obj in sorted(objects, key=lambda o: o.name):
        if obj.external_id:
            ids[obj.pk] = obj.external_id
            continue
        slug = slugify(obj.name, allow_unicode=True).replace("-", "_")
        base = f"{ID_PREFIX[kind]}_{slug}" if slug else ID_PREFIX[kind]
        candidate, n = base[:110], 2
        while candidate in taken:
            candidate, n = f"{base[:110]}_{n}", n + 1
        taken.add(candidate)
        ids[obj.pk] = candidate
    return ids


def _render_rules(r, ids):
    doc = {"id": ids["rules"][r.pk], "name": r.name}
    for path, name in RULES_FIELDS:
        value = getattr(r, name)
        if name == "rush_delay_ms":
            value = value / 1000
        target = doc if len(path) == 1 else doc.setdefault(path[0], {})
        target[path[-1]] = value
        if path == ("field", "no_run_zone_depth_yards"):
            doc["no_run_zone"] = {"enabled": value > 0, "depth_from_goal_yards": value}
    doc["default"] = r.is_default
    return doc


def _render_player(p, ids):
    return {
        "id": ids["players"][p.pk],
        "name": p.name,
        "side": p.side,
        "role": p.role,
        "jersey_number": p.jersey_number,
        "attributes": {name: getattr(p, name) for name in Player.RATINGS},
    }


def _render_lineup(lineup, ids):
    return {
        "id": ids["lineups"][lineup.pk],
        "name": lineup.name,
        "default": lineup.is_default,
        "spots": {s.role: ids["players"][s.player_id] for s in lineup.spots.all()},
    }


def _render_formation(f, ids):
    return {
        "id": ids["formations"][f.pk],
        "name": f.name,
        "rules": ids["rules"].get(f.ruleset_id),
        "slots": [{"role": s.role, "position": {"x": s.x, "y": s.y}} for s in f.slots.all()],
    }


def _render_route(r, ids):
    return {
        "id": ids["routes"][r.pk],
        "name": r.name,
        "settle": r.settle,
        "breakpoints": [
            {"x_yards": b.x, "y_yards": b.y, "time_ms": b.time_ms} for b in r.breakpoints.all()
        ],
    }


def _render_play(p, ids, by_pk):
    motion = None
    if p.motion_role:
        motion = {
            "role": p.motion_role,
            "to": {"x": p.motion_x, "y": p.motion_y},
            "duration_ms": p.motion_duration_ms,
        }
        # Extension keys only where they say something, so a plain FieldOS file exports
        # back as it came in.
        if p.motion_kind:
            motion["kind"] = p.motion_kind.lower()
        if p.motion_at_snap:
            motion["moving_at_snap"] = True
    extra = {}
    if p.kind != kinds.PASS:
        extra["kind"] = p.kind.lower()
        handoff = {"from": p.handoff_from} if p.handoff_from else {}
        extra["handoff"] = {
            **handoff,
            "to": p.ball_carrier,
            "at": None if p.mesh_x is None else {"x": p.mesh_x, "y": p.mesh_y},
            "time_ms": p.mesh_ms,
        }
        if p.run_path:
            extra["run_path"] = p.run_path.lower()
        if p.kind == kinds.TRICK:
            extra["trick"] = {
                "kind": p.trick_kind.lower(),
                "progression_roles": list(p.trick_progression),
            }
    return {
        "id": ids["plays"][p.pk],
        "name": p.name,
        "formation": _render_formation(by_pk["formations"][p.formation_id], ids),
        "rules": ids["rules"].get(p.ruleset_id),
        "assignments": {
            a.role: a.route_id and _render_route(by_pk["routes"][a.route_id], ids)
            for a in p.assignments.all()
        },
        "qb_plan": {
            "progression_roles": p.progression,
            "max_time_to_throw_ms": p.max_time_to_throw_ms,
            "scramble_allowed": p.scramble_allowed,
        },
        "motion": motion,
        **extra,
        "tags": p.tags,
        "notes": p.notes,
    }


def _render_duty(d):
    if d.duty == Duty.MAN:
        return {"duty": d.duty, "man_target": d.man_target or MAN_AUTO}
    if d.duty == Duty.ZONE:
        return {"duty": d.duty, "zone": {"x": d.zone_x, "y": d.zone_y, "radius": d.zone_radius}}
    return {"duty": d.duty}


def _render_scenario(s, ids, by_pk):
    defenders = list(s.defenders.all())
    doc = {"id": ids["scenarios"][s.pk], "name": s.name}
    if s.ruleset_id:
        rules = _render_rules(by_pk["rules"][s.ruleset_id], ids)
        doc["field"] = rules["field"]
        doc["rules"] = rules
    else:
        doc["rules"] = None
    doc.update(
        {
            "defense_call": {
                "type": s.coverage,
                "shell": s.shell,
                "rushers_count": sum(d.duty == Duty.RUSH for d in defenders),
                "notes": s.notes,
            },
            "defender_start_positions": {d.slot: {"x": d.x, "y": d.y} for d in defenders},
            "defender_assignments": {d.slot: _render_duty(d) for d in defenders},
            "defender_players": {
                d.slot: ids["players"][d.player_id] for d in defenders if d.player_id
            },
            "randomness": {
                "position_jitter_yards": s.position_jitter_yards,
                "reaction_jitter_ms": s.reaction_jitter_ms,
            },
            "situation_tags": s.situation_tags,
        }
    )
    return doc


def _render_playbook(b, ids):
    return {
        "id": ids["playbooks"][b.pk],
        "name": b.name,
        "description": b.description,
        "entries": [
            {
                "play": ids["plays"][e.play_id],
                "call_number": e.call_number,
                "situations": e.situations,
            }
            for e in b.entries.all()
        ],
    }


def fieldos_export(team):
    """The team as one document keyed by kind, in the format fieldos_import reads."""
    objects = {kind: list(qs.order_by("name")) for kind, qs in team_objects(team).items()}
    ids = {kind: export_ids(objs, kind) for kind, objs in objects.items()}
    by_pk = {kind: {o.pk: o for o in objs} for kind, objs in objects.items()}
    render = {
        "rules": lambda o: _render_rules(o, ids),
        "players": lambda o: _render_player(o, ids),
        "lineups": lambda o: _render_lineup(o, ids),
        "formations": lambda o: _render_formation(o, ids),
        "routes": lambda o: _render_route(o, ids),
        "plays": lambda o: _render_play(o, ids, by_pk),
        "scenarios": lambda o: _render_scenario(o, ids, by_pk),
        "playbooks": lambda o: _render_playbook(o, ids),
    }
    doc = {kind: [render[kind](o) for o in objects[kind]] for kind in render}
    for extra in extensions.EXTRAS.values():  # after the kinds they refer to
        doc[extra.kind] = extra.export(team, ids)
    return doc


def export_json(value):
    """How export files are written: UTF-8, indented, stable."""
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"
