"""The FieldOS JSON format: its kinds, how each kind is recognised, which keys each
reads, and how the ruleset's nested groups map to Ruleset fields
(docs/import-export.md, "The FieldOS JSON format")."""

from pathlib import Path

from playbook import services
from playbook.models import Formation, Lineup, Play, Playbook, Player, Route, Ruleset, Scenario

# Write order: every kind only refers to kinds before it. A list: apps above playbook
# append their kinds (playbook/interchange/extensions.py).
KINDS = ["rules", "players", "lineups", "formations", "routes", "plays", "scenarios", "playbooks"]
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
# The child rows of each kind, as its writer in playbook.services names them.
ROWS = {kind: services.KINDS[m].rows for kind, m in MODELS.items() if services.KINDS[m].rows}
ALIASES = {"rulesets": "rules"}
# Top-level keys that tell the kind of an object, checked in this order.
SIGNATURES = [
    ("scenarios", ("defense_call", "defender_start_positions", "defender_assignments")),
    ("plays", ("assignments", "qb_plan")),
    ("playbooks", ("entries",)),
    ("lineups", ("spots",)),
    ("formations", ("slots",)),
    ("routes", ("breakpoints",)),
    ("players", ("attributes", "side")),
    ("rules", ("downs", "rush", "scoring", "players_per_side")),
]

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
    (("motion", "moving_at_snap"), "motion_at_snap"),
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
    | {"notes", "kind", "handoff", "run_path", "trick"},
    "scenarios": {"id", "name", "field", "rules", "defense_call", "defender_start_positions"}
    | {"defender_assignments", "defender_players", "randomness", "situation_tags"},
    "playbooks": {"id", "name", "description", "entries"},
}
# The plain model fields a scenario carries besides name, references and rows (a play's
# are Play.PLAIN_FIELDS).
SCENARIO_FIELDS = (
    "coverage",
    "shell",
    "notes",
    "position_jitter_yards",
    "reaction_jitter_ms",
    "situation_tags",
)


def kind_from_name(name):
    """The kind a file name says (`plays.json`, `rulesets.json`), else None."""
    stem = Path(str(name)).stem.lower()
    stem = ALIASES.get(stem, stem)
    return stem if stem in KINDS else None


def kind_of(item):
    """The kind an object's keys say, else None."""
    for kind, keys in SIGNATURES:
        if any(k in item for k in keys):
            return kind
    return None
