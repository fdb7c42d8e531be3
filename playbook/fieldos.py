"""Import and export of FieldOS engine JSON (docs/import-export.md).

Import runs in two steps. Reading turns every source (a file, or one key of a
document) into definitions, one per (kind, id): objects embedded in plays and
scenarios become shared definitions, and one id defined twice with different
content is a conflict. Nothing touches the database until every source reads
cleanly. Writing then creates or updates each definition through
playbook.services, in dependency order, inside one transaction: any error and
nothing is written; a dry run rolls back at the end.

Export renders the team in the same format, so export → import into another
team → export gives the same document. Objects are named by their external ids
(generated from the name when an object has none), never by database ids.
"""

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.text import slugify

from football.duties import defenders_from_call
from football.routes import settles_by_name
from playbook import history, services, validation
from playbook.constants import MAN_AUTO, Coverage, Duty, Shell
from playbook.models import (
    Formation,
    Lineup,
    Play,
    Playbook,
    Player,
    Route,
    Ruleset,
    Scenario,
    default_ruleset,
)

MAX_FILE_BYTES = 10 * 1024 * 1024  # per file (and per API request body)

# Write order: every kind only refers to kinds before it.
KINDS = ("rules", "players", "lineups", "formations", "routes", "plays", "scenarios", "playbooks")
SINGULAR = {
    "rules": "ruleset",
    "players": "player",
    "lineups": "lineup",
    "formations": "formation",
    "routes": "route",
    "plays": "play",
    "scenarios": "scenario",
    "playbooks": "playbook",
}
ID_PREFIX = {**SINGULAR, "rules": "rules", "formations": "form"}
MODELS = {
    "rules": Ruleset,
    "players": Player,
    "lineups": Lineup,
    "formations": Formation,
    "routes": Route,
    "plays": Play,
    "scenarios": Scenario,
    "playbooks": Playbook,
}
ALIASES = {"rulesets": "rules"}
# Top-level keys that tell the kind of an object, checked in this order.
SIGNATURES = (
    ("scenarios", ("defense_call", "defender_start_positions", "defender_assignments")),
    ("plays", ("assignments", "qb_plan")),
    ("playbooks", ("entries",)),
    ("lineups", ("spots",)),
    ("formations", ("slots",)),
    ("routes", ("breakpoints",)),
    ("players", ("attributes", "side")),
    ("rules", ("downs", "rush", "scoring", "players_per_side")),
)

# Ruleset JSON path → Ruleset field. rush_delay_seconds is converted to ms.
RULES_FIELDS = (
    (("players_per_side",), "players_per_side"),
    (("field", "width_yards"), "field_width"),
    (("field", "total_length_yards"), "field_length"),
    (("field", "endzone_depth_yards"), "endzone_depth"),
    (("field", "no_run_zone_depth_yards"), "no_run_zone_depth"),
    (("downs", "use_midfield_line_to_gain"), "use_midfield_line_to_gain"),
    (("downs", "line_to_gain_yards"), "line_to_gain"),
    (("downs", "reset_at_midfield"), "reset_at_midfield"),
    (("downs", "downs_to_convert"), "downs_to_convert"),
    (("rush", "rusher_distance_yards"), "rush_distance"),
    (("rush", "rush_delay_seconds"), "rush_delay_ms"),
    (("rush", "max_rushers"), "max_rushers"),
    (("rush", "qb_can_run"), "qb_can_run"),
    (("motion", "allow_motion"), "allow_motion"),
    (("motion", "lateral_only"), "motion_lateral_only"),
    (("scoring", "td_points"), "td_points"),
    (("scoring", "xp1_points"), "pat1_points"),
    (("scoring", "xp1_distance_yards"), "pat1_distance"),
    (("scoring", "xp2_points"), "pat2_points"),
    (("scoring", "xp2_distance_yards"), "pat2_distance"),
    (("scoring", "safety_points"), "safety_points"),
    (("pass_clock_ms",), "pass_clock_ms"),
)
RULES_GROUPS = ("field", "downs", "no_run_zone", "rush", "motion", "scoring")
RULES_PATH = {name: ".".join(path) for path, name in RULES_FIELDS}
SCENARIO_FIELD = {
    "width_yards": "field_width",
    "total_length_yards": "field_length",
    "endzone_depth_yards": "endzone_depth",
    "no_run_zone_depth_yards": "no_run_zone_depth",
}
# The keys each kind reads at its top level; anything else is a warning.
ALLOWED = {
    "rules": {"id", "name", "default", "players_per_side", "pass_clock_ms", *RULES_GROUPS},
    "players": {"id", "name", "side", "role", "jersey_number", "attributes"},
    "lineups": {"id", "name", "default", "spots"},
    "formations": {"id", "name", "rules", "slots"},
    "routes": {"id", "name", "settle", "breakpoints"},
    "plays": {"id", "name", "formation", "rules", "assignments", "qb_plan", "motion", "tags"}
    | {"notes"},
    "scenarios": {"id", "name", "field", "rules", "defense_call", "defender_start_positions"}
    | {"defender_assignments", "defender_players", "randomness", "situation_tags"},
    "playbooks": {"id", "name", "description", "entries"},
}


class FieldOSImportError(ValidationError):
    """The import was refused and nothing was written. The error dict maps
    'file[index] (id): field' to messages."""

    def lines(self):
        return [
            f"{where}: {message}" for where, msgs in self.message_dict.items() for message in msgs
        ]


@dataclass(frozen=True)
class Source:
    label: str  # "plays.json", or the key of a document ("plays")
    kind: str | None  # the kind its name says, if any
    data: object


