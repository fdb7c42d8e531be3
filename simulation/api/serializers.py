"""Shapes and types of runs and traces; the rules of a run are simulation_run_start's."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from playbook.models import Lineup, Play, Ruleset, Scenario, default_ruleset
from simulation import snapshot
from simulation.engine import constants as C
from simulation.models import SimulationRun, SimulationTrace
from simulation.services import MAX_EPISODES, field_label, run_fields
from teams.scoping import TeamScopedSerializer


class SituationSerializer(serializers.Serializer):
    down = serializers.IntegerField(default=1)
    distance = serializers.FloatField(default=10.0)
    yardline = serializers.FloatField(default=35.0, help_text="Yards to the goal line.")


class InputVersionSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text=", ".join(snapshot.KINDS) + ".")
    id = serializers.IntegerField()
    name = serializers.CharField()
    version = serializers.IntegerField()


class ChangedInputSerializer(InputVersionSerializer):
    current_version = serializers.IntegerField(
        allow_null=True, help_text="null: deleted since the run took it."
    )


class RunInputsSerializer(serializers.Serializer):
    versions = InputVersionSerializer(many=True)
    changed_since = ChangedInputSerializer(many=True)


def _rate(help_text):
    return serializers.FloatField(
        allow_null=True, help_text=f"0–1; {help_text} Null: none counted."
    )


def _yards(help_text):
    return serializers.FloatField(allow_null=True, help_text=f"Yards; {help_text}")


class MetricsBlockSerializer(serializers.Serializer):
    """The figures of many simulated episodes (a whole run, or one play × scenario pair).
    Rates of attempts count passes thrown (throw-aways included); sack, touchdown,
    success, explosive, throw-away and pressure rates count every dropback (episode)."""

    episodes = serializers.IntegerField()
    attempts = serializers.IntegerField(help_text="Passes thrown.")
    completion_rate = _rate("completions per attempt.")
    sack_rate = _rate("sacks per dropback.")
    interception_rate = _rate("interceptions per attempt.")
    touchdown_rate = _rate("touchdowns per dropback.")
    success_rate = _rate("plays that reached the line to gain or scored, per dropback.")
    mean_yards = _yards("mean gain per dropback (sacks negative).")
    median_yards = _yards("median gain.")
    p10_yards = _yards("10th percentile of the gain.")
    p90_yards = _yards("90th percentile of the gain.")
    mean_reward = serializers.FloatField(
        allow_null=True,
        help_text="Points per episode of the training reward (what a policy maximises): "
        f"the gain in yards clipped to {C.REWARD_YARDS_MIN:g}…{C.REWARD_YARDS_MAX:g}, "
        f"{C.REWARD_CONVERT:+g} when the play converts or scores, {C.REWARD_SACK:g} for a "
        f"sack, {C.REWARD_INTERCEPTION:g} for an interception.",
    )
    median_time_to_throw_ms = serializers.FloatField(
        allow_null=True, help_text="Milliseconds from the snap to the throw."
    )
    clean_completion_rate = _rate("completions per attempt from a clean pocket.")
    pressured_completion_rate = _rate("completions per attempt under pressure.")
    completion_rate_by_depth = serializers.DictField(
        child=serializers.FloatField(allow_null=True),
        help_text="Completion rate by air yards: keys 0-5, 6-10, 11-15, 16-20, 21+.",
    )
    yards_per_attempt = _yards("per pass thrown.")
    net_yards_per_dropback = _yards("per dropback, sacks included.")
    yac_per_completion = _yards("after the catch, per completion.")
    air_yards_per_attempt = _yards("in the air, per pass thrown.")
    deep_attempt_rate = _rate("passes of 20+ air yards per attempt.")
    explosive_rate = _rate("gains of 20+ yards per dropback.")
    throw_away_rate = _rate("throw-aways per dropback.")
    pressure_rate = _rate("pressured dropbacks per dropback.")
    yac_by_depth = serializers.DictField(
        child=serializers.FloatField(allow_null=True),
        help_text="Yards after the catch per completion, by air-yard depth (keys as above).",
    )
    target_share = serializers.DictField(
        child=serializers.FloatField(),
        help_text="Share of the targets by receiver role (WR1, WR2, …), summing to 1.",
    )
    carries = serializers.IntegerField(help_text="Run plays whose runner got the ball.")
    run_share = _rate("carries per episode.")
    yards_per_carry = _yards("per carry of a run play.")
    negative_run_rate = _rate("carries that lost yards, per carry.")


class PairMetricsSerializer(MetricsBlockSerializer):
    play = serializers.IntegerField(help_text="The play's id (as simulated).")
    scenario = serializers.IntegerField(help_text="The scenario's id (as simulated).")


class MetricsSerializer(serializers.Serializer):
    overall = MetricsBlockSerializer(help_text="Every episode of the run.")
    pairs = PairMetricsSerializer(many=True, help_text="One block per play × scenario pair.")


@extend_schema_field(MetricsSerializer(allow_null=True))
class MetricsField(serializers.JSONField):
    """The stored metrics as they are (a newer engine's extra figures pass through), and
    typed in the schema; null until the run has finished."""


class PlayedOnSerializer(serializers.Serializer):
    """One field a run plays on and the scenarios simulated on it."""

    ruleset = serializers.IntegerField(
        allow_null=True, help_text="The ruleset's id; null: the NFL FLAG 5v5 defaults."
    )
    label = serializers.CharField(help_text="Its name and size, e.g. 'NFL FLAG 5v5, 30 × 70 yd'.")
    field_width = serializers.FloatField(help_text="Yards, sideline to sideline.")
    field_length = serializers.FloatField(help_text="Yards, goal line to goal line.")
    scenarios = serializers.ListField(child=serializers.IntegerField())


class SimulationRunSerializer(TeamScopedSerializer):
    plays = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Play.objects.all(), allow_empty=False
    )
    scenarios = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Scenario.objects.all(), allow_empty=False
    )
    ruleset = serializers.PrimaryKeyRelatedField(
        queryset=Ruleset.objects.all(), required=False, allow_null=True
    )
    lineup = serializers.PrimaryKeyRelatedField(
        queryset=Lineup.objects.all(), required=False, allow_null=True
    )
    episodes = serializers.IntegerField(
        min_value=1, max_value=MAX_EPISODES, default=2000, help_text="Per play × scenario pair."
    )
    seed = serializers.IntegerField(
        min_value=0, max_value=2**63 - 1, required=False, help_text="Random if left out."
    )
    traces = serializers.IntegerField(
        source="traces_requested", min_value=0, max_value=20, default=0, help_text="Per pair."
    )
    situation = SituationSerializer(required=False)
    inline = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        write_only=True,
        help_text="true: answer with the results inside the request, or 400 when the run is "
        "larger than a request allows; false: always a background run; left out: by size.",
    )
    inputs = serializers.SerializerMethodField(
        help_text="The versions of the plays, formations, routes, scenarios, players, "
        "lineup and rulesets the run simulated, and those edited or deleted since."
    )
    metrics = MetricsField(read_only=True)
    played_on = serializers.SerializerMethodField(
        help_text="The field (ruleset) each scenario was simulated on: the run's ruleset, "
        "else the scenario's, else the team's default."
    )

    class Meta:
        model = SimulationRun
        fields = [
            "id",
            "plays",
            "scenarios",
            "ruleset",
            "lineup",
            "episodes",
            "seed",
            "traces",
            "situation",
            "inline",
            "played_on",
            "bucket",
            "status",
            "progress",
            "error",
            "metrics",
            "created_at",
            "started_at",
            "finished_at",
            "inputs",
        ]
        read_only_fields = [
            "id",
            "bucket",
            "status",
            "progress",
            "error",
            "metrics",
            "created_at",
            "started_at",
            "finished_at",
        ]

    @extend_schema_field(RunInputsSerializer)
    def get_inputs(self, run):
        many = self.parent if isinstance(self.parent, serializers.ListSerializer) else None
        if many is not None and isinstance(many.instance, (list, tuple)):
            # A list: what changed is looked up once for the whole page.
            if not hasattr(many, "changed_since"):
                many.changed_since = snapshot.changed_since_many(many.instance)
            changed = many.changed_since.get(run.pk, [])
        else:
            changed = snapshot.changed_since(run)
        return {"versions": snapshot.versions(run), "changed_since": changed}

    @extend_schema_field(PlayedOnSerializer(many=True))
    def get_played_on(self, run):
        defaults = self.context.setdefault("default_rulesets", {})  # one query per team
        if run.team_id not in defaults:
            defaults[run.team_id] = default_ruleset(run.team_id)
        return [
            {
                "ruleset": rules.pk,
                "label": field_label(rules),
                "field_width": rules.field_width,
                "field_length": rules.field_length,
                "scenarios": entry["scenarios"],
            }
            for entry in run_fields(run, defaults[run.team_id])
            for rules in [entry["ruleset"]]
        ]

    @property
    def _readable_fields(self):
        # plays and scenarios are shown as simulated (to_representation), not read from the
        # relations: a list would otherwise load every run's plays only to drop them.
        return (f for f in super()._readable_fields if f.field_name not in self.AS_SIMULATED)

    AS_SIMULATED = ("plays", "scenarios")

    def to_representation(self, run):
        data = super().to_representation(run)
        data["situation"] = {"down": run.down, "distance": run.distance, "yardline": run.yardline}
        # As simulated: a play or scenario deleted since still shows (its id).
        data["plays"], data["scenarios"] = run.play_ids, run.scenario_ids
        return {name: data[name] for name in self.Meta.fields if name in data}


class TraceSerializer(serializers.ModelSerializer):
    play = serializers.IntegerField(source="play_id_ref")
    scenario = serializers.IntegerField(source="scenario_id_ref")

    class Meta:
        model = SimulationTrace
        fields = ["index", "play", "scenario", "episode", "data"]


class TraceSummarySerializer(serializers.ModelSerializer):
    play = serializers.IntegerField(source="play_id_ref")
    scenario = serializers.IntegerField(source="scenario_id_ref")
    outcome = serializers.SerializerMethodField()

    class Meta:
        model = SimulationTrace
        fields = ["index", "play", "scenario", "episode", "outcome"]

    def get_outcome(self, trace) -> dict:
        return trace.data.get("outcome", {})
