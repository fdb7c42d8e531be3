"""Background tasks of strategy analyses (django-tasks). Workers: `manage.py db_worker`."""

from django_tasks import task

from strategy import services


@task()
def run_analysis_task(analysis_id):
    services.analysis_run(analysis_id)


@task()
def recover_analyses_task():
    return services.analysis_recover_stale()
