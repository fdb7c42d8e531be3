"""Shapes and types only; the playbook rules run in playbook.services."""

import datetime as dt
import re

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from rest_framework import serializers

from football import plays as kinds
from playbook import play_templates, services, validation
from playbook.constants import CALL_NUMBER_HELP, Bucket
from playbook.models import (
    Formation,
    FormationSlot,
    Lineup,
    LineupSpot,
    Play,
    PlayAssignment,
    Playbook,
    PlaybookEntry,
    Player,
    Route,
    RouteBreakpoint,
    Ruleset,
    Scenario,
    ScenarioDefender,
)
from playbook.selectors import attach_assignments
from playbook.validation import MAX_BREAKPOINTS, MAX_ENTRIES
from teams.scoping import TeamScopedSerializer

_DATETIME = serializers.DateTimeField()
COMMON = ["id", "name", "external_id", "created_at", "updated_at", "version"]
READ_ONLY = ["id", "created_at", "updated_at", "version", "warnings"]


class TagList(serializers.ListField):
    child = serializers.CharField(max_length=40)

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 30)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        tags = [t.strip() for t in super().to_internal_value(data)]
        return list(dict.fromkeys(t for t in tags if t))  # trimmed, unique, order kept


class WrittenSerializer(TeamScopedSerializer):
    # A team-owned object stored by its writer in playbook.services (services.KINDS): the
    # serializer reads the request's shape, the writer checks the rules. (No docstring:
    # the schema's component descriptions come from the classes' docstrings.)

    def _write(self, validated_data, instance=None):
        kind = services.KINDS[self.Meta.model]
        rows = {kind.rows: validated_data.pop(kind.rows, None)} if kind.rows else {}
        return kind.write(team=self.team, data=validated_data, instance=instance, **rows)

    def create(self, validated_data):
        return self._write(validated_data)

    def update(self, instance, validated_data):
        return self._write(validated_data, instance)


class RowsSerializer(WrittenSerializer):
    """A team-owned object with child rows written in one request through a service:
    `rows` names the list field, `write` the service. Omitting the rows on PATCH keeps
    the stored ones; sending them replaces them all."""


class RulesetSerializer(WrittenSerializer):
    class Meta:
        model = Ruleset
        fields = [*COMMON, *Ruleset.RULE_FIELDS, "is_default"]
        read_only_fields = ["id", "created_at", "updated_at", "version", "is_default"]


class PlayerSerializer(WrittenSerializer):
    class Meta:
        model = Player
        fields = [*COMMON, "side", "role", "jersey_number", *Player.RATINGS]
        read_only_fields = READ_ONLY


class SlotSerializer(serializers.ModelSerializer):
    role = serializers.CharField(max_length=6)

    class Meta:
        model = FormationSlot
        fields = ["role", "x", "y"]


class FormationSerializer(RowsSerializer):
    slots = SlotSerializer(many=True, required=True, max_length=7)

    class Meta:
        model = Formation
        fields = [*COMMON, "ruleset", "slots", "warnings"]
        read_only_fields = READ_ONLY


class BreakpointSerializer(serializers.ModelSerializer):
    time_ms = serializers.IntegerField(min_value=0, max_value=60000)

    class Meta:
        model = RouteBreakpoint
        fields = ["x", "y", "time_ms"]


class RouteSerializer(RowsSerializer):
    breakpoints = BreakpointSerializer(
        many=True,
        required=True,
        max_length=MAX_BREAKPOINTS,
        error_messages={"max_length": f"a route has at most {MAX_BREAKPOINTS} breakpoints"},
    )
    leg_speeds = serializers.SerializerMethodField(help_text="Yards per second each leg needs.")

    class Meta:
        model = Route
        fields = [*COMMON, "settle", "breakpoints", "leg_speeds", "warnings"]
        read_only_fields = READ_ONLY

    def get_leg_speeds(self, route) -> list[float]:
        return [round(s, 2) for s in validation.leg_speeds(route.breakpoint_data())]


