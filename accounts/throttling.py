"""Login, register and password throttles: per client (DRF's ScopedRateThrottle, `auth`
scope; the client is REMOTE_ADDR unless NUM_PROXIES says how many proxies in front of
the server add X-Forwarded-For) and per account (the email in the body, whatever the
client), so neither a changing header nor many addresses buy more guesses."""

import hashlib
from types import SimpleNamespace

from rest_framework.throttling import ScopedRateThrottle, SimpleRateThrottle

from accounts.validation import normalize_email

AUTH_VIEW = SimpleNamespace(throttle_scope="auth")


def account_of(request):
    """The email a login/register body names ("username" in the admin's form). A body
    that does not parse raises its ParseError here (DRF would answer an empty body to
    the view after a failed parse)."""
    data = request.data if hasattr(request, "data") else request.POST
    value = data.get("email") or data.get("username") if hasattr(data, "get") else None
    return normalize_email(value) if isinstance(value, str) else ""


class AccountRateThrottle(SimpleRateThrottle):
    scope = "auth_account"

    def get_cache_key(self, request, view):
        email = account_of(request)
        if not email:
            return None
        ident = hashlib.sha256(email.encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": ident}


def auth_throttles():
    return [ScopedRateThrottle(), AccountRateThrottle()]


def admin_login_wait(request):
    """None when the admin login may go on, else the seconds to wait: the same two
    throttles as the API's login (they share the counters)."""
    waits = []
    for throttle, view in ((ScopedRateThrottle(), AUTH_VIEW), (AccountRateThrottle(), None)):
        if not throttle.allow_request(request, view):
            waits.append(throttle.wait() or 60)
    return max(waits) if waits else None
