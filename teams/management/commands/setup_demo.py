from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import User
from teams.models import Membership, Role, Team
from teams.services import team_create

DEMO_EMAIL = "coach@fieldos.dev"
DEMO_PASSWORD = "fieldos-demo"
DEMO_TEAM_SLUG = "demo"


class Command(BaseCommand):
    help = "Create the demo coach and the demo team if missing (safe to re-run)."

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
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo login: {DEMO_EMAIL} / {DEMO_PASSWORD}  (team '{team.name}', "
                f"slug '{team.slug}', id {team.pk}) — admin at /admin/, API docs at /api/docs/"
            )
        )
