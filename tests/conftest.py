import pytest
from django.core.cache import cache
from hypothesis import settings

from tests.support.clients import client_for
from tests.support.fixtures import (  # noqa: F401 (fixtures)
    anonymous_client,
    api,
    api_client_for,
    coach,
    coach_client,
    member,
    member_client,
    other_team,
    other_team_client,
    other_team_coach,
    outsider,
    owner,
    owner_client,
    team,
    user,
)
from tests.support.probe import other_team_objects, team_objects  # noqa: F401 (fixtures)

# Property tests draw their examples from a fixed seed: a statistical property checked on
# a finite sample can fail on a rare draw, and a suite must not pass or fail by luck.
settings.register_profile("fieldos", derandomize=True)
settings.load_profile("fieldos")

__all__ = ["client_for"]  # kept importable from here for older tests


@pytest.fixture(autouse=True)
def _clear_cache():
    # Throttle counters live in the cache; each test starts fresh.
    cache.clear()
    yield
    cache.clear()
