from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Delete expired JWT refresh tokens and their blacklist entries. "
        "Run daily from cron: `0 4 * * * cd /srv/fieldos && .venv/bin/python manage.py "
        "flush_tokens` (wraps simplejwt's flushexpiredtokens)."
    )

    def handle(self, *args, **options):
        call_command("flushexpiredtokens")
        self.stdout.write(self.style.SUCCESS("Expired tokens flushed."))
