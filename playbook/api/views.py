from django.db import transaction
from django.db.models import Prefetch, ProtectedError, RestrictedError
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from config.api import EncodedListMixin, conflict
from pictures import diagrams
from pictures import playbook_images as images
from pictures import serving as img
from playbook import history, services
from playbook.api import filters
from playbook.api import serializers as s
from playbook.models import (
    Formation,
    Lineup,
    Play,
    Playbook,
    PlaybookEntry,
    Player,
    Route,
    Ruleset,
    Scenario,
)
from playbook.selectors import attach_assignments, play_rows, play_values
from teams.scoping import MAX_ID, TeamScopedViewSet

FORCE = OpenApiParameter(
    "force",
    OpenApiTypes.BOOL,
    description="Also delete what uses this object (listed in the 409 answer without it).",
)


SCENARIO_PARAM = OpenApiParameter(
    "scenario", OpenApiTypes.INT, description="Draw this scenario's defenders too."
)
PLAY_PARAM = OpenApiParameter("play", OpenApiTypes.INT, description="Against this play.")
LABELS_PARAM = OpenApiParameter(
    "labels",
    OpenApiTypes.STR,
    enum=list(diagrams.LABELS),
    description="What the players are labelled with: roles (default), numbers (jersey "
    "numbers of the team's lineup), names (numbers and surnames).",
)


class PictureMixin(img.PictureEndpoints):
    """Image endpoints (see pictures/serving.py): errors stay JSON, images carry ETags."""

    def picture_object(self, queryset=None):
        queryset = self.get_queryset() if queryset is None else queryset
        if not _is_id(self.kwargs["pk"]):
            raise Http404("Not found.")
        return get_object_or_404(queryset, pk=int(self.kwargs["pk"]))

    def picture_param(self, name, model):
        """An optional ?scenario= / ?play= id: this team's object or 404."""
        value = self.request.query_params.get(name)
        if value in (None, ""):
            return None
        queryset = model.objects.filter(team=self.team)
        if model is Play:
            queryset = images.with_drawing_data(queryset)
        else:
            queryset = queryset.prefetch_related("defenders")
        found = queryset.filter(pk=int(value)).first() if _is_id(value) else None
        if found is None:
            raise NotFound(f"No {model._meta.verbose_name} {value} in this team.")
        return found


def _same(before, after):
    """The same object apart from what every save changes."""
    quiet = {"updated_at", "version"}
    strip = lambda data: {k: v for k, v in data.items() if k not in quiet}  # noqa: E731
    return isinstance(after, dict) and strip(before) == strip(after)


def _is_id(value):
    return str(value).isascii() and str(value).isdigit() and int(value) <= MAX_ID


def _describe(objects):
    return sorted({f"{obj._meta.verbose_name} '{obj}'" for obj in objects})


