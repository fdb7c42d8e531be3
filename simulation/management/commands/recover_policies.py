from django.core.management.base import BaseCommand

from simulation.jobs import (
    STALE_AFTER,
    policy_recover_stale,
    policy_requeue_lost,
    task_results_tidy,
)


class Command(BaseCommand):
    help = (
        f"Resume from their last slice (or fail) policy trainings whose worker died (running "
        f"with no progress for {STALE_AFTER}) and queue again those whose task was lost "
        "(queued that long); fail the task queue's "
        "own rows a dead worker left running. Run it every few minutes from cron next to the "
        "workers."
    )

    def handle(self, *args, **options):
        failed = policy_recover_stale()
        requeued = policy_requeue_lost()
        self.stdout.write(f"{failed} policy training(s) marked failed, {requeued} queued again.")
        tidied = task_results_tidy()
        if tidied:
            self.stdout.write(f"{tidied} task row(s) of dead workers marked failed.")
