from rest_framework import serializers

from gameday.models import Game, Snap
from gameday.services import game_save, snap_record, snap_update
from teams.scoping import TeamScopedSerializer


class GameSerializer(TeamScopedSerializer):
    final_score = serializers.CharField(read_only=True)
    snap_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Game
        fields = [
            "id",
            "opponent",
            "date",
            "ruleset",
            "playbook",
            "notes",
            "our_score",
            "their_score",
            "final_score",
            "snap_count",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = ["id", "created_at", "updated_at", "version"]

    def validate_opponent(self, value):
        value = value.strip()
        if not value:
            raise serializers.ValidationError("Name the opponent.")
        return value

    def create(self, validated_data):
        return game_save(Game(**validated_data))

    def update(self, instance, validated_data):
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return game_save(instance)


class SnapSerializer(TeamScopedSerializer):
    """Down, distance, yards to goal and drive follow from the game's previous snap
    when left out. POSTing a snap whose idempotency key the game already has answers
    200 with the stored snap and writes nothing."""

    idempotency_key = serializers.CharField(
        max_length=64, help_text="Unique per game; a resend with the same key is a no-op."
    )
    drive = serializers.IntegerField(min_value=1, max_value=999, required=False)
    down = serializers.IntegerField(min_value=1, max_value=6, required=False)
    distance = serializers.FloatField(min_value=0.1, max_value=150, required=False)
    yards_to_goal = serializers.FloatField(min_value=0.1, max_value=150, required=False)
    try_points = serializers.ChoiceField(
        choices=[1, 2],
        allow_null=True,
        required=False,
        help_text="On the try after a touchdown: 1 (from the 5) or 2 (from the 10). The "
        "snap after a touchdown is the 1-point try unless 2 is sent.",
    )
    yards = serializers.FloatField(min_value=-150, max_value=150, required=False, default=0.0)
    call_label = serializers.CharField(read_only=True)
    defense_label = serializers.CharField(read_only=True)

    class Meta:
        model = Snap
        fields = [
            "id",
            "game",
            "sequence",
            "drive",
            "down",
            "distance",
            "yards_to_goal",
            "try_points",
            "entered",
            "play",
            "call",
            "call_label",
            "defense",
            "defense_shell",
            "defense_coverage",
            "defense_rushers",
            "defense_label",
            "result",
            "yards",
            "touchdown",
            "flag_puller",
            "target",
            "notes",
            "idempotency_key",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = ["id", "sequence", "entered", "created_at", "updated_at", "version"]
        validators = []  # a known key is not an error: the create answers with that snap

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            fields["game"].read_only = True
            fields["idempotency_key"].read_only = True
        return fields

    def create(self, validated_data):
        game = validated_data.pop("game")
        key = validated_data.pop("idempotency_key")
        snap, created = snap_record(game=game, data=validated_data, key=key)
        self.created = created
        return snap

    def update(self, instance, validated_data):
        data = {k: v for k, v in validated_data.items() if k not in ("game", "idempotency_key")}
        return snap_update(instance, data)


class SnapCSVImportSerializer(serializers.Serializer):
    file = serializers.FileField(required=False, help_text="A CSV file (multipart).")
    text = serializers.CharField(required=False, help_text="Or the CSV as text (JSON body).")


class GameVersionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    user = serializers.EmailField(allow_null=True)
    source = serializers.CharField()
    action = serializers.ChoiceField(choices=["created", "changed", "deleted"])
    version = serializers.IntegerField()
    changes = serializers.ListField(child=serializers.DictField())


# --- recommendations with the real games in (response shapes, for the schema) ---------------


class SimulatedFigureSerializer(serializers.Serializer):
    success_rate = serializers.FloatField(allow_null=True)
    plays = serializers.IntegerField(help_text="Simulated plays behind the figure.")
    expected_reward = serializers.FloatField(allow_null=True)
    interval = serializers.ListField(child=serializers.FloatField(), allow_null=True)


class RealFigureSerializer(serializers.Serializer):
    n = serializers.IntegerField(help_text="Our charted snaps of the play in this situation.")
    successes = serializers.IntegerField()
    success_rate = serializers.FloatField(allow_null=True)


class CombinedFigureSerializer(serializers.Serializer):
    success_rate = serializers.FloatField(help_text="(n0·simulated + successes) / (n0 + n)")
    sd = serializers.FloatField()
    n0 = serializers.FloatField()


class GameRecommendationRowSerializer(serializers.Serializer):
    play = serializers.IntegerField()
    name = serializers.CharField()
    rank = serializers.IntegerField(help_text="By the combined success rate.")
    simulated_rank = serializers.IntegerField(help_text="The policy's own rank.")
    simulated = SimulatedFigureSerializer()
    real = RealFigureSerializer()
    combined = CombinedFigureSerializer(allow_null=True)
    p_value = serializers.FloatField(allow_null=True)
    flagged = serializers.BooleanField()
    summary = serializers.CharField()


class GameRecommendationSerializer(serializers.Serializer):
    policy = serializers.IntegerField()
    bucket = serializers.CharField()
    scenario = serializers.IntegerField(allow_null=True)
    opponent = serializers.CharField(allow_null=True)
    n0 = serializers.FloatField()
    ranked_by = serializers.CharField()
    real_snaps = serializers.IntegerField()
    enough_data = serializers.BooleanField()
    note = serializers.CharField(allow_blank=True)
    recommendations = GameRecommendationRowSerializer(many=True)
