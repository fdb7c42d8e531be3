from django.http import JsonResponse

from config.api import error_body


class ApiNotFoundMiddleware:
    """Unknown URLs under /api/ answer in the API's JSON error shape even with DEBUG on,
    where Django would show its HTML debug page (handler404 covers DEBUG off)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 404
            and request.path.startswith("/api/")
            and response.get("Content-Type", "").startswith("text/html")
        ):
            return JsonResponse(error_body(404, "not_found", "Not found."), status=404)
        return response
