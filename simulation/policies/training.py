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

Slices: a task trains for about SLICE_SECONDS, stores the learner's whole state and the
engine inputs it took at the start in `Policy.checkpoint`, goes back to the queue and
ends; the next task resumes from there. The state carries over exactly, so the slices
do not change the policy.

Determinism: each bucket has its own generator, default_rng(SeedSequence([seed, 0,
bucket index])), used for the defense draw and the algorithm, in a fixed order; the
engine's random numbers of a pull come from iter_outcomes(seed, key=(bucket index,
play id, scenario id, pull number of that triple)). Same seed, same inputs → the same
policy, bit for bit.
"""

import logging
import math
import time

import numpy as np
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from playbook.models import Play, Scenario
from simulation import engine, learning, snapshot
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
# A training is cut into slices of about this much work: then its task ends and the
# next slice is queued behind whatever other teams queued meanwhile, so a worker is
# never held by one training for longer (a run's slice is about a second; a slice of
# training re-reads its checkpoint and re-prepares its inputs when another worker takes
# it, about 1 s for the demo: 10 s keeps that under a tenth).
SLICE_SECONDS = 10.0
CURVE_STEP = 5  # a learning-curve point every 5 %


def _split(total, parts):
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def batch_size(per_bucket, n_plays):
    size = max(MIN_BATCH, min(MAX_BATCH, per_bucket // max(1, n_plays * PULLS_PER_ARM)))
    return max(1, min(size, per_bucket))


class _Trainer:
    """The plays and defenses of a training and their prepared engine inputs. The engine
    inputs come from the snapshot taken when the training started (`inputs`), so an edit
    made while it runs never reaches a later slice."""

    def __init__(self, policy, inputs):
        self.policy = policy
        self.plays = list(Play.objects.filter(pk__in=policy.plays.values("pk")).order_by("pk"))
        by_id = {s.pk: s for s in Scenario.objects.filter(pk__in=policy.scenario_ids)}
        if len(by_id) != len(set(policy.scenario_ids)):
            raise RuntimeError("a defense of this training was deleted")
        self.scenarios = [by_id[pk] for pk in policy.scenario_ids]
        weights = np.array([m["weight"] for m in policy.mix], dtype=np.float64)
        self.weights = weights / weights.sum()
        taken = snapshot.Inputs(inputs)
        self.offense, self.defense = taken.offense, taken.defense
        self.play_inputs = [taken.play(p.pk) for p in self.plays]
        self.scenario_inputs = [taken.scenario(s.pk) for s in self.scenarios]
        self.rules = [taken.rules(s.pk) for s in self.scenarios]
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


# The last trainer this process used: the worker that takes a training's next slice is
# usually the one that ran the last, and then it skips preparing every play × defense ×
# bucket again (0.7 s for the demo's 448 triples).
_last_trainer = {}


def _trainer(policy, inputs):
    key = (policy.pk, policy.started_at)
    trainer = _last_trainer.get(key)
    if trainer is None:
        _last_trainer.clear()
        trainer = _last_trainer[key] = _Trainer(policy, inputs)
    trainer.policy = policy
    return trainer


def _bandit(policy, n_arms, arms=None):
    params = policy.params or {}
    return learning.Bandit(
        n_arms,
        policy.algorithm,
        c=params.get("c"),
        epsilon=params.get("epsilon", learning.DEFAULT_EPSILON),
        arms=arms,
    )


def _rng_state(rng):
    state = rng.bit_generator.state
    inner = {k: str(v) for k, v in state["state"].items()}  # 128-bit integers as text
    return {**state, "state": inner}


def _rng_from(state):
    rng = np.random.Generator(np.random.PCG64())
    rng.bit_generator.state = {**state, "state": {k: int(v) for k, v in state["state"].items()}}
    return rng


class _Training:
    """A training's whole state: budgets left, every bandit's arms, the generators, the
    pull counters and the learning curve. `to_data()` / `from_data()` carry it from one
    slice to the next exactly (JSON keeps floats bit for bit), so a training cut into
    slices is the same policy as one run in a go."""

    def __init__(self, policy, trainer, data=None):
        self.policy, self.trainer = policy, trainer
        self.buckets = list(policy.buckets)
        n_plays, n_scen = len(trainer.plays), len(trainer.scenarios)
        if n_plays < 1 or n_scen < 1:
            raise RuntimeError("the policy has no plays or no scenarios left to train on")
        budgets = _split(policy.episodes, len(self.buckets))
        share = PER_DEFENSE_SHARE if n_scen > 1 else 0.0
        # per bucket: the mix pulls' budget, then each defense's
        per_defense = [_split(int(budget * share), n_scen) for budget in budgets]
        remaining = [budget - sum(left) for budget, left in zip(budgets, per_defense, strict=True)]
        self.batches = [
            (batch_size(mix, n_plays), batch_size(max(left), n_plays) if max(left) else 0)
            for mix, left in zip(remaining, per_defense, strict=True)
        ]
        nb = len(self.buckets)
        if data is None:
            self.remaining, self.per_defense = remaining, per_defense
            mix_arms = [[learning.ArmStats() for _ in range(n_plays)] for _ in range(nb)]
            self.per_scenario = [
                [[learning.ArmStats() for _ in range(n_scen)] for _ in range(n_plays)]
                for _ in range(nb)
            ]
            self.rngs = [
                np.random.default_rng(np.random.SeedSequence([policy.seed, 0, b]))
                for b in range(nb)
            ]
            self.pull_counts = {}
            self.done, self.curve, self.next_point = 0, [], CURVE_STEP
            self.interval = [0.0, 0, 0]  # rewards, episodes, episodes on the best arm
        else:
            self.remaining, self.per_defense = data["remaining"], data["per_defense"]
            mix_arms = [[learning.ArmStats.from_dict(a) for a in arms] for arms in data["mix"]]
            self.per_scenario = [
                [[learning.ArmStats.from_dict(a) for a in row] for row in bucket]
                for bucket in data["per_scenario"]
            ]
            self.rngs = [_rng_from(state) for state in data["rngs"]]
            self.pull_counts = {
                tuple(int(x) for x in k.split(":")): n for k, n in data["pulls"].items()
            }
            self.done, self.curve = data["done"], data["curve"]
            self.next_point, self.interval = data["next_point"], data["interval"]
        self.bandits = [_bandit(policy, n_plays, mix_arms[b]) for b in range(nb)]
        # each defense's bandit: its arms are the plays' statistics against that defense
        self.defense_bandits = [
            [
                _bandit(policy, n_plays, [self.per_scenario[b][p][s] for p in range(n_plays)])
                for s in range(n_scen)
            ]
            for b in range(nb)
        ]

    def to_data(self):
        return {
            "remaining": self.remaining,
            "per_defense": self.per_defense,
            "mix": [[a.to_dict() for a in bandit.arms] for bandit in self.bandits],
            "per_scenario": [
                [[a.to_dict() for a in row] for row in bucket] for bucket in self.per_scenario
            ],
            "rngs": [_rng_state(rng) for rng in self.rngs],
            "pulls": {":".join(map(str, k)): n for k, n in self.pull_counts.items()},
            "done": self.done,
            "curve": self.curve,
            "next_point": self.next_point,
            "interval": self.interval,
        }

    @property
    def finished(self):
        return not any(self.remaining) and not any(any(left) for left in self.per_defense)

    @property
    def progress(self):
        return min(100, self.done * 100 // self.policy.episodes)

    def stats(self):
        trainer = self.trainer
        out = {}
        for b, bucket in enumerate(self.buckets):
            down, distance, yardline = REPRESENTATIVE[bucket]
            bandit, per_scenario = self.bandits[b], self.per_scenario[b]
            arms = {}
            for p, play in enumerate(trainer.plays):
                arms[str(play.pk)] = {
                    "name": play.name,
                    **bandit.arms[p].to_dict(),
                    "scenarios": {
                        str(sc.pk): per_scenario[p][s].to_dict()
                        for s, sc in enumerate(trainer.scenarios)
                    },
                }
            out[bucket] = {
                "situation": {"down": down, "distance": distance, "yardline": yardline},
                "batch": self.batches[b][0],
                "episodes": bandit.total_pulls,
                "per_defense_batch": self.batches[b][1],
                "per_defense_episodes": sum(a.pulls for row in per_scenario for a in row)
                - bandit.total_pulls,
                "arms": arms,
            }
        return out

    def _simulate(self, b, bucket, p, s, count):
        """count episodes of play p vs defense s, fed to the per-defense statistics."""
        trainer = self.trainer
        triple = (b, trainer.plays[p].pk, trainer.scenarios[s].pk)
        pull = self.pull_counts.get(triple, 0)
        self.pull_counts[triple] = pull + 1
        part = engine.simulate_prepared(
            trainer.prepared(b, bucket, p, s),
            int(count),
            self.policy.seed,
            chunks=[0],
            key=(*triple, pull),
        )
        self.per_scenario[b][p][s].update(part.reward, part.yards, part.converted)
        return part

    def _record(self, n, rewards_sum, on_best):
        self.done += n
        self.interval[0] += rewards_sum
        self.interval[1] += n
        self.interval[2] += n if on_best else 0

    def round(self):
        """One batch of every bucket's mix bandit and of each of its defense bandits."""
        for b, bucket in enumerate(self.buckets):
            rng = self.rngs[b]
            if self.remaining[b]:
                n = min(self.batches[b][0], self.remaining[b])
                bandit = self.bandits[b]
                best_before = bandit.best_arm()
                p = bandit.select(rng)
                # Each episode of the batch meets a defense drawn from the mix: one defense
                # for a whole batch would let a single unlucky draw (a vertical play against
                # the one defense that takes verticals away) bury a play for the rest of the
                # training.
                parts = [
                    self._simulate(b, bucket, p, s, count)
                    for s, count in enumerate(rng.multinomial(n, self.trainer.weights))
                    if count
                ]
                rewards = np.concatenate([part.reward for part in parts])
                bandit.update(
                    p,
                    rewards,
                    np.concatenate([part.yards for part in parts]),
                    np.concatenate([part.converted for part in parts]),
                )
                self.remaining[b] -= n
                self._record(n, float(rewards.sum()), p == best_before)
            for s, left in enumerate(self.per_defense[b]):
                if not left:
                    continue
                n = min(self.batches[b][1], left)
                bandit = self.defense_bandits[b][s]
                best_before = bandit.best_arm()
                p = bandit.select(rng)
                part = self._simulate(b, bucket, p, s, n)
                self.per_defense[b][s] -= n
                self._record(n, float(part.reward.sum()), p == best_before)
        progress = self.progress
        rewards, n, best = self.interval
        if progress >= self.next_point and n:
            # a round that crosses several points gives each of them its figures
            point = {
                "episodes": self.done,
                "mean_reward": round(rewards / n, 4),
                "best_arm_share": round(best / n, 4),
            }
            while progress >= self.next_point and self.next_point <= 100:
                self.curve.append({"progress": self.next_point, **point})
                self.next_point += CURVE_STEP
            self.interval = [0.0, 0, 0]


