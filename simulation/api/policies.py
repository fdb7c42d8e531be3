"""Play-calling policies: train (a job), list, detail, cancel, recommend, adopt, game plan.
The serializers describe shapes; the rules of a training are policy_train_start's."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from config.api import conflict
from football.situations import situation_bucket, situation_errors
from playbook.constants import CALL_NUMBER_HELP, Bucket
from playbook.models import Lineup, Play, Playbook, Ruleset, Scenario, default_ruleset
from simulation import policies
from simulation.learning import ALGORITHMS, DEFAULT_ALGORITHM
from simulation.models import Policy, PolicyAdoption
from simulation.policies.start import MAX_EPISODES, MIN_EPISODES
from teams.scoping import TeamScopedMixin, TeamScopedSerializer


def _team_scoped(queryset, context):
    team = context.get("team")
    return queryset.filter(team=team) if team is not None else queryset.none()


class MixItemSerializer(serializers.Serializer):
    scenario = serializers.PrimaryKeyRelatedField(queryset=Scenario.objects.all())
    weight = serializers.FloatField(default=1.0, min_value=0.0, max_value=1e6)

    def get_fields(self):
        fields = super().get_fields()
        fields["scenario"].queryset = _team_scoped(Scenario.objects.all(), self.context)
        return fields

    def validate_weight(self, value):
        if value <= 0:
            raise serializers.ValidationError("A weight must be above 0.")
        return value

    def to_representation(self, item):
        # A stored mix item is plain JSON ({"scenario": id, "weight": w}), not a model.
        return {"scenario": int(item["scenario"]), "weight": float(item["weight"])}


class PolicySerializer(TeamScopedSerializer):
    """Start a training (write fields) and show a policy with its status and progress."""

    plays = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Play.objects.all(), required=False
    )
    playbook = serializers.PrimaryKeyRelatedField(
        queryset=Playbook.objects.all(), required=False, allow_null=True
    )
    # `mix` both ways, as in the strategy analyses; `scenarios` is its old write-only name.
    mix = MixItemSerializer(
        many=True,
        allow_empty=False,
        required=False,
        help_text="The defenses to train against, each with a weight (how often it is drawn).",
    )
    scenarios = MixItemSerializer(
        many=True,
        write_only=True,
        allow_empty=False,
        required=False,
        help_text="Deprecated: the old name of `mix`, still accepted on writes.",
    )
    buckets = serializers.ListField(
        child=serializers.ChoiceField(choices=Bucket.choices),
        required=False,
        allow_empty=False,
        help_text="Default: all seven.",
    )
    algorithm = serializers.ChoiceField(
        choices=ALGORITHMS, default=DEFAULT_ALGORITHM, help_text=f"Default: {DEFAULT_ALGORITHM}."
    )
    params = serializers.DictField(
        child=serializers.FloatField(),
        required=False,
        help_text='ucb1: {"c": > 0, default sqrt(2) × 50}; epsilon_greedy: {"epsilon": 0–1, '
        "default 0.1}; thompson: none.",
    )
    episodes = serializers.IntegerField(
        min_value=MIN_EPISODES, max_value=MAX_EPISODES, default=20_000, help_text="Budget."
    )
    seed = serializers.IntegerField(
        min_value=0, max_value=2**63 - 1, required=False, help_text="Random if left out."
    )
    ruleset = serializers.PrimaryKeyRelatedField(
        queryset=Ruleset.objects.all(), required=False, allow_null=True
    )
    lineup = serializers.PrimaryKeyRelatedField(
        queryset=Lineup.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = Policy
        fields = [
            "id",
            "name",
            "plays",
            "playbook",
            "scenarios",
            "mix",
            "buckets",
            "algorithm",
            "params",
            "episodes",
            "seed",
            "ruleset",
            "lineup",
            "status",
            "progress",
            "episodes_done",
            "error",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = [
            "id",
            "status",
            "progress",
            "episodes_done",
            "error",
            "created_at",
            "started_at",
            "finished_at",
        ]

    def validate_params(self, value):
        return dict(value)

    def validate_buckets(self, value):
        """In bucket order, each once: the same buckets always train the same policy."""
        return [b for b in Bucket.values if b in set(value)]

    def to_representation(self, policy):
        data = super().to_representation(policy)
        data["plays"] = policy.play_ids  # as trained, also after a play is deleted
        return data

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if bool(attrs.get("playbook")) == bool(attrs.get("plays")):
            raise serializers.ValidationError(
                {"plays": ['Give either "plays" (a list of ids) or "playbook" (an id).']}
            )
        if "mix" in attrs and "scenarios" in attrs:
            raise _bad("scenarios", 'Give "mix" only ("scenarios" is its old name).')
        if "scenarios" in attrs:
            attrs["mix"] = attrs.pop("scenarios")
        if "mix" not in attrs:
            raise _bad("mix", "This field is required.")
        return attrs


class PolicyDetailSerializer(PolicySerializer):
    tables = serializers.SerializerMethodField()
    curve = serializers.JSONField(read_only=True)

    class Meta(PolicySerializer.Meta):
        fields = [*PolicySerializer.Meta.fields, "tables", "curve"]

    def get_tables(self, policy) -> dict:
        """Per bucket: the situation it was trained in, the episodes against the mix
        (`episodes`, in batches of `batch`; the plays' `pulls` count these) and against one
        defense at a time (`per_defense_episodes`, `per_defense_batch`), and every play's
        statistics against the mix."""
        tables = {}
        for bucket, table in (policy.stats or {}).items():
            rows = [
                {
                    "play": int(pid),
                    "name": arm["name"],
                    "pulls": arm["pulls"],
                    "mean_reward": round(arm["mean_reward"], 3),
                    "variance": round(arm["variance"], 3),
                    "mean_yards": round(arm["mean_yards"], 3),
                    "success_rate": round(arm["success_rate"], 4),
                }
                for pid, arm in table["arms"].items()
            ]
            rows.sort(key=lambda r: (r["pulls"] == 0, -r["mean_reward"]))
            tables[bucket] = {
                "situation": table["situation"],
                "episodes": table["episodes"],
                "batch": table["batch"],
                # against one defense at a time (older policies: none)
                "per_defense_episodes": table.get("per_defense_episodes", 0),
                "per_defense_batch": table.get("per_defense_batch", 0),
                "plays": rows,
            }
        return tables


class RecommendationRowSerializer(serializers.Serializer):
    play = serializers.IntegerField()
    name = serializers.CharField()
    rank = serializers.IntegerField()
    pulls = serializers.IntegerField(help_text="Simulated plays behind the figures.")
    expected_reward = serializers.FloatField(allow_null=True, help_text="Null: never tried.")
    interval = serializers.ListField(
        child=serializers.FloatField(),
        min_length=2,
        max_length=2,
        allow_null=True,
        help_text="95 % interval of the expected reward.",
    )
    mean_yards = serializers.FloatField(allow_null=True)
    success_rate = serializers.FloatField(allow_null=True)
    reasoning = serializers.CharField(help_text="The numbers in a coach's words.")


class RecommendationSerializer(serializers.Serializer):
    policy = serializers.IntegerField()
    status = serializers.CharField()
    bucket = serializers.ChoiceField(choices=Bucket.choices)
    scenario = serializers.IntegerField(allow_null=True, help_text="The known defense, if any.")
    confidence = serializers.FloatField(
        allow_null=True,
        help_text="P(the top play is truly best), over the plays with data; null: no data.",
    )
    enough_data = serializers.BooleanField(
        help_text="False when a play was never tried or the top play has too few plays."
    )
    recommendations = RecommendationRowSerializer(many=True)
    note = serializers.CharField(
        required=False, help_text="Why the data is not enough, said plainly."
    )
    left_out = serializers.CharField(
        required=False, help_text="Plays not offered here and why (a run inside a no-run zone)."
    )


class AdoptSerializer(serializers.Serializer):
    bucket = serializers.ChoiceField(choices=Bucket.choices)
    play = serializers.PrimaryKeyRelatedField(queryset=Play.objects.all())
    playbook = serializers.PrimaryKeyRelatedField(queryset=Playbook.objects.all())
    call_number = serializers.CharField(
        max_length=12,
        required=False,
        allow_blank=True,
        help_text=f"{CALL_NUMBER_HELP} Default: the next free number.",
    )

    def get_fields(self):
        fields = super().get_fields()
        fields["play"].queryset = _team_scoped(Play.objects.all(), self.context)
        fields["playbook"].queryset = _team_scoped(Playbook.objects.all(), self.context)
        return fields


class AdoptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = PolicyAdoption
        fields = [
            "id",
            "policy",
            "bucket",
            "play",
            "playbook",
            "call_number",
            "recommendation",
            "adopted_by",
            "adopted_at",
        ]
        extra_kwargs = {"call_number": {"help_text": CALL_NUMBER_HELP}}


def _bad(field, message):
    return serializers.ValidationError({field: [message]})


def parse_situation(query, rules):
    """?situation=BUCKET or ?down=&distance=&yardline= → a bucket; 400 otherwise."""
    if query.get("situation"):
        bucket = query["situation"].strip().upper()
        if bucket not in Bucket.values:
            raise _bad("situation", f"{bucket!r} — one of {', '.join(Bucket.values)}.")
        return bucket
    raw = {k: query.get(k) for k in ("down", "distance", "yardline")}
    if not any(raw.values()):
        raise _bad("situation", "Give ?situation=BUCKET or ?down=&distance=&yardline=.")
    raw["yardline"] = raw["yardline"] or "35"
    numbers, errors = {}, {}
    for key, kind, what in (
        ("down", int, "a whole number"),
        ("distance", float, "a number (yards to go)"),
        ("yardline", float, "a number (yards to the goal)"),
    ):
        try:
            numbers[key] = kind(raw[key])
        except (TypeError, ValueError):
            errors[key] = [f"{str(raw[key] or '')[:20]!r} — give {what}."]
    if errors:
        raise serializers.ValidationError(errors)
    down, distance, yardline = numbers["down"], numbers["distance"], numbers["yardline"]
    if rules is not None:
        errors = situation_errors(down, distance, yardline, rules)
        if errors:  # keyed by the query parameter the client sent: `down`, not `situation.down`
            raise serializers.ValidationError(
                {key.removeprefix("situation."): value for key, value in errors.items()}
            )
    elif not (1 <= down <= 4 and 0 < distance <= yardline):
        raise _bad("situation", "down 1–4, yards to go above 0 and at most the yard line.")
    return situation_bucket(down, distance, yardline, rules.downs_to_convert if rules else 4)


RECOMMEND_PARAMS = [
    OpenApiParameter("situation", OpenApiTypes.STR, description="A bucket, e.g. 3RD_SHORT."),
    OpenApiParameter("down", OpenApiTypes.INT),
    OpenApiParameter("distance", OpenApiTypes.FLOAT),
    OpenApiParameter("yardline", OpenApiTypes.FLOAT, description="Yards to the goal."),
    OpenApiParameter("scenario", OpenApiTypes.INT, description="A known defense of the mix."),
]


@extend_schema(tags=["policies"])
class PolicyViewSet(
    TeamScopedMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Play-calling policies (docs/policies.md): each one is also its training job — poll
    `GET …/policies/{id}/` for status and progress."""

    queryset = Policy.objects.prefetch_related("plays")
    serializer_class = PolicySerializer
    filterset_fields = ["status", "algorithm", "playbook"]
    ordering_fields = ["created_at", "finished_at"]

    def get_serializer_class(self):
        if self.action == "retrieve":
            return PolicyDetailSerializer
        return PolicySerializer

    @extend_schema(request=PolicySerializer, responses={202: PolicySerializer})
    @action(detail=False, methods=["post"])
    def train(self, request, *args, **kwargs):
        """Start training (202): plays or a playbook, a weighted defense mix, buckets,
        algorithm and parameters, an episode budget and a seed."""
        serializer = PolicySerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            policy = self._train(request, data)
        except DjangoValidationError as error:
            # The service names the mix `scenarios`; answer under the name the client sent.
            if "scenarios" not in request.data and hasattr(error, "error_dict"):
                error.error_dict["mix"] = error.error_dict.pop("scenarios", [])
                if not error.error_dict["mix"]:
                    del error.error_dict["mix"]
            raise
        return Response(PolicySerializer(policy).data, status=status.HTTP_202_ACCEPTED)

    def _train(self, request, data):
        return policies.policy_train_start(
            team=self.team,
            user=request.user,
            plays=data.get("plays"),
            playbook=data.get("playbook"),
            mix=[(item["scenario"], item["weight"]) for item in data["mix"]],
            buckets=data.get("buckets"),
            algorithm=data["algorithm"],
            params=data.get("params"),
            episodes=data["episodes"],
            seed=data.get("seed"),
            ruleset=data.get("ruleset"),
            lineup=data.get("lineup"),
            name=data.get("name", ""),
        )

    @extend_schema(request=None, responses=PolicySerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, *args, **kwargs):
        """Stop a queued or running training (statistics so far are kept); 409 if done."""
        policy = self.get_object()
        if not policies.policy_cancel(policy):
            return conflict("finished", f"The training already {policy.status}.")
        return Response(PolicySerializer(policy).data)

    @extend_schema(parameters=RECOMMEND_PARAMS, responses=RecommendationSerializer)
    @action(detail=True, methods=["get"])
    def recommend(self, request, *args, **kwargs):
        """Plays ranked by expected reward for a situation, with 95 % intervals,
        confidence (P(top play is truly best)) and reasoning."""
        policy = self.get_object()
        rules = policy.ruleset or default_ruleset(self.team)
        bucket = parse_situation(request.query_params, rules)
        scenario = None
        raw = request.query_params.get("scenario")
        if raw:
            if not (raw.isascii() and raw.isdigit()):
                raise _bad("scenario", f"{raw!r} is not a scenario id.")
            scenario = get_object_or_404(Scenario.objects.filter(team=self.team), pk=int(raw))
        answer = policies.policy_recommend(policy, bucket, scenario)
        return Response(RecommendationSerializer(answer).data)

    @extend_schema(request=AdoptSerializer, responses={201: AdoptionSerializer})
    @action(detail=True, methods=["post"])
    def adopt(self, request, *args, **kwargs):
        """Put a recommended play into a playbook's call sheet for the bucket and record
        who accepted it and when."""
        policy = self.get_object()
        serializer = AdoptSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        adoption = policies.policy_adopt(
            policy=policy,
            bucket=data["bucket"],
            play=data["play"],
            playbook=data["playbook"],
            call_number=data.get("call_number", ""),
            user=request.user,
        )
        return Response(AdoptionSerializer(adoption).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=AdoptionSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def adoptions(self, request, *args, **kwargs):
        """The recommendations of this policy that coaches adopted: who, when, where."""
        policy = self.get_object()
        return Response(AdoptionSerializer(policy.adoptions.all(), many=True).data)


@extend_schema(tags=["policies"], responses=OpenApiTypes.OBJECT)
class PlaybookGamePlanView(TeamScopedMixin, generics.GenericAPIView):
    """The game-day sheet: for every bucket the top calls of the latest policy that
    finished training on this playbook (`policy: null` when there is none)."""

    queryset = Playbook.objects.all()

    def get(self, request, *args, **kwargs):
        return Response(policies.playbook_game_plan(self.get_object()))
