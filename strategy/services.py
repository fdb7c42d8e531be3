"""Strategy analyses: validate and start them, run them in a worker, reuse a finished
result for the same inputs. Every model → engine translation goes through
simulation.adapter; everything about drives, EP and games is simulation.drives."""

from __future__ import annotations

import hashlib
import io
import secrets
import time
from dataclasses import dataclass, fields

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from playbook.models import Lineup, Play, Playbook, Ruleset, Scenario, default_ruleset
from simulation import adapter
from simulation.drives import (
    NFL_FLAG,
    DriveRules,
    Grid,
    TeamSpec,
    build_models,
    call_mix,
    cell_count,
    ep_report,
    game_report,
    rank_calls,
    season_report,
    simulate_games,
    stress_test,
    transitions,
    wp,
)
from simulation.drives.report import situation_text
from simulation.drives.rules import TD
from simulation.models import FINISHED, JobStatus
from strategy import jobs
from strategy.models import Analysis, AnalysisKind, AnalysisSample

MIN_PLAYS = 2
MAX_PLAYS = 16
MAX_DEFENSES = 12
MIN_EPISODES, MAX_EPISODES = 8, 4096
DEFAULT_EPISODES = 256
# Engine episodes one analysis may ask for (episodes × cells × plays × defenses, both
# offenses when there is an opponent): the demo's 8 × 8 at 512 per cell is 0.43 M.
MAX_SAMPLES = 2_000_000
MAX_GAMES = {AnalysisKind.SEASON: 2000, AnalysisKind.STRESS_TEST: 1000}
DEFAULT_GAMES = {AnalysisKind.SEASON: 100, AnalysisKind.STRESS_TEST: 200}
MAX_DRIVES = 20
COORDINATORS = ("fictitious", "bandit")
OPPONENT_KINDS = (AnalysisKind.SEASON, AnalysisKind.STRESS_TEST)


def _pk(value):
    return getattr(value, "pk", value)


def _ids(values):
    return [_pk(v) for v in values or []]


def drive_rules(ruleset) -> DriveRules:
    """A ruleset model as drive rules (NFL FLAG when the team has none)."""
    if ruleset is None:
        return NFL_FLAG
    data = {f.attname: getattr(ruleset, f.attname) for f in ruleset._meta.concrete_fields}
    return DriveRules.from_mapping(data, name=ruleset.name)


@dataclass
class Inputs:
    """An analysis's validated inputs, as models and as the engine sees them."""

    kind: str
    plays: list
    playbook: object
    mix: list  # [(Scenario, weight)]
    ruleset: object
    lineup: object
    episodes: int
    seed: int
    params: dict
    opponent_playbook: object = None
    opponent_plays: list = None
    our_mix: list = None
    rules: DriveRules = NFL_FLAG

    def samples(self) -> int:
        cells = cell_count(self.rules)
        n = len(self.plays) * len(self.mix)
        if self.kind in OPPONENT_KINDS:
            n += len(self.opponent_plays) * len(self.our_mix)
        return n * cells * self.episodes

    def specs(self, team):
        """(ours, opponent or None) as engine TeamSpecs; plays and defenses by id."""
        players = adapter.engine_players(team, self.lineup)
        if self.kind not in OPPONENT_KINDS:
            return _spec(team.name, self.plays, self.mix, players), None
        ours = _spec(team.name, self.plays, self.our_mix, players)
        label = self.opponent_playbook.name if self.opponent_playbook else "plays"
        theirs = _spec(f"Opponent ({label})", self.opponent_plays, self.mix, players)
        return ours, theirs

    def key(self, team) -> str:
        """A hash of everything the result depends on: what the engine sees of every play,
        defense, player and rule (so an edit anywhere gives a new key), the counts, the
        seed and the kind's parameters."""
        ours, theirs = self.specs(team)

        def spec_parts(spec):
            if spec is None:
                return None
            return (
                spec.name,
                list(spec.plays.items()),
                list(spec.defenses.items()),
                sorted(spec.defense_weights.items()),
                sorted(spec.offense_players.items()),
                sorted(spec.defense_players.items()),
            )

        rules = {f.name: getattr(self.rules, f.name) for f in fields(self.rules)}
        parts = (
            self.kind,
            sorted(self.params.items()),
            self.episodes,
            self.seed,
            repr(sorted(rules.items())),
            spec_parts(ours),
            spec_parts(theirs),
        )
        return hashlib.sha256(repr(parts).encode()).hexdigest()


