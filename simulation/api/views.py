from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from config.api import conflict
from simulation import services
from simulation.api.serializers import (
    SimulationRunSerializer,
    TraceSerializer,
    TraceSummarySerializer,
)
from simulation.models import JobStatus, SimulationRun
from teams.scoping import TeamScopedMixin


@extend_schema(tags=["simulations"])
class SimulationRunViewSet(
    TeamScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Simulate plays × scenarios. Small runs (≤ 20,000 episodes in all) finish inside
    the request (201 with metrics); larger ones answer 202 and run as background jobs —
    poll `GET …/{id}/` for status and progress."""

    queryset = SimulationRun.objects.prefetch_related("plays", "scenarios")
    serializer_class = SimulationRunSerializer
    filterset_fields = ["status", "bucket"]
    ordering_fields = ["created_at", "finished_at"]

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
            seed=data["seed"],
            situation=data["situation"],
            traces=data["traces_requested"],
            ruleset=data.get("ruleset"),
            lineup=data.get("lineup"),
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

    @extend_schema(responses=TraceSummarySerializer(many=True))
    @action(detail=True, methods=["get"], url_path="traces", pagination_class=None)
    def traces(self, request, *args, **kwargs):
        """The recorded episodes of a run (frames at …/traces/{n}/)."""
        run = self.get_object()
        return Response(TraceSummarySerializer(run.traces.all(), many=True).data)

    @extend_schema(responses=TraceSerializer)
    @action(detail=True, methods=["get"], url_path=r"traces/(?P<n>\d+)")
    def trace(self, request, n, *args, **kwargs):
        """One recorded episode: frames (time, all ten players, the ball) and its outcome."""
        run = self.get_object()
        return Response(TraceSerializer(get_object_or_404(run.traces, index=int(n))).data)

    @extend_schema(responses=TraceSerializer)
    @action(detail=True, methods=["get"], url_path="trace")
    def first_trace(self, request, *args, **kwargs):
        """The first recorded episode (the FieldOS plan's path)."""
        return self.trace(request, 0, *args, **kwargs)
