"""Play-calling policies: train (a job), recommend, adopt, game plan (docs/policies.md).

Training. Every bucket is its own bandit whose arms are the policy's plays. The episode
budget is split evenly over the buckets and the buckets are trained round-robin (one
batch each per round), so progress and the learning curve cover all of them. One pull:
draw a defense from the weighted mix, let the algorithm pick a play, simulate a batch of
episodes of that play × defense in the bucket's representative situation (REPRESENTATIVE)
and feed every episode's engine reward to the arm (and to its per-defense statistics).

Determinism: each bucket has its own generator, default_rng(SeedSequence([seed, 0,
bucket index])), used for the defense draw and the algorithm, in a fixed order; the
engine's random numbers of a pull come from iter_outcomes(seed, key=(bucket index,
play id, scenario id, pull number of that triple)). Same seed, same inputs → the same
policy, bit for bit.
"""

import logging
import time
from datetime import timedelta

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from playbook.constants import Bucket
from playbook.models import Play, Scenario
from playbook.services import playbook_entries, playbook_write
from simulation import adapter, engine, learning
from simulation.models import FINISHED, JobStatus, Policy, PolicyAdoption

logger = logging.getLogger(__name__)

# The situation each bucket is trained in: (down, yards to go, yards to the goal).
REPRESENTATIVE = {
    Bucket.GOALLINE.value: (1, 5.0, 5.0),
    Bucket.REDZONE.value: (2, 6.0, 9.0),
    Bucket.FIRST_ANY.value: (1, 10.0, 35.0),
    Bucket.SECOND_SHORT.value: (2, 2.0, 35.0),
    Bucket.SECOND_LONG.value: (2, 8.0, 35.0),
    Bucket.THIRD_SHORT.value: (3, 2.0, 30.0),
    Bucket.THIRD_LONG.value: (3, 7.0, 30.0),
}
PULLS_PER_ARM = 16  # the batch is sized so each bucket gets ≥ 16 decisions per play
MIN_BATCH, MAX_BATCH = 32, 1024
STALE_AFTER = timedelta(minutes=10)  # running with no progress save this long: worker died
HEARTBEAT_SECONDS = 30.0  # progress is also saved at least this often
CURVE_STEP = 5  # a learning-curve point every 5 %
LOW_DATA_PULLS = 200  # fewer simulated plays than this on an arm: "too little data"
TOP_CALLS = 3


class PolicyError(ValidationError):
    pass


def scenario_fit_errors(scenarios, buckets, ruleset=None, team=None):
    """Defenders that would stand past the end line in a bucket's representative
    situation (the engine refuses them): one message per scenario and bucket."""
    from playbook.models import default_ruleset

    errors = []
    for scenario in scenarios:
        rules = ruleset or scenario.ruleset or default_ruleset(team or scenario.team_id)
        depth = rules.endzone_depth if rules else engine.Ruleset().endzone_depth
        deepest = max((d.x for d in scenario.defenders.all()), default=0.0)
        for bucket in buckets:
            yardline = REPRESENTATIVE[bucket][2]
            if deepest > yardline + depth:
                errors.append(
                    f"{scenario.name}: a defender {deepest:g} yd deep is past the end line "
                    f"in {bucket} (trained at {yardline:g} yd to the goal, {depth:g} yd end "
                    "zone)."
                )
    return errors


# --- start, cancel, recover -----------------------------------------------------------


@transaction.atomic
def policy_train_start(
    *,
    team,
    user,
    plays,
    mix,
    buckets,
    algorithm,
    params,
    episodes,
    seed,
    playbook=None,
    ruleset=None,
    lineup=None,
    name="",
):
    """Create the policy (queued) and queue its training task after the commit.
    mix: [(Scenario, weight)]."""
    policy = Policy.objects.create(
        team=team,
        created_by=user,
        name=name,
        playbook=playbook,
        mix=[{"scenario": s.pk, "weight": float(w)} for s, w in mix],
        buckets=list(buckets),
        ruleset=ruleset,
        lineup=lineup,
        algorithm=algorithm,
        params=dict(params),
        episodes=episodes,
        seed=seed,
        play_ids=sorted(p.pk for p in plays),
    )
    policy.plays.set(plays)
    policy.scenarios.set([s for s, _ in mix])
    from simulation.policy_tasks import train_policy_task

    transaction.on_commit(lambda: train_policy_task.enqueue(policy.pk))
    return policy