def _spec(name, plays, mix, players):
    plays = list(
        Play.objects.filter(pk__in=[p.pk for p in plays])
        .select_related("formation")
        .prefetch_related("formation__slots", "assignments__route__breakpoints")
        .order_by("pk")
    )
    ids = [s.pk for s, _ in mix]
    scenarios = {
        s.pk: s for s in Scenario.objects.filter(pk__in=ids).prefetch_related("defenders__player")
    }
    return TeamSpec(
        name=name,
        plays={str(p.pk): adapter.engine_play(p) for p in plays},
        defenses={str(pk): adapter.engine_scenario(scenarios[pk]) for pk in sorted(ids)},
        defense_weights={str(s.pk): float(w) for s, w in mix},
        offense_players=players[0],
        defense_players=players[1],
    )


# --- validation -------------------------------------------------------------------------


class _Errors(dict):
    def add(self, field, message):
        self.setdefault(field, []).append(message)


def _team_objects(model, team, ids, field, errors, label):
    """The team's objects with these ids, in order; unknown or other teams' ids are
    one error (the same words: another team's id does not exist here)."""
    ids = list(dict.fromkeys(ids))
    bad = [i for i in ids if not isinstance(i, int) or isinstance(i, bool)]
    if bad:
        errors.add(field, f"Not {label} ids: {', '.join(map(str, bad))}.")
        return []
    found = {o.pk: o for o in model.objects.filter(team=team, pk__in=ids)}
    missing = [i for i in ids if i not in found]
    if missing:
        errors.add(field, f"No {label} {', '.join(map(str, missing))} in this team.")
    return [found[i] for i in ids if i in found]


def _one(model, team, value, field, errors, label):
    if value in (None, ""):
        return None
    found = _team_objects(model, team, [_pk(value)], field, errors, label)
    return found[0] if found else None


def _plays(team, playbook, plays, field, errors):
    if playbook is not None and plays:
        errors.add(field, 'Give either "plays" (ids) or a playbook, not both.')
        return []
    if playbook is not None:
        return [e.play for e in playbook.entries.select_related("play").order_by("order", "id")]
    return _team_objects(Play, team, _ids(plays), field, errors, "play")


def _mix(team, mix, field, errors):
    """[{"scenario": id, "weight": w}] (or [(Scenario, w)]) → [(Scenario, w)]."""
    items = []
    for item in mix or []:
        if isinstance(item, dict):
            items.append((item.get("scenario"), item.get("weight", 1.0)))
        else:
            items.append(tuple(item))
    if not items:
        errors.add(field, "At least one defense (a scenario and its weight).")
        return []
    ids = [_pk(s) for s, _ in items]
    if len(set(map(str, ids))) != len(ids):
        errors.add(field, "A scenario is listed twice.")
        return []
    if len(items) > MAX_DEFENSES:
        errors.add(field, f"At most {MAX_DEFENSES} defenses.")
        return []
    for _, weight in items:
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight <= 0:
            errors.add(field, f"Weight {weight!r}: every weight must be a number above 0.")
            return []
    found = {s.pk: s for s in _team_objects(Scenario, team, ids, field, errors, "scenario")}
    return [(found[_pk(s)], float(w)) for s, w in items if _pk(s) in found]


def _count(errors, field, value, low, high, label):
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        errors.add(field, f"{label} {value!r}: a whole number from {low:,} to {high:,}.")
        return None
    return value


