"""Kept importable for tests written against the old layout: see tests/support/factories.py."""

from tests.support.factories import MembershipFactory, TeamFactory, UserFactory

__all__ = ["MembershipFactory", "TeamFactory", "UserFactory"]
