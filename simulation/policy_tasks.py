"""Background tasks of policy training (django-tasks). Workers: `manage.py db_worker`."""

from django_tasks import task

from simulation import policies


@task()
def train_policy_task(policy_id):
    """One slice of a training; a training with work left is queued again behind what
    other teams queued meanwhile (docs/scale.md)."""
    policy = policies.policy_train(policy_id)
    if policy is not None:
        train_policy_enqueue(policy)


def train_policy_enqueue(policy):
    train_policy_task.using(priority=int(policy.priority)).enqueue(policy.pk)


@task()
def recover_policies_task():
    return policies.policy_recover_stale(), policies.policy_requeue_lost()