def analysis_prepare(
    *,
    team,
    kind,
    mix,
    plays=None,
    playbook=None,
    ruleset=None,
    lineup=None,
    episodes=DEFAULT_EPISODES,
    seed=None,
    situation=None,
    defense=None,
    dice=6,
    opponent_playbook=None,
    opponent_plays=None,
    our_mix=None,
    games=None,
    drives_per_team=8,
    coordinator="fictitious",
    late_game=None,
) -> Inputs:
    """Check an analysis's inputs (ids of the team only, at least 2 plays, weights above
    0, a situation of the ruleset, bounded work); ValidationError keyed by field."""
    errors = _Errors()
    if kind not in AnalysisKind.values:
        errors.add("kind", f"{kind!r}: one of {', '.join(AnalysisKind.values)}.")
        raise ValidationError(errors)
    playbook = _one(Playbook, team, playbook, "playbook", errors, "playbook")
    plays = _plays(team, playbook, plays, "plays", errors)
    if not errors.get("plays") and not errors.get("playbook"):
        if len(plays) < MIN_PLAYS:
            errors.add("plays", f"At least {MIN_PLAYS} different plays to choose between.")
        elif len(plays) > MAX_PLAYS:
            errors.add("plays", f"At most {MAX_PLAYS} plays.")
    mix = _mix(team, mix, "mix", errors)
    ruleset_obj = _one(Ruleset, team, ruleset, "ruleset", errors, "ruleset")
    lineup = _one(Lineup, team, lineup, "lineup", errors, "lineup")
    episodes = _count(errors, "episodes", episodes, MIN_EPISODES, MAX_EPISODES, "Episodes")
    if seed is None:
        seed = secrets.randbelow(2**31)
    seed = _count(errors, "seed", seed, 0, 2**63 - 1, "Seed")
    rules = NFL_FLAG
    try:
        rules = drive_rules(ruleset_obj or default_ruleset(team))
    except ValueError as exc:
        errors.add("ruleset", f"Drives cannot be played under this ruleset: {exc}.")
    params = {}
    inputs = Inputs(
        kind=kind,
        plays=plays,
        playbook=playbook,
        mix=mix,
        ruleset=ruleset_obj,
        lineup=lineup,
        episodes=episodes or 0,
        seed=seed or 0,
        params=params,
        rules=rules,
    )
    if kind == AnalysisKind.CALL_MIX:
        params.update(_situation(situation, rules, errors))
        if defense not in (None, ""):
            ids = {s.pk for s, _ in mix}
            if _pk(defense) not in ids:
                errors.add("defense", "The known defense must be one of the mix's scenarios.")
            else:
                params["defense"] = _pk(defense)
        params["dice"] = _count(errors, "dice", dice, 2, 20, "Dice faces")
        if late_game is not None:
            params["late_game"] = _late_game(late_game, errors)
    if kind in OPPONENT_KINDS:
        opponent_playbook = _one(
            Playbook, team, opponent_playbook, "opponent_playbook", errors, "playbook"
        )
        inputs.opponent_playbook = opponent_playbook
        if opponent_playbook is None and not opponent_plays:
            errors.add("opponent_playbook", "The opponent's offense: a playbook or play ids.")
        else:
            inputs.opponent_plays = _plays(
                team, opponent_playbook, opponent_plays, "opponent_plays", errors
            )
            if not errors.get("opponent_plays") and not inputs.opponent_plays:
                errors.add("opponent_plays", "The opponent needs at least one play.")
            elif len(inputs.opponent_plays or []) > MAX_PLAYS:
                errors.add("opponent_plays", f"At most {MAX_PLAYS} plays.")
        inputs.our_mix = _mix(team, our_mix, "our_mix", errors) if our_mix else list(mix)
        if games is None:
            games = DEFAULT_GAMES[kind]
        params["games"] = _count(errors, "games", games, 1, MAX_GAMES[kind], "Games")
        params["drives_per_team"] = _count(
            errors, "drives_per_team", drives_per_team, 1, MAX_DRIVES, "Drives per team"
        )
        if kind == AnalysisKind.STRESS_TEST:
            if coordinator not in COORDINATORS:
                errors.add("coordinator", f"{coordinator!r}: one of {', '.join(COORDINATORS)}.")
            params["coordinator"] = coordinator
    if not errors and inputs.samples() > MAX_SAMPLES:
        errors.add(
            "episodes",
            f"Too much work: {inputs.samples():,} engine episodes (episodes × "
            f"{cell_count(rules)} situation cells × plays × defenses); at most "
            f"{MAX_SAMPLES:,}. Use fewer episodes, plays or defenses.",
        )
    if errors:
        raise ValidationError(dict(errors))
    return inputs


def _late_game(late_game, errors):
    """Late-game mode: the score margin (ours minus theirs) and the drives after this one."""
    if not isinstance(late_game, dict):
        errors.add("late_game", "Give margin and drives_after.")
        return None
    margin = _count(
        errors, "late_game", late_game.get("margin"), -wp.MAX_MARGIN, wp.MAX_MARGIN, "The margin"
    )
    after = _count(
        errors,
        "late_game",
        late_game.get("drives_after"),
        0,
        wp.MAX_DRIVES_AFTER,
        "Drives after this one",
    )
    return {"margin": margin, "drives_after": after}


