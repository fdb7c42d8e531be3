"""Training a play-calling policy (the task body).

Every bucket is its own bandit whose arms are the policy's plays. The episode
budget is split evenly over the buckets and the buckets are trained round-robin (one
batch each per round), so progress and the learning curve cover all of them.

Two kinds of pull share a bucket's budget. A mix pull (the bandit against the mix): the
algorithm picks a play, a batch of episodes of it meets defenses drawn from the weighted
mix, and every episode's engine reward goes to the arm and to its per-defense
statistics. A defense pull (PER_DEFENSE_SHARE of the budget, split evenly over the
defenses): each defense has its own bandit over the same plays, whose arms are the
per-defense statistics; it picks a play for that defense alone. Without the defense
pulls the mix bandit spends nearly everything on the best play against the mix, and the
answer against one defense has ~50 episodes for the play that beats it.

Determinism: each bucket has its own generator, default_rng(SeedSequence([seed, 0,
bucket index])), used for the defense draw and the algorithm, in a fixed order; the
engine's random numbers of a pull come from iter_outcomes(seed, key=(bucket index,
play id, scenario id, pull number of that triple)). Same seed, same inputs → the same
policy, bit for bit.
"""

import logging
import time

import numpy as np
from django.utils import timezone

from playbook.models import Play, Scenario
from simulation import adapter, engine, learning
from simulation.models import FINISHED, JobStatus, Policy
from simulation.policies.buckets import REPRESENTATIVE

logger = logging.getLogger(__name__)

PULLS_PER_ARM = 16  # the batch is sized so each bucket gets ≥ 16 decisions per play
# The share of a bucket's episodes trained against one defense at a time (none with a
# single defense: the mix is that defense). Half: measured on the demo (8 plays × 8
# defenses, 3RD_SHORT, 50,000 episodes), the mix answer keeps its confidence (0.99 with
# the whole budget) while the answer against each defense gets hundreds of episodes for
# its top play instead of ~50 (docs/policies.md, "Per-defense answers").
PER_DEFENSE_SHARE = 0.5
MIN_BATCH, MAX_BATCH = 32, 1024
HEARTBEAT_SECONDS = 30.0  # progress is also saved at least this often
CURVE_STEP = 5  # a learning-curve point every 5 %


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
            "batch": batches[b][0],
            "episodes": bandits[b].total_pulls,
            "per_defense_batch": batches[b][1],
            "per_defense_episodes": sum(a.pulls for arms_p in per_scenario[b] for a in arms_p)
            - bandits[b].total_pulls,
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
    share = PER_DEFENSE_SHARE if n_scen > 1 else 0.0
    # per bucket: the mix pulls' budget, then each defense's
    per_defense = [_split(int(budget * share), n_scen) for budget in budgets]
    remaining = [budget - sum(left) for budget, left in zip(budgets, per_defense, strict=True)]
    batches = [
        (batch_size(mix, n_plays), batch_size(max(left), n_plays) if max(left) else 0)
        for mix, left in zip(remaining, per_defense, strict=True)
    ]
    bandits = [_bandit(policy, n_plays) for _ in buckets]
    per_scenario = [
        [[learning.ArmStats() for _ in range(n_scen)] for _ in range(n_plays)] for _ in buckets
    ]
    # each defense's bandit: its arms are the plays' statistics against that defense
    defense_bandits = [
        [
            learning.Bandit(
                n_plays,
                policy.algorithm,
                c=bandits[b].c,
                epsilon=bandits[b].epsilon,
                arms=[per_scenario[b][p][s] for p in range(n_plays)],
            )
            for s in range(n_scen)
        ]
        for b in range(len(buckets))
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

    def simulate(b, bucket, p, s, count):
        """count episodes of play p vs defense s, fed to the per-defense statistics."""
        triple = (b, trainer.plays[p].pk, trainer.scenarios[s].pk)
        pull = pull_counts.get(triple, 0)
        pull_counts[triple] = pull + 1
        part = engine.simulate_prepared(
            trainer.prepared(b, bucket, p, s),
            int(count),
            policy.seed,
            chunks=[0],
            key=(*triple, pull),
        )
        per_scenario[b][p][s].update(part.reward, part.yards, part.converted)
        return part

    while any(remaining) or any(any(left) for left in per_defense):
        for b, bucket in enumerate(buckets):
            rng = rngs[b]
            if remaining[b]:
                n = min(batches[b][0], remaining[b])
                best_before = bandits[b].best_arm()
                p = bandits[b].select(rng)
                # Each episode of the batch meets a defense drawn from the mix: one defense
                # for a whole batch would let a single unlucky draw (a vertical play against
                # the one defense that takes verticals away) bury a play for the rest of the
                # training.
                parts = [
                    simulate(b, bucket, p, s, count)
                    for s, count in enumerate(rng.multinomial(n, trainer.weights))
                    if count
                ]
                rewards = np.concatenate([part.reward for part in parts])
                bandits[b].update(
                    p,
                    rewards,
                    np.concatenate([part.yards for part in parts]),
                    np.concatenate([part.converted for part in parts]),
                )
                remaining[b] -= n
                done += n
                interval_rewards += float(rewards.sum())
                interval_n += n
                interval_best += n if p == best_before else 0
            for s, left in enumerate(per_defense[b]):
                if not left:
                    continue
                n = min(batches[b][1], left)
                best_before = defense_bandits[b][s].best_arm()
                p = defense_bandits[b][s].select(rng)
                part = simulate(b, bucket, p, s, n)
                per_defense[b][s] -= n
                done += n
                interval_rewards += float(part.reward.sum())
                interval_n += n
                interval_best += n if p == best_before else 0
        progress = min(100, done * 100 // total)
        if progress >= next_point and interval_n:
            # a round that crosses several points gives each of them its figures
            point = {
                "episodes": done,
                "mean_reward": round(interval_rewards / interval_n, 4),
                "best_arm_share": round(interval_best / interval_n, 4),
            }
            while progress >= next_point and next_point <= 100:
                curve.append({"progress": next_point, **point})
                next_point += CURVE_STEP
            interval_rewards, interval_n, interval_best = 0.0, 0, 0
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
