"""Simulation runs: start (every rule a run must meet), run slices (in workers or
inline), merge. Cancel and recovery are shared with trainings (simulation.jobs)."""

import logging
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from football import plays as kinds
from football.situations import situation_bucket, situation_errors
from playbook.constants import NFL_FLAG_5V5
from playbook.models import Play, Ruleset, Scenario, default_ruleset
from playbook.validation import Rules
from simulation import adapter, engine, jobs, snapshot
from simulation.models import (
    FINISHED,
    JobStatus,
    Priority,
    SimulationRun,
    SimulationSlice,
    SimulationTrace,
)

logger = logging.getLogger(__name__)

# A run within all three finishes inside the request (well under a second); more work
# goes to the workers. Preparing a pair and writing traces cost as much as episodes do.
INLINE_EPISODES = 20_000  # pairs × episodes
INLINE_PAIRS = 16
INLINE_TRACES = 100  # pairs × traces
MIN_SLICES = 25  # ≥ 25 slices when the run is large enough: progress moves ≤ 4 % a step
MAX_SLICE_CHUNKS = 16  # 16,384 episodes, about a second: the longest a small run waits for a worker
MAX_EPISODES = 1_000_000  # per pair
MAX_PAIRS = 400
MAX_TOTAL_EPISODES = 20_000_000
DEFAULT_SITUATION = {"down": 1, "distance": 10.0, "yardline": 35.0}

