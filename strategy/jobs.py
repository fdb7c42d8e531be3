"""Job control of an analysis: claim, progress with cancel check, finish, fail, cancel,
recovery. Built on simulation's JobStatus and STALE_AFTER so that every job in FieldOS
moves through the same states and is recovered on the same clock."""

import logging

from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from simulation.jobs import STALE_AFTER
from simulation.models import FINISHED, JobStatus

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3  # a job whose worker died this often fails instead of running again


class Cancelled(Exception):
    """The job left the running state while it worked (cancelled or recovered)."""


def claim(model, pk):
    """queued → running; False if someone else has it or it is finished. A job resumed
    after a pause keeps the time it first started."""
    now = timezone.now()
    job = model.objects.filter(pk=pk, status=JobStatus.QUEUED).first()
    if job is None:
        return False
    return bool(
        model.objects.filter(pk=pk, status=JobStatus.QUEUED).update(
            status=JobStatus.RUNNING,
            started_at=Coalesce(F("started_at"), Value(now)),
            heartbeat_at=now,
            attempts=job.attempts + 1,
        )
    )


def step(model, pk, progress):
    """Save progress (and the heartbeat); raises Cancelled when the job is no longer
    running, so the work stops between stages."""
    if not model.objects.filter(pk=pk, status=JobStatus.RUNNING).update(
        progress=progress, heartbeat_at=timezone.now()
    ):
        raise Cancelled


def pause(model, pk):
    """running → queued, to be resumed by the task queued next (a job in slices gives the
    worker back). Its worker did not die: the attempts start again. False if it left the
    running state meanwhile."""
    return bool(
        model.objects.filter(pk=pk, status=JobStatus.RUNNING).update(
            status=JobStatus.QUEUED, queued_at=timezone.now(), attempts=0
        )
    )


def finish(model, pk, **fields):
    now = timezone.now()
    return model.objects.filter(pk=pk, status=JobStatus.RUNNING).update(
        status=JobStatus.SUCCEEDED, progress=100, heartbeat_at=now, finished_at=now, **fields
    )


def fail(model, pk, exc):
    logger.exception("%s %s failed", model.__name__, pk)
    model.objects.filter(pk=pk).exclude(status__in=FINISHED).update(
        status=JobStatus.FAILED,
        error=f"{type(exc).__name__}: {exc}",
        finished_at=timezone.now(),
    )


def cancel(job):
    """Stop a queued or running job; False if it had finished already."""
    updated = (
        type(job)
        .objects.filter(pk=job.pk)
        .exclude(status__in=FINISHED)
        .update(status=JobStatus.CANCELLED, finished_at=timezone.now())
    )
    job.refresh_from_db()
    return bool(updated)


def recover(model, enqueue, now=None, queryset=None):
    """Jobs running with no heartbeat for STALE_AFTER lost their worker: queued again
    (the work is deterministic and starts over) until MAX_ATTEMPTS, then failed. Jobs
    queued that long lost their task: queued again (claim() runs a job once).
    Returns (requeued, failed)."""
    now = now or timezone.now()
    cutoff = now - STALE_AFTER
    jobs = model.objects.all() if queryset is None else queryset
    requeued = failed = 0
    for job in jobs.filter(status=JobStatus.RUNNING, heartbeat_at__lt=cutoff):
        if job.attempts >= MAX_ATTEMPTS:
            failed += model.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
                status=JobStatus.FAILED,
                error=f"A worker died on this job {job.attempts} times.",
                finished_at=now,
            )
            continue
        requeued += _requeue(model, enqueue, job.pk, JobStatus.RUNNING)
    for pk in jobs.filter(status=JobStatus.QUEUED, queued_at__lt=cutoff).values_list(
        "pk", flat=True
    ):
        requeued += _requeue(model, enqueue, pk, JobStatus.QUEUED)
    return requeued, failed


def _requeue(model, enqueue, pk, status):
    if not model.objects.filter(pk=pk, status=status).update(
        status=JobStatus.QUEUED, queued_at=timezone.now()
    ):
        return 0  # someone else moved it meanwhile
    enqueue(pk)
    return 1
