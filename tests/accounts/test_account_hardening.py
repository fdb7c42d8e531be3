"""Throttles that a changing header or many addresses do not escape, the admin's login
throttled, a password change ending other sessions, and emails that cannot pass for
another."""

import pytest
from django.urls import reverse
from rest_framework.throttling import ScopedRateThrottle

from accounts.throttling import AccountRateThrottle
from tests.support.factories import UserFactory

PASSWORD = "s3cret-pass-123"
pytestmark = pytest.mark.django_db


def login(api, email, password=PASSWORD, **headers):
    return api.post("/api/auth/login/", {"email": email, "password": password}, **headers)


@pytest.fixture
def rates(monkeypatch):
    def set_rates(client="100/minute", account="100/minute"):
        monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"auth": client})
        monkeypatch.setattr(AccountRateThrottle, "THROTTLE_RATES", {"auth_account": account})

    return set_rates


def test_a_new_x_forwarded_for_per_request_does_not_escape_the_throttle(api, rates):
    rates(client="3/minute")
    UserFactory(email="coach@example.com")
    codes = [
        login(api, f"guess{i}@example.com", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}").status_code
        for i in range(8)
    ]
    assert codes == [401, 401, 401] + [429] * 5


def test_forwarded_addresses_count_when_the_proxies_are_configured(api, rates, settings):
    rates(client="2/minute")
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    # behind one proxy, the address it appends is the client's: two clients, two counters
    for client in ("10.0.0.1", "10.0.0.2"):
        codes = [
            login(api, "ghost@example.com", HTTP_X_FORWARDED_FOR=f"1.2.3.4, {client}").status_code
            for _ in range(3)
        ]
        assert codes == [401, 401, 429], client


def test_one_account_is_throttled_from_every_address(api, rates):
    rates(account="3/minute")
    UserFactory(email="coach@example.com")
    codes = [
        login(api, "Coach@Example.com", "wrong-password", REMOTE_ADDR=f"10.0.1.{i}").status_code
        for i in range(5)
    ]
    assert codes == [401, 401, 401, 429, 429]
    # the right password is refused too while throttled; another account is not
    assert login(api, "coach@example.com", REMOTE_ADDR="10.0.2.1").status_code == 429
    assert login(api, "other@example.com", REMOTE_ADDR="10.0.2.2").status_code == 401


def test_register_is_throttled_per_account(api, rates):
    rates(account="1/minute")
    body = {"email": "new@example.com", "password": "flag-football-2026"}
    assert api.post("/api/auth/register/", body, REMOTE_ADDR="10.0.3.1").status_code == 201
    assert api.post("/api/auth/register/", body, REMOTE_ADDR="10.0.3.2").status_code == 429


def test_the_admin_login_is_throttled(client, rates):
    rates(client="5/minute")
    UserFactory(email="staff@example.com", is_staff=True)
    url = reverse("admin:login")
    codes = [
        client.post(url, {"username": "staff@example.com", "password": f"wrong-{i}"}).status_code
        for i in range(7)
    ]
    assert codes == [200] * 5 + [429] * 2  # 200: the form again, with its error
    right = client.post(url, {"username": "staff@example.com", "password": PASSWORD})
    assert right.status_code == 429 and right["Retry-After"]
    assert "_auth_user_id" not in client.session


def test_the_admin_login_is_throttled_per_account(client, rates):
    rates(account="2/minute")
    UserFactory(email="staff@example.com", is_staff=True)
    url = reverse("admin:login")
    codes = [
        client.post(
            url, {"username": "STAFF@example.com", "password": "x"}, REMOTE_ADDR=f"10.1.0.{i}"
        ).status_code
        for i in range(3)
    ]
    assert codes == [200, 200, 429]