class PlaybookViewSet(EncodedListMixin, TeamScopedViewSet):
    """Deleting an object that others use is refused with a 409 naming them, unless
    `?force=true` says to delete those too; nothing disappears silently."""

    ordering_fields = ["name", "created_at", "updated_at"]
    ordering = ["name"]
    force_delete_allowed = True
    search_fields = ["name", "external_id"]

    def guarded(self, request, write):
        """Optimistic concurrency for every write to one object: an `If-Match` header
        without the stored version (412) or a `version` in the body that is not it (409)
        refuses the write, naming who saved since. `write(obj)` runs in the same
        transaction as the check, with the row locked."""
        with transaction.atomic():
            obj = self.get_object()
            current = history.locked_version(type(obj), obj.pk)
            if_match = request.headers.get("If-Match", "").strip()
            if if_match and if_match != "*":
                tags = [t.strip() for t in if_match.split(",")]
                if f'"{current}"' not in tags:  # strong comparison: W/"n" never matches
                    loaded = next((t.strip('"') for t in tags if t.strip('"').isdigit()), "?")
                    detail = history.stale_message(type(obj), obj.pk, current, loaded)
                    return conflict("version_mismatch", detail, status_code=412, version=current)
            body = request.data.get("version") if isinstance(request.data, dict) else None
            if body is not None:
                if isinstance(body, bool) or not (str(body).isascii() and str(body).isdigit()):
                    raise ValidationError({"version": ["Send the version number you loaded."]})
                if int(body) != current:
                    detail = history.stale_message(type(obj), obj.pk, current, body)
                    return conflict("edit_conflict", detail, version=current)
            before = self._state(obj)
            response = write(obj)
            if before is not None and _same(before, response.data):
                # Nothing changed: no new version, no history record (and nobody else's
                # edit is refused over it).
                transaction.set_rollback(True)
                response.data = before
        if isinstance(response.data, dict) and "version" in response.data:
            response["ETag"] = f'"{response.data["version"]}"'
        return response

    def _state(self, obj):
        """The object as the API shows it (None where there is no plain detail shape)."""
        if self.action not in ("update", "partial_update", "restore"):
            return None
        fresh = self.get_queryset().get(pk=obj.pk)
        if isinstance(self, PlayViewSet):
            attach_assignments([fresh])
        return self.get_serializer(fresh).data

    def update(self, request, *args, **kwargs):
        """Optimistic concurrency: see `guarded` (docs/api.md)."""
        return self.guarded(
            request, lambda obj: super(PlaybookViewSet, self).update(request, *args, **kwargs)
        )

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        response["ETag"] = f'"{response.data["version"]}"'
        return response

    @extend_schema(responses=s.VersionSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="history")
    def history(self, request, *args, **kwargs):
        """Every version of this object, newest first: who, when, from where (admin, api,
        import, command) and what changed (fields and child rows)."""
        obj = self.get_object()
        versions = history.versions(history.history_of(type(obj), obj.pk, self.team))
        page = self.paginator.paginate_queryset(versions, request, view=self)
        return self.get_paginated_response(s.VersionSerializer(page, many=True).data)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"], url_path=r"history/(?P<history_id>\d+)/restore")
    def restore(self, request, history_id, *args, **kwargs):
        """Write an earlier version back (validated like any edit; recorded as a new
        version). 400 when it can't be restored (e.g. its formation was deleted)."""
        obj = self.get_object()
        if int(history_id) > MAX_ID or not obj.history.filter(history_id=history_id).exists():
            raise Http404("No such version of this object.")

        def write(obj):
            restored = services.version_restore(obj, int(history_id))
            return Response(self.get_serializer(self.get_queryset().get(pk=restored.pk)).data)

        return self.guarded(request, write)

    @extend_schema(parameters=[FORCE])
    def destroy(self, request, *args, **kwargs):
        obj = self.get_object()
        force = self.force_delete_allowed and request.query_params.get("force", "").lower() in (
            "1",
            "true",
            "yes",
        )
        removed = []
        try:
            with transaction.atomic():
                users = _delete(obj, force, removed)
        except _InUseByJobs as refused:
            # ?force=true does not apply: a running job is not deleted with its input.
            return conflict(
                "in_use",
                services.in_use_by_jobs_message(refused.obj, refused.jobs),
                used_by=[
                    {"kind": job._meta.model_name, "id": job.pk, "name": str(job)}
                    for job in refused.jobs
                ],
            )
        if users:
            hint = (
                " or delete with ?force=true to delete them too"
                if self.force_delete_allowed
                else ""
            )
            return conflict(
                "in_use",
                f"{obj._meta.verbose_name.capitalize()} '{obj}' is used by "
                f"{', '.join(_describe(users))}. Change those first{hint}.",
                used_by=[{"kind": u._meta.model_name, "id": u.pk, "name": str(u)} for u in users],
            )
        if removed:
            return Response({"deleted": [*_describe([obj]), *removed]})
        return Response(status=status.HTTP_204_NO_CONTENT)


class _InUseByJobs(Exception):
    def __init__(self, obj, jobs):
        super().__init__(obj, jobs)
        self.obj, self.jobs = obj, jobs


def _delete(obj, force, removed):
    """Delete obj; when protected, return its users, or with force delete them first
    (recursively) and note them in `removed`. An object a queued or running job uses
    (or one of the users force would delete) raises _InUseByJobs."""
    jobs = services.delete_blocking_jobs(obj)
    if jobs:
        raise _InUseByJobs(obj, jobs)
    while True:
        try:
            with transaction.atomic():
                obj.delete()
            return None
        except (ProtectedError, RestrictedError) as exc:
            blockers = getattr(exc, "protected_objects", None) or exc.restricted_objects
            users = {getattr(o, "deletion_owner", lambda o=o: o)() for o in blockers}
            if not force:
                return users
            for user in users:
                removed.extend(_describe([user]))
                _delete(user, True, removed)