def _situation(situation, rules, errors):
    if not isinstance(situation, dict):
        errors.add("situation", "Give down, distance and yards_to_goal.")
        return {}
    try:
        down = int(situation["down"])
        distance = float(situation["distance"])
        ytg = float(situation["yards_to_goal"])
    except (KeyError, TypeError, ValueError):
        errors.add("situation", "down (whole), distance and yards_to_goal (numbers) needed.")
        return {}
    try:
        Grid(rules).find(down, distance, ytg)
    except ValueError as exc:
        errors.add("situation", f"Not a situation of {rules.name}: {exc}.")
        return {}
    return {"down": down, "distance": round(distance), "yards_to_goal": round(ytg)}


# --- start, reuse, cancel, recover -------------------------------------------------------


def _mix_json(mix):
    return [{"scenario": s.pk, "weight": w} for s, w in mix or []]


@transaction.atomic
def analysis_start(*, team, user=None, name="", **kwargs) -> Analysis:
    """Validate, then either reuse a finished analysis with the same inputs (the new
    one is finished at once, `cached_from` naming the original) or queue the task."""
    inputs = analysis_prepare(team=team, **kwargs)
    key = inputs.key(team)
    analysis = Analysis.objects.create(
        team=team,
        created_by=user,
        name=name,
        kind=inputs.kind,
        playbook=inputs.playbook,
        play_ids=[p.pk for p in inputs.plays],
        mix=_mix_json(inputs.mix),
        opponent_playbook=inputs.opponent_playbook,
        opponent_play_ids=[p.pk for p in inputs.opponent_plays or []],
        our_mix=_mix_json(inputs.our_mix),
        ruleset=inputs.ruleset,
        lineup=inputs.lineup,
        episodes=inputs.episodes,
        seed=inputs.seed,
        params=inputs.params,
        inputs_key=key,
    )
    analysis.plays.set(inputs.plays)
    analysis.scenarios.set([s for s, _ in inputs.mix])
    source = (
        Analysis.objects.filter(team=team, inputs_key=key, status=JobStatus.SUCCEEDED)
        .exclude(pk=analysis.pk)
        .exclude(result=None)
        .order_by("finished_at", "pk")
        .first()
    )
    if source is not None:
        now = timezone.now()
        Analysis.objects.filter(pk=analysis.pk).update(
            status=JobStatus.SUCCEEDED,
            progress=100,
            result=source.result,
            cached_from=source.cached_from_id or source.pk,
            started_at=now,
            finished_at=now,
        )
        analysis.refresh_from_db()
        return analysis
    transaction.on_commit(lambda: enqueue(analysis.pk))
    return analysis


def analysis_cancel(analysis) -> bool:
    return jobs.cancel(analysis)


def enqueue(analysis_id):
    from strategy.tasks import run_analysis_task

    run_analysis_task.enqueue(analysis_id)


def analysis_recover_stale(now=None, analysis=None):
    """(requeued, failed): see strategy.jobs.recover."""
    queryset = Analysis.objects.all()
    if analysis is not None:
        queryset = queryset.filter(pk=analysis.pk)
    return jobs.recover(Analysis, lambda pk: enqueue(pk), now, queryset)


# --- the work ---------------------------------------------------------------------------


def _stored_inputs(analysis) -> Inputs:
    """The inputs as stored, validated again: plays or defenses deleted since make the
    job fail with the reason instead of answering about something else."""
    p = analysis.params
    try:
        inputs = analysis_prepare(
            team=analysis.team,
            kind=analysis.kind,
            plays=analysis.play_ids,
            mix=analysis.mix,
            ruleset=analysis.ruleset_id,
            lineup=analysis.lineup_id,
            episodes=analysis.episodes,
            seed=analysis.seed,
            situation=p if analysis.kind == AnalysisKind.CALL_MIX else None,
            defense=p.get("defense"),
            dice=p.get("dice", 6),
            opponent_plays=analysis.opponent_play_ids,
            our_mix=analysis.our_mix or None,
            games=p.get("games"),
            drives_per_team=p.get("drives_per_team", 8),
            coordinator=p.get("coordinator", "fictitious"),
            late_game=p.get("late_game"),
        )
        inputs.opponent_playbook = analysis.opponent_playbook  # its name labels the opponent
        return inputs
    except ValidationError as exc:
        words = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
        raise RuntimeError(f"The inputs changed since it was asked: {words}") from None


