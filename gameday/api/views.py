"""Games, snaps and the game-day reports, all under /api/teams/{team_id}/ and scoped
by teams.scoping (non-members 404, members read, coaches and owners write)."""

import json

from django.db import transaction
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from django_filters import rest_framework as df
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import conflict, error_body
from config.filters import IdFilter, StrictFilterSet
from config.parsers import SafeJSONParser
from football.situations import situation_bucket, situation_errors
from gameday import csv_io, recommend, selectors
from gameday import estimates as est
from gameday.api import serializers as s
from gameday.models import Game, Result, Snap
from gameday.services import rules_of
from pictures import gameday_charts, self_scout_pdf
from playbook.constants import Bucket, Coverage, Shell
from playbook.history import history_of, versions
from playbook.models import Scenario, default_ruleset
from simulation.models import Policy
from simulation.policies import PolicyError
from teams.scoping import MAX_ID, TeamScopedMixin, TeamScopedViewSet


class FileRenderer(BaseRenderer):
    """Lets a client that asks for the file's type get it; errors still go out as
    JSON text."""

    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes | str):
            return data
        return json.dumps(data).encode()


def file_renderer(media_type, fmt):
    return type(
        f"{fmt.upper()}Renderer", (FileRenderer,), {"media_type": media_type, "format": fmt}
    )


SVG = file_renderer("image/svg+xml", "svg")
PDF = file_renderer("application/pdf", "pdf")
CSV = file_renderer("text/csv", "csv")


def file_response(data, content_type, filename=None):
    response = HttpResponse(data, content_type=content_type)
    if filename:
        response["Content-Disposition"] = content_disposition_header(False, filename)
    response["Cache-Control"] = "private, no-cache"
    return response


def file_schema(content_type):
    return {(200, content_type): OpenApiResponse(OpenApiTypes.BINARY)}


class VersionedMixin:
    """Optimistic concurrency as on the playbook objects: a `version` in the body that
    is not the stored one is a 409, an If-Match without it a 412; nothing is written."""

    def update(self, request, *args, **kwargs):
        with transaction.atomic():
            obj = self.get_object()
            current = (
                type(obj)
                .objects.select_for_update()
                .values_list("version", flat=True)
                .get(pk=obj.pk)
            )
            if_match = request.headers.get("If-Match", "").strip()
            if if_match and if_match != "*":
                tags = [t.strip() for t in if_match.split(",")]
                if f'"{current}"' not in tags:
                    return conflict(
                        "version_mismatch",
                        f"This {obj._meta.verbose_name} is at version {current} now; "
                        "reload it, then make your change again.",
                        status_code=412,
                        version=current,
                    )
            sent = request.data.get("version") if isinstance(request.data, dict) else None
            if sent is not None:
                if isinstance(sent, bool) or not str(sent).isdigit():
                    raise ValidationError({"version": ["Send the version number you loaded."]})
                if int(sent) != current:
                    return conflict(
                        "edit_conflict",
                        f"Someone saved this {obj._meta.verbose_name} since (version "
                        f"{current}); you sent version {sent}. Nothing was saved: reload it.",
                        version=current,
                    )
            response = super().update(request, *args, **kwargs)
        response["ETag"] = f'"{response.data["version"]}"'
        return response

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        response["ETag"] = f'"{response.data["version"]}"'
        return response

    @extend_schema(responses=s.GameVersionSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="history")
    def history(self, request, *args, **kwargs):
        """Every version, newest first: who, when, from where and what changed."""
        obj = self.get_object()
        records = history_of(type(obj), obj.pk, self.team)
        page = self.paginator.paginate_queryset(versions(records), request, view=self)
        return self.get_paginated_response(s.GameVersionSerializer(page, many=True).data)


class GameFilter(StrictFilterSet):
    opponent = df.CharFilter(field_name="opponent", lookup_expr="iexact")
    date_after = df.DateFilter(field_name="date", lookup_expr="gte")
    date_before = df.DateFilter(field_name="date", lookup_expr="lte")
    playbook = IdFilter(field_name="playbook_id")
    ruleset = IdFilter(field_name="ruleset_id")

    class Meta:
        model = Game
        fields = ["opponent", "playbook", "ruleset"]