@extend_schema(tags=["rulesets"])
class RulesetViewSet(PlaybookViewSet):
    queryset = Ruleset.objects.all()
    serializer_class = s.RulesetSerializer
    filterset_class = filters.RulesetFilter
    force_delete_allowed = False  # a ruleset must never take scenarios and plays with it

    def perform_update(self, serializer):
        serializer.instance = services.ruleset_update(
            serializer.instance, serializer.validated_data
        )

    def destroy(self, request, *args, **kwargs):
        if self.get_object().is_default:
            raise ValidationError(
                {
                    "is_default": [
                        "The team's default ruleset cannot be deleted; make another default first."
                    ]
                }
            )
        return super().destroy(request, *args, **kwargs)

    @extend_schema(request=None, responses=s.RulesetSerializer)
    @action(detail=True, methods=["post"], url_path="make-default")
    def make_default(self, request, *args, **kwargs):
        ruleset = services.ruleset_make_default(self.get_object())
        return Response(self.get_serializer(ruleset).data)


@extend_schema(tags=["players"])
class PlayerViewSet(PlaybookViewSet):
    queryset = Player.objects.all()
    serializer_class = s.PlayerSerializer
    filterset_class = filters.PlayerFilter
    ordering_fields = ["name", "role", "jersey_number", "created_at", *Player.RATINGS]


@extend_schema(tags=["formations"])
class FormationViewSet(PlaybookViewSet):
    queryset = Formation.objects.prefetch_related("slots")
    serializer_class = s.FormationSerializer
    filterset_class = filters.FormationFilter

    @extend_schema(request=None, responses={201: s.FormationSerializer})
    @action(detail=True, methods=["post"])
    def mirror(self, request, *args, **kwargs):
        """The formation flipped left/right (an existing mirror image is reused)."""
        mirrored = services.formation_mirror(self.get_object())
        return Response(self.get_serializer(mirrored).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["routes"])
class RouteViewSet(PlaybookViewSet):
    queryset = Route.objects.prefetch_related("breakpoints")
    serializer_class = s.RouteSerializer
    filterset_class = filters.RouteFilter

    @extend_schema(request=None, responses={201: s.RouteSerializer})
    @action(detail=True, methods=["post"])
    def mirror(self, request, *args, **kwargs):
        """The route flipped left/right (an existing mirror image is reused)."""
        mirrored = services.route_mirror(self.get_object())
        return Response(self.get_serializer(mirrored).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["plays"])
