"""Job control shared by simulation runs and policy trainings: cancel, recover what a
dead worker left "running", and queue again what a worker took off the queue and lost.

Both kinds of job use JobStatus; a run is split into slices (each one a task), a
training is one task. The task modules are imported inside the functions (the
HackSoft pattern): tasks call services, services queue tasks."""

from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Max, Sum
from django.utils import timezone

from simulation.models import (
    FINISHED,
    JobStatus,
    Policy,
    Priority,
    SimulationRun,
    SimulationSlice,
)

# A job "running" with no sign of life (or "queued") this long has lost its worker.
STALE_AFTER = timedelta(minutes=10)
MAX_ATTEMPTS = 3  # a slice whose worker died this often fails its run


def job_cancel(job):
    """Stop a queued or running run or training (what is done so far is kept); False
    when it had already finished."""
    updated = (
        type(job)
        .objects.filter(pk=job.pk)
        .exclude(status__in=FINISHED)
        .update(status=JobStatus.CANCELLED, finished_at=timezone.now())
    )
    job.refresh_from_db()
    return bool(updated)


def run_fail(run, piece, exc, pair=""):
    """A slice failed: so does its run, with the reason (and the pair that broke it)."""
    with transaction.atomic():
        SimulationSlice.objects.filter(pk=piece.pk).update(status=JobStatus.FAILED)
        SimulationRun.objects.filter(pk=run.pk).exclude(status__in=FINISHED).update(
            status=JobStatus.FAILED,
            error=f"{pair}: {type(exc).__name__}: {exc}"
            if pair
            else f"{type(exc).__name__}: {exc}",
            finished_at=timezone.now(),
        )


def simulation_recover_stale(now=None, run=None):
    """Slices whose worker died (running longer than STALE_AFTER) are re-queued, up to
    MAX_ATTEMPTS; after that their run fails. Slices queued longer than that are put on
    the queue again. Returns (requeued, failed) counts. Runs from cron
    (recover_simulations) and whenever someone looks at an unfinished run."""
    cutoff = (now or timezone.now()) - STALE_AFTER
    stale = SimulationSlice.objects.filter(status=JobStatus.RUNNING, started_at__lt=cutoff).exclude(
        run__status__in=FINISHED
    )
    if run is not None:
        stale = stale.filter(run=run)
    # Queued this long: a token may have been lost (a worker died after taking it off the
    # queue, before claiming a slice). Another token is safe: a token claims at most one
    # slice and ends when none is queued; with a real backlog this adds one spare token
    # per slice and STALE_AFTER at most.
    lost = SimulationSlice.objects.filter(status=JobStatus.QUEUED, queued_at__lt=cutoff).exclude(
        run__status__in=FINISHED
    )
    if run is not None:
        lost = lost.filter(run=run)
    requeued = failed = 0
    for piece in stale.select_related("run"):
        if piece.attempts >= MAX_ATTEMPTS:
            run_fail(piece.run, piece, RuntimeError("a worker died on this run three times"))
            failed += 1
            continue
        requeued += _requeue_slice(piece.pk, JobStatus.RUNNING)
    for pk in lost.values_list("pk", flat=True):
        requeued += _requeue_slice(pk, JobStatus.QUEUED)
    return requeued, failed


def _requeue_slice(slice_id, status):
    if not SimulationSlice.objects.filter(pk=slice_id, status=status).update(
        status=JobStatus.QUEUED, queued_at=timezone.now()
    ):
        return 0  # someone else moved it meanwhile
    priority = SimulationRun.objects.filter(slices=slice_id).values_list("priority", flat=True)
    slice_tokens_enqueue(1, priority.first() or Priority.BATCH)
    return 1


def policy_recover_stale(now=None):
    """Policies "running" with no progress save for STALE_AFTER lost their worker. One
    that had paused after a slice resumes from that checkpoint (the training is
    deterministic: the same policy), up to MAX_ATTEMPTS times: it is marked queued as of
    the cutoff, so policy_requeue_lost — which every caller runs next — queues its task
    and counts it. The others fail with an error saying so (train again to retry).
    Returns how many failed."""
    now = now or timezone.now()
    cutoff = now - STALE_AFTER
    stale = Policy.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=cutoff)
    stale.filter(checkpoint__isnull=False, attempts__lt=MAX_ATTEMPTS).update(
        status=JobStatus.QUEUED,
        queued_at=cutoff - timedelta(seconds=1),
        attempts=F("attempts") + 1,
    )
    return stale.update(
        status=JobStatus.FAILED,
        error=(
            f"The training worker stopped: no progress for {STALE_AFTER.seconds // 60} "
            "minutes. Train the policy again."
        ),
        finished_at=now,
    )