@extend_schema(tags=["game day"])
class GameViewSet(VersionedMixin, TeamScopedViewSet):
    serializer_class = s.GameSerializer
    queryset = Game.objects.annotate(snap_count=Count("snaps"))
    filterset_class = GameFilter
    search_fields = ["opponent", "notes"]
    ordering_fields = ["date", "opponent", "created_at"]
    ordering = ["-date", "-id"]

    @extend_schema(responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["get"], url_path="drive-chart", pagination_class=None)
    def drive_chart(self, request, *args, **kwargs):
        """Drives in order: start, plays, yards, first downs, how it ended, and each
        snap with the down, distance and yard line it was played at."""
        return Response(selectors.drive_chart(self.get_object()))

    @extend_schema(responses=file_schema("image/svg+xml"))
    @action(
        detail=True,
        methods=["get"],
        url_path="drive-chart-svg",
        renderer_classes=[JSONRenderer, SVG],
    )
    def drive_chart_svg(self, request, *args, **kwargs):
        game = self.get_object()
        chart = selectors.drive_chart(game)
        svg = gameday_charts.drive_chart_svg(chart, rules_of(game).playing_length, f"Drives {game}")
        return file_response(svg, "image/svg+xml")

    @extend_schema(
        methods=["get"],
        summary="The game's snaps as CSV (Hudl breakdown columns)",
        responses=file_schema("text/csv"),
    )
    @extend_schema(
        methods=["post"],
        summary="Add snaps from a CSV (all or nothing)",
        request={
            "multipart/form-data": s.SnapCSVImportSerializer,
            "application/json": s.SnapCSVImportSerializer,
        },
        responses={200: OpenApiTypes.OBJECT},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="snaps-csv",
        renderer_classes=[JSONRenderer, CSV],
        parser_classes=[SafeJSONParser, MultiPartParser],
    )
    def snaps_csv(self, request, *args, **kwargs):
        """GET: every snap, one row each. POST: a CSV (a `file` upload, or `text`);
        a bad row is a 400 naming the row and the column, and nothing is written; rows
        already imported (same KEY, or the same row of the same file) are skipped."""
        game = self.get_object()
        if request.method == "GET":
            return file_response(
                csv_io.export_csv(game), "text/csv; charset=utf-8", csv_io.snaps_csv_name(game)
            )
        upload = request.data.get("file") if hasattr(request.data, "get") else None
        text = request.data.get("text") if hasattr(request.data, "get") else None
        if upload is not None and hasattr(upload, "read"):
            if upload.size > csv_io.MAX_BYTES:
                raise ValidationError({"file": [f"At most {csv_io.MAX_BYTES:,} bytes."]})
            raw = upload.read()
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise ValidationError({"file": ["Not UTF-8 text."]}) from None
        if not isinstance(text, str) or not text.strip():
            raise ValidationError({"file": ["Send a CSV file (file=) or its text (text=)."]})
        if len(text) > csv_io.MAX_BYTES:
            raise ValidationError({"text": [f"At most {csv_io.MAX_BYTES:,} characters."]})
        try:
            summary = csv_io.import_csv(game, text)
        except csv_io.CSVImportError as exc:
            errors = exc.message_dict
            where, messages = next(iter(errors.items()))
            detail = f"{where.replace('.', ', column ', 1)}: {messages[0]} Nothing was written."
            return Response(error_body(400, "invalid", detail, errors), status=400)
        return Response(summary)


class SnapFilter(StrictFilterSet):
    game = IdFilter(field_name="game_id")
    play = IdFilter(field_name="play_id")
    defense = IdFilter(field_name="defense_id")
    result = df.ChoiceFilter(choices=Result.choices)
    defense_shell = df.ChoiceFilter(choices=Shell.choices)
    defense_coverage = df.ChoiceFilter(choices=Coverage.choices)
    down = df.NumberFilter(field_name="down")
    drive = df.NumberFilter(field_name="drive")
    idempotency_key = df.CharFilter(field_name="idempotency_key")

    class Meta:
        model = Snap
        fields = ["game", "play", "defense", "result", "touchdown"]