@dataclass(frozen=True)
class Where:
    """Where an object came from: head "plays.json[3] (play_x)", base "formation"."""

    head: str
    base: str = ""

    def at(self, path=""):
        path = ".".join(p for p in (self.base, path) if p)
        return f"{self.head}: {path}" if path else self.head

    def inner(self, path):
        return Where(self.head, ".".join(p for p in (self.base, path) if p))


def _counts():
    return {"created": 0, "updated": 0, "unchanged": 0, "warnings": []}


@dataclass
class ImportSummary:
    dry_run: bool = False
    kinds: dict = field(default_factory=lambda: {kind: _counts() for kind in KINDS})
    warnings: list = field(default_factory=list)  # about files rather than objects

    @property
    def changed(self):
        return any(c["created"] or c["updated"] for c in self.kinds.values())

    def as_dict(self):
        return {
            "dry_run": self.dry_run,
            "written": self.changed and not self.dry_run,
            "kinds": self.kinds,
            "warnings": self.warnings,
        }

    def lines(self):
        if self.dry_run:
            lines = ["Dry run: nothing was written. It would give:"]
        else:
            lines = ["Imported:" if self.changed else "Nothing to change:"]
        for kind, c in self.kinds.items():
            lines.append(
                f"  {kind:<10} created {c['created']:>4}  updated {c['updated']:>4}  "
                f"unchanged {c['unchanged']:>4}  warnings {len(c['warnings'])}"
            )
        warnings = [*self.warnings, *(w for c in self.kinds.values() for w in c["warnings"])]
        if warnings:
            lines.append(f"Warnings ({len(warnings)}):")
            lines.extend(f"  {w}" for w in warnings)
        return lines


# --- reading files -------------------------------------------------------------------


def kind_from_name(name):
    stem = Path(str(name)).stem.lower()
    stem = ALIASES.get(stem, stem)
    return stem if stem in KINDS else None


def _size(n):
    return f"{n / (1024 * 1024):.1f} MB"


def _reject_constant(name):
    raise ValueError(f"{name} is not a number JSON allows")


def sources_from_bytes(name, content, kind=None):
    """One file's bytes → sources; raises FieldOSImportError for a file that cannot
    be read (too big, not UTF-8, not JSON, wrong top level)."""
    check_size(name, len(content))
    try:
        text = content.decode("utf-8-sig") if isinstance(content, bytes) else content
        data = json.loads(text, parse_constant=_reject_constant)
    except UnicodeDecodeError:
        raise FieldOSImportError({name: ["not UTF-8 text; save the file as UTF-8 JSON"]}) from None
    except RecursionError:
        raise FieldOSImportError({name: ["nested too deeply to be FieldOS JSON"]}) from None
    except json.JSONDecodeError as exc:
        raise FieldOSImportError(
            {
                name: [
                    f"not valid JSON (truncated or malformed) at line {exc.lineno}, "
                    f"column {exc.colno}: {exc.msg}"
                ]
            }
        ) from None
    except ValueError as exc:
        raise FieldOSImportError({name: [f"not valid JSON: {exc}"]}) from None
    return sources_from_data(name, data, kind or kind_from_name(name))


def check_size(name, size):
    """Refuse a file (or body) over MAX_FILE_BYTES before reading it."""
    if size > MAX_FILE_BYTES:
        raise FieldOSImportError(
            {
                name: [
                    f"{_size(size)}; files over {_size(MAX_FILE_BYTES)} are refused. Split it "
                    "(one file per kind, or fewer plays per file)."
                ]
            }
        )


def sources_from_data(name, data, kind=None):
    """Parsed JSON → sources: a list of objects of one kind, or a document keyed by kind
    (what the export writes). `name` labels errors; empty for an API body."""
    if isinstance(data, list):
        return [Source(name or kind or "body", kind, data)]
    label = name or "body"
    known = isinstance(data, dict) and [k for k in data if ALIASES.get(k, k) in KINDS]
    if known:
        unknown = [k for k in data if k not in known]
        if unknown:
            raise FieldOSImportError(
                {
                    label: [
                        f"unknown kind {', '.join(map(repr, unknown))}: a document is keyed by "
                        f"kind ({', '.join(KINDS)})"
                    ]
                }
            )
        errors, sources = {}, []
        for key, items in data.items():
            where = f"{name}:{key}" if name else key
            if isinstance(items, list):
                sources.append(Source(where, ALIASES.get(key, key), items))
            else:
                errors[where] = [f"expected a list of {key}, got {_type(items)}"]
        if errors:
            raise FieldOSImportError(errors)
        return sources
    expected = f"a list of {kind}" if kind else "a list of objects"
    raise FieldOSImportError(
        {
            label: [
                f"the top level must be {expected} (or a document keyed by kind: "
                f"{', '.join(KINDS)}), got {_type(data)}"
            ]
        }
    )


def sources_from_paths(paths):
    """Files and directories (every *.json in them) → sources. All unreadable files
    are reported together."""
    files, errors = [], {}
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.glob("*.json") if p.is_file())
            if not found:
                errors[str(path)] = ["no .json files in this directory"]
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            errors[str(path)] = ["no such file or directory"]
    sources = []
    for path in files:
        try:
            check_size(path.name, path.stat().st_size)
            sources.extend(sources_from_bytes(path.name, path.read_bytes()))
        except FieldOSImportError as exc:
            errors.update(exc.message_dict)
        except OSError as exc:
            errors[path.name] = [f"cannot be read: {exc.strerror or exc}"]
    if errors:
        raise FieldOSImportError(errors)
    return sources


