from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import User
from playbook import history
from playbook.models import Formation, Lineup, Play, Playbook, Player, Route, Ruleset, Scenario
from teams.models import Membership, Role, Team
from teams.services import team_create

DEMO_EMAIL = "coach@fieldos.dev"
DEMO_PASSWORD = "fieldos-demo"
DEMO_TEAM_SLUG = "demo"
# Rebuilt by `manage.py build_demo_fixture` (docs/import-export.md).
DEMO_FIXTURE = settings.BASE_DIR / "fixtures" / "demo.json"


class Command(BaseCommand):
    help = (
        "Create the demo coach and the demo team if missing, and load the demo playbook "
        "(fixtures/demo.json) into a demo team that has no plays yet (safe to re-run)."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        user = User.objects.filter(email__iexact=DEMO_EMAIL).first()
        if user is None:
            user = User.objects.create_user(
                DEMO_EMAIL, DEMO_PASSWORD, display_name="Demo Coach", is_staff=True
            )
        team = Team.objects.filter(slug=DEMO_TEAM_SLUG).first()
        if team is None:
            team = team_create(user=user, name="FieldOS Demo", slug=DEMO_TEAM_SLUG)
        Membership.objects.get_or_create(user=user, team=team, defaults={"role": Role.OWNER})
        # Only into a team without plays: reloading would undo a coach's edits to the demo.
        if not Play.objects.filter(team=team).exists():
            call_command("loaddata", str(DEMO_FIXTURE), verbosity=0)
            team.refresh_from_db()
            for model in (Ruleset, Player, Lineup, Formation, Route, Play, Scenario, Playbook):
                history.baseline(model.objects.filter(team=team))  # version 1 to return to
        counts = ", ".join(
            f"{model.objects.filter(team=team).count()} {label}"
            for model, label in [
                (Player, "players"),
                (Formation, "formations"),
                (Route, "routes"),
                (Play, "plays"),
                (Scenario, "scenarios"),
                (Playbook, "playbooks"),
            ]
        )
        self.stdout.write(f"Demo team: {counts}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo login: {DEMO_EMAIL} / {DEMO_PASSWORD}  (team '{team.name}', "
                f"slug '{team.slug}', id {team.pk}) — admin at /admin/, API docs at /api/docs/"
            )
        )