def policy_requeue_lost(now=None):
    """Policies still queued STALE_AFTER after their task was put on the queue lost it (a
    worker died after taking it, before starting): queue them again — safe, a policy is
    trained once (policy_train claims it). Returns how many."""
    from simulation.policy_tasks import train_policy_enqueue

    now = now or timezone.now()
    lost = Policy.objects.filter(status=JobStatus.QUEUED, queued_at__lt=now - STALE_AFTER)
    requeued = 0
    for policy in lost.only("pk", "priority"):
        if Policy.objects.filter(pk=policy.pk, status=JobStatus.QUEUED).update(
            queued_at=timezone.now()
        ):
            train_policy_enqueue(policy)
            requeued += 1
    return requeued


# --- Fair scheduling of slices -------------------------------------------------------
#
# A run does not queue its own slices: it queues one generic "run the next slice" token
# per slice (simulation.tasks.run_next_slice_task). Whichever worker runs a token picks
# the slice that is fairest to run now, so a small run of one team starts at the next
# free worker even behind a huge run of another. django-tasks gives the order between
# tokens (their priority: interactive before batch); FieldOS picks the slice.

ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)


class TeamLimitExceeded(Exception):
    """A team asked for more work than its limits in settings allow (the API: 429)."""

    api_status = 429
    api_code = "team_limit"


def team_limits():
    """FIELDOS_TEAM_LIMITS: {"RUNNING_SLICES": n or None, "EPISODES_PER_DAY": n or None}."""
    limits = getattr(settings, "FIELDOS_TEAM_LIMITS", None) or {}
    return limits.get("RUNNING_SLICES"), limits.get("EPISODES_PER_DAY")


def team_episodes_check(team, episodes, now=None):
    """Refuse a run or training that would take the team over its episodes per day (the
    runs and trainings it started in the last 24 hours, this one included)."""
    _, per_day = team_limits()
    if not per_day:
        return
    since = (now or timezone.now()) - timedelta(days=1)
    runs = (
        SimulationRun.objects.filter(team=team, created_at__gte=since)
        .exclude(status=JobStatus.CANCELLED)
        .values_list("episodes", "play_ids", "scenario_ids")
    )
    used = sum(n * len(plays) * len(scenarios) for n, plays, scenarios in runs)
    used += (
        Policy.objects.filter(team=team, created_at__gte=since)
        .exclude(status=JobStatus.CANCELLED)
        .aggregate(n=Sum("episodes"))["n"]
        or 0
    )
    if used + episodes > per_day:
        raise TeamLimitExceeded(
            f"{team} may simulate {per_day:,} episodes a day; {used:,} were started in the "
            f"last 24 hours and this asks for {episodes:,} more. Ask for fewer episodes or "
            "try again later."
        )


def slice_tokens_enqueue(count, priority=Priority.BATCH):
    """Put `count` tokens on the queue (after the transaction that made the slices)."""
    from simulation.tasks import run_next_slice_task

    task = run_next_slice_task.using(priority=int(priority))
    for _ in range(count):
        task.enqueue()


def slice_claim(slice_id):
    """queued → running for one slice (its run starts with it); the slice, or None when
    it is not queued any more (another worker has it, or it or its run finished)."""
    now = timezone.now()
    with transaction.atomic():
        piece = SimulationSlice.objects.select_for_update().select_related("run").get(pk=slice_id)
        if piece.status != JobStatus.QUEUED or piece.run.status in FINISHED:
            return None
        return _claim(piece, now)


def _claim(piece, now):
    claimed = SimulationSlice.objects.filter(pk=piece.pk, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=now, attempts=piece.attempts + 1
    )
    if not claimed:
        return None  # another worker won it (SQLite has no row locks to skip)
    piece.status, piece.started_at, piece.attempts = JobStatus.RUNNING, now, piece.attempts + 1
    if piece.run.status == JobStatus.QUEUED:
        SimulationRun.objects.filter(pk=piece.run_id, status=JobStatus.QUEUED).update(
            status=JobStatus.RUNNING, started_at=now
        )
    return piece


# Work a team had in this window counts against it when the next slice is chosen: a team
# whose huge run kept the workers busy waits while another team's small run catches up.
FAIR_WINDOW = timedelta(seconds=60)


def team_order(now=None):
    """Teams with queued slices, fairest first: the highest priority they have waiting,
    then the fewest slices running, then the least work (engine chunks of the slices
    started in FAIR_WINDOW), then the least recently served."""
    return _fair_order("run__team_id", now=now)


def run_order(team_id, now=None):
    """A team's runs with queued slices, by the same rule one level down: its small run
    is not stuck behind its own big one (oldest first on a tie)."""
    return _fair_order("run_id", now=now, run__team_id=team_id)


