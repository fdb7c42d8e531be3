"""Background tasks (django-tasks). Workers: `manage.py db_worker`."""

from django_tasks import task

from simulation import services


@task()
def run_next_slice_task():
    """A token: run the fairest queued slice of any team (simulation.jobs)."""
    return services.slice_run_next()


@task()
def run_slice_task(slice_id):
    """Tasks queued before tokens named their slice; each still stands for one slice,
    so it runs as a token (the fairest slice, not necessarily its own)."""
    return services.slice_run_next()


@task()
def recover_stale_task():
    return services.simulation_recover_stale()
