"""Simulation runs and play-calling policies in the coach's admin.

display holds what both job pages share; runs and policies register their admins;
playbook_actions adds Simulate and Train to the playbook's admins (registered before
this module: playbook comes first in INSTALLED_APPS)."""

from simulation.admin import playbook_actions, policies, runs  # noqa: F401  (register)

playbook_actions.install()
