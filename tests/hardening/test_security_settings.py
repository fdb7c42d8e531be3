"""Security settings: CORS for named origins only, security headers on API and admin
responses, production's HTTPS settings, throttled auth. (`check --deploy` under the
production settings runs in tests/core/test_platform.py.)"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from rest_framework.throttling import ScopedRateThrottle

from accounts.api.views import LoginView, RegisterView

ROOT = Path(__file__).resolve().parents[2]
FRONTEND = "https://app.fieldos.example"

PRODUCTION_PROBE = """
import json, django
django.setup()
from django.conf import settings as s
from django.test import Client
response = Client().get("/api/nothing-here/", secure=True, headers={"host": "fieldos.example.com"})
print(json.dumps({
    "cors": s.CORS_ALLOWED_ORIGINS,
    "cors_all": getattr(s, "CORS_ALLOW_ALL_ORIGINS", False),
    "cors_regexes": getattr(s, "CORS_ALLOWED_ORIGIN_REGEXES", []),
    "debug": s.DEBUG,
    "ssl_redirect": s.SECURE_SSL_REDIRECT,
    "session_secure": s.SESSION_COOKIE_SECURE,
    "csrf_secure": s.CSRF_COOKIE_SECURE,
    "session_httponly": s.SESSION_COOKIE_HTTPONLY,
    "auth_rate": s.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["auth"],
    "headers": dict(response.headers),
}))
"""


def production(**env_overrides):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("CORS_ALLOWED_ORIGINS", "AUTH_THROTTLE_RATE", "SECURE_HSTS_SECONDS")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOP",
        ALLOWED_HOSTS="fieldos.example.com",
        DATABASE_URL="sqlite:////tmp/fieldos-prod-headers.sqlite3",
        **env_overrides,
    )
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def prod():
    return production(CORS_ALLOWED_ORIGINS=f"{FRONTEND},http://localhost:5173")


def test_production_cors_origins_come_from_the_environment(prod):
    assert prod["cors"] == [FRONTEND, "http://localhost:5173"]
    assert prod["cors_all"] is False and prod["cors_regexes"] == []


def test_production_has_no_cors_origin_by_default():
    assert production()["cors"] == []


def test_production_is_https_only(prod):
    assert prod["debug"] is False and prod["ssl_redirect"] is True
    assert prod["session_secure"] and prod["csrf_secure"] and prod["session_httponly"]
    headers = prod["headers"]
    hsts = headers["Strict-Transport-Security"]
    assert "max-age=31536000" in hsts and "includeSubDomains" in hsts and "preload" in hsts
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_production_throttles_auth(prod):
    count, period = prod["auth_rate"].split("/")
    assert int(count) <= 60 and period in ("minute", "hour", "day")


def test_no_cors_wildcard_in_any_settings_module():
    for name in ("base", "dev", "test", "production"):
        text = (ROOT / "config" / "settings" / f"{name}.py").read_text()
        assert "CORS_ALLOW_ALL_ORIGINS" not in text and "CORS_ORIGIN_ALLOW_ALL" not in text
    assert settings.CORS_URLS_REGEX == r"^/api/.*$"
    assert settings.CORS_ALLOW_CREDENTIALS is False


# --- CORS at work -----------------------------------------------------------------------


@pytest.fixture
def frontend(settings):
    settings.CORS_ALLOWED_ORIGINS = [FRONTEND]


@pytest.mark.django_db
@pytest.mark.usefixtures("frontend")
class TestCors:
    def test_a_named_origin_may_read_the_api(self, client):
        response = client.get("/api/health/", headers={"origin": FRONTEND})
        assert response.status_code == 200
        assert response["Access-Control-Allow-Origin"] == FRONTEND
        assert "Access-Control-Allow-Credentials" not in response

    def test_a_preflight_from_a_named_origin(self, client):
        response = client.options(
            "/api/teams/",
            headers={
                "origin": FRONTEND,
                "access-control-request-method": "POST",
                "access-control-request-headers": "authorization, content-type",
            },
        )
        assert response.status_code == 200
        assert response["Access-Control-Allow-Origin"] == FRONTEND
        assert "POST" in response["Access-Control-Allow-Methods"]
        assert "authorization" in response["Access-Control-Allow-Headers"]

    @pytest.mark.parametrize(
        "origin",
        ["https://evil.example", "null", f"{FRONTEND}.evil.example", "http://app.fieldos.example"],
    )
    def test_any_other_origin_is_not_allowed(self, client, origin):
        response = client.get("/api/health/", headers={"origin": origin})
        assert "Access-Control-Allow-Origin" not in response
        preflight = client.options(
            "/api/teams/", headers={"origin": origin, "access-control-request-method": "POST"}
        )
        assert "Access-Control-Allow-Origin" not in preflight

    def test_only_api_paths_answer_cors(self, client):
        response = client.get("/admin/login/", headers={"origin": FRONTEND})
        assert "Access-Control-Allow-Origin" not in response


# --- security headers -------------------------------------------------------------------

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/api/health/", "/api/teams/", "/api/nothing-here/", "/api/schema/", "/admin/login/"],
)
def test_security_headers_on_api_and_admin(client, user, path):
    client.force_login(user)
    response = client.get(path)
    assert response.status_code in (200, 404)
    for name, value in HEADERS.items():
        assert response[name] == value, (path, name)


@pytest.mark.django_db
def test_security_headers_on_an_admin_page_of_a_coach(client, team, owner):
    owner.is_staff = True
    owner.save(update_fields=["is_staff"])
    client.force_login(owner)
    response = client.get("/admin/playbook/play/")
    assert response.status_code == 200
    for name, value in HEADERS.items():
        assert response[name] == value, name


# --- throttling -------------------------------------------------------------------------


def test_login_and_register_are_throttled_per_scope():
    for view in (LoginView, RegisterView):
        assert ScopedRateThrottle in view.throttle_classes
        assert view.throttle_scope == "auth"


@pytest.mark.django_db
def test_a_throttled_login_answers_429_in_the_error_shape(api, monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"auth": "2/minute"})
    body = {"email": "ghost@example.com", "password": "wrong-password-1"}
    codes = [api.post("/api/auth/login/", body, format="json").status_code for _ in range(2)]
    assert codes == [401, 401]
    response = api.post("/api/auth/login/", body, format="json")
    assert response.status_code == 429
    assert response.json()["status"] == 429 and response.json()["code"] == "throttled"
    assert int(response["Retry-After"]) > 0
