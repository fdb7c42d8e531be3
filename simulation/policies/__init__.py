"""Play-calling policies: start a training (start), the training itself (training),
reading it (recommend, reasons), adopting a call (adopt). Cancel and recovery are the
jobs' (simulation.jobs), shared with simulation runs.

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

from simulation import engine
from simulation.jobs import STALE_AFTER, policy_recover_stale, policy_requeue_lost
from simulation.jobs import job_cancel as policy_cancel
from simulation.policies.adopt import policy_adopt
from simulation.policies.buckets import (
    REPRESENTATIVE,
    representative_situation,
    scenario_fit_errors,
)
from simulation.policies.recommend import (
    TOP_CALLS,
    PolicyError,
    playbook_game_plan,
    policy_recommend,
)
from simulation.policies.start import (
    MAX_PLAYS,
    MAX_SCENARIOS,
    policy_train_check,
    policy_train_start,
)
from simulation.policies.training import batch_size, policy_train

__all__ = [
    "MAX_PLAYS",
    "MAX_SCENARIOS",
    "REPRESENTATIVE",
    "STALE_AFTER",
    "TOP_CALLS",
    "PolicyError",
    "batch_size",
    "engine",
    "playbook_game_plan",
    "policy_adopt",
    "policy_cancel",
    "policy_recommend",
    "policy_recover_stale",
    "policy_requeue_lost",
    "policy_train",
    "policy_train_check",
    "policy_train_start",
    "representative_situation",
    "scenario_fit_errors",
]
