"""Shapes and types of runs and traces; the rules of a run are simulation_run_start's."""

from rest_framework import serializers

from playbook.models import Lineup, Play, Ruleset, Scenario
from simulation.models import SimulationRun, SimulationTrace
from simulation.services import MAX_EPISODES
from teams.scoping import TeamScopedSerializer


class SituationSerializer(serializers.Serializer):
    down = serializers.IntegerField(default=1)
    distance = serializers.FloatField(default=10.0)
    yardline = serializers.FloatField(default=35.0, help_text="Yards to the goal line.")


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
            "bucket",
            "status",
            "progress",
            "error",
            "metrics",
            "created_at",
            "started_at",
            "finished_at",
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
