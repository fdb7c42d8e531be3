"""API clients by who is calling."""

from rest_framework.test import APIClient


def client_for(user):
    """An API client authenticated as `user` (None: anonymous)."""
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client