def _names(spec):
    return {
        "plays": {k: p.name for k, p in spec.plays.items()},
        "defenses": {k: d.name for k, d in spec.defenses.items()},
    }


def _ep_curve(model):
    """EP by down at the series' distance for every yard line (the chart's lines)."""
    return model.table_rows(yardlines=range(model.rules.L, 0, -1))


def _ep_by_distance(model):
    """1st-down EP by yards to go at a few yard lines (up to the series' distance): what
    a penalty or a short gain short of the line is worth."""
    L = model.rules.L
    rows = []
    for y in sorted({L - 5, L - 10, L // 2 + 10, L // 2 - 5, 10} - {0}, reverse=True):
        if not 1 <= y <= L:
            continue
        longest = int(model.rules.first_down(y))
        rows.append(
            {
                "yards_to_goal": y,
                "down": 1,
                "ep": [
                    {"distance": d, "ep": round(model.ep(1, d, y), 3)}
                    for d in range(1, longest + 1)
                ],
            }
        )
    return rows


def run_expected_points(inputs, ours, theirs, step):
    model = build_models(ours, None, inputs.rules, inputs.episodes, inputs.seed)[0]
    step(80)
    return {
        **ep_report(model),
        "ep_curve": _ep_curve(model),
        "ep_by_distance": _ep_by_distance(model),
        "names": _names(ours),
    }


def run_call_mix(inputs, ours, theirs, step):
    model = build_models(ours, None, inputs.rules, inputs.episodes, inputs.seed)[0]
    step(80)
    p = inputs.params
    down, distance, ytg = p["down"], p["distance"], p["yards_to_goal"]
    defense = str(p["defense"]) if p.get("defense") else None
    result = {
        "situation_text": situation_text(model.rules.L, down, distance, ytg),
        "ranking": rank_calls(model, down, distance, ytg, defense),
        "mix": call_mix(model, down, distance, ytg, p["dice"]),
        "names": _names(ours),
    }
    if p.get("late_game"):
        late = p["late_game"]
        result["late_game"] = wp.late_game(
            model, down, distance, ytg, late["margin"], late["drives_after"], defense
        )
    return result


def _drive_ends(result, game):
    """Where each drive of one game ended, in yards to the goal of the team that had
    the ball (0: it scored), in the report's drive-chart order."""
    s, d = result.snaps, result.drives
    sel = np.nonzero(d["game"] == game)[0]
    order = sel[np.lexsort((d["team"][sel], d["drive"][sel]))]
    ends = []
    for i in order:
        team, drive = int(d["team"][i]), int(d["drive"][i])
        rows = np.nonzero((s["game"] == game) & (s["team"] == team) & (s["drive"] == drive))[0]
        last = rows[-1]
        start = int(result.models[team].grid.ytg[d["start_state"][i]])
        y = int(s["ytg"][last])
        # A gain moves the ball by its yards, an interception ends at the catch spot.
        end = 0 if s["event"][last] == TD else y - int(s["value"][last])
        L = result.models[team].rules.L
        ends.append({"start_ytg": start, "end_ytg": int(min(max(end, 0), L))})
    return ends


def run_season(inputs, ours, theirs, step):
    models = build_models(ours, theirs, inputs.rules, inputs.episodes, inputs.seed)
    step(60)
    p = inputs.params
    result = simulate_games(
        models,
        p["games"],
        p["drives_per_team"],
        inputs.seed,
        teams=(ours.name, theirs.name),
    )
    step(90)
    game = game_report(result, 0)
    for row, end in zip(game["drive_chart"], _drive_ends(result, 0), strict=True):
        row.update(end)
    return {
        "season": season_report(result),
        "game": game,
        "field_length": inputs.rules.L,
        "names": _names(ours),
        "opponent_names": _names(theirs),
    }


def run_stress_test(inputs, ours, theirs, step):
    p = inputs.params
    result = stress_test(
        ours,
        theirs,
        inputs.rules,
        n_games=p["games"],
        drives_per_team=p["drives_per_team"],
        seed=inputs.seed,
        n_episodes=inputs.episodes,
        coordinator=p["coordinator"],
    )
    return {**result, "names": _names(ours)}


RUNNERS = {
    AnalysisKind.EXPECTED_POINTS: run_expected_points,
    AnalysisKind.CALL_MIX: run_call_mix,
    AnalysisKind.SEASON: run_season,
    AnalysisKind.STRESS_TEST: run_stress_test,
}


# An analysis samples the engine in slices of about this long (play by play), then its
# task queues the next slice and ends, so one analysis never holds a worker for long
# (the largest allowed, 2 M engine episodes, takes minutes). As a training's slice
# (simulation.policies.training.SLICE_SECONDS): 10 s.
SLICE_SECONDS = 10.0


def _tables(ours, theirs):
    """The (offense, defense) tables the kind's runner samples (build_models)."""
    return [(ours, ours)] if theirs is None else [(ours, theirs), (theirs, ours)]


def _pack(arrays):
    out = io.BytesIO()
    np.savez(out, kind=arrays[0], value=arrays[1], result=arrays[2])
    return out.getvalue()


def _unpack(data):
    with np.load(io.BytesIO(bytes(data))) as saved:
        return saved["kind"], saved["value"], saved["result"]


def _sample(analysis, inputs, ours, theirs, key, step):
    """Sample the engine play by play for SLICE_SECONDS, keeping each play's snaps in an
    AnalysisSample. True when every table is sampled (and in transitions' cache, where
    the runner finds it); False when the slice is over with plays left."""
    tables = _tables(ours, theirs)
    n, seed, rules = inputs.episodes, inputs.seed, inputs.rules
    kept = analysis.samples.all()
    if kept.exclude(key=key).exists():
        raise RuntimeError(
            "The inputs changed while it ran (a play, defense, player or rule was edited "
            "between two of its slices). Ask again."
        )
    done = {(row.table, row.play) for row in kept.only("table", "play")}
    todo = [
        (t, pid)
        for t, (offense, defense) in enumerate(tables)
        if not transitions.is_cached(offense, defense, rules, n, seed)
        for pid in offense.plays
        if (t, pid) not in done
    ]
    total = sum(len(offense.plays) for offense, _ in tables)
    started = time.monotonic()
    for i, (t, pid) in enumerate(todo):
        if i and time.monotonic() - started >= SLICE_SECONDS:
            return False  # at least one play a slice
        offense, defense = tables[t]
        arrays = transitions.sample_play(offense, defense, rules, pid, n, seed)
        AnalysisSample.objects.create(
            analysis=analysis, key=key, table=t, play=pid, data=_pack(arrays)
        )
        done.add((t, pid))
        step(10 + 70 * len(done) // total)
    for t, (offense, defense) in enumerate(tables):
        sampled = {row.play: _unpack(row.data) for row in analysis.samples.filter(table=t)}
        transitions.sample_transitions(offense, defense, rules, n, seed, sampled=sampled)
    return True


def analysis_run(analysis_id):
    """A slice of the task body: samples what is left for SLICE_SECONDS, then answers.
    Returns the analysis when it paused with work left (its task queues the next
    slice), else None. Safe to call twice: only a queued analysis is run."""
    if not jobs.claim(Analysis, analysis_id):
        # finished meanwhile (cancelled between two slices): drop what it had sampled
        AnalysisSample.objects.filter(
            analysis_id=analysis_id, analysis__status__in=FINISHED
        ).delete()
        return None
    analysis = Analysis.objects.select_related("team", "ruleset", "lineup").get(pk=analysis_id)

    def step(progress):
        jobs.step(Analysis, analysis_id, progress)

    try:
        inputs = _stored_inputs(analysis)
        ours, theirs = inputs.specs(analysis.team)
        key = inputs.key(analysis.team)
        if analysis.progress < 10:
            step(10)
        if not _sample(analysis, inputs, ours, theirs, key, step):
            return analysis if jobs.pause(Analysis, analysis_id) else None
        result = RUNNERS[analysis.kind](inputs, ours, theirs, step)
    except jobs.Cancelled:
        AnalysisSample.objects.filter(analysis_id=analysis_id).delete()
        return None
    except Exception as exc:  # the job fails with the reason; nothing half-done is shown
        jobs.fail(Analysis, analysis_id, exc)
        AnalysisSample.objects.filter(analysis_id=analysis_id).delete()
        return None
    jobs.finish(Analysis, analysis_id, result=result, inputs_key=key)
    AnalysisSample.objects.filter(analysis_id=analysis_id).delete()
    return None
