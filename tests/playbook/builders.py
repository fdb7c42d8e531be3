"""Kept importable for tests written against the old layout: see tests/support/builders.py."""

from tests.support.builders import *  # noqa: F403
