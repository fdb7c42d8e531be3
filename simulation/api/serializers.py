import secrets

from rest_framework import serializers

from football.situations import situation_errors
from playbook.constants import NFL_FLAG_5V5
from playbook.models import Lineup, Play, Ruleset, Scenario, default_ruleset
from playbook.validation import Rules
from simulation.models import SimulationRun, SimulationTrace
from teams.scoping import TeamScopedSerializer

MAX_EPISODES = 1_000_000
MAX_PAIRS = 400
MAX_TOTAL_EPISODES = 20_000_000


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

    def validate(self, attrs):
        attrs = super().validate(attrs)
        pairs = len(set(attrs["plays"])) * len(set(attrs["scenarios"]))
        if pairs > MAX_PAIRS:
            raise serializers.ValidationError(
                {"plays": [f"{pairs} play × scenario pairs; at most {MAX_PAIRS} in one run."]}
            )
        if pairs * attrs["episodes"] > MAX_TOTAL_EPISODES:
            raise serializers.ValidationError(
                {
                    "episodes": [
                        f"{pairs * attrs['episodes']:,} episodes in all; at most "
                        f"{MAX_TOTAL_EPISODES:,} in one run — fewer episodes or pairs."
                    ]
                }
            )
        situation = attrs.get("situation") or SituationSerializer().to_internal_value({})
        # A team always has a default ruleset; NFL FLAG values guard an old team without one.
        rules = attrs.get("ruleset") or default_ruleset(self.team) or Ruleset(**NFL_FLAG_5V5)
        errors = situation_errors(
            situation["down"], situation["distance"], situation["yardline"], rules
        )
        if errors:
            raise serializers.ValidationError(errors)
        self._check_pairs(attrs)
        attrs["situation"] = dict(situation)
        attrs.setdefault("seed", secrets.randbelow(2**31))
        attrs["plays"], attrs["scenarios"] = (
            list(set(attrs["plays"])),
            list(set(attrs["scenarios"])),
        )
        return attrs

    def _check_pairs(self, attrs):
        """Every play and defense must be valid under the ruleset its pairs run with (the
        run's, else the scenario's, else the team's default) — a 400 now, not a failed job."""
        default = default_ruleset(self.team)
        problems = []
        checked = set()
        for scenario in set(attrs["scenarios"]):
            ruleset = attrs.get("ruleset") or scenario.ruleset or default
            plays = set(attrs["plays"])
            objects = [scenario, *{p.formation for p in plays}, *plays]
            for obj in objects:
                if (obj._meta.model_name, obj.pk, ruleset and ruleset.pk) in checked:
                    continue
                checked.add((obj._meta.model_name, obj.pk, ruleset and ruleset.pk))
                for path, messages in obj.check_rules(Rules.of(ruleset)).errors.items():
                    problems += [
                        f"{obj._meta.verbose_name} '{obj}' under {ruleset or 'NFL FLAG 5v5'}: "
                        f"{path}: {m}"
                        for m in messages
                    ]
        if problems:
            raise serializers.ValidationError({"non_field_errors": problems[:20]})


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