@extend_schema(tags=["game day"])
class SnapViewSet(VersionedMixin, TeamScopedViewSet):
    serializer_class = s.SnapSerializer
    queryset = Snap.objects.select_related("play", "defense")
    filterset_class = SnapFilter
    search_fields = ["call", "play__name", "notes", "flag_puller", "target"]
    ordering_fields = ["sequence", "created_at", "yards"]
    ordering = ["game", "sequence", "id"]

    @extend_schema(responses={201: s.SnapSerializer, 200: s.SnapSerializer})
    def create(self, request, *args, **kwargs):
        """Store a snap once: a resend with the same `idempotency_key` in the same game
        answers 200 with the snap stored the first time."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        snap = serializer.save()
        body = self.get_serializer(snap).data
        code = status.HTTP_201_CREATED if serializer.created else status.HTTP_200_OK
        return Response(body, status=code)


# --- reports ---------------------------------------------------------------------------------

GAME = OpenApiParameter("game", OpenApiTypes.INT, many=True, description="Only these games.")
OPPONENT = OpenApiParameter("opponent", OpenApiTypes.STR, description="Only games against it.")
BUCKET = OpenApiParameter("bucket", OpenApiTypes.STR, enum=Bucket.values, description="Situation.")
N0 = OpenApiParameter(
    "n0",
    OpenApiTypes.NUMBER,
    description=f"Prior strength in snaps (default {est.N0:g}); 0 < n0 ≤ 10000.",
)


class ReportView(TeamScopedMixin, APIView):
    """GET only: members of the team read."""

    def snaps(self, request):
        games = Game.objects.filter(team=self.team)
        ids = request.query_params.getlist("game")
        if ids:
            if not all(str(i).isdigit() and int(i) <= MAX_ID for i in ids):
                raise ValidationError({"game": ["Game ids are whole numbers."]})
            games = games.filter(pk__in=[int(i) for i in ids])
            if games.count() != len(set(ids)):
                raise ValidationError({"game": ["No such game in this team."]})
        opponent = request.query_params.get("opponent", "").strip()
        if opponent:
            games = games.filter(opponent__iexact=opponent)
        return selectors.snaps_for(self.team, games=games)


@extend_schema(tags=["game day"], parameters=[GAME, OPPONENT], responses=OpenApiTypes.OBJECT)
class SelfScoutView(ReportView):
    """Our calls by down, distance bucket, field zone and formation; how predictable we
    are per situation (share of the most common call, entropy in bits); each play's
    real success against its simulated figure; the heat map's numbers."""

    def get(self, request, *args, **kwargs):
        return Response(selectors.self_scout(self.team, self.snaps(request)))


@extend_schema(
    tags=["game day"], parameters=[GAME, OPPONENT], responses=file_schema("image/svg+xml")
)
class SelfScoutHeatMapView(ReportView):
    renderer_classes = [JSONRenderer, SVG]

    def get(self, request, *args, **kwargs):
        report = selectors.self_scout(self.team, self.snaps(request))
        return file_response(gameday_charts.heat_map_svg(report["heat_map"]), "image/svg+xml")


@extend_schema(
    tags=["game day"], parameters=[GAME, OPPONENT], responses=file_schema("application/pdf")
)
class SelfScoutPDFView(ReportView):
    renderer_classes = [JSONRenderer, PDF]

    def get(self, request, *args, **kwargs):
        snaps = self.snaps(request)
        report = selectors.self_scout(self.team, snaps)
        rows = selectors.corrections(self.team, snaps)
        pdf = self_scout_pdf.self_scout_pdf(f"Self-scout — {self.team.name}", report, rows)
        return file_response(pdf, "application/pdf", "self-scout.pdf")


def _n0(request):
    raw = request.query_params.get("n0", "")
    try:
        n0 = float(raw) if raw else est.N0
    except ValueError:
        n0 = -1.0
    if not 0 < n0 <= 10_000:
        raise ValidationError({"n0": [f"'{raw}' — a number above 0 and at most 10000."]})
    return n0


def _id(request, name, required=False):
    raw = request.query_params.get(name, "")
    if not raw:
        if required:
            raise ValidationError({name: [f"Give ?{name}= (an id)."]})
        return None
    if not (raw.isascii() and raw.isdigit() and int(raw) <= MAX_ID):
        raise ValidationError({name: [f"'{raw}' is not an id."]})
    return int(raw)


def _situation(query, rules):
    """?situation=BUCKET, or ?down=&distance=&yardline= (yards to the goal)."""
    if query.get("situation"):
        bucket = query["situation"].strip().upper()
        if bucket not in Bucket.values:
            raise ValidationError(
                {"situation": [f"'{bucket}' — one of {', '.join(Bucket.values)}."]}
            )
        return bucket
    raw = {k: query.get(k) for k in ("down", "distance", "yardline")}
    try:
        down, distance, yardline = int(raw["down"]), float(raw["distance"]), float(raw["yardline"])
    except (TypeError, ValueError):
        raise ValidationError(
            {"situation": ["Give ?situation=BUCKET or ?down=&distance=&yardline= (numbers)."]}
        ) from None
    errors = situation_errors(down, distance, yardline, rules)
    if errors:
        raise ValidationError(errors)
    return situation_bucket(down, distance, yardline, rules.downs_to_convert)


def _opponent(request):
    opponent = request.query_params.get("opponent", "").strip()
    if not opponent:
        raise ValidationError({"opponent": ["Name the opponent (?opponent=)."]})
    return opponent