def test_the_admin_login_still_logs_in(client):
    UserFactory(email="staff@example.com", is_staff=True)
    response = client.post(
        reverse("admin:login"), {"username": "staff@example.com", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"]


def _bearer(api, access):
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return api.get("/api/auth/me/")


def test_a_password_change_in_the_api_ends_other_sessions(api):
    user = UserFactory(email="coach@example.com")
    other = login(api, user.email).json()
    mine = login(api, user.email).json()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {mine['access']}")
    response = api.post(
        "/api/auth/password/",
        {"current_password": PASSWORD, "new_password": "a-new-flag-pass-77"},
    )
    assert response.status_code == 200, response.json()
    fresh = response.json()
    api.credentials()
    for old in (other, mine):
        assert api.post("/api/auth/refresh/", {"refresh": old["refresh"]}).status_code == 401
        rejected = _bearer(api, old["access"])
        assert rejected.status_code == 401
        assert rejected.json()["code"] in ("password_changed", "token_not_valid")
    assert _bearer(api, fresh["access"]).status_code == 200
    api.credentials()
    assert api.post("/api/auth/refresh/", {"refresh": fresh["refresh"]}).status_code == 200
    assert login(api, user.email, "a-new-flag-pass-77").status_code == 200


def test_a_password_change_needs_the_current_password_and_a_good_new_one(api):
    user = UserFactory()
    api.force_authenticate(user)
    wrong = api.post(
        "/api/auth/password/", {"current_password": "nope", "new_password": "a-new-flag-pass-77"}
    )
    assert wrong.status_code == 400 and wrong.json()["errors"]["current_password"]
    weak = api.post("/api/auth/password/", {"current_password": PASSWORD, "new_password": "123"})
    assert weak.status_code == 400 and weak.json()["errors"]["new_password"]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_a_password_change_in_the_admin_ends_every_session(api, client):
    admin_user = UserFactory(email="boss@example.com", is_staff=True, is_superuser=True)
    user = UserFactory(email="coach@example.com")
    tokens = login(api, user.email).json()
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"password1": "a-new-flag-pass-77", "password2": "a-new-flag-pass-77"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert api.post("/api/auth/refresh/", {"refresh": tokens["refresh"]}).status_code == 401
    assert _bearer(api, tokens["access"]).status_code == 401


def test_a_login_does_not_end_other_sessions(api):
    user = UserFactory(email="coach@example.com")
    first = login(api, user.email).json()
    login(api, user.email)
    assert _bearer(api, first["access"]).status_code == 200
    api.credentials()
    assert api.post("/api/auth/refresh/", {"refresh": first["refresh"]}).status_code == 200


def test_changing_the_email_asks_for_the_password(api):
    user = UserFactory(email="coach@example.com")
    api.force_authenticate(user)
    missing = api.patch("/api/auth/me/", {"email": "new@example.com"})
    assert missing.status_code == 400 and missing.json()["errors"]["current_password"]
    wrong = api.patch("/api/auth/me/", {"email": "new@example.com", "current_password": "x"})
    assert wrong.status_code == 400
    user.refresh_from_db()
    assert user.email == "coach@example.com"
    right = api.patch("/api/auth/me/", {"email": "New@Example.com", "current_password": PASSWORD})
    assert right.status_code == 200 and right.json()["email"] == "new@example.com"
    # the name alone needs no password
    assert api.patch("/api/auth/me/", {"display_name": "Coach K"}).status_code == 200


@pytest.mark.parametrize(
    "email",
    ["coach@exa\u200bmple.com", "coach@example\u200d.com", "coach@ex\u00adample.com", "a\x07@b.c"],
)
def test_invisible_characters_in_an_email_are_refused(api, email):
    user = UserFactory(email="coach@example.com")
    api.force_authenticate(user)
    response = api.patch("/api/auth/me/", {"email": email, "current_password": PASSWORD})
    assert response.status_code == 400
    assert "U+" in response.json()["errors"]["email"][0]
    api.force_authenticate(None)
    body = {"email": email, "password": "flag-football-2026"}
    assert api.post("/api/auth/register/", body).status_code == 400


def test_emails_are_stored_nfkc_normalised(api):
    response = api.post(
        "/api/auth/register/", {"email": "\uff23oach@\uff25xample.com", "password": "flag-1-2-3-4"}
    )
    assert response.status_code == 201, response.json()
    assert response.json()["email"] == "coach@example.com"
    assert login(api, "coach@example.com", "flag-1-2-3-4").status_code == 200


def test_the_admin_refuses_invisible_characters_in_an_email(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "coach@exa\u200bmple.com",
            "password1": "flag-football-2026",
            "password2": "flag-football-2026",
        },
    )
    assert response.status_code == 200
    assert "U+200B" in response.content.decode()
