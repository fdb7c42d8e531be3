"""Fast and deterministic: cheap password hashing, no throttling surprises."""

from .base import *  # noqa: F403
from .base import REST_FRAMEWORK, env

DEBUG = False
SECRET_KEY = "test-only-key-0123456789abcdefghijklmnopqrstuvwxyz"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {
        "auth": env("AUTH_THROTTLE_RATE", default="1000/minute"),
        "invite": env("INVITE_THROTTLE_RATE", default="1000/minute"),
        "auth_account": env("AUTH_ACCOUNT_THROTTLE_RATE", default="1000/minute"),
    },
}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