def _running(policy):
    return Policy.objects.filter(pk=policy.pk, status=JobStatus.RUNNING)


def _train(policy, slice_seconds):
    """Train from the policy's checkpoint (or the start) until it is finished, cancelled
    or slice_seconds have passed (at the end of a round): "finished", "paused" or
    "stopped"."""
    checkpoint = policy.checkpoint or {}
    inputs = checkpoint.get("inputs")
    if inputs is None:
        policy.play_ids = sorted(policy.plays.values_list("pk", flat=True))  # what it trains
        inputs = snapshot.take(policy)
    training = _Training(policy, _trainer(policy, inputs), checkpoint.get("state"))
    started = last_save = time.monotonic()
    saved_progress = training.progress

    def fields():
        return {
            "progress": training.progress,
            "episodes_done": training.done,
            "stats": training.stats(),
            "curve": training.curve,
            "heartbeat_at": timezone.now(),
        }

    while not training.finished:
        training.round()
        if not _running(policy).exists():  # cancelled (or recovered as stale): keep what we have
            Policy.objects.filter(pk=policy.pk).update(
                **{**fields(), "progress": saved_progress}, checkpoint=None
            )
            return "stopped"
        now = time.monotonic()
        if now - started >= slice_seconds and not training.finished:
            # give the worker back: the rest waits in the queue behind what came meanwhile
            paused = _running(policy).update(
                **fields(),
                checkpoint={"inputs": inputs, "state": training.to_data()},
                status=JobStatus.QUEUED,
                queued_at=timezone.now(),
            )
            return "paused" if paused else "stopped"
        if training.progress > saved_progress or now - last_save > HEARTBEAT_SECONDS:
            if training.progress < 100:
                _running(policy).update(**fields())
            saved_progress, last_save = training.progress, now
    policy.stats, policy.curve = training.stats(), training.curve
    policy.episodes_done = training.done
    return "finished"