def _bucket(request):
    bucket = request.query_params.get("bucket") or None
    if bucket is not None and bucket not in Bucket.values:
        raise ValidationError({"bucket": [f"'{bucket}' — one of {', '.join(Bucket.values)}."]})
    return bucket


@extend_schema(tags=["game day"], parameters=[OPPONENT, BUCKET], responses=OpenApiTypes.OBJECT)
class ScoutingView(ReportView):
    """The defenses an opponent showed, by situation bucket, across our games with it,
    and the scenario mix those frequencies make."""

    def get(self, request, *args, **kwargs):
        opponent = _opponent(request)
        return Response(selectors.scouting(self.team, opponent, _bucket(request)))


@extend_schema(tags=["game day"], parameters=[OPPONENT, BUCKET], responses=OpenApiTypes.OBJECT)
class ScoutingMixView(ReportView):
    """`{"scenarios": [{"scenario", "weight"}], "buckets"}`: the opponent's defense
    frequencies as the body fields POST …/policies/train/ takes. 400 when none of the
    defenses seen is one of our scenarios."""

    def get(self, request, *args, **kwargs):
        opponent = _opponent(request)
        bucket = _bucket(request)
        report = selectors.scouting(self.team, opponent, bucket)
        if not report["mix"]:
            raise ValidationError(
                {"opponent": [f"No snaps against '{opponent}' show one of our scenarios."]}
            )
        return Response(
            {
                "opponent": opponent,
                "scenarios": [
                    {"scenario": m["scenario"], "weight": m["weight"]} for m in report["mix"]
                ],
                "buckets": [bucket] if bucket else list(Bucket.values),
            }
        )


@extend_schema(
    tags=["game day"],
    parameters=[GAME, OPPONENT, N0, OpenApiParameter("flagged", OpenApiTypes.BOOL)],
    responses=OpenApiTypes.OBJECT,
)
class CorrectionsView(ReportView):
    """Per play × defense (all situations, then per bucket): the simulated success rate
    (a Beta prior worth n0 snaps), the real snaps and the combined estimate; `flagged`
    when the exact binomial test puts the real results outside chance (p < 0.05)."""

    def get(self, request, *args, **kwargs):
        n0 = _n0(request)
        flagged = request.query_params.get("flagged", "").lower()
        if flagged not in ("", "true", "false", "1", "0"):
            raise ValidationError({"flagged": ["Use true or false."]})
        rows = selectors.corrections(self.team, self.snaps(request), n0=n0)
        if flagged in ("true", "1"):
            rows = [r for r in rows if r["flagged"]]
        elif flagged in ("false", "0"):
            rows = [r for r in rows if not r["flagged"]]
        return Response({"n0": n0, "alpha": est.ALPHA, "results": rows})


@extend_schema(
    tags=["game day"],
    parameters=[
        OpenApiParameter("policy", OpenApiTypes.INT, required=True, description="A policy."),
        OpenApiParameter("situation", OpenApiTypes.STR, enum=Bucket.values),
        OpenApiParameter("down", OpenApiTypes.INT),
        OpenApiParameter("distance", OpenApiTypes.FLOAT),
        OpenApiParameter("yardline", OpenApiTypes.FLOAT, description="Yards to the goal."),
        OpenApiParameter("scenario", OpenApiTypes.INT, description="A known defense of the mix."),
        OPPONENT,
        N0,
    ],
    responses=s.GameRecommendationSerializer,
)
class RecommendWithGamesView(ReportView):
    """The policy's recommendation for a situation with our real snaps in: per play the
    simulated success rate, the real snaps in that situation bucket (against that
    defense when `scenario` is given, against that opponent when `opponent` is) and the
    combined estimate; ranked by the combined success rate."""

    def get(self, request, *args, **kwargs):
        policy = get_object_or_404(
            Policy.objects.filter(team=self.team), pk=_id(request, "policy", required=True)
        )
        rules = policy.ruleset or default_ruleset(self.team)
        bucket = _situation(request.query_params, rules)
        scenario_id = _id(request, "scenario")
        scenario = None
        if scenario_id is not None:
            scenario = get_object_or_404(Scenario.objects.filter(team=self.team), pk=scenario_id)
        opponent = request.query_params.get("opponent", "").strip() or None
        try:
            answer = recommend.recommend_with_games(
                self.team, policy, bucket, scenario, n0=_n0(request), opponent=opponent
            )
        except PolicyError as exc:
            raise ValidationError(exc.message_dict) from None
        return Response(s.GameRecommendationSerializer(answer).data)
