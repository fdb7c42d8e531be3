"""Serving rendered pictures (SVG, PNG, GIF, PDF) with content-hash ETags.

An `Image` names its content by a key computed WITHOUT rendering (a hash of what the
picture shows) and knows how to render itself. `serve()` answers 304 when the client
already holds that content, serves the bytes from the cache when another request
rendered them, and renders only the first time. Changing a play changes its key, so
the next view re-renders; nothing needs invalidating.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.admin.utils import unquote
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.urls import re_path, reverse
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.negotiation import BaseContentNegotiation

# Bump when the drawing code changes what a picture looks like.
RENDER_VERSION = "1"
CACHE_SECONDS = 24 * 3600

CONTENT_TYPES = {
    "svg": "image/svg+xml",
    "png": "image/png",
    "gif": "image/gif",
    "pdf": "application/pdf",
}


def content_key(*parts) -> str:
    """A stable hash of JSON-able parts (plus the render version)."""
    blob = json.dumps([RENDER_VERSION, *parts], sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Image:
    key: str
    ext: str  # svg | png | gif | pdf
    render: Callable[[], bytes | str]
    filename: str = ""

    @property
    def content_type(self):
        return CONTENT_TYPES[self.ext]

    def data(self) -> bytes:
        """The rendered bytes, from the cache when this content was rendered before."""
        cache_key = f"image:{self.ext}:{self.key}"
        data = cache.get(cache_key)
        if data is None:
            data = self.render()
            if isinstance(data, str):
                data = data.encode()
            cache.set(cache_key, data, CACHE_SECONDS)
        return data


def serve(request, image: Image) -> HttpResponse:
    etag = f'"{image.key}-{image.ext}"'  # the SVG and the PNG of one picture differ
    matches = {
        tag.strip().removeprefix("W/")
        for tag in request.headers.get("If-None-Match", "").split(",")
    }
    if etag in matches or "*" in matches:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(image.data(), content_type=image.content_type)
        if image.filename:
            response["Content-Disposition"] = content_disposition_header(False, image.filename)
    response["ETag"] = etag
    # Team data: browsers may keep it, shared caches may not; revalidate every time.
    patch_cache_control(response, private=True, no_cache=True)
    return response


def safe_filename(name: str, ext: str) -> str:
    """The picture's download name (any script; Content-Disposition encodes it)."""
    stem = "".join(c if c.isalnum() or c in "-_" else "-" for c in name).strip("-")
    return f"{(stem or 'picture')[:60]}.{ext}"


class PictureEndpoints:
    """Viewset mixin: the actions named in `picture_actions` answer errors in JSON
    whatever the Accept header says (an <img> asks for image/*); their images are
    plain HttpResponses from `serve()`."""

    picture_actions = frozenset()

    def get_content_negotiator(self):
        # Called while the request is being set up, before `self.action` exists.
        request = getattr(self, "request", None)  # None while the OpenAPI schema is built
        method = request.method.lower() if request is not None else ""
        action = getattr(self, "action_map", {}).get(method)
        if action in self.picture_actions:
            return FirstRenderer()
        return super().get_content_negotiator()


class FirstRenderer(BaseContentNegotiation):
    """Always the view's first renderer (JSON)."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def ext_parameter(*exts):
    """The `ext` path parameter of an image URL (…/diagram.svg), for the schema."""
    return OpenApiParameter(
        "ext", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(exts), description="Format."
    )


def schema_responses(*exts, description="The picture; 304 when If-None-Match holds its ETag."):
    """drf-spectacular responses for an image endpoint."""
    return {
        (200, CONTENT_TYPES[ext]): OpenApiResponse(OpenApiTypes.BINARY, description=description)
        for ext in exts
    } | {304: OpenApiResponse(description="Not modified (ETag matched).")}


class AdminPictures:
    """ModelAdmin mixin: `…/<id>/picture/<name>.<ext>` serves `self.picture(obj, name,
    ext, request)` for objects the user may view (the admin's own team scoping), so
    admin pages show pictures to anyone who can open them — superusers included."""

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            re_path(
                r"^(?P<object_id>.+)/picture/(?P<name>[\w-]+)\.(?P<ext>svg|png|gif|pdf)$",
                # cacheable: admin views are never_cache (no-store) otherwise, and the
                # ETag could never save a download.
                self.admin_site.admin_view(self.picture_view, cacheable=True),
                name="{}_{}_picture".format(*info),
            ),
            *super().get_urls(),
        ]

    def picture_url(self, obj, name, ext, **query):
        info = self.opts.app_label, self.opts.model_name
        url = reverse("admin:{}_{}_picture".format(*info), args=[obj.pk, name, ext])
        return f"{url}?{urlencode(query)}" if query else url

    def picture_view(self, request, object_id, name, ext):
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_view_permission(request, obj):
            raise Http404("Not found.")
        try:
            image = self.picture(obj, name, ext, request)
        except (ObjectDoesNotExist, ValueError) as exc:
            raise Http404(str(exc)) from exc
        if image is None:
            raise Http404("No such picture.")
        return serve(request, image)

    def picture(self, obj, name, ext, request):
        """The Image called `name` in format `ext` for `obj`, or None (a 404)."""
        return None
