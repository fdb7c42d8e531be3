from datetime import timedelta

import pytest
from rest_framework.throttling import ScopedRateThrottle
from rest_framework_simplejwt.tokens import AccessToken

from accounts.models import User
from tests.support.factories import UserFactory

PASSWORD = "s3cret-pass-123"


def login(api, email, password=PASSWORD):
    return api.post("/api/auth/login/", {"email": email, "password": password}, format="json")


@pytest.mark.django_db
class TestRegister:
    def test_register_returns_user_and_tokens(self, api):
        response = api.post(
            "/api/auth/register/",
            {
                "email": "New.Coach@Example.com",
                "password": "flag-football-2026",
                "display_name": "Nia",
            },
            format="json",
        )
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["email"] == "new.coach@example.com"
        assert body["access"] and body["refresh"]
        assert "password" not in body
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {body['access']}")
        assert api.get("/api/auth/me/").json()["display_name"] == "Nia"

    def test_duplicate_email_any_case_is_400(self, api):
        UserFactory(email="coach@example.com")
        response = api.post(
            "/api/auth/register/",
            {"email": "COACH@example.com", "password": "flag-football-2026"},
            format="json",
        )
        assert response.status_code == 400
        assert "already exists" in response.json()["errors"]["email"][0]
        assert User.objects.filter(email__iexact="coach@example.com").count() == 1

    @pytest.mark.parametrize(
        "password", ["short", "password123", "12345678901", "coach@example.com"]
    )
    def test_password_validators_apply(self, api, password):
        response = api.post(
            "/api/auth/register/",
            {"email": "coach@example.com", "password": password},
            format="json",
        )
        assert response.status_code == 400
        assert response.json()["errors"]["password"]

    def test_each_password_problem_is_its_own_message(self, api):
        """Two validators' messages read "too common.; This password …" in `detail`: the
        messages are a list in `errors` and whole sentences after each other in `detail`."""
        response = api.post(
            "/api/auth/register/",
            {"email": "coach@example.com", "password": "12345678"},
            format="json",
        )
        data = response.json()
        assert data["errors"]["password"] == [
            "This password is too common.",
            "This password is entirely numeric.",
        ]
        assert data["detail"] == (
            "password: This password is too common. This password is entirely numeric."
        )

    @pytest.mark.parametrize(
        "body", [{}, {"email": "not-an-email", "password": "flag-football-2026"}, {"email": 5}]
    )
    def test_bad_bodies_are_400(self, api, body):
        response = api.post("/api/auth/register/", body, format="json")
        assert response.status_code == 400
        assert response.json()["code"] == "invalid"


@pytest.mark.django_db
class TestLogin:
    def test_login_is_case_insensitive(self, api):
        UserFactory(email="coach@example.com")
        response = login(api, "Coach@Example.COM")
        assert response.status_code == 200
        assert set(response.json()) >= {"access", "refresh"}

    def test_wrong_email_and_wrong_password_look_the_same(self, api):
        UserFactory(email="coach@example.com")
        wrong_password = login(api, "coach@example.com", "nope-nope-nope")
        wrong_email = login(api, "ghost@example.com")
        assert wrong_password.status_code == wrong_email.status_code == 401
        assert wrong_password.json() == wrong_email.json()

    def test_the_login_error_code_is_a_documented_one(self, api):
        """A frontend switches on `code`: the one a wrong login answers must be listed in
        the schema's Error component and in docs/api.md."""
        from pathlib import Path

        from drf_spectacular.generators import SchemaGenerator

        code = login(api, "ghost@example.com").json()["code"]
        assert code == "no_active_account"
        error = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]
        assert f"`{code}`" in error["Error"]["properties"]["code"]["description"]
        docs = Path(__file__).resolve().parents[2] / "docs" / "api.md"
        assert f"`{code}` (login with a wrong email or password)" in docs.read_text()

    def test_inactive_user_cannot_log_in(self, api):
        UserFactory(email="gone@example.com", is_active=False)
        assert login(api, "gone@example.com").status_code == 401

    def test_login_is_throttled(self, api, monkeypatch):
        monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"auth": "3/minute"})
        codes = [login(api, "ghost@example.com").status_code for _ in range(4)]
        assert codes == [401, 401, 401, 429]

    def test_register_is_throttled(self, api, monkeypatch):
        monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"auth": "1/minute"})
        api.post("/api/auth/register/", {}, format="json")
        assert api.post("/api/auth/register/", {}, format="json").status_code == 429


@pytest.mark.django_db
class TestTokens:
    def test_me_get_and_patch(self, api):
        user = UserFactory(email="coach@example.com")
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {login(api, user.email).json()['access']}")
        assert api.get("/api/auth/me/").json()["email"] == "coach@example.com"
        response = api.patch("/api/auth/me/", {"display_name": "Coach K"}, format="json")
        assert response.status_code == 200
        user.refresh_from_db()
        assert user.display_name == "Coach K"

    def test_me_cannot_take_someone_elses_email(self, api):
        UserFactory(email="taken@example.com")
        user = UserFactory(email="coach@example.com")
        api.force_authenticate(user)
        response = api.patch("/api/auth/me/", {"email": "TAKEN@example.com"}, format="json")
        assert response.status_code == 400

    def test_refresh_rotates_and_old_refresh_is_rejected(self, api):
        user = UserFactory()
        first = login(api, user.email).json()["refresh"]
        rotated = api.post("/api/auth/refresh/", {"refresh": first}, format="json")
        assert rotated.status_code == 200
        assert rotated.json()["refresh"] != first
        reuse = api.post("/api/auth/refresh/", {"refresh": first}, format="json")
        assert reuse.status_code == 401
        again = api.post(
            "/api/auth/refresh/", {"refresh": rotated.json()["refresh"]}, format="json"
        )
        assert again.status_code == 200

    def test_logout_blacklists_refresh(self, api):
        user = UserFactory()
        refresh = login(api, user.email).json()["refresh"]
        assert api.post("/api/auth/logout/", {"refresh": refresh}, format="json").status_code == 200
        assert (
            api.post("/api/auth/refresh/", {"refresh": refresh}, format="json").status_code == 401
        )

    def test_expired_access_is_rejected(self, api):
        token = AccessToken.for_user(UserFactory())
        token.set_exp(lifetime=-timedelta(seconds=1))
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        response = api.get("/api/auth/me/")
        assert response.status_code == 401
        assert response.json()["code"] == "token_not_valid"

    def test_garbage_token_is_401(self, api):
        api.credentials(HTTP_AUTHORIZATION="Bearer not.a.token")
        assert api.get("/api/auth/me/").status_code == 401

    def test_access_lifetime_is_short(self):
        from django.conf import settings

        assert settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"] <= timedelta(minutes=15)


@pytest.mark.django_db
def test_flush_tokens_command(capsys):
    from django.core.management import call_command

    call_command("flush_tokens")
    assert "flushed" in capsys.readouterr().out


@pytest.mark.django_db
def test_user_manager():
    user = User.objects.create_user(" Mixed@Case.com ", "pw-long-enough-1")
    assert user.email == "mixed@case.com"
    assert str(user) == user.email
    admin = User.objects.create_superuser("boss@example.com", "pw-long-enough-1")
    assert admin.is_staff and admin.is_superuser
    with pytest.raises(ValueError):
        User.objects.create_user("", "x")
