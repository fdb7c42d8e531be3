"""FieldOS simulation engine: a pure NumPy model of one 5v5 flag-football play (a pass,
a run, or a trick play).

No Django here (a test checks it): plain dataclasses in, arrays out. See docs/engine.md.
"""

from simulation.engine.inputs import (
    AUTO,
    MAN,
    NFL_FLAG_5V5,
    RUSH,
    ZONE,
    DefenderInput,
    DefenseRatings,
    Handoff,
    Motion,
    OffenseRatings,
    PlayInput,
    Route,
    Ruleset,
    ScenarioInput,
    Situation,
)
from simulation.engine.metrics import DEPTH_KEYS, MetricsAggregator
from simulation.engine.outcomes import (
    COMPLETE,
    INCOMPLETE,
    INTERCEPTION,
    RESULT_NAMES,
    RUN,
    SACK,
    Outcomes,
    reward,
)
from simulation.engine.prepare import PreparedPair, resolve_assignments
from simulation.engine.runner import (
    chunk_count,
    chunk_draws,
    iter_outcomes,
    simulate,
    simulate_matrix,
    simulate_metrics,
    simulate_prepared,
)
from simulation.engine.running import PreparedRun, PreparedTrick, prepare

__all__ = [
    "AUTO",
    "COMPLETE",
    "DEPTH_KEYS",
    "INCOMPLETE",
    "INTERCEPTION",
    "MAN",
    "NFL_FLAG_5V5",
    "RESULT_NAMES",
    "RUN",
    "RUSH",
    "SACK",
    "ZONE",
    "DefenderInput",
    "DefenseRatings",
    "Handoff",
    "MetricsAggregator",
    "Motion",
    "OffenseRatings",
    "Outcomes",
    "PlayInput",
    "PreparedPair",
    "PreparedRun",
    "PreparedTrick",
    "Route",
    "Ruleset",
    "ScenarioInput",
    "Situation",
    "chunk_count",
    "chunk_draws",
    "iter_outcomes",
    "prepare",
    "resolve_assignments",
    "reward",
    "simulate",
    "simulate_matrix",
    "simulate_metrics",
    "simulate_prepared",
]
