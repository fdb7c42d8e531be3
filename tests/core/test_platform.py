"""Settings, health, schema/docs, error shape, demo setup."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.models import User
from teams.models import Membership, Role, Team

ROOT = Path(__file__).resolve().parents[2]


def run_check(env_overrides, *args):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "ALLOWED_HOSTS")}
    env.pop("DATABASE_URL", None)
    env.update(env_overrides, DJANGO_SETTINGS_MODULE="config.settings.production")
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_refuses_to_start_without_secrets(missing):
    settings = {
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "fieldos.example.com",
        "DATABASE_URL": "sqlite:////tmp/fieldos-prod-check.sqlite3",
    }
    del settings[missing]
    result = run_check(settings)
    assert result.returncode != 0
    assert f"{missing} must be set in the environment" in result.stderr


def test_production_check_deploy_passes_with_secrets():
    result = run_check(
        {
            "SECRET_KEY": "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOP",
            "ALLOWED_HOSTS": "fieldos.example.com",
            "DATABASE_URL": "sqlite:////tmp/fieldos-prod-check.sqlite3",
        },
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_health(api):
    response = api.get("/api/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_schema_and_docs_are_served_without_cdn(api, user):
    schema = api.get("/api/schema/")
    assert schema.status_code == 200
    docs = api.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui" in html
    assert "cdn." not in html and "unpkg" not in html
    assert "/static/drf_spectacular_sidecar/" in html


def test_unknown_api_url_is_json_404(client):
    response = client.get("/api/nothing-here/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.django_db
def test_setup_demo_is_idempotent(capsys):
    call_command("setup_demo")
    call_command("setup_demo")
    assert User.objects.filter(email="coach@fieldos.dev").count() == 1
    team = Team.objects.get(slug="demo")
    assert Membership.objects.get(team=team).role == Role.OWNER
    out = capsys.readouterr().out
    assert "coach@fieldos.dev / fieldos-demo" in out


def test_openapi_schema_has_no_warnings():
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "spectacular",
            "--validate",
            "--fail-on-warn",
            "--file",
            os.devnull,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]


@pytest.fixture(scope="module")
def openapi():
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def _operations(openapi):
    for path, operations in openapi["paths"].items():
        for method, operation in operations.items():
            yield path, method.upper(), operation


def test_every_operation_documents_its_errors_in_the_error_shape(openapi):
    error = {"$ref": "#/components/schemas/Error"}
    assert set(openapi["components"]["schemas"]["Error"]["properties"]) == {
        "status",
        "code",
        "detail",
        "errors",
    }
    for path, method, operation in _operations(openapi):
        errors = {c: r for c, r in operation["responses"].items() if c.startswith("4")}
        assert errors or path == "/api/health/", f"{method} {path} documents no 4xx"
        for code, response in errors.items():
            schema = response["content"]["application/json"]["schema"]
            assert schema == error or (code == "400" and "/imports/" in path), (method, path)
        if "{team_id}" in path:
            assert {"401", "404"} <= set(errors), (method, path)
        if method in {"POST", "PUT", "PATCH"}:
            assert "400" in errors, (method, path)
        if "{id}" in path and method in {"PUT", "PATCH"}:
            assert {"409", "412"} <= set(errors), (method, path)


def test_path_ids_are_integers_everywhere(openapi):
    for path, method, operation in _operations(openapi):
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "path" and parameter["name"].endswith(("id", "_id")):
                assert parameter["schema"] == {"type": "integer"}, (method, path)


@pytest.mark.django_db
def test_unknown_api_url_is_json_even_with_debug(client, settings):
    settings.DEBUG = True
    response = client.get("/api/teams/abc/plays/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert client.get("/admin/nothing-here/").status_code in (302, 404)


def test_sqlite_is_set_up_for_a_web_server_and_a_worker_at_once():
    from django.conf import settings

    options = settings.DATABASES["default"].get("OPTIONS", {})
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        assert "journal_mode=WAL" in options["init_command"]
        assert options["transaction_mode"] == "IMMEDIATE"


@pytest.mark.django_db
def test_front_page_links_the_editor_the_api_docs_and_health(client, settings):
    settings.DEBUG = False
    page = client.get("/")
    assert page.status_code == 200
    html = page.content.decode()
    for href in (
        'href="/admin/"',
        'href="/api/docs/"',
        'href="/api/redoc/"',
        'href="/api/health/"',
    ):
        assert href in html
    assert "fieldos-demo" not in html  # never the demo password outside DEBUG


@pytest.mark.django_db
def test_front_page_shows_the_demo_login_on_a_debug_instance_with_the_demo(client, settings):
    from playbook.management.commands.setup_demo import DEMO_EMAIL, DEMO_PASSWORD

    settings.DEBUG = True
    assert DEMO_PASSWORD not in client.get("/").content.decode()  # no demo coach yet
    User.objects.create_user(email=DEMO_EMAIL, password=DEMO_PASSWORD)
    html = client.get("/").content.decode()
    assert DEMO_EMAIL in html and DEMO_PASSWORD in html
