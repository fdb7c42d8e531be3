from rest_framework import serializers

from strategy.models import Analysis, AnalysisKind
from strategy.services import COORDINATORS, DEFAULT_EPISODES, MAX_EPISODES, MIN_EPISODES

ID = {"min_value": 1, "max_value": 2**63 - 1}


class AnalysisMixItemSerializer(serializers.Serializer):
    scenario = serializers.IntegerField(**ID)
    weight = serializers.FloatField(default=1.0, help_text="Above 0; weights are normalised.")


class AnalysisSituationSerializer(serializers.Serializer):
    down = serializers.IntegerField(min_value=1, max_value=6)
    distance = serializers.FloatField(help_text="Yards to go for a first down (or the goal).")
    yards_to_goal = serializers.FloatField(help_text="Yards to the goal line.")


class AnalysisLateGameSerializer(serializers.Serializer):
    margin = serializers.IntegerField(help_text="Our score minus theirs, now.")
    drives_after = serializers.IntegerField(
        help_text="Drives left in the game after this one, both teams' (theirs comes next): "
        "0 = this is the last drive."
    )


class AnalysisCreateSerializer(serializers.Serializer):
    """What to analyse. Ids are looked up in the team of the URL (services check them)."""

    kind = serializers.ChoiceField(choices=AnalysisKind.choices)
    name = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    plays = serializers.ListField(child=serializers.IntegerField(**ID), required=False)
    playbook = serializers.IntegerField(required=False, allow_null=True, **ID)
    mix = AnalysisMixItemSerializer(
        many=True, help_text="The defenses our offense faces (the opponent's, for a season)."
    )
    ruleset = serializers.IntegerField(
        required=False, allow_null=True, help_text="Default: the team's.", **ID
    )
    lineup = serializers.IntegerField(
        required=False, allow_null=True, help_text="Default: the team's.", **ID
    )
    episodes = serializers.IntegerField(
        min_value=MIN_EPISODES,
        max_value=MAX_EPISODES,
        default=DEFAULT_EPISODES,
        help_text="Engine episodes per play × defense × yard-line cell.",
    )
    seed = serializers.IntegerField(
        min_value=0, max_value=2**63 - 1, required=False, help_text="Random if left out."
    )
    situation = AnalysisSituationSerializer(required=False, help_text="call_mix: the situation.")
    defense = serializers.IntegerField(
        required=False, allow_null=True, help_text="call_mix: one known defense of the mix.", **ID
    )
    dice = serializers.IntegerField(default=6, help_text="call_mix: faces of the wristband die.")
    late_game = AnalysisLateGameSerializer(
        required=False,
        help_text="call_mix: rank the calls by the chance to win, given the score and the "
        "drives left, beside expected points.",
    )
    opponent_playbook = serializers.IntegerField(
        required=False, allow_null=True, help_text="season, stress_test: their offense.", **ID
    )
    opponent_plays = serializers.ListField(
        child=serializers.IntegerField(**ID), required=False, help_text="Instead of a playbook."
    )
    our_mix = AnalysisMixItemSerializer(
        many=True,
        required=False,
        help_text="season, stress_test: the defenses we call against them (default: mix).",
    )
    games = serializers.IntegerField(required=False, help_text="season (100), stress_test (200).")
    drives_per_team = serializers.IntegerField(default=8)
    coordinator = serializers.ChoiceField(
        choices=COORDINATORS,
        default="fictitious",
        help_text="stress_test: how the adaptive defense learns.",
    )


class AnalysisSerializer(serializers.ModelSerializer):
    plays = serializers.JSONField(source="play_ids", read_only=True)

    class Meta:
        model = Analysis
        fields = [
            "id",
            "kind",
            "name",
            "playbook",
            "plays",
            "mix",
            "opponent_playbook",
            "opponent_play_ids",
            "our_mix",
            "ruleset",
            "lineup",
            "episodes",
            "seed",
            "params",
            "status",
            "progress",
            "error",
            "cached_from",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = [f for f in fields if f != "name"]


class PicturesSerializer(serializers.Serializer):
    ep_chart = serializers.CharField(allow_null=True)
    drive_chart = serializers.CharField(allow_null=True)
    wristband = serializers.CharField(allow_null=True)


class AnalysisDetailSerializer(AnalysisSerializer):
    result = serializers.JSONField(
        read_only=True,
        help_text="The report (see docs/strategy.md): expected_points → ep_table, ep_curve, "
        "drive_from_start; call_mix → ranking, mix (value, exploitability, wristband); "
        "season → season, game; stress_test → rows.",
    )
    pictures = serializers.SerializerMethodField()

    class Meta(AnalysisSerializer.Meta):
        fields = [*AnalysisSerializer.Meta.fields, "inputs_key", "pictures", "result"]
        read_only_fields = [*AnalysisSerializer.Meta.read_only_fields, "inputs_key"]

    def get_pictures(self, analysis) -> PicturesSerializer:
        from django.urls import reverse

        from pictures.analysis_images import PICTURES

        out = {}
        for name, (_ext, kinds) in PICTURES.items():
            ok = analysis.kind in kinds and analysis.result
            url = reverse(
                f"analysis-{name}", kwargs={"team_id": analysis.team_id, "pk": analysis.pk}
            )
            request = self.context.get("request")
            if ok and request is not None:
                url = request.build_absolute_uri(url)
            out[name.replace("-", "_")] = url if ok else None
        return out
