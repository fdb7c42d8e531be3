"""The admin site as a coach works through it: players → formations → routes → plays →
defenses → playbooks → simulations → policies → analyses → game day, then the team and
account pages. Django
sorts apps and models alphabetically, which puts "Formations" before "Players"."""

from django.contrib import admin

# (app label, model object name) in the order a coach builds a playbook. Models not named
# here keep Django's order after these.
WORK_ORDER = (
    ("playbook", "Player"),
    ("playbook", "Lineup"),
    ("playbook", "Formation"),
    ("playbook", "Route"),
    ("playbook", "Play"),
    ("playbook", "Scenario"),
    ("playbook", "Playbook"),
    ("playbook", "Ruleset"),
    ("simulation", "SimulationRun"),
    ("simulation", "Policy"),
    ("strategy", "Analysis"),
    ("gameday", "Game"),
    ("gameday", "Snap"),
    ("teams", "Team"),
    ("teams", "Membership"),
    ("accounts", "User"),
)
_RANK = {key: i for i, key in enumerate(WORK_ORDER)}


def _rank(app_label, object_name):
    return _RANK.get((app_label, object_name), len(_RANK))


class FieldOSAdminSite(admin.AdminSite):
    site_header = "FieldOS"
    site_title = "FieldOS"
    index_title = "Playbook, simulations and teams"

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        for app in apps:
            app["models"].sort(key=lambda m: _rank(app["app_label"], m["object_name"]))
        apps.sort(
            key=lambda a: min(
                (_rank(a["app_label"], m["object_name"]) for m in a["models"]), default=99
            )
        )
        return apps