@extend_schema_view(
    list=extend_schema(description="`q` is full-text search over name, tags, notes.")
)
class PlayViewSet(PictureMixin, PlaybookViewSet):
    queryset = Play.objects.defer("search_text").select_related("formation")
    serializer_class = s.PlaySerializer
    filterset_class = filters.PlayFilter
    search_fields = ["name", "external_id", "notes", "search_text"]
    picture_actions = {"diagram", "visualize"}

    def _drawable(self):
        return self.picture_object(images.with_drawing_data(self.get_queryset()))

    @extend_schema(
        parameters=[SCENARIO_PARAM, LABELS_PARAM, img.ext_parameter("svg", "png")],
        responses=img.schema_responses("svg", "png"),
    )
    def diagram(self, request, ext, *args, **kwargs):
        """The play diagram (`diagram.svg` or `diagram.png`): formation, routes with
        arrows, QB progression numbers, motion dashed; with `?scenario=` the defenders;
        `?labels=numbers` or `names` puts the players' jersey numbers (and names) on."""
        play = self._drawable()
        scenario = self.picture_param("scenario", Scenario)
        labels = request.query_params.get("labels", "roles")
        if labels not in diagrams.LABELS:
            raise ValidationError(
                {"labels": [f"'{labels[:40]}' — use one of {', '.join(diagrams.LABELS)}."]}
            )
        return img.serve(request, images.play_diagram(play, ext, scenario, labels))

    @extend_schema(parameters=[SCENARIO_PARAM], responses=img.schema_responses("gif"))
    @action(detail=True, methods=["get"])
    def visualize(self, request, *args, **kwargs):
        """An animated GIF of the players running their routes from the snap, before
        any simulation (100 ms a frame); with `?scenario=` the defenders too."""
        play = self._drawable()
        scenario = self.picture_param("scenario", Scenario)
        return img.serve(request, images.play_animation(play, scenario))

    @extend_schema(request=None, responses={201: s.PlaySerializer})
    @action(detail=True, methods=["post"])
    def mirror(self, request, *args, **kwargs):
        """A new play flipped left/right, named "<name> (mirror)"."""
        return self._created(services.play_mirror(self.get_object()))

    @extend_schema(request=s.FromTemplateSerializer, responses={201: s.PlaySerializer})
    @action(detail=False, methods=["post"], url_path="from-template")
    def from_template(self, request, *args, **kwargs):
        """A new play from a template (Flood, Mesh, Smash, Slants, Verticals, Dive): its
        formation and tree routes made for each receiver's side, checked like any play."""
        body = s.FromTemplateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        play = services.play_from_template(
            team=self.team, template=data["template"], name=data.get("name")
        )
        return self._created(play)

    @extend_schema(request=s.DuplicateSerializer, responses={201: s.PlaySerializer})
    @action(detail=True, methods=["post"])
    def duplicate(self, request, *args, **kwargs):
        """A copy with the same formation and routes, called `name` (400 when a play of the
        team already has it) or, without a body, "<name> (copy)"."""
        play = self.get_object()
        body = s.DuplicateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._created(services.play_duplicate(play, body.validated_data.get("name")))

    def paginate_queryset(self, queryset):
        if self.action == "list":  # plain values: the same JSON, far fewer objects
            return play_rows(super().paginate_queryset(play_values(queryset)))
        return attach_assignments(super().paginate_queryset(queryset))

    def _created(self, play):
        play = self.get_queryset().get(pk=play.pk)
        return Response(self.get_serializer(play).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["scenarios"])
class ScenarioViewSet(PictureMixin, PlaybookViewSet):
    queryset = Scenario.objects.prefetch_related("defenders")
    serializer_class = s.ScenarioSerializer
    filterset_class = filters.ScenarioFilter
    search_fields = ["name", "external_id", "notes"]
    picture_actions = {"preview", "preview_image"}

    @extend_schema(
        parameters=[PLAY_PARAM, img.ext_parameter("svg", "png")],
        responses=img.schema_responses("svg", "png"),
    )
    def preview_image(self, request, ext, *args, **kwargs):
        """The scenario preview (`preview.svg` / `preview.png`): defenders, zones as
        circles, man lines, rush paths, against `?play=` or a plain spread."""
        scenario = self.picture_object()
        play = self.picture_param("play", Play)
        return img.serve(request, images.scenario_preview(scenario, ext, play))

    @extend_schema(parameters=[PLAY_PARAM], responses=img.schema_responses("png"))
    @action(detail=True, methods=["get"])
    def preview(self, request, *args, **kwargs):
        """The scenario preview as PNG (`preview.png` without the extension)."""
        return self.preview_image(request, "png", *args, **kwargs)


@extend_schema(tags=["lineups"])
class LineupViewSet(PlaybookViewSet):
    queryset = Lineup.objects.prefetch_related("spots__player")
    serializer_class = s.LineupSerializer
    filterset_fields = ["is_default"]

    @extend_schema(request=None, responses={200: s.LineupSerializer})
    @action(detail=False, methods=["post"], url_path="build-default")
    def build_default(self, request, *args, **kwargs):
        """(Re)build the team's default lineup from its players' default roles."""
        lineup = services.lineup_build_default(self.team)
        return Response(self.get_serializer(self.get_queryset().get(pk=lineup.pk)).data)


LAYOUT_PARAM = OpenApiParameter(
    "layout", OpenApiTypes.STR, enum=images.CALL_SHEET_LAYOUTS, description="Default sheet."
)