def policy_train(policy_id, slice_seconds=None, *, whole=False):
    """Run a slice of a policy's training (the task body): from its checkpoint, for about
    slice_seconds (default SLICE_SECONDS), or to the end if `whole`. Returns the policy
    when work is left (its task queues the next slice), else None. Safe to call twice: a
    policy that is not queued is left alone."""
    if whole:
        slice_seconds = math.inf
    elif slice_seconds is None:
        slice_seconds = SLICE_SECONDS
    now = timezone.now()
    claimed = Policy.objects.filter(pk=policy_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=Coalesce(F("started_at"), Value(now)), heartbeat_at=now
    )
    if not claimed:  # finished meanwhile (cancelled between two slices): drop its state
        Policy.objects.filter(pk=policy_id, status__in=FINISHED, checkpoint__isnull=False).update(
            checkpoint=None
        )
        return None
    policy = Policy.objects.select_related("team", "ruleset", "lineup").get(pk=policy_id)
    try:
        outcome = _train(policy, slice_seconds)
    except Exception as exc:
        logger.exception("policy %s training failed", policy_id)
        Policy.objects.filter(pk=policy_id).exclude(status__in=FINISHED).update(
            status=JobStatus.FAILED,
            error=f"{type(exc).__name__}: {exc}",
            finished_at=timezone.now(),
            checkpoint=None,
        )
        return None
    if outcome == "paused":
        return policy
    if outcome == "finished":
        _running(policy).update(
            status=JobStatus.SUCCEEDED,
            progress=100,
            episodes_done=policy.episodes_done,
            stats=policy.stats,
            curve=policy.curve,
            heartbeat_at=timezone.now(),
            finished_at=timezone.now(),
            checkpoint=None,
        )
    return None
