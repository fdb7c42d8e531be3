"""Shapes and types of runs and traces; the rules of a run are simulation_run_start's."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from playbook.models import Lineup, Play, Ruleset, Scenario
from simulation import snapshot
from simulation.models import SimulationRun, SimulationTrace
from simulation.services import MAX_EPISODES
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

    def to_representation(self, run):
        data = super().to_representation(run)
        data["situation"] = {"down": run.down, "distance": run.distance, "yardline": run.yardline}
        # As simulated: a play or scenario deleted since still shows (its id).
        data["plays"], data["scenarios"] = run.play_ids, run.scenario_ids
        return data


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