@extend_schema(tags=["playbooks"])
class PlaybookBookViewSet(PictureMixin, PlaybookViewSet):
    picture_actions = {"call_sheet_pdf"}
    # The entries with their plays in one join: an id list of every entry's play grows
    # with the playbook (and SQLite refuses very long ones).
    queryset = Playbook.objects.prefetch_related(
        Prefetch("entries", queryset=PlaybookEntry.objects.select_related("play"))
    )
    serializer_class = s.PlaybookSerializer

    def paginate_queryset(self, queryset):
        if self.action == "list":
            # A list shows each entry's play by name only: not the play's every column
            # (its JSON decoded) for hundreds of entries.
            entries = PlaybookEntry.objects.select_related("play").only(
                "id", "playbook_id", "play_id", "order", "call_number", "situations", "play__name"
            )
            queryset = queryset.prefetch_related(None).prefetch_related(
                Prefetch("entries", queryset=entries)
            )
        return super().paginate_queryset(queryset)

    def _entries_response(self, playbook, code=status.HTTP_200_OK):
        playbook = self.get_queryset().get(pk=playbook.pk)
        return Response(self.get_serializer(playbook).data, status=code)

    @extend_schema(request=s.EntrySerializer, responses={201: s.PlaybookSerializer})
    @action(detail=True, methods=["post"], url_path="entries")
    def add_entry(self, request, *args, **kwargs):
        """Add a play at the end (or at `position`, 0-based) with its call number."""

        def write(playbook):
            entry = s.EntrySerializer(data=request.data, context=self.get_serializer_context())
            entry.is_valid(raise_exception=True)
            entries = services.playbook_entries(playbook)
            position = request.data.get("position", len(entries))
            if not isinstance(position, int) or isinstance(position, bool) or position < 0:
                raise ValidationError({"position": ["A whole number from 0."]})
            position = min(position, len(entries))  # past the end: append
            entries.insert(position, entry.validated_data)
            services.playbook_write(team=self.team, data={}, entries=entries, instance=playbook)
            return self._entries_response(playbook, status.HTTP_201_CREATED)

        return self.guarded(request, write)

    @extend_schema(request=None, responses={200: s.PlaybookSerializer})
    @action(detail=True, methods=["delete"], url_path=r"entries/(?P<entry_id>\d+)")
    def remove_entry(self, request, entry_id, *args, **kwargs):
        def write(playbook):
            deleted, _ = PlaybookEntry.objects.filter(playbook=playbook, pk=entry_id).delete()
            if not deleted:
                raise Http404("No such entry in this playbook.")
            playbook.save()  # a new version, with its history record
            return self._entries_response(playbook)

        return self.guarded(request, write)

    @extend_schema(request=s.ReorderSerializer, responses={200: s.PlaybookSerializer})
    @action(detail=True, methods=["post"])
    def reorder(self, request, *args, **kwargs):
        """`{"entries": [entry ids in the new order]}` — every entry exactly once."""

        def write(playbook):
            body = s.ReorderSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            order = body.validated_data["entries"]
            current = {e.pk: e for e in playbook.entries.all()}
            if sorted(order) != sorted(current):
                raise ValidationError(
                    {"entries": [f"List every entry of the playbook once: {sorted(current)}."]}
                )
            for position, pk in enumerate(order):
                PlaybookEntry.objects.filter(pk=pk).update(order=position)
            playbook.save()  # a new version, with its history record
            return self._entries_response(playbook)

        return self.guarded(request, write)

    @extend_schema(responses={200: s.CallSheetGroupSerializer(many=True)})
    @action(detail=True, methods=["get"], url_path="call-sheet", pagination_class=None)
    def call_sheet(self, request, *args, **kwargs):
        """Entries in call order grouped by situation; entries with none come last."""
        groups = services.playbook_call_sheet(self.get_object())
        return Response(s.CallSheetGroupSerializer(groups, many=True).data)

    @extend_schema(parameters=[LAYOUT_PARAM], responses=img.schema_responses("pdf"))
    def call_sheet_pdf(self, request, *args, **kwargs):
        """The print-ready call sheet (call number, diagram, name, notes) as a PDF;
        `?layout=wristband` for the wristband card."""
        layout = request.query_params.get("layout", "sheet")
        playbook = self.picture_object()
        try:
            image = images.call_sheet(playbook, layout)
        except ValueError as exc:
            raise ValidationError({"layout": [str(exc)]}) from exc
        return img.serve(request, image)