def _fair_order(group, now=None, **scope):
    """Rows {group: id, top, running, work, served} of the groups (teams or runs) that
    have queued slices of active runs, fairest first."""
    now = now or timezone.now()
    slices = SimulationSlice.objects.filter(run__status__in=ACTIVE, **scope)
    waiting = (
        slices.filter(status=JobStatus.QUEUED).values(group).annotate(top=Max("run__priority"))
    )
    rows = {row[group]: row for row in waiting}
    if not rows:
        return []
    for row in rows.values():
        row.update(running=0, work=0, served=None)
    mine = {f"{group}__in": rows}
    running = slices.filter(status=JobStatus.RUNNING, **mine).values(group).annotate(n=Count("id"))
    for row in running:
        rows[row[group]]["running"] = row["n"]
    recent = (
        SimulationSlice.objects.filter(started_at__gte=now - FAIR_WINDOW, **scope, **mine)
        .values(group)
        .annotate(
            work=Sum(F("last_chunk") - F("first_chunk") + 1),
            served=Max("started_at"),
        )
    )
    for row in recent:
        rows[row[group]].update(work=row["work"], served=row["served"])
    never = now - timedelta(days=36500)
    return sorted(
        rows.values(),
        key=lambda r: (-r["top"], r["running"], r["work"], r["served"] or never, r[group]),
    )


def slice_claim_next():
    """Claim the fairest queued slice: the team first (team_order), then its run
    (run_order), then that run's first queued slice; None when nothing may run now.
    PostgreSQL: rows another worker is claiming are skipped (SKIP LOCKED); SQLite
    serialises writers, and a conditional update settles a race."""
    max_running, _ = team_limits()
    skip_locked = connection.features.has_select_for_update_skip_locked
    for row in team_order():
        if max_running and row["running"] >= max_running:
            continue
        for run_row in run_order(row["run__team_id"]):
            claimed = _claim_first(run_row["run_id"], skip_locked)
            if claimed is not None:
                return claimed
    return None


def _claim_first(run_id, skip_locked):
    candidates = SimulationSlice.objects.filter(
        status=JobStatus.QUEUED, run_id=run_id, run__status__in=ACTIVE
    ).order_by("id")
    for _ in range(5):  # lost races (SQLite): try the next candidate
        now = timezone.now()
        with transaction.atomic():
            if skip_locked:
                locked = candidates.select_for_update(skip_locked=True, of=("self",))
                piece = locked.select_related("run").first()
            else:
                piece = candidates.select_related("run").first()
            if piece is None:
                return None
            claimed = _claim(piece, now)
        if claimed is not None:
            return claimed
    return None


def slice_followup(piece):
    """With a RUNNING_SLICES limit a token that finds only slices of teams at their limit
    ends without work; so each finished slice of a team that still has slices waiting
    puts one token back (recovery re-queues the rest if a worker dies)."""
    max_running, _ = team_limits()
    if not max_running:
        return
    top = SimulationSlice.objects.filter(
        status=JobStatus.QUEUED, run__team_id=piece.run.team_id, run__status__in=ACTIVE
    ).aggregate(top=Max("run__priority"))["top"]
    if top is not None:
        transaction.on_commit(lambda: slice_tokens_enqueue(1, top))


# --- The task queue's own rows -------------------------------------------------------

# Task rows of jobs with a heartbeat: "running" is true while the job's heartbeat is fresh.
# Strategy registers its analyses (it sits above simulation).
HEARTBEAT_TASKS = {"simulation.policy_tasks.train_policy_task": Policy}


def register_heartbeat_task(task_path, model):
    HEARTBEAT_TASKS[task_path] = model


def task_results_tidy(now=None):
    """django-tasks-db's rows of tasks a killed worker was running stay "running": fail
    those that started more than STALE_AFTER ago, unless the job they run still shows a
    fresh heartbeat (a long training). Slices take seconds, recovery tasks less. Returns
    how many."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    cutoff = now - STALE_AFTER
    dead = 0
    for row in DBTaskResult.objects.filter(status="RUNNING", started_at__lt=cutoff):
        model = HEARTBEAT_TASKS.get(row.task_path)
        args = (row.args_kwargs or {}).get("args") or []
        if model is not None and args:
            alive = model.objects.filter(
                pk=args[0], status=JobStatus.RUNNING, heartbeat_at__gte=cutoff
            ).exists()
            if alive:
                continue
        updated = DBTaskResult.objects.filter(pk=row.pk, status="RUNNING").update(
            status="FAILED",
            finished_at=now,
            exception_class_path="builtins.RuntimeError",
            traceback=(
                f"RuntimeError: the worker running this task stopped (running since "
                f"{row.started_at:%Y-%m-%d %H:%M:%S} UTC with no sign of life); FieldOS "
                "recovered the job it ran."
            ),
        )
        dead += updated
    return dead