class AssignmentSerializer(TeamScopedSerializer):
    role = serializers.CharField(max_length=6)
    route_name = serializers.CharField(
        source="route.name", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = PlayAssignment
        fields = ["role", "route", "route_name"]


class QBPlanSerializer(serializers.Serializer):
    progression = serializers.ListField(
        child=serializers.CharField(max_length=6), max_length=7, required=False
    )
    max_time_to_throw_ms = serializers.IntegerField(required=False, min_value=0, max_value=60000)
    scramble_allowed = serializers.BooleanField(required=False)


class MotionSerializer(serializers.Serializer):
    role = serializers.CharField(max_length=6)
    x = serializers.FloatField()
    y = serializers.FloatField()
    duration_ms = serializers.IntegerField(min_value=0, max_value=60000)
    kind = serializers.ChoiceField(
        choices=["", *kinds.MOTIONS], required=False, help_text="JET, ORBIT, TRADE or empty."
    )
    at_snap = serializers.BooleanField(
        required=False, help_text="Still moving at the snap (where the ruleset allows it)."
    )


class HandoffSerializer(serializers.Serializer):
    """Run and trick plays: the ball changes hands behind the line."""

    carrier = serializers.CharField(
        max_length=6, help_text="Run: the ball carrier (QB: a keeper). Trick: the new thrower."
    )
    # "from" is a Python keyword: declared below under its JSON name.
    x = serializers.FloatField(required=False, allow_null=True, help_text="Mesh point x (< 0).")
    y = serializers.FloatField(required=False, allow_null=True, help_text="Mesh point y.")
    time_ms = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=60000, help_text="Mesh time."
    )
    path = serializers.ChoiceField(
        choices=["", *kinds.RUN_PATHS], required=False, help_text="Runner path without a route."
    )
    trick = serializers.ChoiceField(choices=["", *kinds.TRICKS], required=False)
    progression = serializers.ListField(
        child=serializers.CharField(max_length=6),
        max_length=7,
        required=False,
        help_text="Trick play: the roles the new thrower reads, in order.",
    )


HandoffSerializer._declared_fields["from"] = serializers.CharField(
    max_length=6, required=False, allow_blank=True, help_text="Who gives the ball; default QB."
)


def _handoff(play):
    handoff = play.handoff
    if handoff is None:
        return None
    return {k: v for k, v in handoff.items() if k != "kind"}


class FromTemplateSerializer(serializers.Serializer):
    template = serializers.ChoiceField(
        choices=list(play_templates.NAMES), help_text="A classic concept (docs/editor.md)."
    )
    name = serializers.CharField(
        max_length=Play._meta.get_field("name").max_length,
        required=False,
        allow_blank=True,
        help_text="Default: the concept's name (numbered when taken).",
    )


class DuplicateSerializer(serializers.Serializer):
    name = serializers.CharField(
        max_length=Play._meta.get_field("name").max_length,
        required=False,
        allow_blank=True,
        help_text='The copy\'s name; left out or blank: "<name> (copy)".',
    )


# The playbook rules name a play's model fields; the API body nests some of them (qb_plan,
# motion, handoff), so its errors are keyed by the body's paths, as DRF keys its own.
BODY_PATHS = {
    "progression": "qb_plan.progression",
    "max_time_to_throw_ms": "qb_plan.max_time_to_throw_ms",
    "scramble_allowed": "qb_plan.scramble_allowed",
    "motion_role": "motion.role",
    "motion_x": "motion.x",
    "motion_y": "motion.y",
    "motion_duration_ms": "motion.duration_ms",
    "motion_kind": "motion.kind",
    "motion_at_snap": "motion.at_snap",
    "ball_carrier": "handoff.carrier",
    "handoff_from": "handoff.from",
    "mesh_x": "handoff.x",
    "mesh_y": "handoff.y",
    "mesh_ms": "handoff.time_ms",
    "run_path": "handoff.path",
    "trick_kind": "handoff.trick",
    "trick_progression": "handoff.progression",
}


