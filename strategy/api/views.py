from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from config.api import conflict
from pictures import analysis_images as pictures
from pictures import serving as img
from simulation.models import JobStatus
from strategy import services
from strategy.api.serializers import (
    AnalysisCreateSerializer,
    AnalysisDetailSerializer,
    AnalysisSerializer,
)
from strategy.models import Analysis
from teams.scoping import TeamScopedMixin


@extend_schema(tags=["strategy"])
class AnalysisViewSet(
    img.PictureEndpoints,
    TeamScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Strategy analyses on drives: expected points, call mixes, seasons and the
    adaptive-defense stress test. Each is a background job: create answers 202 (201
    when a finished analysis with the same inputs is reused — `cached_from`); poll
    `GET …/analyses/{id}/` for status, progress and the result."""

    queryset = Analysis.objects.all()
    serializer_class = AnalysisSerializer
    filterset_fields = ["kind", "status"]
    ordering_fields = ["created_at", "finished_at"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    picture_actions = {"ep_chart", "drive_chart", "wristband"}

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)  # already the team's analyses
        return queryset.defer("result") if self.action == "list" else queryset  # big JSON

    def get_serializer_class(self):
        if self.action == "retrieve":
            return AnalysisDetailSerializer
        return AnalysisSerializer

    @extend_schema(
        request=AnalysisCreateSerializer,
        responses={202: AnalysisSerializer, 201: AnalysisSerializer},
    )
    def create(self, request, *args, **kwargs):
        """Start an analysis (202), or reuse a finished one with the same inputs (201)."""
        serializer = AnalysisCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        analysis = services.analysis_start(
            team=self.team, user=request.user, name=data.pop("name", ""), **data
        )
        code = status.HTTP_201_CREATED if analysis.is_finished else status.HTTP_202_ACCEPTED
        return Response(AnalysisSerializer(analysis).data, status=code)

    def retrieve(self, request, *args, **kwargs):
        analysis = self.get_object()
        unfinished = analysis.status in (JobStatus.RUNNING, JobStatus.QUEUED)
        if unfinished and services.analysis_recover_stale(analysis=analysis) != (0, 0):
            analysis.refresh_from_db()
        return Response(self.get_serializer(analysis).data)

    @extend_schema(request=None, responses=AnalysisSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, *args, **kwargs):
        """Stop a queued or running analysis; a finished one answers 409."""
        analysis = self.get_object()
        if not services.analysis_cancel(analysis):
            return conflict("finished", f"The analysis already {analysis.status}.")
        return Response(AnalysisSerializer(analysis).data)

    def _picture(self, request, name, ext):
        analysis = self.get_object()
        if not analysis.result and analysis.kind in pictures.PICTURES[name][1]:
            return conflict("no_results", f"The analysis is {analysis.status}; no result yet.")
        try:
            image = pictures.picture(analysis, name, ext)
        except pictures.NoPicture as exc:
            return conflict("no_picture", str(exc))
        return img.serve(request, image)

    @extend_schema(responses=img.schema_responses("svg"))
    def ep_chart(self, request, *args, **kwargs):
        """expected_points: EP by yards to the goal, one line per down (SVG)."""
        return self._picture(request, "ep-chart", "svg")

    @extend_schema(responses=img.schema_responses("svg"))
    def drive_chart(self, request, *args, **kwargs):
        """season: the first game's drives, start to end, with their results (SVG)."""
        return self._picture(request, "drive-chart", "svg")

    @extend_schema(responses=img.schema_responses("pdf"))
    def wristband(self, request, *args, **kwargs):
        """call_mix: the wristband card — the situation and the mix as dice ranges (PDF)."""
        return self._picture(request, "wristband", "pdf")
