from django.core.management.base import BaseCommand

from simulation.jobs import STALE_AFTER, simulation_recover_stale, task_results_tidy


class Command(BaseCommand):
    help = (
        f"Re-queue simulation slices whose worker died (running > {STALE_AFTER}); fail runs "
        "after three attempts; fail the task queue's own rows a dead worker left running. "
        "Run it every few minutes from cron next to the workers."
    )

    def handle(self, *args, **options):
        requeued, failed = simulation_recover_stale()
        self.stdout.write(f"{requeued} slice(s) re-queued, {failed} run(s) failed.")
        tidied = task_results_tidy()
        if tidied:
            self.stdout.write(f"{tidied} task row(s) of dead workers marked failed.")