def _type(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text {value[:40]!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def kind_of(item):
    for kind, keys in SIGNATURES:
        if any(k in item for k in keys):
            return kind
    return None


_BAD = object()


class _Reader:
    """Step 1: sources → definitions {kind: {id: (spec, where)}}, no database."""

    def __init__(self):
        self.errors = {}
        self.warnings = []  # (kind or None, text)
        self.defs = {kind: {} for kind in KINDS}
        self.rule_defaults = {}  # ruleset id → "default" flag, when a file states it
        self.kind = None  # of the object being read (embedded ones nest)

    def error(self, where, path, message):
        self.errors.setdefault(where.at(path), []).append(message)

    def warn(self, where, path, message):
        self.warnings.append((self.kind, f"{where.at(path)}: {message}"))

    # sources

    def read_sources(self, sources):
        resolved = []
        for source in sources:
            kind = self._source_kind(source)
            if kind:
                resolved.append((KINDS.index(kind), kind, source))
        for _, kind, source in sorted(resolved, key=lambda r: r[0]):
            for i, item in enumerate(source.data):
                self._read_top(kind, item, f"{source.label}[{i}]")

    def _source_kind(self, source):
        where = Where(source.label)
        seen = {kind_of(i) for i in source.data if isinstance(i, dict)} - {None}
        if source.kind is None:
            if len(seen) == 1:
                return seen.pop()
            if len(seen) > 1:
                self.error(where, "", f"mixes {', '.join(sorted(seen))}; one kind per file")
            elif source.data:
                self.error(
                    where,
                    "",
                    "cannot tell what kind of objects these are; name the file after its "
                    f"kind ({', '.join(f'{k}.json' for k in KINDS)})",
                )
            else:
                self.warnings.append((None, f"{source.label}: empty, nothing to import"))
            return None
        if seen and source.kind not in seen:
            found = ", ".join(sorted(seen))
            keys = ", ".join(k for kind, ks in SIGNATURES if kind in seen for k in ks)
            self.error(
                where,
                "",
                f"holds {found} (objects with {keys}), not {source.kind}; is the file in the "
                "wrong slot?",
            )
            return None
        return source.kind

    def _read_top(self, kind, item, head):
        where = Where(head)
        if not isinstance(item, dict):
            self.error(where, "", f"expected a {SINGULAR[kind]} object, got {_type(item)}")
            return
        other = kind_of(item)
        if other and other != kind:
            self.error(where, "", f"this is a {SINGULAR[other]}, not a {SINGULAR[kind]}")
            return
        item_id = self.item_id(where, item)
        if item_id is not None:
            self.read(kind, item, Where(f"{head} ({item_id})"), item_id)

    def item_id(self, where, item):
        value = item.get("id")
        if value is None:
            self.error(where, "id", "missing; every object needs an id (text, e.g. play_mesh)")
        elif not isinstance(value, str) or not value.strip():
            self.error(where, "id", f"expected a text id, got {_type(value)}")
        elif len(value) > 120:
            self.error(where, "id", f"{len(value)} characters; ids have at most 120")
        else:
            return value
        return None

    def read(self, kind, item, where, item_id):
        before = sum(map(len, self.errors.values()))
        outer, self.kind = self.kind, kind
        self.known(where, item, ALLOWED[kind])
        spec = getattr(self, f"_{kind}")(item, where)
        self.kind = outer
        if sum(map(len, self.errors.values())) != before:
            return
        known = self.defs[kind].get(item_id)
        if known is None:
            self.defs[kind][item_id] = (spec, where)
        elif known[0] != spec:
            differ = sorted(
                k for k in spec.keys() | known[0].keys() if spec.get(k) != known[0].get(k)
            )
            self.error(
                where,
                "id",
                f"{SINGULAR[kind]} '{item_id}' is already defined differently at "
                f"{known[1].at()} ({', '.join(differ)} differ); one id, one content",
            )

    # typed values

    def known(self, where, obj, allowed, base=""):
        for key in obj:
            if key not in allowed:
                path = f"{base}.{key}" if base else key
                self.warn(where, path, "not a FieldOS field; ignored")

    def number(self, where, path, value, integer=False):
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            self.error(where, path, f"expected a number, got {_type(value)}")
            return _BAD
        if integer:
            if value != int(value):
                self.error(where, path, f"{value} must be a whole number")
                return _BAD
            return int(value)
        return float(value)

    def boolean(self, where, path, value):
        if not isinstance(value, bool):
            self.error(where, path, f"expected true or false, got {_type(value)}")
            return _BAD
        return value

    def text(self, where, path, value, max_length=None, required=False):
        if not isinstance(value, str):
            self.error(where, path, f"expected text, got {_type(value)}")
            return _BAD
        if required and not value.strip():
            self.error(where, path, "must not be empty")
            return _BAD
        if max_length and len(value) > max_length:
            self.error(where, path, f"{len(value)} characters; at most {max_length}")
            return _BAD
        return value

    def mapping(self, where, path, value, what="an object"):
        if not isinstance(value, dict):
            self.error(where, path, f"expected {what}, got {_type(value)}")
            return _BAD
        return value

    def listing(self, where, path, value, what="a list"):
        if not isinstance(value, list):
            self.error(where, path, f"expected {what}, got {_type(value)}")
            return _BAD
        return value

    def name(self, where, item):
        if "name" not in item:
            self.error(where, "name", "missing")
            return _BAD
        return self.text(where, "name", item["name"], max_length=120, required=True)

    def model_value(self, model, name, where, path, value):
        f = model._meta.get_field(name)
        if isinstance(f, models.BooleanField):
            return self.boolean(where, path, value)
        if value is None and f.null:
            return None
        return self.number(where, path, value, integer=isinstance(f, models.IntegerField))

    def tags(self, where, path, value):
        tags = self.listing(where, path, value, "a list of tags")
        if tags is _BAD:
            return _BAD
        clean = []
        for i, tag in enumerate(tags):
            tag = self.text(where, f"{path}[{i}]", tag, max_length=40)
            if tag is not _BAD and tag.strip():
                clean.append(tag.strip())
        return list(dict.fromkeys(clean))

    def reference(self, kind, where, path, value, required=True):
        """A string id, an {"id"} stub, or a full embedded object (defined here)."""
        if value is None:
            if required:
                self.error(where, path, f"missing; give a {SINGULAR[kind]} id or object")
            return None
        if isinstance(value, str) and value.strip():
            return value
        if isinstance(value, dict):
            inner = where.inner(path)
            item_id = self.item_id(inner, value)
            if item_id is not None and set(value) != {"id"}:
                self.read(kind, value, inner, item_id)
            return item_id
        self.error(where, path, f"expected a {SINGULAR[kind]} id or object, got {_type(value)}")
        return None

    def point(self, where, path, value):
        point = self.mapping(where, path, value, "an object {x, y}")
        if point is _BAD:
            return _BAD, _BAD
        self.known(where, point, {"x", "y"}, path)
        return (
            self.number(where, f"{path}.x", point.get("x")),
            self.number(where, f"{path}.y", point.get("y")),
        )

    # kinds: each returns the spec (plain data, references as ids)

    def _rules(self, item, where):
        groups = {}
        for group in RULES_GROUPS:
            value = item.get(group, {})
            groups[group] = self.mapping(where, group, value) if value is not None else {}
            if groups[group] is _BAD:
                groups[group] = {}
            allowed = {path[1] for path, _ in RULES_FIELDS if path[0] == group}
            if group == "no_run_zone":
                allowed = {"enabled", "depth_from_goal_yards"}
            self.known(where, groups[group], allowed, group)
        values = {}
        for path, name in RULES_FIELDS:
            container = item if len(path) == 1 else groups[path[0]]
            if path[-1] not in container:
                values[name] = Ruleset._meta.get_field(name).default
            elif name == "rush_delay_ms":
                seconds = self.number(where, ".".join(path), container[path[-1]])
                values[name] = round(seconds * 1000) if seconds is not _BAD else _BAD
            else:
                values[name] = self.model_value(
                    Ruleset, name, where, ".".join(path), container[path[-1]]
                )
        zone = groups["no_run_zone"]
        if "depth_from_goal_yards" in zone:
            depth = self.number(
                where, "no_run_zone.depth_from_goal_yards", zone["depth_from_goal_yards"]
            )
            if "no_run_zone_depth_yards" not in groups["field"]:
                values["no_run_zone_depth"] = depth
            elif depth is not _BAD and depth != values["no_run_zone_depth"]:
                self.error(
                    where,
                    "no_run_zone.depth_from_goal_yards",
                    f"{depth} differs from field.no_run_zone_depth_yards "
                    f"({values['no_run_zone_depth']})",
                )
        if (
            "enabled" in zone
            and self.boolean(where, "no_run_zone.enabled", zone["enabled"]) is False
        ):
            values["no_run_zone_depth"] = 0.0
        if item.get("default") is not None:
            default = self.boolean(where, "default", item["default"])
            item_id = item["id"]
            if self.rule_defaults.get(item_id, default) != default:
                self.error(where, "default", f"'{item_id}' is also given default={not default}")
            self.rule_defaults[item_id] = default
        return {"name": self.name(where, item), "values": values}

    def _players(self, item, where):
        values = {
            "name": self.name(where, item),
            "side": self.text(where, "side", item.get("side")),
            "role": self.text(where, "role", item.get("role")),
            "jersey_number": None,
        }
        if item.get("jersey_number") is not None:
            values["jersey_number"] = self.number(
                where, "jersey_number", item["jersey_number"], integer=True
            )
        attributes = self.mapping(
            where, "attributes", item.get("attributes", {}), "an object of ratings"
        )
        attributes = {} if attributes is _BAD else attributes
        for name in Player.RATINGS:
            if name in attributes:
                values[name] = self.model_value(
                    Player, name, where, f"attributes.{name}", attributes[name]
                )
            else:
                values[name] = Player._meta.get_field(name).default
        for name in attributes:
            if name not in Player.RATINGS:
                self.warn(where, f"attributes.{name}", "not a FieldOS rating; ignored")
        return values

    def _formations(self, item, where):
        slots = []
        raw = self.listing(where, "slots", item.get("slots"), "a list of slots")
        for i, slot in enumerate([] if raw is _BAD else raw):
            path = f"slots[{i}]"
            if self.mapping(where, path, slot) is _BAD:
                continue
            self.known(where, slot, {"role", "position"}, path)
            x, y = self.point(where, f"{path}.position", slot.get("position"))
            slots.append(
                {"role": self.text(where, f"{path}.role", slot.get("role")), "x": x, "y": y}
            )
        return {
            "name": self.name(where, item),
            "rules": self.reference("rules", where, "rules", item.get("rules"), required=False),
            "slots": slots,
        }

    def _routes(self, item, where):
        points = []
        raw = self.listing(where, "breakpoints", item.get("breakpoints"), "a list of breakpoints")
        for i, bp in enumerate([] if raw is _BAD else raw):
            path = f"breakpoints[{i}]"
            if self.mapping(where, path, bp) is _BAD:
                continue
            self.known(where, bp, {"x_yards", "y_yards", "time_ms"}, path)
            time_ms = self.number(where, f"{path}.time_ms", bp.get("time_ms"), integer=True)
            if time_ms is not _BAD and time_ms < 0:
                self.error(where, f"{path}.time_ms", f"{time_ms} is before the snap")
            points.append(
                {
                    "x": self.number(where, f"{path}.x_yards", bp.get("x_yards")),
                    "y": self.number(where, f"{path}.y_yards", bp.get("y_yards")),
                    "time_ms": time_ms,
                }
            )
        settle = item.get("settle")
        if settle is None:  # the engine format has no flag: infer it from the route's name
            settle = settles_by_name(item.get("name"))
        return {
            "name": self.name(where, item),
            "settle": self.boolean(where, "settle", settle),
            "breakpoints": points,
        }

    def _plays(self, item, where):
        assignments = []
        raw = self.mapping(
            where, "assignments", item.get("assignments", {}), "an object role → route"
        )
        for role, route in ({} if raw is _BAD else raw).items():
            route_id = self.reference("routes", where, f"assignments.{role}", route, required=False)
            assignments.append({"role": role, "route": route_id})
        plan = self.mapping(where, "qb_plan", item.get("qb_plan", {}))
        plan = {} if plan is _BAD else plan
        self.known(
            where,
            plan,
            {"progression_roles", "max_time_to_throw_ms", "scramble_allowed"},
            "qb_plan",
        )
        progression = self.listing(
            where, "qb_plan.progression_roles", plan.get("progression_roles", [])
        )
        if progression is not _BAD:
            for i, role in enumerate(progression):
                self.text(where, f"qb_plan.progression_roles[{i}]", role)
        return {
            "name": self.name(where, item),
            "formation": self.reference("formations", where, "formation", item.get("formation")),
            "rules": self.reference("rules", where, "rules", item.get("rules"), required=False),
            "assignments": assignments,
            "progression": progression,
            "max_time_to_throw_ms": self.number(
                where,
                "qb_plan.max_time_to_throw_ms",
                plan.get("max_time_to_throw_ms", 3000),
                integer=True,
            ),
            "scramble_allowed": self.boolean(
                where, "qb_plan.scramble_allowed", plan.get("scramble_allowed", False)
            ),
            "motion": self._motion(item.get("motion"), where),
            "tags": self.tags(where, "tags", item.get("tags", [])),
            "notes": self.text(where, "notes", item.get("notes", "")),
        }

    def _motion(self, motion, where):
        if motion is None:
            return None
        if (
            self.mapping(where, "motion", motion, "an object {role, to: {x, y}, duration_ms}")
            is _BAD
        ):
            return _BAD
        self.known(where, motion, {"role", "to", "duration_ms"}, "motion")
        x, y = self.point(where, "motion.to", motion.get("to"))
        return {
            "role": self.text(where, "motion.role", motion.get("role")),
            "x": x,
            "y": y,
            "duration_ms": self.number(
                where, "motion.duration_ms", motion.get("duration_ms"), integer=True
            ),
        }

    def _scenarios(self, item, where):
        call = self.mapping(
            where,
            "defense_call",
            item.get("defense_call"),
            "an object {type, shell, rushers_count}",
        )
        call = {} if call is _BAD else call
        self.known(
            where,
            call,
            {"type", "shell", "rushers_count", "rusher_position", "notes"},
            "defense_call",
        )
        coverage = call.get("type")
        if coverage not in Coverage.values:
            self.error(
                where,
                "defense_call.type",
                f"{_type(coverage)} is not {' or '.join(Coverage.values)}",
            )
        shell = call.get("shell", Shell.OTHER)
        if shell not in Shell.values:
            self.warn(
                where,
                "defense_call.shell",
                f"{_type(shell)} is not modelled; stored as OTHER",
            )
            shell = Shell.OTHER
        if call.get("rusher_position", "CENTER") != "CENTER":
            self.error(
                where,
                "defense_call.rusher_position",
                f"{_type(call['rusher_position'])}: only CENTER (the defender over the ball) "
                "is supported",
            )
        rushers = call.get("rushers_count")
        if rushers is not None:
            rushers = self.number(where, "defense_call.rushers_count", rushers, integer=True)
        if rushers not in (None, _BAD) and rushers < 0:
            self.error(where, "defense_call.rushers_count", f"{rushers} is negative")

        positions = {}
        raw = self.mapping(
            where,
            "defender_start_positions",
            item.get("defender_start_positions"),
            "an object D1 → {x, y}",
        )
        for slot, point in sorted(({} if raw is _BAD else raw).items()):
            positions[slot] = self.point(where, f"defender_start_positions.{slot}", point)

        duties = None
        if item.get("defender_assignments") is not None:
            duties = self._duties(item["defender_assignments"], positions, where)
        players = {}
        raw = self.mapping(
            where, "defender_players", item.get("defender_players", {}), "an object D1 → player id"
        )
        for slot, player in ({} if raw is _BAD else raw).items():
            players[slot] = self.text(where, f"defender_players.{slot}", player)
            if slot not in positions:
                self.error(where, f"defender_players.{slot}", f"'{slot}' has no start position")

        randomness = self.mapping(where, "randomness", item.get("randomness", {}))
        randomness = {} if randomness is _BAD else randomness
        self.known(
            where,
            randomness,
            {"position_jitter_yards", "reaction_jitter_ms"},
            "randomness",
        )
        field_ = item.get("field")
        if field_ is not None and self.mapping(where, "field", field_) is not _BAD:
            self.known(where, field_, set(SCENARIO_FIELD), "field")
            field_ = {
                k: self.number(where, f"field.{k}", v)
                for k, v in field_.items()
                if k in SCENARIO_FIELD
            }
        return {
            "name": self.name(where, item),
            "rules": self.reference("rules", where, "rules", item.get("rules"), required=False),
            "field": field_,
            "coverage": coverage,
            "shell": shell,
            "notes": self.text(where, "defense_call.notes", call.get("notes", "")),
            "rushers_count": rushers,
            "positions": positions,
            "duties": duties,
            "players": players,
            "position_jitter_yards": self.number(
                where,
                "randomness.position_jitter_yards",
                randomness.get("position_jitter_yards", 0.5),
            ),
            "reaction_jitter_ms": self.number(
                where, "randomness.reaction_jitter_ms", randomness.get("reaction_jitter_ms", 50.0)
            ),
            "situation_tags": self.tags(where, "situation_tags", item.get("situation_tags", [])),
        }

    def _duties(self, raw, positions, where):
        """Explicit defender assignments (the export writes them): slot → duty."""
        base = "defender_assignments"
        if self.mapping(where, base, raw, "an object D1 → {duty, …}") is _BAD:
            return _BAD
        duties = {}
        for slot in sorted(set(raw) | set(positions)):
            path = f"{base}.{slot}"
            if slot not in raw:
                self.error(where, path, "missing; give every defender a duty (MAN, ZONE or RUSH)")
                continue
            if slot not in positions:
                self.error(where, path, f"'{slot}' has no start position")
                continue
            duty = self.mapping(where, path, raw[slot], "an object {duty, man_target | zone}")
            if duty is _BAD:
                continue
            self.known(where, duty, {"duty", "man_target", "zone"}, path)
            kind = duty.get("duty")
            row = {
                "duty": kind,
                "man_target": "",
                "zone_x": None,
                "zone_y": None,
                "zone_radius": None,
            }
            if kind == Duty.MAN:
                row["man_target"] = self.text(
                    where, f"{path}.man_target", duty.get("man_target", MAN_AUTO)
                )
            elif kind == Duty.ZONE:
                zone = self.mapping(
                    where, f"{path}.zone", duty.get("zone"), "an object {x, y, radius}"
                )
                if zone is not _BAD:
                    self.known(where, zone, {"x", "y", "radius"}, f"{path}.zone")
                    row["zone_x"] = self.number(where, f"{path}.zone.x", zone.get("x"))
                    row["zone_y"] = self.number(where, f"{path}.zone.y", zone.get("y"))
                    row["zone_radius"] = self.number(
                        where, f"{path}.zone.radius", zone.get("radius")
                    )
            elif kind != Duty.RUSH:
                self.error(where, f"{path}.duty", f"{_type(kind)} is not MAN, ZONE or RUSH")
            duties[slot] = row
        return duties

    def _lineups(self, item, where):
        spots = self.mapping(where, "spots", item.get("spots", {}), "an object role → player id")
        spots = {} if spots is _BAD else spots
        return {
            "name": self.name(where, item),
            "is_default": self.boolean(where, "default", item.get("default", False)),
            "spots": [
                {"role": role, "player": self.text(where, f"spots.{role}", player, required=True)}
                for role, player in spots.items()
            ],
        }

    def _playbooks(self, item, where):
        entries = []
        raw = self.listing(where, "entries", item.get("entries", []), "a list of entries")
        for i, entry in enumerate([] if raw is _BAD else raw):
            path = f"entries[{i}]"
            if self.mapping(where, path, entry) is _BAD:
                continue
            self.known(where, entry, {"play", "call_number", "situations"}, path)
            call = entry.get("call_number")
            if isinstance(call, int) and not isinstance(call, bool):
                call = str(call)
            situations = self.listing(where, f"{path}.situations", entry.get("situations", []))
            entries.append(
                {
                    "play": self.text(where, f"{path}.play", entry.get("play"), required=True),
                    "call_number": self.text(where, f"{path}.call_number", call, max_length=12),
                    "situations": situations,
                }
            )
        return {
            "name": self.name(where, item),
            "description": self.text(where, "description", item.get("description", "")),
            "entries": entries,
        }


# --- writing ----------------------------------------------------------------------------


class _Skip(Exception):
    """This object cannot be written (its error is recorded, or a dependency failed)."""


def _querysets(team):
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


PLAY_FIELDS = (
    "progression",
    "max_time_to_throw_ms",
    "scramble_allowed",
    "motion_role",
    "motion_x",
    "motion_y",
    "motion_duration_ms",
    "tags",
    "notes",
)
SCENARIO_FIELDS = (
    "coverage",
    "shell",
    "notes",
    "position_jitter_yards",
    "reaction_jitter_ms",
    "situation_tags",
)


def _stored(kind, obj):
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
        data.update({f: getattr(obj, f) for f in PLAY_FIELDS})
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


def _comparable(value):
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dict):
        return {k: _comparable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_comparable(v) for v in value]
    return value


def _write_model(team, model, values, instance):
    obj = instance or model(team=team)
    for name, value in values["data"].items():
        setattr(obj, name, value)
    obj.full_clean(exclude=["team"], validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        raise ValidationError({"id": [f"clashes with an existing object ({exc})"]}) from None
    return obj


def _check_fields(model, data):
    """The model's own field rules (lengths, choices, ranges), as the API applies them."""
    plain = {k: v for k, v in data.items() if not model._meta.get_field(k).is_relation}
    exclude = [f.name for f in model._meta.fields if f.name not in plain]
    model(**plain).clean_fields(exclude=exclude)


def _write(kind, team, values, instance):
    data, rows = values["data"], values["rows"]
    if kind == "rules":
        return _write_model(team, Ruleset, values, instance)
    if kind == "players":
        return _write_model(team, Player, values, instance)
    write, rows_arg = {
        "lineups": (services.lineup_write, "spots"),
        "formations": (services.formation_write, "slots"),
        "routes": (services.route_write, "breakpoints"),
        "plays": (services.play_write, "assignments"),
        "scenarios": (services.scenario_write, "defenders"),
        "playbooks": (services.playbook_write, "entries"),
    }[kind]
    _check_fields(MODELS[kind], data)
    return write(team=team, data=dict(data), instance=instance, **{rows_arg: rows})


def _json_path(kind, path, values):
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
        }
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


def _refresh_users(ruleset):
    """A changed ruleset changes the warnings of what is checked against it."""
    for model in (Formation, Play, Scenario):
        users = model.objects.filter(team_id=ruleset.team_id, ruleset=ruleset)
        if ruleset.is_default:
            users = model.objects.filter(team_id=ruleset.team_id).filter(
                models.Q(ruleset=ruleset) | models.Q(ruleset=None)
            )
        for obj in users:
            obj.refresh_warnings()


class _Writer:
    """Step 2: definitions → database objects, through the services."""

    def __init__(self, team, reader, summary):
        self.team, self.defs, self.summary = team, reader.defs, summary
        self.rule_defaults = reader.rule_defaults
        self.errors = {}
        self.done = {kind: {} for kind in KINDS}  # id → object (None: failed)
        self.status = {kind: {} for kind in KINDS}
        self.by_id, self.by_name = {}, {}
        for kind, queryset in _querysets(team).items():
            objects = list(queryset)
            self.by_id[kind] = {o.external_id: o for o in objects if o.external_id}
            self.by_name[kind] = {o.name: o for o in objects}

    def error(self, where, path, message):
        self.errors.setdefault(where.at(path), []).append(message)

    def get(self, kind, ref, where, path):
        """The object a reference names: defined in this import, else already in the team."""
        if ref is None:
            return None
        if ref in self.defs[kind]:
            obj = self.done[kind].get(ref)
            if obj is None:
                raise _Skip  # its own error is already reported
            return obj
        obj = self.by_id[kind].get(ref)
        if obj is None:
            self.error(
                where,
                path,
                f"unknown {SINGULAR[kind]} '{ref}': not in this import and not in the team",
            )
            raise _Skip
        return obj

    def run(self):
        for kind in KINDS:
            for item_id, (spec, where) in self.defs[kind].items():
                try:
                    self.save(kind, item_id, where, getattr(self, f"_{kind}")(spec, where))
                except _Skip:
                    self.done[kind][item_id] = None
            after = getattr(self, f"_after_{kind}", None)
            if after:
                after()
        for kind in KINDS:
            counts = self.summary.kinds[kind]
            for status in self.status[kind].values():
                counts[status] += 1

    def match(self, kind, item_id, name, where):
        obj = self.by_id[kind].get(item_id)
        named = self.by_name[kind].get(name)
        if named is None or named is obj:
            return obj
        if obj is None and not named.external_id:
            return named  # made in the editor: the import adopts it
        owner = f"'{named.external_id}'" if named.external_id else "another one (without id)"
        self.error(where, "name", f"'{name}' is already the name of {SINGULAR[kind]} {owner}")
        raise _Skip

    def save(self, kind, item_id, where, values):
        values["data"] = {"external_id": item_id, **values["data"]}
        instance = self.match(kind, item_id, values["data"]["name"], where)
        if instance is not None and _comparable(_stored(kind, instance)) == _comparable(values):
            status, obj = "unchanged", instance
        else:
            try:
                obj = _write(kind, self.team, values, instance)
            except ValidationError as exc:
                for path, messages in exc.message_dict.items():
                    path = "" if path == NON_FIELD_ERRORS else _json_path(kind, path, values)
                    for message in messages:
                        self.error(where, path, message)
                raise _Skip from None
            status = "updated" if instance is not None else "created"
            if instance is not None and instance.name != obj.name:
                self.by_name[kind].pop(instance.name, None)
            if kind == "rules" and instance is not None:
                _refresh_users(obj)
        self.by_id[kind][item_id] = self.by_name[kind][obj.name] = obj
        self.done[kind][item_id] = obj
        self.status[kind][item_id] = status
        prefix = f"{where.at()}." if where.base else f"{where.at()}: "
        for warning in getattr(obj, "warnings", []):
            path, _, message = warning.partition(": ")
            warning = f"{_json_path(kind, path, values)}: {message}" if message else warning
            self.summary.kinds[kind]["warnings"].append(prefix + warning)

    # spec → {"data": model fields, "rows": service rows}, references resolved

    def _rules(self, spec, where):
        return {"data": {"name": spec["name"], **spec["values"]}, "rows": None}

    def _after_rules(self):
        """Apply "default" flags once every ruleset is written."""
        wanted = [(i, flag) for i, flag in self.rule_defaults.items() if self.done["rules"].get(i)]
        defaults = [i for i, flag in wanted if flag]
        if len(defaults) > 1:
            where = self.defs["rules"][defaults[1]][1]
            self.error(
                where, "default", f"only one default ruleset per team (also '{defaults[0]}')"
            )
            return
        for item_id, flag in sorted(wanted, key=lambda w: w[1]):  # unset first
            ruleset = self.done["rules"][item_id]
            if ruleset.is_default == flag:
                continue
            if flag:
                services.ruleset_make_default(ruleset)
            else:
                Ruleset.objects.filter(pk=ruleset.pk).update(is_default=False)
                ruleset.is_default = False
            if self.status["rules"][item_id] == "unchanged":
                self.status["rules"][item_id] = "updated"

    def _players(self, spec, where):
        return {"data": dict(spec), "rows": None}

    def _lineups(self, spec, where):
        spots = [
            {
                "role": s["role"],
                "player": self.get("players", s["player"], where, f"spots.{s['role']}"),
            }
            for s in spec["spots"]
        ]
        return {"data": {"name": spec["name"], "is_default": spec["is_default"]}, "rows": spots}

    def _after_lineups(self):
        """A team that got players gets a default lineup when it has none."""
        if (
            self.done["players"]
            and not Lineup.objects.filter(team=self.team, is_default=True).exists()
        ):
            lineup = services.lineup_build_default(self.team)
            self.status["lineups"][f"(default lineup '{lineup.name}')"] = "created"

    def _formations(self, spec, where):
        ruleset = self.get("rules", spec["rules"], where, "rules")
        return {
            "data": {"name": spec["name"], "ruleset": ruleset},
            "rows": [dict(s) for s in spec["slots"]],
        }

    def _after_formations(self):
        self._refetch("formations", "slots")

    def _routes(self, spec, where):
        data = {"name": spec["name"], "settle": spec["settle"]}
        return {"data": data, "rows": [dict(b) for b in spec["breakpoints"]]}

    def _after_routes(self):
        self._refetch("routes", "breakpoints")

    def _refetch(self, kind, rows):
        """Written objects with their rows prefetched: plays validate against them."""
        written = {o.pk: i for i, o in self.done[kind].items() if o is not None}
        model = Formation if kind == "formations" else Route
        for obj in model.objects.filter(pk__in=written).prefetch_related(rows):
            self.done[kind][written[obj.pk]] = self.by_id[kind][written[obj.pk]] = obj

    def _plays(self, spec, where):
        formation = self.get("formations", spec["formation"], where, "formation")
        ruleset = self.get("rules", spec["rules"], where, "rules")
        assignments = [
            {
                "role": a["role"],
                "route": self.get("routes", a["route"], where, f"assignments.{a['role']}"),
            }
            for a in spec["assignments"]
        ]
        motion = spec["motion"] or {"role": "", "x": None, "y": None, "duration_ms": None}
        data = {
            "name": spec["name"],
            "formation": formation,
            "ruleset": ruleset,
            "progression": spec["progression"],
            "max_time_to_throw_ms": spec["max_time_to_throw_ms"],
            "scramble_allowed": spec["scramble_allowed"],
            "motion_role": motion["role"],
            "motion_x": motion["x"],
            "motion_y": motion["y"],
            "motion_duration_ms": motion["duration_ms"],
            "tags": spec["tags"],
            "notes": spec["notes"],
        }
        return {"data": data, "rows": assignments}

    def _scenarios(self, spec, where):
        ruleset = self.get("rules", spec["rules"], where, "rules")
        rules = ruleset or default_ruleset(self.team)
        if spec["field"] and ruleset is None:
            self.summary.kinds["scenarios"]["warnings"].append(
                f"{where.at('field')}: ignored; the scenario names no ruleset, so it plays on "
                "the team's default field"
            )
        for key, value in (spec["field"] or {}).items():
            stored = getattr(ruleset, SCENARIO_FIELD[key], value)
            if ruleset is not None and stored != value:
                self.error(
                    where,
                    f"field.{key}",
                    f"{value} differs from its ruleset '{spec['rules']}' ({stored}); a scenario "
                    "plays on its ruleset's field",
                )
                raise _Skip
        if spec["duties"] is None:
            wanted = spec["rushers_count"] or 0
            distance = validation.Rules.of(rules).rush_distance
            rows, missing = defenders_from_call(
                spec["positions"], spec["coverage"], wanted, distance
            )
            if missing:
                self.error(
                    where,
                    "defense_call.rushers_count",
                    f"{wanted} rusher(s) called but only {wanted - missing} defender(s) line up "
                    f"at least {distance} yd deep (the rush distance)",
                )
                raise _Skip
        else:
            rows = [
                {"slot": slot, "x": x, "y": y, **spec["duties"][slot]}
                for slot, (x, y) in sorted(spec["positions"].items())
            ]
            rushing = sum(r["duty"] == Duty.RUSH for r in rows)
            if spec["rushers_count"] is not None and spec["rushers_count"] != rushing:
                self.error(
                    where,
                    "defense_call.rushers_count",
                    f"{spec['rushers_count']} but defender_assignments has {rushing} RUSH",
                )
                raise _Skip
        for row in rows:
            player_id = spec["players"].get(row["slot"])
            path = f"defender_players.{row['slot']}"
            row["player"] = self.get("players", player_id, where, path) if player_id else None
        data = {"name": spec["name"], "ruleset": ruleset}
        data.update({f: spec[f] for f in SCENARIO_FIELDS})
        return {"data": data, "rows": rows}

    def _playbooks(self, spec, where):
        entries = [
            {
                "play": self.get("plays", e["play"], where, f"entries[{i}].play"),
                "call_number": e["call_number"].strip(),
                "situations": e["situations"],
            }
            for i, e in enumerate(spec["entries"])
        ]
        return {"data": {"name": spec["name"], "description": spec["description"]}, "rows": entries}


def fieldos_import(*, team, sources, dry_run=False):
    """Import FieldOS JSON sources into `team`: all or nothing. Returns an ImportSummary;
    raises FieldOSImportError (nothing written) naming file, index, id and field."""
    reader = _Reader()
    reader.read_sources(sources)
    if reader.errors:
        raise FieldOSImportError(reader.errors)
    summary = ImportSummary(dry_run=dry_run)
    for kind, text in dict.fromkeys(reader.warnings):
        (summary.kinds[kind]["warnings"] if kind else summary.warnings).append(text)
    with transaction.atomic(), history.source("import"):
        writer = _Writer(team, reader, summary)
        writer.run()
        if writer.errors:
            raise FieldOSImportError(writer.errors)
        if dry_run:
            transaction.set_rollback(True)
    for counts in summary.kinds.values():
        counts["warnings"] = list(dict.fromkeys(counts["warnings"]))
    return summary


# --- export ---------------------------------------------------------------------------------


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
    objects = {kind: list(qs.order_by("name")) for kind, qs in _querysets(team).items()}
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
    return {kind: [render[kind](o) for o in objects[kind]] for kind in KINDS}


def export_json(value):
    """How export files are written: UTF-8, indented, stable."""
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"
