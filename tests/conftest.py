import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from teams.models import Role
from tests.factories import MembershipFactory, TeamFactory, UserFactory


@pytest.fixture(autouse=True)
def _clear_cache():
    # Throttle counters live in the cache; each test starts fresh.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def team(db):
    return TeamFactory()


@pytest.fixture
def other_team(db):
    return TeamFactory()


def _member(team, role):
    return MembershipFactory(team=team, role=role).user


@pytest.fixture
def owner(team):
    return _member(team, Role.OWNER)


@pytest.fixture
def coach(team):
    return _member(team, Role.COACH)


@pytest.fixture
def member(team):
    return _member(team, Role.MEMBER)


@pytest.fixture
def outsider(other_team):
    """A coach of another team."""
    return _member(other_team, Role.COACH)


@pytest.fixture
def user(db):
    return UserFactory()


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client
