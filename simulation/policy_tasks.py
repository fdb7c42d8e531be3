"""Background tasks of policy training (django-tasks). Workers: `manage.py db_worker`."""

from django_tasks import task

from simulation import policies


@task()
def train_policy_task(policy_id):
    policies.policy_train(policy_id)


@task()
def recover_policies_task():
    return policies.policy_recover_stale(), policies.policy_requeue_lost()
