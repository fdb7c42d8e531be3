from django.apps import AppConfig


class StrategyConfig(AppConfig):
    name = "strategy"
    verbose_name = "Strategy"

    def ready(self):
        # An analysis task that runs for long is alive while its heartbeat is fresh: the
        # recovery that tidies the task queue's rows must not fail it (simulation.jobs).
        from playbook.services import jobs_using
        from simulation import jobs
        from strategy import in_use
        from strategy.models import Analysis

        jobs.register_heartbeat_task("strategy.tasks.run_analysis_task", Analysis)
        # A queued or running analysis blocks deleting what it reads.
        jobs_using.connect(in_use.on_jobs_using, dispatch_uid="strategy_analyses_using")
