"""FieldOS simulation engine: a pure NumPy model of one 5v5 flag-football pass play.

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
    SACK,
    Outcomes,
    reward,
)
from simulation.engine.prepare import PreparedPair, prepare, resolve_assignments
from simulation.engine.runner import (
    chunk_count,
    chunk_draws,
    iter_outcomes,
    simulate,
    simulate_matrix,
    simulate_metrics,
    simulate_prepared,
)

__all__ = [
    "AUTO",
    "COMPLETE",
    "DEPTH_KEYS",
    "INCOMPLETE",
    "INTERCEPTION",
    "MAN",
    "NFL_FLAG_5V5",
    "RESULT_NAMES",
    "RUSH",
    "SACK",
    "ZONE",
    "DefenderInput",
    "DefenseRatings",
    "MetricsAggregator",
    "Motion",
    "OffenseRatings",
    "Outcomes",
    "PlayInput",
    "PreparedPair",
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
