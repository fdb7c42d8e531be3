from django.core.management.base import BaseCommand

from simulation.jobs import STALE_AFTER
from strategy.services import analysis_recover_stale


class Command(BaseCommand):
    help = (
        f"Queue again analyses whose worker died (running with no progress for {STALE_AFTER}) "
        "or whose task was lost (queued that long); fail them after three deaths. "
        "Run it every few minutes from cron next to the workers."
    )

    def handle(self, *args, **options):
        requeued, failed = analysis_recover_stale()
        self.stdout.write(f"{requeued} analysis(es) queued again, {failed} failed.")
