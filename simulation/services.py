"""Simulation runs: start, run slices (in workers or inline), merge, cancel, recover."""

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from football.situations import situation_bucket
from playbook.models import Play, Scenario, default_ruleset
from simulation import adapter, engine
from simulation.models import FINISHED, JobStatus, SimulationRun, SimulationSlice, SimulationTrace

logger = logging.getLogger(__name__)

INLINE_EPISODES = 20_000  # runs up to this many episodes in all finish inside the request
MIN_SLICES = 25  # ≥ 25 slices when the run is large enough: progress moves ≤ 4 % a step
MAX_SLICE_CHUNKS = 64  # 65,536 episodes: a few seconds of one worker
STALE_AFTER = timedelta(minutes=10)  # a job "running" (or "queued") this long lost its worker


def _slices(run, pairs):
    chunks = engine.chunk_count(run.episodes)
    size = max(1, min(MAX_SLICE_CHUNKS, chunks * len(pairs) // MIN_SLICES))
    return [
        SimulationSlice(
            run=run,
            play_id_ref=play_id,
            scenario_id_ref=scenario_id,
            first_chunk=first,
            last_chunk=min(first + size, chunks) - 1,
        )
        for play_id, scenario_id in pairs
        for first in range(0, chunks, size)
    ]


@transaction.atomic
def simulation_run_create(
    *, team, user, plays, scenarios, episodes, seed, situation, traces=0, ruleset=None, lineup=None
):
    rules = ruleset or default_ruleset(team)
    run = SimulationRun.objects.create(
        team=team,
        created_by=user,
        ruleset=ruleset,
        lineup=lineup,
        episodes=episodes,
        seed=seed,
        traces_requested=traces,
        bucket=situation_bucket(
            situation["down"],
            situation["distance"],
            situation["yardline"],
            rules.downs_to_convert if rules else 4,
        ),
        **situation,
        play_ids=sorted(p.pk for p in plays),
        scenario_ids=sorted(s.pk for s in scenarios),
    )
    run.plays.set(plays)
    run.scenarios.set(scenarios)
    pairs = [
        (p.pk, s.pk)
        for p in sorted(plays, key=lambda p: p.pk)
        for s in sorted(scenarios, key=lambda s: s.pk)
    ]
    SimulationSlice.objects.bulk_create(_slices(run, pairs))
    return run


def simulation_run_start(**kwargs):
    """Create the run; small runs are computed now, large ones become background tasks."""
    run = simulation_run_create(**kwargs)
    total = run.episodes * run.plays.count() * run.scenarios.count()
    if total <= INLINE_EPISODES:
        for slice_id in run.slices.values_list("id", flat=True):
            slice_run(slice_id)
        run.refresh_from_db()
    else:
        from simulation.tasks import run_slice_task

        ids = list(run.slices.values_list("id", flat=True))
        transaction.on_commit(lambda: [run_slice_task.enqueue(i) for i in ids])
    return run


class _Inputs:
    """Engine inputs of one run, built once per process call."""

    def __init__(self, run):
        self.run = run
        self.offense, self.defense = adapter.engine_players(run.team, run.lineup)
        self.situation = engine.Situation(run.down, run.distance, run.yardline)
        self._prepared = {}

    def prepared(self, play_id, scenario_id):
        key = (play_id, scenario_id)
        if key not in self._prepared:
            play = (
                Play.objects.select_related("formation")
                .prefetch_related("formation__slots", "assignments__route__breakpoints")
                .get(pk=play_id)
            )
            scenario = (
                Scenario.objects.select_related("ruleset")
                .prefetch_related("defenders__player")
                .get(pk=scenario_id)
            )
            rules = adapter.engine_rules(adapter.run_ruleset(self.run, scenario))
            self._prepared[key] = engine.prepare(
                adapter.engine_play(play),
                adapter.engine_scenario(scenario),
                rules,
                self.offense,
                self.defense,
                self.situation,
            )
        return self._prepared[key]


def slice_run(slice_id, inputs=None):
    """Compute one slice. Safe to call twice (a re-queued slice): finished slices and
    slices of finished runs are skipped."""
    with transaction.atomic():
        piece = SimulationSlice.objects.select_for_update().select_related("run").get(pk=slice_id)
        run = piece.run
        # Finished, or another worker has it (a task may be on the queue twice after a
        # recovery): leave it.
        if piece.status != JobStatus.QUEUED or run.status in FINISHED:
            return
        piece.status, piece.started_at, piece.attempts = (
            JobStatus.RUNNING,
            timezone.now(),
            piece.attempts + 1,
        )
        piece.save(update_fields=["status", "started_at", "attempts"])
        if run.status == JobStatus.QUEUED:
            SimulationRun.objects.filter(pk=run.pk, status=JobStatus.QUEUED).update(
                status=JobStatus.RUNNING, started_at=timezone.now()
            )
    try:
        inputs = inputs or _Inputs(run)
        prepared = inputs.prepared(piece.play_id_ref, piece.scenario_id_ref)
        aggregate = engine.MetricsAggregator()
        traces = []
        chunks = range(piece.first_chunk, piece.last_chunk + 1)
        key = (piece.play_id_ref, piece.scenario_id_ref)
        for outcomes in engine.iter_outcomes(
            prepared, run.episodes, run.seed, chunks=chunks, key=key, traces=run.traces_requested
        ):
            aggregate.add(outcomes)
            traces += outcomes.traces
    except Exception as exc:  # the run fails with the reason; nothing half-done is shown
        logger.exception("simulation slice %s failed", slice_id)
        _fail(run, piece, exc, _pair_label(piece))
        return
    with transaction.atomic():
        SimulationSlice.objects.filter(pk=piece.pk).update(
            status=JobStatus.SUCCEEDED, state=aggregate.to_state()
        )
        _store_traces(run, key, traces)
        _progress(run.pk)


def _store_traces(run, key, traces):
    """Traces are numbered pair by pair (plays, then scenarios, by id), then by episode."""
    if not traces:
        return
    pairs = sorted(set(run.slices.values_list("play_id_ref", "scenario_id_ref")))
    first = pairs.index(key) * run.traces_requested
    SimulationTrace.objects.bulk_create(
        [
            SimulationTrace(
                run=run,
                index=first + t["episode"],
                play_id_ref=key[0],
                scenario_id_ref=key[1],
                episode=t["episode"],
                data=t,
            )
            for t in traces
        ]
    )


def _progress(run_id):
    run = SimulationRun.objects.select_for_update().get(pk=run_id)
    if run.status in FINISHED:
        return
    counts = dict.fromkeys(JobStatus.values, 0)
    for status in run.slices.values_list("status", flat=True):
        counts[status] += 1
    total = sum(counts.values())
    done = counts[JobStatus.SUCCEEDED]
    if done < total:
        progress = done * 100 // total
        if progress != run.progress:
            SimulationRun.objects.filter(pk=run_id).update(progress=progress)
        return
    _finish(run)


def _finish(run):
    per_pair, overall = {}, engine.MetricsAggregator()
    for piece in run.slices.order_by("id"):
        part = engine.MetricsAggregator.from_state(piece.state)
        key = (piece.play_id_ref, piece.scenario_id_ref)
        per_pair.setdefault(key, engine.MetricsAggregator()).merge(part)
        overall.merge(part)
    run.metrics = {
        "overall": overall.metrics(),
        "pairs": [
            {"play": play_id, "scenario": scenario_id, **agg.metrics()}
            for (play_id, scenario_id), agg in sorted(per_pair.items())
        ],
    }
    run.status, run.progress, run.finished_at = JobStatus.SUCCEEDED, 100, timezone.now()
    run.save(update_fields=["metrics", "status", "progress", "finished_at"])


def _pair_label(piece):
    """'Trips Flood vs Cover 0 blitz', so a failed run says which pair broke it."""
    play = Play.objects.filter(pk=piece.play_id_ref).values_list("name", flat=True).first()
    defense = (
        Scenario.objects.filter(pk=piece.scenario_id_ref).values_list("name", flat=True).first()
    )
    return (
        f"{play or f'play {piece.play_id_ref}'} vs {defense or f'defense {piece.scenario_id_ref}'}"
    )


def _fail(run, piece, exc, pair=""):
    with transaction.atomic():
        SimulationSlice.objects.filter(pk=piece.pk).update(status=JobStatus.FAILED)
        SimulationRun.objects.filter(pk=run.pk).exclude(status__in=FINISHED).update(
            status=JobStatus.FAILED,
            error=f"{pair}: {type(exc).__name__}: {exc}"
            if pair
            else f"{type(exc).__name__}: {exc}",
            finished_at=timezone.now(),
        )


def simulation_run_cancel(run):
    updated = (
        SimulationRun.objects.filter(pk=run.pk)
        .exclude(status__in=FINISHED)
        .update(status=JobStatus.CANCELLED, finished_at=timezone.now())
    )
    run.refresh_from_db()
    return bool(updated)


def simulation_recover_stale(now=None, run=None):
    """Slices whose worker died (running longer than STALE_AFTER) are re-queued, up to
    3 attempts; after that their run fails. Slices queued longer than that are put on the
    queue again. Returns (requeued, failed) counts. Runs from cron (recover_simulations)
    and whenever someone looks at an unfinished run."""
    cutoff = (now or timezone.now()) - STALE_AFTER
    stale = SimulationSlice.objects.filter(status=JobStatus.RUNNING, started_at__lt=cutoff).exclude(
        run__status__in=FINISHED
    )
    if run is not None:
        stale = stale.filter(run=run)
    # Queued this long: its task was lost (a worker died after taking it off the queue,
    # before starting it). Putting it on the queue again is safe: slice_run() runs a
    # slice once; with a real backlog this adds one duplicate per STALE_AFTER at most.
    lost = SimulationSlice.objects.filter(status=JobStatus.QUEUED, queued_at__lt=cutoff).exclude(
        run__status__in=FINISHED
    )
    if run is not None:
        lost = lost.filter(run=run)
    requeued = failed = 0
    for piece in stale.select_related("run"):
        if piece.attempts >= 3:
            _fail(piece.run, piece, RuntimeError("a worker died on this run three times"))
            failed += 1
            continue
        requeued += _requeue(piece.pk, JobStatus.RUNNING)
    for pk in lost.values_list("pk", flat=True):
        requeued += _requeue(pk, JobStatus.QUEUED)
    return requeued, failed


def _requeue(slice_id, status):
    from simulation.tasks import run_slice_task

    if not SimulationSlice.objects.filter(pk=slice_id, status=status).update(
        status=JobStatus.QUEUED, queued_at=timezone.now()
    ):
        return 0  # someone else moved it meanwhile
    run_slice_task.enqueue(slice_id)
    return 1
