"""Two owners acting at once must not leave a team without an owner (PostgreSQL: real
concurrent transactions, one thread each; SQLite serializes write transactions anyway,
and its test database cannot be shared by threads)."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.http import Http404

from teams import services
from teams.models import Membership, Role
from tests.support.factories import MembershipFactory, TeamFactory

ROUNDS = 8

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs concurrent transactions (the PostgreSQL leg runs it)",
    ),
]


@pytest.fixture
def slow_check(monkeypatch):
    """Widen the window between the last-owner check and the write, so that without
    a lock both checks pass before either write commits."""
    check = services.is_last_owner

    def slow(membership):
        answer = check(membership)
        time.sleep(0.2)
        return answer

    monkeypatch.setattr(services, "is_last_owner", slow)


def at_once(*actions):
    barrier = threading.Barrier(len(actions))
    outcomes = [None] * len(actions)

    def run(i, action):
        try:
            barrier.wait()
            action()
            outcomes[i] = "done"
        except (ValidationError, Http404) as exc:
            outcomes[i] = f"refused: {exc}"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def two_owners():
    team = TeamFactory()
    return (
        team,
        MembershipFactory(team=team, role=Role.OWNER),
        MembershipFactory(team=team, role=Role.OWNER),
    )


def demote(m):
    return lambda: services.membership_set_role(membership=m, role=Role.COACH)


def remove(m):
    return lambda: services.membership_remove(membership=m)


# what each of the two owners (a, b) does at the same moment
ACTIONS = {
    "demote each other": lambda a, b: (demote(b), demote(a)),
    "remove each other": lambda a, b: (remove(b), remove(a)),
    "both leave": lambda a, b: (remove(a), remove(b)),
    "one demotes, one leaves": lambda a, b: (demote(a), remove(b)),
}


@pytest.mark.parametrize("what", list(ACTIONS))
def test_two_owners_at_once_leave_one_owner(slow_check, what):
    for _ in range(ROUNDS):
        team, a, b = two_owners()
        outcomes = at_once(*ACTIONS[what](a, b))
        owners = Membership.objects.filter(team=team, role=Role.OWNER).count()
        assert owners == 1, (what, outcomes)
        assert sorted(o == "done" for o in outcomes) == [False, True], outcomes
