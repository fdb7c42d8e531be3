from django.apps import AppConfig


class SimulationConfig(AppConfig):
    name = "simulation"
    verbose_name = "Simulation"

    def ready(self):
        from playbook.services import jobs_using
        from simulation import in_use, snapshot

        jobs_using.connect(snapshot.on_jobs_using, dispatch_uid="simulation_runs_using")
        jobs_using.connect(in_use.on_jobs_using, dispatch_uid="simulation_policies_using")