simulation_run_cancel = jobs.job_cancel
simulation_recover_stale = jobs.simulation_recover_stale
_fail = jobs.run_fail


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
    *,
    team,
    user,
    plays,
    scenarios,
    episodes,
    seed,
    situation,
    traces=0,
    ruleset=None,
    lineup=None,
    priority=Priority.BATCH,
):
    rules = ruleset or default_ruleset(team)
    run = SimulationRun.objects.create(
        team=team,
        created_by=user,
        priority=priority,
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
    run.inputs = snapshot.take(run)
    run.save(update_fields=["inputs"])
    pairs = [
        (p.pk, s.pk)
        for p in sorted(plays, key=lambda p: p.pk)
        for s in sorted(scenarios, key=lambda s: s.pk)
    ]
    SimulationSlice.objects.bulk_create(_slices(run, pairs))
    return run


def simulation_run_check(*, team, plays, scenarios, episodes, situation=None, ruleset=None):
    """Every rule a run must meet, as field-keyed ValidationErrors: at most MAX_PAIRS
    pairs and MAX_TOTAL_EPISODES episodes, a situation that fits the ruleset, and every
    play and defense valid under the ruleset its pairs run with. Returns the situation."""
    for name, chosen in (("plays", plays), ("scenarios", scenarios)):
        if not chosen:
            raise ValidationError({name: [f"A run needs at least one of the {name}."]})
    pairs = len(set(plays)) * len(set(scenarios))
    if pairs > MAX_PAIRS:
        raise ValidationError(
            {"plays": [f"{pairs} play × scenario pairs; at most {MAX_PAIRS} in one run."]}
        )
    if pairs * episodes > MAX_TOTAL_EPISODES:
        raise ValidationError(
            {
                "episodes": [
                    f"{pairs * episodes:,} episodes in all; at most "
                    f"{MAX_TOTAL_EPISODES:,} in one run — fewer episodes or pairs."
                ]
            }
        )
    situation = {**DEFAULT_SITUATION, **(situation or {})}
    # A team always has a default ruleset; NFL FLAG values guard an old team without one.
    rules = ruleset or default_ruleset(team) or Ruleset(**NFL_FLAG_5V5)
    errors = situation_errors(
        situation["down"], situation["distance"], situation["yardline"], rules
    )
    if errors:
        raise ValidationError(errors)
    _check_no_run_zone(team, plays, scenarios, ruleset, situation)
    _check_pairs(team, set(plays), set(scenarios), ruleset)
    return situation


def _check_no_run_zone(team, plays, scenarios, ruleset, situation):
    """A run called inside a no-run zone of the ruleset its pairs run with is refused."""
    default = default_ruleset(team)
    problems = []
    for rules in {ruleset or s.ruleset or default for s in scenarios}:
        profile = rules or Ruleset(**NFL_FLAG_5V5)
        for play in sorted(set(plays), key=lambda p: p.pk):
            refusal = kinds.run_refusal(
                play.kind, profile, situation["yardline"], name=f"'{play.name}'"
            )
            if refusal:
                problems.append(refusal)
    if problems:
        raise ValidationError({"plays": sorted(set(problems))})


def _check_pairs(team, plays, scenarios, ruleset):
    """Every play and defense must be valid under the ruleset its pairs run with (the
    run's, else the scenario's, else the team's default) — refused now, not a failed job."""
    default = default_ruleset(team)
    problems = []
    checked = set()
    for scenario in scenarios:
        rules = ruleset or scenario.ruleset or default
        for obj in [scenario, *{p.formation for p in plays}, *plays]:
            key = (obj._meta.model_name, obj.pk, rules and rules.pk)
            if key in checked:
                continue
            checked.add(key)
            for path, messages in obj.check_rules(Rules.of(rules)).errors.items():
                problems += [
                    f"{obj._meta.verbose_name} '{obj}' under {rules or 'NFL FLAG 5v5'}: {path}: {m}"
                    for m in messages
                ]
    if problems:
        raise ValidationError({"non_field_errors": problems[:20]})


def simulation_run_start(
    *,
    team,
    user,
    plays,
    scenarios,
    episodes=2000,
    seed=None,
    situation=None,
    traces=0,
    ruleset=None,
    lineup=None,
    priority=Priority.BATCH,
    inline=None,
):
    """Check the run (simulation_run_check) and the team's limits, create it; small runs
    are computed now, large ones become background tasks (Priority.INTERACTIVE: a coach
    waits on the page, its slices go first). `inline` True: computed now or refused (a
    ValidationError naming the limit) when larger than inline_limit_error allows; False:
    in the background whatever its size; None: by size."""
    pair_count = len(set(plays)) * len(set(scenarios))
    too_big = inline_limit_error(pair_count, episodes, traces)
    if inline and too_big:
        raise ValidationError({"inline": [too_big]})
    situation = simulation_run_check(
        team=team,
        plays=plays,
        scenarios=scenarios,
        episodes=episodes,
        situation=situation,
        ruleset=ruleset,
    )
    jobs.team_episodes_check(team, episodes * len(set(plays)) * len(set(scenarios)))
    run = simulation_run_create(
        team=team,
        user=user,
        plays=list(set(plays)),
        scenarios=list(set(scenarios)),
        episodes=episodes,
        seed=secrets.randbelow(2**31) if seed is None else seed,
        situation=situation,
        traces=traces,
        ruleset=ruleset,
        lineup=lineup,
        priority=priority,
    )
    if inline if inline is not None else not too_big:
        for slice_id in run.slices.values_list("id", flat=True):
            slice_run(slice_id)
        run.refresh_from_db()
    else:
        count = run.slices.count()
        transaction.on_commit(lambda: jobs.slice_tokens_enqueue(count, priority))
    return run


def inline_limit_error(pairs, episodes, traces):
    """Why a run of this size is not answered inside the request, or "" when it is."""
    limits = (
        (pairs, INLINE_PAIRS, "play × scenario pairs"),
        (pairs * episodes, INLINE_EPISODES, "episodes in all (pairs × episodes)"),
        (pairs * traces, INLINE_TRACES, "traces in all (pairs × traces)"),
    )
    for value, limit, what in limits:
        if value > limit:
            return (
                f"{value:,} {what}; a run answered inside the request allows at most "
                f"{limit:,}. Start it as a background run (leave out inline, or send "
                "inline=false) and follow its progress."
            )
    return ""


class _Inputs:
    """Engine inputs of one run, built once per process call: from the run's snapshot
    (a run made before runs kept one reads the live objects)."""

    def __init__(self, run):
        self.run = run
        self.situation = engine.Situation(run.down, run.distance, run.yardline)
        self._prepared = {}
        self._taken = snapshot.Inputs(run.inputs) if run.inputs else None
        if self._taken:
            self.offense, self.defense = self._taken.offense, self._taken.defense
        else:
            self.offense, self.defense = adapter.engine_players(run.team, run.lineup)

    def prepared(self, play_id, scenario_id):
        key = (play_id, scenario_id)
        if key not in self._prepared and self._taken:
            self._prepared[key] = engine.prepare(
                self._taken.play(play_id),
                self._taken.scenario(scenario_id),
                self._taken.rules(scenario_id),
                self.offense,
                self.defense,
                self.situation,
            )
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
    piece = jobs.slice_claim(slice_id)
    if piece is not None:
        _compute(piece, inputs)


def slice_run_next():
    """A worker's token: claim the fairest queued slice (simulation.jobs) and compute it;
    its id, or None when no slice may run now."""
    piece = jobs.slice_claim_next()
    if piece is None:
        return None
    try:
        _compute(piece)
    finally:
        jobs.slice_followup(piece)
    return piece.pk


def _compute(piece, inputs=None):
    run, slice_id = piece.run, piece.pk
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


def run_fields(run, default=None):
    """The fields a run plays on, each with the scenarios that use it: the run's ruleset,
    else each scenario's own, else the team's default (the order a pair's ruleset is
    chosen in). Deleted scenarios are left out; a run on one field gives one entry.
    `default`: the team's default ruleset when the caller has it already (a list)."""
    if run.ruleset_id is None and default is None:
        default = default_ruleset(run.team_id)
    fields = {}
    for scenario in sorted(run.scenarios.all(), key=lambda s: s.pk):
        rules = run.ruleset or scenario.ruleset or default
        # A team always has a default ruleset; an unsaved NFL FLAG one guards an old team.
        entry = fields.setdefault(
            rules.pk if rules else None,
            {"ruleset": rules or Ruleset(**NFL_FLAG_5V5), "scenarios": []},
        )
        entry["scenarios"].append(scenario.pk)
    return list(fields.values())


def field_label(rules):
    """'NFL FLAG 5v5, 30 × 70 yd' (the field a result was simulated on)."""
    return f"{rules.name}, {rules.field_width:g} × {rules.field_length:g} yd"


def _pair_label(piece):
    """'Trips Flood vs Cover 0 blitz', so a failed run says which pair broke it."""
    play = Play.objects.filter(pk=piece.play_id_ref).values_list("name", flat=True).first()
    defense = (
        Scenario.objects.filter(pk=piece.scenario_id_ref).values_list("name", flat=True).first()
    )
    return (
        f"{play or f'play {piece.play_id_ref}'} vs {defense or f'defense {piece.scenario_id_ref}'}"
    )
