"""Drives, games and expected points on top of the play engine (pure: no Django).

Plays are sampled from the engine once per play × defense × yard-line cell, chained into
drives under a ruleset, and solved for expected points; calls, call mixes, games, the
adaptive-defense stress test and game reports are built on that. See docs/drives.md.
"""

from simulation.drives.api import (
    build_models,
    ep_report,
    expected_points,
    recommend,
    season,
    stress_test,
)
from simulation.drives.calls import call_mix, dice_faces, rank_calls, solve_game, wristband
from simulation.drives.ep import EPModel, solve_ep
from simulation.drives.game import GameResult, simulate_games
from simulation.drives.report import game_report, season_report
from simulation.drives.rules import NFL_FLAG, DriveRules, Grid, advance
from simulation.drives.transitions import (
    TeamSpec,
    TransitionTable,
    cell_count,
    default_cells,
    default_late_distances,
    sample_transitions,
)

__all__ = [
    "NFL_FLAG",
    "DriveRules",
    "EPModel",
    "GameResult",
    "Grid",
    "TeamSpec",
    "TransitionTable",
    "advance",
    "build_models",
    "call_mix",
    "cell_count",
    "default_cells",
    "default_late_distances",
    "dice_faces",
    "ep_report",
    "expected_points",
    "game_report",
    "rank_calls",
    "recommend",
    "sample_transitions",
    "season",
    "season_report",
    "simulate_games",
    "solve_ep",
    "solve_game",
    "stress_test",
    "wristband",
]
