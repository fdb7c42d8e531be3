"""Bulk import and export of a team's playbook in FieldOS JSON (docs/import-export.md).

Both views call playbook.interchange; the team comes from the URL through the shared
TeamScopedMixin (non-members 404, members read, coaches/owners write)."""

import codecs

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.utils import json
from rest_framework.views import APIView

from config.api import error_body
from config.middleware import own_transactions
from config.parsers import SafeJSONParser
from playbook.interchange import (
    KINDS,
    MAX_FILE_BYTES,
    ON_CONFLICT,
    FieldOSImportError,
    check_size,
    fieldos_export,
    fieldos_import,
    kind_from_name,
    sources_from_bytes,
    sources_from_data,
)
from playbook.interchange.sources import (
    DuplicateKey,
    UploadTooLarge,
    check_upload_size,
    load_json,
)
from teams.scoping import TeamScopedMixin

KindCounts = inline_serializer(
    "ImportKindCounts",
    {
        "created": serializers.IntegerField(),
        "updated": serializers.IntegerField(),
        "unchanged": serializers.IntegerField(),
        "warnings": serializers.ListField(child=serializers.CharField()),
    },
)
ImportSummary = inline_serializer(
    "ImportSummary",
    {
        "dry_run": serializers.BooleanField(),
        "written": serializers.BooleanField(),
        "kinds": serializers.DictField(child=KindCounts, help_text=f"Keys: {', '.join(KINDS)}."),
        "warnings": serializers.ListField(child=serializers.CharField()),
    },
)
ErrorBody = inline_serializer(
    "ImportError",
    {
        "status": serializers.IntegerField(),
        "code": serializers.CharField(),
        "detail": serializers.CharField(),
        "errors": serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()),
            help_text="'file[index] (id): field' → messages.",
        ),
    },
)
DRY_RUN = OpenApiParameter(
    "dry_run", OpenApiTypes.BOOL, description="Report what would change; write nothing."
)
ON_CONFLICT_PARAMETER = OpenApiParameter(
    "on_conflict",
    OpenApiTypes.STR,
    enum=list(ON_CONFLICT),
    default="rename",
    description=(
        "An object named like another of the team's objects with different content: "
        '`rename` imports it under a free name ("Delay Flat (2)") with a warning, `skip` '
        "keeps the team's object and uses it in its place, `fail` refuses the import. "
        "Identical content is always reused."
    ),
)


class DuplicateKeys(ParseError):
    def __init__(self, messages):
        super().__init__("; ".join(messages))
        self.messages = messages


class ImportJSONParser(SafeJSONParser):
    """The JSON body as the file reader reads it: a key given twice (two "players"
    lists) is refused, not silently replaced by the last."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.getreader(encoding)(stream).read()
            return load_json(text, parse_constant=json.strict_constant)
        except DuplicateKey as exc:
            raise DuplicateKeys(exc.messages) from None
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply.") from None
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None


def _refused(errors, detail):
    return Response(error_body(400, "invalid", detail, errors), status=status.HTTP_400_BAD_REQUEST)


@own_transactions  # the import commits in chunks (playbook/interchange/journal.py)
class ImportView(TeamScopedMixin, APIView):
    parser_classes = [ImportJSONParser, MultiPartParser]

    @extend_schema(
        tags=["import/export"],
        summary="Import FieldOS JSON (all or nothing)",
        description=(
            "Either a JSON body keyed by kind (`rules`, `players`, `lineups`, `formations`, "
            "`routes`, `plays`, `scenarios`, `playbooks`; the export's format), or a "
            "multipart upload of one or more `.json` files (kind from the field or file name, "
            f"else from the content). At most {MAX_FILE_BYTES // (1024 * 1024)} MB per file "
            "or body. Objects are created or updated by id; 201 when something was written, "
            "200 for a dry run or when nothing changed, 400 (nothing written) naming file, "
            "index, id and field of every error."
        ),
        parameters=[DRY_RUN, ON_CONFLICT_PARAMETER],
        request={
            "application/json": OpenApiTypes.OBJECT,
            "multipart/form-data": {
                "type": "object",
                "properties": {
                    "files": {"type": "array", "items": {"type": "string", "format": "binary"}}
                },
            },
        },
        responses={
            200: ImportSummary,
            201: ImportSummary,
            400: OpenApiResponse(ErrorBody, description="Refused; nothing was written."),
        },
        examples=[
            OpenApiExample(
                "Two routes",
                request_only=True,
                value={
                    "routes": [
                        {
                            "id": "route_slant_8",
                            "name": "8-Yard Slant",
                            "breakpoints": [
                                {"x_yards": 2.0, "y_yards": 0.0, "time_ms": 400},
                                {"x_yards": 8.0, "y_yards": 3.0, "time_ms": 1400},
                            ],
                        }
                    ]
                },
            )
        ],
    )
    def post(self, request, *args, **kwargs):
        flag = request.query_params.get("dry_run", "false").lower()
        if flag not in ("1", "true", "yes", "0", "false", "no"):
            raise ValidationError({"dry_run": [f"'{flag}' — use true or false."]})
        dry_run = flag in ("1", "true", "yes")
        on_conflict = request.query_params.get("on_conflict", "rename")
        if on_conflict not in ON_CONFLICT:
            raise ValidationError(
                {"on_conflict": [f"'{on_conflict}' — use {', '.join(ON_CONFLICT)}."]}
            )
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
            if request.content_type.startswith("application/json"):
                check_size("body", length)
            elif request.content_type.startswith("multipart/"):
                check_upload_size(length)
            summary = fieldos_import(
                team=self.team,
                sources=self._sources(request),
                dry_run=dry_run,
                on_conflict=on_conflict,
            )
        except UploadTooLarge as exc:
            body = error_body(413, "too_large", str(exc), {"files": [str(exc)]})
            return Response(body, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
        except FieldOSImportError as exc:
            lines = exc.lines()
            detail = f"Import refused, nothing was written: {len(lines)} error(s). {lines[0]}"
            return _refused(exc.message_dict, detail)
        code = status.HTTP_201_CREATED if summary.changed and not dry_run else status.HTTP_200_OK
        return Response(summary.as_dict(), status=code)

    def _sources(self, request):
        try:  # parsing the body: a JSON key given twice is an import error
            data, files = request.data, request.FILES
        except DuplicateKeys as exc:
            raise FieldOSImportError({"body": exc.messages}) from None
        if files:
            sources, errors = [], {}
            for field_name, uploads in files.lists():
                for upload in uploads:
                    kind = kind_from_name(field_name) or kind_from_name(upload.name)
                    try:
                        check_size(upload.name, upload.size)
                        sources.extend(sources_from_bytes(upload.name, upload.read(), kind))
                    except FieldOSImportError as exc:
                        errors.update(exc.message_dict)
            if errors:
                raise FieldOSImportError(errors)
            return sources
        if not data:
            raise FieldOSImportError(
                {
                    "body": [
                        f"empty; send a JSON document keyed by kind ({', '.join(KINDS)}) "
                        "or upload .json files"
                    ]
                }
            )
        return sources_from_data("", data)


class ExportView(TeamScopedMixin, APIView):
    @extend_schema(
        tags=["import/export"],
        summary="Export the team as FieldOS JSON",
        description=(
            "One document keyed by kind, the format the import reads: no database ids, only "
            "external ids (made from the name for objects that have none). "
            "`manage.py export_fieldos` writes the same content as one file per kind."
        ),
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request, *args, **kwargs):
        return Response(fieldos_export(self.team))