def body_path(path):
    """`progression[1]` → `qb_plan.progression[1]`, `mesh_x` → `handoff.x`."""
    head = re.match(r"\w*", path).group()
    return BODY_PATHS.get(head, head) + path[len(head) :]


class PlaySerializer(RowsSerializer):
    formation_name = serializers.CharField(source="formation.name", read_only=True)
    assignments = AssignmentSerializer(many=True, required=False, max_length=7)
    qb_plan = QBPlanSerializer(required=False)
    motion = MotionSerializer(required=False, allow_null=True)
    kind = serializers.ChoiceField(choices=list(kinds.KINDS), required=False)
    handoff = HandoffSerializer(
        required=False,
        allow_null=True,
        help_text="Run and trick plays: who gets the ball, where and when; null for a pass.",
    )
    tags = TagList()

    class Meta:
        model = Play
        fields = [
            *COMMON,
            "kind",
            "formation",
            "formation_name",
            "ruleset",
            "assignments",
            "qb_plan",
            "motion",
            "handoff",
            "tags",
            "notes",
            "warnings",
        ]
        read_only_fields = READ_ONLY

    def to_representation(self, play):
        # Written out by hand: plays are the hottest list (a frontend loads the whole
        # playbook) and DRF's per-field machinery cost ~4x more. Same keys as Meta.fields.
        return {
            "id": play.pk,
            "name": play.name,
            "external_id": play.external_id,
            "created_at": self._datetime(play.created_at),
            "updated_at": self._datetime(play.updated_at),
            "version": play.version,
            "kind": play.kind,
            "formation": play.formation_id,
            "formation_name": play.formation.name,
            "ruleset": play.ruleset_id,
            "assignments": getattr(play, "assignment_rows", None)
            or attach_assignments([play])[0].assignment_rows,
            "qb_plan": {
                "progression": play.progression,
                "max_time_to_throw_ms": play.max_time_to_throw_ms,
                "scramble_allowed": play.scramble_allowed,
            },
            "motion": play.motion,
            "handoff": _handoff(play),
            "tags": play.tags,
            "notes": play.notes,
            "warnings": play.warnings,
        }

    def _datetime(self, value):
        """DRF's DateTimeField output; a UTC value in the UTC zone (every stored time when
        TIME_ZONE is UTC) is formatted directly — DRF looks the zone up on each call."""
        utc = self.__dict__.get("_utc_zone")
        if utc is None:  # one request, one active zone: looked up once per list
            utc = self._utc_zone = timezone.get_current_timezone_name() == "UTC"
        if utc and value is not None and value.tzinfo is dt.UTC:
            text = value.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        return _DATETIME.to_representation(value)

    def to_internal_value(self, data):
        attrs = super().to_internal_value(data)
        attrs.update(attrs.pop("qb_plan", {}))
        if "motion" in attrs:
            motion = attrs.pop("motion") or {}
            attrs.update(
                motion_role=motion.get("role", ""),
                motion_x=motion.get("x"),
                motion_y=motion.get("y"),
                motion_duration_ms=motion.get("duration_ms"),
                motion_kind=motion.get("kind", ""),
                motion_at_snap=motion.get("at_snap", False),
            )
        if "handoff" in attrs:
            handoff = attrs.pop("handoff") or {}
            attrs.update(
                ball_carrier=handoff.get("carrier", ""),
                handoff_from=handoff.get("from", ""),
                mesh_x=handoff.get("x"),
                mesh_y=handoff.get("y"),
                mesh_ms=handoff.get("time_ms"),
                run_path=handoff.get("path", ""),
                trick_kind=handoff.get("trick", ""),
                trick_progression=handoff.get("progression", []),
            )
        return attrs

    def _write(self, validated_data, instance=None):
        try:
            return super()._write(validated_data, instance)
        except DjangoValidationError as error:
            if not hasattr(error, "error_dict"):
                raise
            raise serializers.ValidationError(
                {body_path(key): messages for key, messages in error.message_dict.items()}
            ) from None

    def validate(self, attrs):
        if self.instance is None and "assignments" not in attrs:
            raise serializers.ValidationError(
                {"assignments": ["List every formation role with its route (or null)."]}
            )
        return super().validate(attrs)