def policy_cancel(policy):
    updated = (
        Policy.objects.filter(pk=policy.pk)
        .exclude(status__in=FINISHED)
        .update(status=JobStatus.CANCELLED, finished_at=timezone.now())
    )
    policy.refresh_from_db()
    return bool(updated)


def policy_recover_stale(now=None):
    """Policies "running" with no progress save for STALE_AFTER lost their worker: they
    fail with an error saying so (train again to retry). Returns how many."""
    now = now or timezone.now()
    cutoff = now - STALE_AFTER
    stale = Policy.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=cutoff)
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
    from simulation.policy_tasks import train_policy_task

    now = now or timezone.now()
    lost = Policy.objects.filter(status=JobStatus.QUEUED, queued_at__lt=now - STALE_AFTER)
    requeued = 0
    for pk in lost.values_list("pk", flat=True):
        if Policy.objects.filter(pk=pk, status=JobStatus.QUEUED).update(queued_at=timezone.now()):
            train_policy_task.enqueue(pk)
            requeued += 1
    return requeued


# --- training -------------------------------------------------------------------------


def _split(total, parts):
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def batch_size(per_bucket, n_plays):
    size = max(MIN_BATCH, min(MAX_BATCH, per_bucket // max(1, n_plays * PULLS_PER_ARM)))
    return max(1, min(size, per_bucket))


class _Trainer:
    def __init__(self, policy):
        self.policy = policy
        self.plays = list(
            Play.objects.filter(pk__in=policy.plays.values("pk"))
            .select_related("formation")
            .prefetch_related("formation__slots", "assignments__route__breakpoints")
            .order_by("pk")
        )
        by_id = {
            s.pk: s
            for s in Scenario.objects.filter(pk__in=[m["scenario"] for m in policy.mix])
            .select_related("ruleset")
            .prefetch_related("defenders__player")
        }
        self.scenarios = [by_id[m["scenario"]] for m in policy.mix]
        weights = np.array([m["weight"] for m in policy.mix], dtype=np.float64)
        self.weights = weights / weights.sum()
        self.offense, self.defense = adapter.engine_players(policy.team, policy.lineup)
        self.play_inputs = [adapter.engine_play(p) for p in self.plays]
        self.scenario_inputs = [adapter.engine_scenario(s) for s in self.scenarios]
        self.rules = [adapter.engine_rules(adapter.run_ruleset(policy, s)) for s in self.scenarios]
        self._prepared = {}

    def prepared(self, b, bucket, p, s):
        key = (b, p, s)
        if key not in self._prepared:
            down, distance, yardline = REPRESENTATIVE[bucket]
            try:
                self._prepared[key] = engine.prepare(
                    self.play_inputs[p],
                    self.scenario_inputs[s],
                    self.rules[s],
                    self.offense,
                    self.defense,
                    engine.Situation(down, distance, yardline),
                )
            except Exception as exc:  # name the pair: the coach fixes a play or a defense
                pair = f"{self.plays[p].name} vs {self.scenarios[s].name}"
                raise type(exc)(f"{pair}: {exc}") from exc
        return self._prepared[key]


def _bandit(policy, n_arms):
    params = policy.params or {}
    return learning.Bandit(
        n_arms,
        policy.algorithm,
        c=params.get("c"),
        epsilon=params.get("epsilon", learning.DEFAULT_EPSILON),
    )


def _stats_json(policy, trainer, buckets, bandits, per_scenario, batches):
    out = {}
    for b, bucket in enumerate(buckets):
        down, distance, yardline = REPRESENTATIVE[bucket]
        arms = {}
        for p, play in enumerate(trainer.plays):
            arms[str(play.pk)] = {
                "name": play.name,
                **bandits[b].arms[p].to_dict(),
                "scenarios": {
                    str(sc.pk): per_scenario[b][p][s].to_dict()
                    for s, sc in enumerate(trainer.scenarios)
                },
            }
        out[bucket] = {
            "situation": {"down": down, "distance": distance, "yardline": yardline},
            "batch": batches[b],
            "episodes": bandits[b].total_pulls,
            "arms": arms,
        }
    return out


def _train(policy):
    trainer = _Trainer(policy)
    buckets = list(policy.buckets)
    n_plays, n_scen = len(trainer.plays), len(trainer.scenarios)
    if n_plays < 1 or n_scen < 1:
        raise RuntimeError("the policy has no plays or no scenarios left to train on")
    budgets = _split(policy.episodes, len(buckets))
    batches = [batch_size(budget, n_plays) for budget in budgets]
    remaining = list(budgets)
    bandits = [_bandit(policy, n_plays) for _ in buckets]
    per_scenario = [
        [[learning.ArmStats() for _ in range(n_scen)] for _ in range(n_plays)] for _ in buckets
    ]
    rngs = [
        np.random.default_rng(np.random.SeedSequence([policy.seed, 0, b]))
        for b in range(len(buckets))
    ]
    pull_counts = {}
    done, total = 0, policy.episodes
    saved_progress, last_save = 0, time.monotonic()
    curve, next_point = [], CURVE_STEP
    interval_rewards, interval_n, interval_best = 0.0, 0, 0

    def save(progress, status_update=True):
        fields = {
            "progress": progress,
            "episodes_done": done,
            "stats": _stats_json(policy, trainer, buckets, bandits, per_scenario, batches),
            "curve": curve,
            "heartbeat_at": timezone.now(),
        }
        return (
            Policy.objects.filter(pk=policy.pk, status=JobStatus.RUNNING).update(**fields)
            if status_update
            else Policy.objects.filter(pk=policy.pk).update(**fields)
        )

    while any(remaining):
        for b, bucket in enumerate(buckets):
            if not remaining[b]:
                continue
            n = min(batches[b], remaining[b])
            rng = rngs[b]
            s = int(rng.choice(n_scen, p=trainer.weights))
            best_before = bandits[b].best_arm()
            p = bandits[b].select(rng)
            triple = (b, trainer.plays[p].pk, trainer.scenarios[s].pk)
            pull = pull_counts.get(triple, 0)
            pull_counts[triple] = pull + 1
            outcomes = engine.simulate_prepared(
                trainer.prepared(b, bucket, p, s), n, policy.seed, chunks=[0], key=(*triple, pull)
            )
            rewards = outcomes.reward
            bandits[b].update(p, rewards, outcomes.yards, outcomes.converted)
            per_scenario[b][p][s].update(rewards, outcomes.yards, outcomes.converted)
            remaining[b] -= n
            done += n
            interval_rewards += float(rewards.sum())
            interval_n += n
            interval_best += n if p == best_before else 0
        progress = min(100, done * 100 // total)
        while progress >= next_point and next_point <= 100:
            curve.append(
                {
                    "progress": next_point,
                    "episodes": done,
                    "mean_reward": round(interval_rewards / interval_n, 4) if interval_n else None,
                    "best_arm_share": round(interval_best / interval_n, 4) if interval_n else None,
                }
            )
            interval_rewards, interval_n, interval_best = 0.0, 0, 0
            next_point += CURVE_STEP
        status = Policy.objects.filter(pk=policy.pk).values_list("status", flat=True).first()
        if status != JobStatus.RUNNING:  # cancelled (or recovered as stale): keep what we have
            save(saved_progress, status_update=False)
            return False
        if progress > saved_progress or time.monotonic() - last_save > HEARTBEAT_SECONDS:
            if progress < 100:
                save(progress)
            saved_progress, last_save = progress, time.monotonic()
    policy.stats = _stats_json(policy, trainer, buckets, bandits, per_scenario, batches)
    policy.curve = curve
    policy.episodes_done = done
    return True


def policy_train(policy_id):
    """Run a policy's training (the task body). Safe to call twice: a policy that is
    not queued is left alone."""
    now = timezone.now()
    claimed = Policy.objects.filter(pk=policy_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=now, heartbeat_at=now
    )
    if not claimed:
        return
    policy = Policy.objects.select_related("team", "ruleset", "lineup").get(pk=policy_id)
    try:
        finished = _train(policy)
    except Exception as exc:
        logger.exception("policy %s training failed", policy_id)
        Policy.objects.filter(pk=policy_id).exclude(status__in=FINISHED).update(
            status=JobStatus.FAILED,
            error=f"{type(exc).__name__}: {exc}",
            finished_at=timezone.now(),
        )
        return
    if finished:
        Policy.objects.filter(pk=policy_id, status=JobStatus.RUNNING).update(
            status=JobStatus.SUCCEEDED,
            progress=100,
            episodes_done=policy.episodes_done,
            stats=policy.stats,
            curve=policy.curve,
            heartbeat_at=timezone.now(),
            finished_at=timezone.now(),
        )


# --- recommend ------------------------------------------------------------------------


def _fmt_yd(value):
    return f"{value:.1f} yd"


def _pct(value):
    return f"{value * 100:.0f} %"


def _scenario_names(policy):
    ids = [m["scenario"] for m in policy.mix]
    return dict(Scenario.objects.filter(pk__in=ids).values_list("pk", "name"))


def policy_recommend(policy, bucket, scenario=None):
    """Plays ranked by expected reward for a bucket (optionally against one defense of
    the mix) with 95 % intervals, confidence and reasoning sentences."""
    if bucket not in policy.buckets:
        raise PolicyError(
            {
                "situation": [
                    f"This policy was not trained for {bucket}; it covers "
                    f"{', '.join(policy.buckets)}."
                ]
            }
        )
    if scenario is not None and scenario.pk not in [m["scenario"] for m in policy.mix]:
        raise PolicyError({"scenario": [f"{scenario.name} is not in this policy's defense mix."]})
    table = (policy.stats or {}).get(bucket)
    answer = {
        "policy": policy.pk,
        "status": policy.status,
        "bucket": bucket,
        "scenario": scenario.pk if scenario else None,
        "confidence": None,
        "enough_data": False,
        "recommendations": [],
    }
    if not table:
        answer["note"] = (
            f"No training data for {bucket} yet (the policy is {policy.status}); "
            "too little data to recommend anything."
        )
        return answer
    play_ids = list(table["arms"])
    names = _scenario_names(policy)

    def stats_of(arm):
        data = arm["scenarios"].get(str(scenario.pk)) if scenario else arm
        return learning.ArmStats.from_dict(data)

    arms = [stats_of(table["arms"][pid]) for pid in play_ids]
    ranking = learning.recommend(arms)
    against = f"vs {scenario.name}" if scenario else "vs the trained mix"
    rows = []
    for rank, i in enumerate(ranking["order"]):
        arm, raw = arms[i], table["arms"][play_ids[i]]
        interval = ranking["intervals"][i]
        rows.append(
            {
                "play": int(play_ids[i]),
                "name": raw["name"],
                "rank": rank + 1,
                "pulls": arm.pulls,
                "expected_reward": round(arm.mean, 2) if arm.pulls else None,
                "interval": [round(interval[0], 2), round(interval[1], 2)] if interval else None,
                "mean_yards": round(arm.mean_yards, 2) if arm.pulls else None,
                "success_rate": round(arm.success_rate, 4) if arm.pulls else None,
                "_arm": arm,
                "_raw": raw,
            }
        )
    top = rows[0]
    for k, row in enumerate(rows):
        row["reasoning"] = _reasoning(row, k, rows, bucket, against, scenario, names)
    for row in rows:
        row.pop("_arm")
        row.pop("_raw")
    confidence = ranking["confidence"]
    answer["confidence"] = round(confidence, 4) if confidence is not None else None
    answer["enough_data"] = top["pulls"] >= LOW_DATA_PULLS
    answer["recommendations"] = rows
    if not answer["enough_data"]:
        answer["note"] = (
            f"Too little data for {bucket} {against}: the top play has only {top['pulls']} "
            "simulated plays — train with more episodes before trusting this ranking."
        )
    return answer


def _reasoning(row, k, rows, bucket, against, scenario, names):
    arm, raw = row["_arm"], row["_raw"]
    if not arm.pulls:
        return f"{row['name']} was never simulated on {bucket} {against}: no data, no call."
    parts = [
        f"{row['name']} gains {_fmt_yd(arm.mean_yards)} and converts {_pct(arm.success_rate)} "
        f"on {bucket} {against} over {arm.pulls:,} simulated plays "
        f"(expected reward {arm.mean:.1f}, 95 % interval {row['interval'][0]:.1f} to "
        f"{row['interval'][1]:.1f})."
    ]
    if scenario is None:
        per = [
            (names.get(int(sid), f"scenario {sid}"), learning.ArmStats.from_dict(d))
            for sid, d in raw["scenarios"].items()
        ]
        per = [(n, a) for n, a in per if a.pulls >= 30]
        if len(per) >= 2:
            strong = max(per, key=lambda x: x[1].mean)
            weak = min(per, key=lambda x: x[1].mean)
            parts.append(
                f"Strongest vs {strong[0]} ({_fmt_yd(strong[1].mean_yards)}, converts "
                f"{_pct(strong[1].success_rate)}); weakest vs {weak[0]} "
                f"({_fmt_yd(weak[1].mean_yards)}, converts {_pct(weak[1].success_rate)})."
            )
    if k == 0 and len(rows) > 1 and rows[1]["pulls"]:
        nxt = rows[1]
        parts.append(
            f"Next best {nxt['name']}, {_fmt_yd(nxt['mean_yards'])} and "
            f"{_pct(nxt['success_rate'])} (expected reward {nxt['expected_reward']:.1f})."
        )
    elif k > 0:
        best = rows[0]
        parts.append(
            f"{arm.mean - best['expected_reward']:+.1f} expected reward against the top call, "
            f"{best['name']}."
        )
    if arm.pulls < LOW_DATA_PULLS:
        parts.append(f"Too little data: only {arm.pulls} simulated plays, treat it as a guess.")
    return " ".join(parts)


# --- adopt, game plan -----------------------------------------------------------------


@transaction.atomic
def policy_adopt(*, policy, bucket, play, playbook, call_number="", user=None):
    """Put `play` into `playbook`'s call sheet for `bucket` (adding the entry, or the
    bucket to its situations) and record the adoption. Playbook rules (unique call
    numbers …) are checked by playbook_write."""
    if bucket not in policy.buckets:
        raise PolicyError({"bucket": [f"This policy was not trained for {bucket}."]})
    if not policy.plays.filter(pk=play.pk).exists():
        raise PolicyError({"play": [f"{play.name} is not one of this policy's plays."]})
    entries = playbook_entries(playbook)
    call_number = str(call_number or "").strip()
    existing = next((e for e in entries if e["play"].pk == play.pk), None)
    if existing:
        if bucket not in existing["situations"]:
            existing["situations"] = [*existing["situations"], bucket]
        if call_number and call_number != existing["call_number"]:
            raise ValidationError(
                {
                    "call_number": [
                        f"{play.name} is already call {existing['call_number']} in "
                        f"{playbook.name}; adopting adds this situation to that call."
                    ]
                }
            )
        call_number = existing["call_number"]
    else:
        if not call_number:
            used = {e["call_number"] for e in entries}
            call_number = next(str(n) for n in range(1, len(entries) + 2) if str(n) not in used)
        entries.append({"play": play, "call_number": call_number, "situations": [bucket]})
    playbook_write(
        team=playbook.team,
        data={"name": playbook.name, "description": playbook.description},
        entries=entries,
        instance=playbook,
    )
    shown = next(
        (r for r in policy_recommend(policy, bucket)["recommendations"] if r["play"] == play.pk),
        {},
    )
    return PolicyAdoption.objects.create(
        team=policy.team,
        policy=policy,
        bucket=bucket,
        play=play,
        playbook=playbook,
        call_number=call_number,
        recommendation=shown,
        adopted_by=user,
    )


def playbook_game_plan(playbook, top=TOP_CALLS):
    """The game-day sheet: per bucket the top calls of the latest succeeded policy
    trained on this playbook, with the playbook's call numbers."""
    policy = (
        Policy.objects.filter(playbook=playbook, status=JobStatus.SUCCEEDED)
        .order_by("-finished_at", "-id")
        .first()
    )
    plan = {"playbook": playbook.pk, "policy": policy.pk if policy else None, "buckets": []}
    if policy is None:
        plan["note"] = "No policy has finished training on this playbook yet."
        return plan
    plan["trained_at"] = policy.finished_at.isoformat() if policy.finished_at else None
    calls = {e.play_id: e.call_number for e in playbook.entries.all()}
    for bucket in Bucket:
        if bucket.value not in policy.buckets:
            continue
        answer = policy_recommend(policy, bucket.value)
        plan["buckets"].append(
            {
                "bucket": bucket.value,
                "label": bucket.label,
                "confidence": answer["confidence"],
                "enough_data": answer["enough_data"],
                "calls": [
                    {
                        "play": r["play"],
                        "name": r["name"],
                        "call_number": calls.get(r["play"]),
                        "expected_reward": r["expected_reward"],
                        "interval": r["interval"],
                        "mean_yards": r["mean_yards"],
                        "success_rate": r["success_rate"],
                    }
                    for r in answer["recommendations"][:top]
                ],
            }
        )
    return plan


def representative_situation(bucket):
    down, distance, yardline = REPRESENTATIVE[bucket]
    return {"down": down, "distance": distance, "yardline": yardline}
