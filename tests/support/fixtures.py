"""Fixtures named by role, shared by every test (tests/conftest.py makes them visible).

`team` and `other_team` are two teams; `owner`, `coach`, `member` are users of `team`
in that role, `other_team_coach` (alias `outsider`) a coach of `other_team`, `user` a
user of no team. `*_client` are API clients authenticated as them; `api_client_for`
makes one for any user. `api` is an anonymous client (a few older files redefine it
locally for their own caller)."""

import pytest
from rest_framework.test import APIClient

from teams.models import Role
from tests.support.clients import client_for
from tests.support.factories import MembershipFactory, TeamFactory, UserFactory


def _member(team, role):
    return MembershipFactory(team=team, role=role).user


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def anonymous_client():
    return APIClient()


@pytest.fixture
def team(db):
    return TeamFactory()


@pytest.fixture
def other_team(db):
    return TeamFactory()


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
def other_team_coach(other_team):
    """A coach of another team."""
    return _member(other_team, Role.COACH)


@pytest.fixture
def outsider(other_team_coach):
    """A coach of another team (the older name of other_team_coach)."""
    return other_team_coach


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def api_client_for():
    return client_for


@pytest.fixture
def owner_client(owner):
    return client_for(owner)


@pytest.fixture
def coach_client(coach):
    return client_for(coach)


@pytest.fixture
def member_client(member):
    return client_for(member)


@pytest.fixture
def other_team_client(other_team_coach):
    return client_for(other_team_coach)
