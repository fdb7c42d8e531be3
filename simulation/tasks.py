"""Background tasks (django-tasks). Workers: `manage.py db_worker`."""

from django_tasks import task

from simulation import services


@task()
def run_slice_task(slice_id):
    services.slice_run(slice_id)


@task()
def recover_stale_task():
    return services.simulation_recover_stale()
