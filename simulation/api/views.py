from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from config.api import EncodedListMixin, conflict
from pictures import run_images as images
from pictures import serving as img
from playbook.models import Scenario
from simulation import services, snapshot
from simulation.api.serializers import (
    SimulationRunSerializer,
    TraceSerializer,
    TraceSummarySerializer,
)
from simulation.models import JobStatus, SimulationRun
from teams.scoping import TeamScopedMixin


@extend_schema(tags=["simulations"])
class SimulationRunViewSet(
    img.PictureEndpoints,
    EncodedListMixin,
    TeamScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Simulate plays × scenarios. Small runs (≤ 16 pairs, ≤ 20,000 episodes and ≤ 100
    traces in all) finish inside the request (201 with metrics); larger ones answer 202
    and run as background jobs — poll `GET …/{id}/` for status and progress. A run
    simulates its inputs as they were when it started; `inputs` lists their versions and
    those changed since."""

    queryset = SimulationRun.objects.select_related("ruleset").prefetch_related(
        "plays", "scenarios__ruleset"
    )
    serializer_class = SimulationRunSerializer
    filterset_fields = ["status", "bucket"]
    ordering_fields = ["created_at", "finished_at"]
    picture_actions = {"replay", "heatmap"}

    def paginate_queryset(self, queryset):
        if self.action == "list":
            # A list row names its scenarios' fields (played_on): their rulesets, not
            # every column of every scenario; plays and scenarios are shown by the ids
            # the run kept.
            scenarios = Scenario.objects.only("id", "ruleset_id").select_related("ruleset")
            queryset = snapshot.with_versions_only(
                queryset.prefetch_related(None).prefetch_related(
                    Prefetch("scenarios", queryset=scenarios)
                )
            )
        return super().paginate_queryset(queryset)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        run = services.simulation_run_start(
            team=self.team,
            user=request.user,
            plays=data["plays"],
            scenarios=data["scenarios"],
            episodes=data["episodes"],
            seed=data.get("seed"),
            situation=data.get("situation"),
            traces=data["traces_requested"],
            ruleset=data.get("ruleset"),
            lineup=data.get("lineup"),
            inline=data.get("inline"),
        )
        code = status.HTTP_201_CREATED if run.is_finished else status.HTTP_202_ACCEPTED
        return Response(self.get_serializer(run).data, status=code)

    def retrieve(self, request, *args, **kwargs):
        run = self.get_object()
        if run.status == JobStatus.RUNNING and services.simulation_recover_stale(run=run) != (0, 0):
            run.refresh_from_db()
        return Response(self.get_serializer(run).data)

    @extend_schema(request=None, responses=SimulationRunSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, *args, **kwargs):
        """Stop a queued or running simulation; a finished one answers 409."""
        run = self.get_object()
        if not services.simulation_run_cancel(run):
            return conflict("finished", f"The simulation already {run.status}.")
        return Response(self.get_serializer(run).data)

    @extend_schema(responses=TraceSummarySerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], url_path="traces", filter_backends=[])
    def traces(self, request, *args, **kwargs):
        """The recorded episodes of a run, paginated like every list (frames at
        …/traces/{n}/)."""
        run = self.get_object()
        page = self.paginate_queryset(run.traces.order_by("index"))
        return self.get_paginated_response(TraceSummarySerializer(page, many=True).data)

    @extend_schema(responses=TraceSerializer)
    @action(detail=True, methods=["get"], url_path=r"traces/(?P<n>\d+)")
    def trace(self, request, n, *args, **kwargs):
        """One recorded episode: frames (time, all ten players, the ball) and its outcome."""
        run = self.get_object()
        return Response(TraceSerializer(get_object_or_404(run.traces, index=int(n))).data)

    @extend_schema(responses=TraceSerializer)
    @action(detail=True, methods=["get"], url_path="trace")
    def first_trace(self, request, *args, **kwargs):
        """The first recorded episode (the same as `traces/0/`)."""
        return self.trace(request, 0, *args, **kwargs)

    def _trace_or_404(self, n):
        run = self.get_object()
        if not (str(n).isascii() and str(n).isdigit()) or int(n) > 2**31:
            raise Http404("No such trace.")
        return get_object_or_404(run.traces.select_related("run"), index=int(n))

    @extend_schema(responses=img.schema_responses("gif"))
    def replay(self, request, n, *args, **kwargs):
        """The recorded episode as an animated GIF: one frame per 100 ms of play time,
        the ball in flight, the outcome written on the last frame."""
        return img.serve(request, images.replay(self._trace_or_404(n)))

    @extend_schema(
        parameters=[
            OpenApiParameter("value", OpenApiTypes.STR, enum=images.HEATMAP_VALUES),
            img.ext_parameter("svg", "png"),
        ],
        responses=img.schema_responses("svg", "png"),
    )
    def heatmap(self, request, ext, *args, **kwargs):
        """Plays (rows) × defenses (columns), coloured by `value` (default mean_reward),
        the number in each cell. 409 while the run has no results yet."""
        run = self.get_object()
        if not run.metrics:
            detail = (
                f"The simulation is {run.status}; no results yet."
                if not run.is_finished
                else f"The simulation {run.status} before it had results."
            )
            return conflict("no_results", detail)
        try:
            image = images.heatmap(run, ext, request.query_params.get("value", "mean_reward"))
        except ValueError as exc:
            raise ValidationError({"value": [str(exc)]}) from exc
        return img.serve(request, image)
