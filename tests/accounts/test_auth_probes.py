"""Register, login, refresh and profile under bad input."""

import pytest
from django.urls import reverse

from accounts.models import User
from tests.support.clients import client_for
from tests.support.probe import error, field_error

pytestmark = pytest.mark.django_db


# --- auth ---------------------------------------------------------------------------------


class TestAuth:
    def test_wrong_password_and_unknown_email_look_the_same(self, coach_client, user):
        login = reverse("auth-login")
        wrong = coach_client.post(login, {"email": user.email, "password": "wrong-password"})
        unknown = coach_client.post(
            login, {"email": "nobody@example.com", "password": "wrong-password"}
        )
        assert error(wrong, 401) == error(unknown, 401)

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"email": None, "password": "x"}, "email"),
            ({"email": {}, "password": "x"}, "email"),
            ({"email": "a@example.com", "password": ["x"]}, "password"),
            ({"email": "a@example.com"}, "password"),
        ],
    )
    def test_login_with_wrong_types(self, coach_client, body, field):
        field_error(coach_client.post(reverse("auth-login"), body, format="json"), field)

    @pytest.mark.parametrize(
        ("body", "status", "code"),
        [
            ({"refresh": "garbage"}, 401, "token_not_valid"),
            ({"refresh": 123}, 401, "token_not_valid"),
            ({"refresh": ""}, 400, "invalid"),
            ({"refresh": None}, 400, "invalid"),
            ({"refresh": ["x"]}, 400, "invalid"),
            ({}, 400, "invalid"),
        ],
    )
    @pytest.mark.parametrize("endpoint", ["auth-refresh", "auth-logout"])
    def test_bad_refresh_tokens(self, coach_client, endpoint, body, status, code):
        error(coach_client.post(reverse(endpoint), body, format="json"), status, code)

    def test_access_token_is_not_a_refresh_token(self, coach_client, user):
        tokens = coach_client.post(
            reverse("auth-login"), {"email": user.email, "password": "s3cret-pass-123"}
        ).json()
        body = error(coach_client.post(reverse("auth-refresh"), {"refresh": tokens["access"]}), 401)
        assert body["code"] == "token_not_valid"
        assert "wrong type" in body["detail"]

    @pytest.mark.parametrize(
        ("body", "field", "text"),
        [
            ({"email": "EXISTING", "password": "a-long-passphrase"}, "email", "already exists"),
            ({"email": "x" * 250 + "@example.com", "password": "a-long-pass"}, "email", "254"),
            ({"email": "nope", "password": "a-long-passphrase"}, "email", "valid email"),
            ({"email": "new@example.com", "password": "12345678901"}, "password", "numeric"),
            ({"email": "new@example.com", "password": "short"}, "password", "too short"),
            ({"email": "new@example.com", "password": None}, "password", "null"),
        ],
    )
    def test_bad_registrations(self, coach_client, user, body, field, text):
        if body["email"] == "EXISTING":
            body = {**body, "email": f"  {user.email.upper()} "}
        field_error(coach_client.post(reverse("auth-register"), body, format="json"), field, text)
        assert not User.objects.filter(email="new@example.com").exists()

    def test_register_cannot_make_staff(self, coach_client):
        body = {
            "email": "new@example.com",
            "password": "a-long-passphrase",
            "is_staff": True,
            "is_superuser": True,
        }
        assert coach_client.post(reverse("auth-register"), body).status_code == 201
        created = User.objects.get(email="new@example.com")
        assert not created.is_staff and not created.is_superuser

    def test_me_ignores_privilege_fields(self, coach_client, coach):
        body = {"is_staff": True, "is_superuser": True, "id": 999, "display_name": "Still me"}
        response = coach_client.patch(reverse("auth-me"), body)
        assert response.status_code == 200
        coach.refresh_from_db()
        assert not coach.is_staff and not coach.is_superuser
        assert response.json()["id"] == coach.pk

    @pytest.mark.parametrize(
        ("body", "text"),
        [({"email": ""}, "blank"), ({"email": None}, "null"), ({"email": "nope"}, "valid")],
    )
    def test_me_bad_email(self, coach_client, coach, body, text):
        field_error(coach_client.patch(reverse("auth-me"), body, format="json"), "email", text)
        coach.refresh_from_db()
        assert "@" in coach.email

    def test_me_email_of_someone_else_in_another_case(self, coach_client, user):
        response = coach_client.patch(reverse("auth-me"), {"email": user.email.upper()})
        field_error(response, "email", "already exists")

    def test_put_me_needs_the_email(self, coach_client):
        field_error(
            coach_client.put(reverse("auth-me"), {"display_name": "x"}), "email", "required"
        )

    @pytest.mark.parametrize(
        ("header", "code"),
        [
            ("Bearer garbage", "token_not_valid"),
            ("Bearer a.b.c", "token_not_valid"),
            ("Bearer a b", "bad_authorization_header"),
            ("Bearer " + "x" * 10_000, "token_not_valid"),
        ],
    )
    def test_bad_authorization_headers(self, header, code):
        client = client_for(None)
        error(client.get(reverse("auth-me"), HTTP_AUTHORIZATION=header), 401, code)
