from django.apps import AppConfig


class StrategyConfig(AppConfig):
    name = "strategy"
    verbose_name = "Strategy"

    def ready(self):
        # An analysis task that runs for long is alive while its heartbeat is fresh: the
        # recovery that tidies the task queue's rows must not fail it (simulation.jobs).
        from simulation import jobs
        from strategy.models import Analysis

        jobs.register_heartbeat_task("strategy.tasks.run_analysis_task", Analysis)
