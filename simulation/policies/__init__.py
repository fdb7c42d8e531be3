"""Play-calling policies: start a training (start), the training itself (training),
reading it (recommend, reasons), adopting a call (adopt). Cancel and recovery are the
jobs' (simulation.jobs), shared with simulation runs.
How training works, and why it is deterministic: training.py.
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
