"""API conventions shared by every app: one error shape and pagination.

Kept free of view imports: DRF imports this module while building its views."""

import json
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404, JsonResponse
from rest_framework import exceptions, renderers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.utils.encoders import JSONEncoder
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


# --- lists rendered row by row ----------------------------------------------
# A page of 500 plays as nested dicts and lists is ~10,000 container objects, all alive
# until the response is rendered. The collector counts them: they trigger its young
# collections, the ones still alive move to the oldest generation, and every ~15 such
# requests a full collection walks the whole heap of the process (50-200 ms: the p95
# of benchmarks/api_bench.py). Encoding each row as soon as it is made leaves one string
# per row alive instead; the JSON is the same as DRF's.


class EncodedRows(list):
    """A list's rows, each already JSON text (a str); JSONRenderer writes them as they are."""


def encode_row(data):
    """One row as DRF's JSONRenderer writes it (its settings: compact, UTF-8, NaN)."""
    return json.dumps(
        data,
        cls=JSONEncoder,
        ensure_ascii=not api_settings.UNICODE_JSON,
        allow_nan=not api_settings.STRICT_JSON,
        separators=(",", ":") if api_settings.COMPACT_JSON else None,
    )


class JSONRenderer(renderers.JSONRenderer):
    """DRF's JSON renderer; a page whose `results` are EncodedRows (or EncodedRows on
    their own) is joined from the encoded rows."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        rows = data.get("results") if isinstance(data, dict) else data
        if not isinstance(rows, EncodedRows):
            return super().render(data, accepted_media_type, renderer_context)
        joined = ("[" + ",".join(rows) + "]").encode()
        if rows is data:
            return joined
        rest = {key: value for key, value in data.items() if key != "results"}
        head = super().render(rest, accepted_media_type, renderer_context).rstrip()
        return head[:-1] + (b"," if rest else b"") + b'"results":' + joined + b"}"


class EncodedListMixin:
    """`list` that encodes each row as soon as it is serialized (see EncodedRows): the
    same JSON and queries as DRF's ListModelMixin, without the page's tree of objects."""

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        objects = queryset if page is None else page
        # What ListSerializer.to_representation does, row by row: the child keeps its
        # parent, so a field that looks something up once per page still can.
        child = self.get_serializer(objects, many=True).child
        rows = EncodedRows(encode_row(child.to_representation(obj)) for obj in objects)
        if page is None:
            return Response(rows)
        # The view outlives the request in reference cycles (request <-> view): without
        # this its paginator would keep the page's objects alive until a collection.
        self.paginator.page.object_list = ()
        return self.get_paginated_response(rows)


def _flatten(detail):
    """DRF error detail → plain JSON (lists of strings, nested dicts kept)."""
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_flatten(item) for item in detail]
    return str(detail)


def field_paths(errors, prefix=""):
    """Nested field errors → one level keyed by path: {"slots": [{}, {"x": [m]}]} becomes
    {"slots[1].x": [m]}, the same keys the playbook rules use."""
    if isinstance(errors, dict):
        flat = {}
        for key, value in errors.items():
            if isinstance(key, int) or str(key).isdigit():  # DRF keys list items by index
                path = f"{prefix}[{key}]"
            else:
                path = f"{prefix}.{key}" if prefix else str(key)
            if key == "non_field_errors" and prefix:
                path = prefix
            flat.update(field_paths(value, path))
        return flat
    if isinstance(errors, list) and any(isinstance(item, dict | list) for item in errors):
        flat = {}
        for i, item in enumerate(errors):
            if item:
                flat.update(field_paths(item, f"{prefix}[{i}]"))
        return flat
    return {prefix or "non_field_errors": errors if isinstance(errors, list) else [errors]}


def _sentences(parts):
    """Messages of one field in a row: full sentences after each other ("… too common.
    This password is entirely numeric."), fragments separated by "; "."""
    text = ""
    for part in parts:
        if text:
            text += " " if text.endswith((".", "!", "?")) else "; "
        text += part
    return text


def _summary(errors):
    """One readable sentence from field errors, e.g. 'name: This field is required.'"""
    if isinstance(errors, list):
        return _sentences(_summary(e) for e in errors[:3])
    if isinstance(errors, dict):
        parts = []
        for key, value in list(errors.items())[:3]:
            text = _summary(value)
            parts.append(text if key == "non_field_errors" else f"{key}: {text}")
        return "; ".join(parts)
    return str(errors)


def error_body(status_code, code, detail, errors=None):
    return {"status": status_code, "code": code, "detail": detail, "errors": errors or {}}


def conflict(code, detail, status_code=status.HTTP_409_CONFLICT, **extra):
    """A 409 (or `status_code`) in the API's error shape (a finished job, an object in
    use, an edit over someone else's …)."""
    return Response({**error_body(status_code, code, detail), **extra}, status=status_code)


def exception_handler(exc, context):
    """Every API error is `{"status", "code", "detail", "errors"}`; see docs/api.md.

    Django's own ValidationError (model.clean) becomes a 400 with field errors and a
    database constraint that slipped past validation becomes a 409, never a 500.
    """
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, IntegrityError):
        logger.warning("integrity error reached the API: %s", exc)
        return Response(
            error_body(409, "conflict", "The change conflicts with existing data."),
            status=status.HTTP_409_CONFLICT,
        )
    elif isinstance(exc, RequestDataTooBig):
        return Response(
            error_body(
                413,
                "too_large",
                f"The request body is over {settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 2**20} MB.",
            ),
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    elif getattr(exc, "api_status", None):  # a domain refusal that names its status
        return Response(error_body(exc.api_status, exc.api_code, str(exc)), status=exc.api_status)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = field_paths(_flatten(exc.detail))
        response.data = error_body(response.status_code, "invalid", _summary(errors), errors)
    else:
        detail = getattr(exc, "detail", str(exc))
        code = getattr(exc, "default_code", "error")
        if isinstance(detail, dict):  # simplejwt: {"detail", "code", "messages"}
            code = str(detail.get("code", code))
            detail = detail.get("detail", detail)
        elif hasattr(detail, "code"):
            code = detail.code
        response.data = error_body(response.status_code, code, _summary(_flatten(detail)))
    return response


def json_404(request, exception=None):
    """Unknown URLs answer in the API's error shape (HTML for everything else)."""
    if request.path.startswith("/api/"):
        return JsonResponse(error_body(404, "not_found", "Not found."), status=404)
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)


def json_500(request):
    if request.path.startswith("/api/"):
        return JsonResponse(error_body(500, "server_error", "Server error."), status=500)
    from django.views.defaults import server_error

    return server_error(request)