class DefenderSerializer(TeamScopedSerializer):
    slot = serializers.CharField(max_length=3)
    duty = serializers.CharField(max_length=4)
    man_target = serializers.CharField(
        max_length=6,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="MAN: a receiver's role or `auto` (the nearest at the snap); null for the "
        "other duties, like the zone fields of a defender who is not in a zone.",
    )

    class Meta:
        model = ScenarioDefender
        fields = [
            "slot",
            "x",
            "y",
            "duty",
            "man_target",
            "zone_x",
            "zone_y",
            "zone_radius",
            "player",
        ]

    def validate_man_target(self, value):
        return value or ""  # stored blank; null and "" both mean "no man target"

    def to_representation(self, defender):
        data = super().to_representation(defender)
        data["man_target"] = data["man_target"] or None  # null = not applicable, everywhere
        return data


class ScenarioSerializer(RowsSerializer):
    defenders = DefenderSerializer(many=True, required=True, max_length=7)
    rushers_count = serializers.IntegerField(read_only=True)
    situation_tags = TagList()

    class Meta:
        model = Scenario
        fields = [
            *COMMON,
            "ruleset",
            "coverage",
            "shell",
            "notes",
            "position_jitter_yards",
            "reaction_jitter_ms",
            "situation_tags",
            "defenders",
            "rushers_count",
            "warnings",
        ]
        read_only_fields = READ_ONLY


class SpotSerializer(TeamScopedSerializer):
    role = serializers.CharField(max_length=6)
    player_name = serializers.CharField(source="player.name", read_only=True)

    class Meta:
        model = LineupSpot
        fields = ["role", "player", "player_name"]


class LineupSerializer(RowsSerializer):
    spots = SpotSerializer(many=True, required=False, max_length=14)

    class Meta:
        model = Lineup
        fields = [*COMMON, "is_default", "spots"]
        read_only_fields = READ_ONLY


class EntrySerializer(TeamScopedSerializer):
    play_name = serializers.CharField(source="play.name", read_only=True)
    call_number = serializers.CharField(max_length=12, help_text=CALL_NUMBER_HELP)
    situations = serializers.ListField(
        child=serializers.ChoiceField(choices=Bucket.choices), required=False, max_length=7
    )

    class Meta:
        model = PlaybookEntry
        fields = ["id", "play", "play_name", "call_number", "situations"]
        read_only_fields = ["id"]


class PlaybookSerializer(RowsSerializer):
    entries = EntrySerializer(many=True, required=False, max_length=MAX_ENTRIES)

    class Meta:
        model = Playbook
        fields = [*COMMON, "description", "entries"]
        read_only_fields = READ_ONLY


class ReorderSerializer(serializers.Serializer):
    entries = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)


class CallSheetEntrySerializer(serializers.Serializer):
    call_number = serializers.CharField(help_text=CALL_NUMBER_HELP)
    play = serializers.IntegerField(source="play.id")
    play_name = serializers.CharField(source="play.name")
    formation_name = serializers.CharField(source="play.formation.name")
    notes = serializers.CharField(source="play.notes")
    tags = serializers.ListField(source="play.tags")


class CallSheetGroupSerializer(serializers.Serializer):
    situation = serializers.CharField(allow_null=True)
    label = serializers.CharField()
    entries = CallSheetEntrySerializer(many=True)


class ChangeSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="A field, or the child rows (assignments, slots …).")
    old = serializers.JSONField(allow_null=True)
    new = serializers.JSONField(allow_null=True)


class VersionSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="History id (POST …/history/{id}/restore/).")
    at = serializers.DateTimeField()
    user = serializers.EmailField(allow_null=True, help_text="Who; null for commands.")
    source = serializers.CharField(help_text="admin, api, import or command.")
    action = serializers.ChoiceField(choices=["created", "changed", "deleted"])
    version = serializers.IntegerField()
    reason = serializers.CharField(help_text='e.g. "restored version 3"; often empty.')
    changes = ChangeSerializer(many=True)
