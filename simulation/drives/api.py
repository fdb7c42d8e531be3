"""Entry points for jobs: plain inputs (teams, rules, counts, seeds) in, JSON-ready dicts out."""

from __future__ import annotations

import numpy as np

from simulation.drives.calls import call_mix, rank_calls
from simulation.drives.ep import EPModel, solve_ep
from simulation.drives.game import simulate_games
from simulation.drives.report import game_report, season_report, team_analysis
from simulation.drives.rules import NFL_FLAG, DriveRules
from simulation.drives.transitions import TeamSpec, sample_transitions

DEFAULT_EPISODES = 512  # per play × defense × yard-line cell


def build_models(
    team: TeamSpec,
    opponent: TeamSpec | None = None,
    rules: DriveRules = NFL_FLAG,
    n_episodes: int = DEFAULT_EPISODES,
    seed: int = 0,
    ep_caller: str = "best",
) -> tuple[EPModel, EPModel]:
    """Both offenses' EP models: team's plays against opponent's defense mix and the
    other way round (each team-neutral). Without an opponent (or the same one) the team
    plays itself and one model serves both. ep_caller: whom EP assumes calls the plays
    ("best" or "average")."""
    if opponent is None or opponent is team:
        table = sample_transitions(team, team, rules, n_episodes, seed)
        model = solve_ep(table, team.weights(), rules, caller=ep_caller)
        return model, model
    ours = sample_transitions(team, opponent, rules, n_episodes, seed)
    theirs = sample_transitions(opponent, team, rules, n_episodes, seed)
    return (
        solve_ep(ours, opponent.weights(), rules, caller=ep_caller),
        solve_ep(theirs, team.weights(), rules, caller=ep_caller),
    )


def _drive_figures(model: EPModel) -> dict:
    s = model.grid.start
    x = model.drive_expectations()
    td, picks = float(x["td"][s]), float(x["interception"][s])
    return {
        "from": f"own {model.rules.start_yardline:g}",
        "points_per_drive": round(float(x["points"][s]), 3),
        "td_per_drive": round(td, 4),
        "interceptions_per_drive": round(picks, 4),
        "td_to_int": round(td / picks, 2) if picks > 0 else None,
        "safeties_per_drive": round(float(x["safety"][s]), 4),
        "downs_per_drive": round(float(x["downs"][s]), 4),
        "snaps_per_drive": round(float(x["snaps"][s]), 2),
    }


def ep_report(model: EPModel) -> dict:
    return {
        "rules": model.rules.to_dict(),
        "ep_caller": model.caller,
        "plays": list(model.plays),
        "defenses": list(model.defenses),
        "defense_weights": np.round(model.weights, 4).tolist(),
        "iterations": model.iterations,
        "ep_table": model.table_rows(),
        "drive_from_start": _drive_figures(model),
        "try": model.side.try_choice,
        "transitions": model.table.summary(),
    }


def expected_points(
    team: TeamSpec,
    opponent: TeamSpec | None = None,
    rules: DriveRules = NFL_FLAG,
    n_episodes: int = DEFAULT_EPISODES,
    seed: int = 0,
) -> dict:
    """The EP table of team's offense against opponent's defense mix, with the drive
    figures (points, TD and interceptions per drive from the start) of the best caller."""
    return ep_report(build_models(team, opponent, rules, n_episodes, seed)[0])


def recommend(
    team: TeamSpec,
    down: int,
    distance: float,
    ytg: float,
    opponent: TeamSpec | None = None,
    defense: str | None = None,
    rules: DriveRules = NFL_FLAG,
    n_episodes: int = DEFAULT_EPISODES,
    seed: int = 0,
    dice: int = 6,
) -> dict:
    """Plays ranked by EPA at the situation (against one defense or the mix) and the
    call mix with its exploitability and wristband."""
    model = build_models(team, opponent, rules, n_episodes, seed)[0]
    return {
        "ranking": rank_calls(model, down, distance, ytg, defense),
        "mix": call_mix(model, down, distance, ytg, dice),
    }


def season(
    team: TeamSpec,
    opponent: TeamSpec | None = None,
    rules: DriveRules = NFL_FLAG,
    n_games: int = 100,
    drives_per_team: int = 8,
    seed: int = 0,
    n_episodes: int = DEFAULT_EPISODES,
    callers=("best", "best"),
    coordinators=("mix", "mix"),
    try_policy: str = "best",
    reports: int = 1,
) -> dict:
    """n_games games against the opponent (itself by default): the season report and
    the full report of the first `reports` games."""
    models = build_models(team, opponent, rules, n_episodes, seed)
    other = (opponent or team).name
    names = (team.name, other if other != team.name else f"{other} (opponent)")
    result = simulate_games(
        models,
        n_games,
        drives_per_team,
        seed,
        callers=callers,
        coordinators=coordinators,
        try_policy=try_policy,
        teams=names,
    )
    return {
        "season": season_report(result),
        "games": [game_report(result, g) for g in range(min(reports, n_games))],
    }


def stress_test(
    team: TeamSpec,
    opponent: TeamSpec | None = None,
    rules: DriveRules = NFL_FLAG,
    n_games: int = 200,
    drives_per_team: int = 8,
    seed: int = 0,
    n_episodes: int = DEFAULT_EPISODES,
    coordinator: str = "fictitious",
    callers=("best", "greedy", "equilibrium"),
) -> dict:
    """Our offense with each caller, against the scouted mix and against a defensive
    coordinator who learns our tendencies during the game. The same games (seeds) for
    every caller; the opponent's offense calls its best play against our mix."""
    models = build_models(team, opponent, rules, n_episodes, seed)
    rows = []
    for caller in callers:
        for coord in ("mix", coordinator):
            result = simulate_games(
                models,
                n_games,
                drives_per_team,
                seed,
                callers=(caller, "best"),
                coordinators=(coord, "mix"),
            )
            figures = team_analysis(result, 0)
            rows.append(
                {
                    "caller": caller,
                    "defense": coord,
                    "points_per_drive": figures["points_per_drive"],
                    "td_per_drive": figures["td_per_drive"],
                    "interceptions_per_drive": figures["interceptions_per_drive"],
                    "epa_per_snap": figures["epa_per_snap"],
                    "most_common_share": figures["tendencies"]["most_common_share"],
                    "entropy_bits": figures["tendencies"]["entropy_bits"],
                }
            )
    return {
        "games": n_games,
        "drives_per_team": drives_per_team,
        "seed": seed,
        "coordinator": coordinator,
        "rows": rows,
    }
