"""What a team already holds and how one object is written: the stored shape an
import compares against, the write through playbook.services, and a service's error
path → the path in the FieldOS JSON."""

import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models

from playbook import services
from playbook.interchange.format import MODELS, RULES_PATH, SCENARIO_FIELDS
from playbook.models import (
    Formation,
    Lineup,
    Play,
    Playbook,
    Player,
    Route,
    Ruleset,
    Scenario,
)


def team_objects(team):
    """Every object of the team, per kind, with what comparing and exporting read."""
    return {
        "rules": Ruleset.objects.filter(team=team),
        "players": Player.objects.filter(team=team),
        "lineups": Lineup.objects.filter(team=team).prefetch_related("spots"),
        "formations": Formation.objects.filter(team=team).prefetch_related("slots"),
        "routes": Route.objects.filter(team=team).prefetch_related("breakpoints"),
        "plays": Play.objects.filter(team=team).prefetch_related("assignments"),
        "scenarios": Scenario.objects.filter(team=team).prefetch_related("defenders"),
        "playbooks": Playbook.objects.filter(team=team).prefetch_related("entries"),
    }


def stored(kind, obj):
    """What an object holds, in the shape the writer builds ({"data", "rows"}); related
    objects as primary keys."""
    data = {"name": obj.name, "external_id": obj.external_id}
    rows = None
    if kind == "rules":
        data.update({f: getattr(obj, f) for f in Ruleset.RULE_FIELDS})
    elif kind == "players":
        data.update(
            {f: getattr(obj, f) for f in ("side", "role", "jersey_number", *Player.RATINGS)}
        )
    elif kind == "lineups":
        data["is_default"] = obj.is_default
        rows = [{"role": s.role, "player": s.player_id} for s in obj.spots.all()]
    elif kind == "formations":
        data["ruleset"] = obj.ruleset_id
        rows = obj.slot_data()
    elif kind == "routes":
        data["settle"] = obj.settle
        rows = obj.breakpoint_data()
    elif kind == "plays":
        data.update(formation=obj.formation_id, ruleset=obj.ruleset_id)
        data.update({f: getattr(obj, f) for f in Play.PLAIN_FIELDS})
        rows = [{"role": a.role, "route": a.route_id} for a in obj.assignments.all()]
    elif kind == "scenarios":
        data["ruleset"] = obj.ruleset_id
        data.update({f: getattr(obj, f) for f in SCENARIO_FIELDS})
        rows = [{**d.as_data(), "player": d.player_id} for d in obj.defenders.all()]
    elif kind == "playbooks":
        data["description"] = obj.description
        rows = [
            {"play": e.play_id, "call_number": e.call_number, "situations": e.situations}
            for e in obj.entries.all()
        ]
    return {"data": data, "rows": rows}


def comparable(value):
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dict):
        return {k: comparable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [comparable(v) for v in value]
    return value


def check_fields(model, data):
    """The model's own field rules (lengths, choices, ranges), as the API applies them."""
    plain = {k: v for k, v in data.items() if not model._meta.get_field(k).is_relation}
    exclude = [f.name for f in model._meta.fields if f.name not in plain]
    model(**plain).clean_fields(exclude=exclude)


def write_object(kind, team, values, instance):
    """Through the kind's writer in playbook.services (services.KINDS), as the API and
    the admin write it."""
    model = MODELS[kind]
    writer = services.KINDS[model]
    rows = {}
    if writer.rows:
        # a writer with rows checks them before the object's own fields: field limits first
        check_fields(model, values["data"])
        rows = {writer.rows: values["rows"]}
    try:
        return writer.write(team=team, data=dict(values["data"]), instance=instance, **rows)
    except IntegrityError as exc:  # two writes racing past the writer's unique checks
        raise ValidationError({"id": [f"clashes with an existing object ({exc})"]}) from None


def json_path(kind, path, values):
    """A service's error path → the path in the FieldOS JSON."""
    rows = values["rows"] or []
    m = re.match(r"^(\w+)\[(\d+)\](?:\.(.*))?$", path)
    index, rest = (int(m.group(2)), m.group(3)) if m else (None, None)
    if kind == "rules":
        return RULES_PATH.get(path, path)
    if kind == "players":
        return f"attributes.{path}" if path in Player.RATINGS else path
    if kind == "plays":
        if m and m.group(1) == "assignments" and index < len(rows):
            return f"assignments.{rows[index]['role']}"
        if m and m.group(1) == "progression":
            return f"qb_plan.progression_roles[{index}]"
        if path in ("max_time_to_throw_ms", "scramble_allowed"):
            return f"qb_plan.{path}"
        motion = {
            "motion.x": "motion.to.x",
            "motion.y": "motion.to.y",
            "motion_role": "motion.role",
            "motion_kind": "motion.kind",
            "motion_at_snap": "motion.moving_at_snap",
            "ball_carrier": "handoff.to",
            "handoff_from": "handoff.from",
            "mesh_x": "handoff.at.x",
            "mesh_y": "handoff.at.y",
            "mesh_ms": "handoff.time_ms",
            "trick_kind": "trick.kind",
        }
        if m and m.group(1) == "trick_progression":
            return f"trick.progression_roles[{index}]"
        return motion.get(path, path)
    if kind == "scenarios":
        if m and m.group(1) == "defenders" and index < len(rows):
            slot = rows[index]["slot"]
            if rest in ("x", "y", None):
                return ".".join(p for p in ("defender_start_positions", slot, rest) if p)
            return f"defender_assignments.{slot}.{rest}"
        if path in ("position_jitter_yards", "reaction_jitter_ms"):
            return f"randomness.{path}"
        return {"coverage": "defense_call.type", "notes": "defense_call.notes"}.get(path, path)
    if kind == "lineups" and m and m.group(1) == "spots" and index < len(rows):
        return f"spots.{rows[index]['role']}"
    return path
