from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response


@extend_schema(
    responses=inline_serializer(
        "Health", {"status": serializers.CharField(), "database": serializers.CharField()}
    ),
    auth=[],
)
@api_view(["GET"])
@permission_classes([AllowAny])
def health(request):
    """Liveness and database check for load balancers and `make run`."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return Response(
            {"status": "error", "database": str(exc)}, status=status.HTTP_503_SERVICE_UNAVAILABLE
        )
    return Response({"status": "ok", "database": "ok"})


def home(request):
    """The address `make run` prints: where to go next. The demo login is shown only on a
    DEBUG instance where the demo coach exists (never in production)."""
    from playbook.management.commands.setup_demo import DEMO_EMAIL, DEMO_PASSWORD

    context = {}
    if settings.DEBUG and get_user_model().objects.filter(email=DEMO_EMAIL).exists():
        context = {"demo_email": DEMO_EMAIL, "demo_password": DEMO_PASSWORD}
    return render(request, "site/home.html", context)


@never_cache
def admin_login(request, extra_context=None):
    """The admin's login, throttled like the API's (per client and per account, the same
    counters): a POST over the rate answers 429 without checking the password."""
    from django.contrib import admin

    from accounts.throttling import admin_login_wait

    if request.method == "POST":
        wait = admin_login_wait(request)
        if wait is not None:
            response = HttpResponse(
                f"Too many login attempts. Try again in {int(wait) + 1} seconds.",
                status=429,
                content_type="text/plain; charset=utf-8",
            )
            response["Retry-After"] = str(int(wait) + 1)
            return response
    return admin.site.login(request, extra_context)
