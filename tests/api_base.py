"""Kept importable for tests written against the old layout: see tests/support/api.py."""

from tests.support.api import TeamScopedAPITests

__all__ = ["TeamScopedAPITests"]
