"""OpenAPI generation: every operation documents the errors it can answer with, in the one
error shape (the `Error` component), and path ids are integers.

drf-spectacular documents only the success response of a view; a frontend then learns the
4xx answers by trial and error. Which errors an operation can give follows from how the
project is built (config/api.py's exception handler, teams/scoping.py, optimistic
concurrency in playbook/history.py), so they are added here once instead of on every view.
"""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

ERROR_CODES = (
    "invalid",
    "parse_error",
    "not_authenticated",
    "authentication_failed",
    "no_active_account",
    "token_not_valid",
    "permission_denied",
    "not_found",
    "method_not_allowed",
    "unsupported_media_type",
    "throttled",
    "conflict",
    "edit_conflict",
    "version_mismatch",
    "in_use",
    "finished",
    "no_results",
    "too_large",
    "server_error",
)

Error = inline_serializer(
    "Error",
    {
        "status": serializers.IntegerField(help_text="The HTTP status, repeated."),
        "code": serializers.CharField(
            help_text="Machine-readable; one of: "
            + ", ".join(f"`{c}`" for c in ERROR_CODES)
            + " (docs/api.md says when each is used)."
        ),
        "detail": serializers.CharField(help_text="One sentence for a person."),
        "errors": serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()),
            help_text="Field path (`slots[0].x`, `qb_plan.progression[1]`) → messages; "
            "`{}` when the error is not about fields.",
        ),
    },
)

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
DESCRIPTIONS = {
    400: "Invalid input (field errors in `errors`); nothing was written.",
    401: "No valid access token (`not_authenticated`, `token_not_valid`).",
    403: "Your role in this team cannot do this (members read; coaches and owners write).",
    404: "No such object in this team (another team's ids answer the same).",
    409: "Another coach saved a newer version (`edit_conflict`), or the object is in use.",
    412: "`If-Match` names a version that is no longer the current one (`version_mismatch`).",
    413: "The request body is larger than the import limit (`too_large`).",
    429: "Too many attempts; retry after the `Retry-After` seconds.",
}


class FieldOSAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in self._error_codes():
            responses.setdefault(str(code), self._error_response(code))
        return responses

    def _error_response(self, code):
        response = OpenApiResponse(Error, description=DESCRIPTIONS[code])
        return self._get_response_for_code(response, str(code))

    def _error_codes(self):
        method, path = self.method.upper(), self.path
        authenticated = bool(self.get_auth())
        codes = set()
        queries = [p for p in self._get_parameters() if p.get("in") == "query"]
        if method in WRITES - {"DELETE"} or queries:
            codes.add(400)
        if authenticated:
            codes.add(401)
        if "{team_id}" in path or "{id}" in path:
            codes.add(404)
            if method in WRITES:
                codes.add(403)
        if "{id}" in path and method in {"PUT", "PATCH", "DELETE"}:
            codes.update((409, 412))
        if path.endswith("/imports/") and method == "POST":
            codes.add(413)
        if path.startswith("/api/auth/") and method == "POST":
            codes.add(429)
        return sorted(codes)


def integer_path_ids(result, generator, request, public):
    """`team_id` and the other `*_id` path parameters are integers in every path (the
    routers' regex gives some of them as strings)."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                name = parameter.get("name", "")
                if parameter.get("in") == "path" and (name == "id" or name.endswith("_id")):
                    parameter["schema"] = {"type": "integer"}
    return result


def _refs(node):
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            yield ref.rsplit("/", 1)[1]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def drop_unreferenced_components(result, generator, request, public):
    """Only the schemas an operation uses. A read-only field typed by a serializer (the
    run's `metrics`) still makes drf-spectacular build its `…Request` twins, which no
    request uses; a typed client would then carry dead types."""
    schemas = result.get("components", {}).get("schemas", {})
    used, todo = set(), list(_refs(result.get("paths", {})))
    while todo:
        name = todo.pop()
        if name in used or name not in schemas:
            continue
        used.add(name)
        todo.extend(_refs(schemas[name]))
    for name in [n for n in schemas if n not in used]:
        del schemas[name]
    return result
