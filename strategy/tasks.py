"""Background tasks of strategy analyses (django-tasks). Workers: `manage.py db_worker`."""

from django_tasks import task

from strategy import services


@task()
def run_analysis_task(analysis_id):
    """One slice of an analysis; one with work left is queued again behind what was
    queued meanwhile (docs/scale.md)."""
    if services.analysis_run(analysis_id) is not None:
        services.enqueue(analysis_id)


@task()
def recover_analyses_task():
    return services.analysis_recover_stale()
