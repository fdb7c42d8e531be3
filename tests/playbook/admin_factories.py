"""Kept importable for tests written against the old layout: see tests/support/admin.py."""

from tests.support.admin import *  # noqa: F403
