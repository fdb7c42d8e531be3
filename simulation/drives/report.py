"""Game and season reports as plain, JSON-ready dicts."""

from __future__ import annotations

import numpy as np

from simulation.drives.calls import entropy_bits
from simulation.drives.game import BUCKETS, GameResult, buckets
from simulation.drives.rules import DOWNS, PICK, SAFETY, TD
from simulation.drives.words import situation_text, spot
from simulation.engine import RESULT_NAMES

__all__ = ["game_report", "season_report", "situation_text", "spot", "team_analysis"]

ZONES = ("own territory", "their territory", "red zone", "goal line")
KEY_MOMENTS = 5


def zones(L: int, ytg) -> np.ndarray:
    ytg = np.asarray(ytg)
    z = np.where(2 * ytg > L, 0, 1)
    z = np.where(ytg <= 10, 2, z)
    return np.where(ytg <= 5, 3, z)


def drive_result(event: int, try_points: int) -> str:
    if event == TD:
        return f"TD + {try_points}" if try_points else "TD, try failed"
    return {PICK: "Interception", DOWNS: "Downs", SAFETY: "Safety"}[int(event)]


def _effectiveness(names, plays, keys, labels, epa) -> dict:
    """{play name: {label: {snaps, epa, success_rate}}} for the labels that occur."""
    out = {}
    for p in np.unique(plays):
        rows = {}
        for k, label in enumerate(labels):
            sel = (plays == p) & (keys == k)
            if sel.any():
                rows[label] = {
                    "snaps": int(sel.sum()),
                    "epa": round(float(epa[sel].mean()), 3),
                    "success_rate": round(float((epa[sel] > 0).mean()), 3),
                }
        out[names[int(p)]] = rows
    return out


def _tendencies(names, rules, snaps) -> dict:
    k = buckets(rules, snaps["down"], snaps["distance"], snaps["ytg"])
    P = len(names)
    by_bucket = {}
    for b, label in enumerate(BUCKETS):
        sel = k == b
        if not sel.any():
            continue
        counts = np.bincount(snaps["play"][sel], minlength=P)
        top = int(np.argmax(counts))
        by_bucket[label] = {
            "snaps": int(sel.sum()),
            "calls": {names[p]: int(c) for p, c in enumerate(counts) if c},
            "most_common": names[top],
            "most_common_share": round(float(counts[top] / sel.sum()), 3),
            "entropy_bits": round(entropy_bits(counts), 3),
        }
    counts = np.bincount(snaps["play"], minlength=P)
    total = max(int(counts.sum()), 1)
    return {
        "by_situation": by_bucket,
        "most_common": names[int(np.argmax(counts))],
        "most_common_share": round(float(counts.max() / total), 3),
        "entropy_bits": round(entropy_bits(counts), 3),
        "max_entropy_bits": round(float(np.log2(P)), 3),
    }


def _team_snaps(result: GameResult, team: int, games=None) -> dict:
    sel = result.snaps["team"] == team
    if games is not None:
        sel &= np.isin(result.snaps["game"], games)
    return {k: v[sel] for k, v in result.snaps.items()}


def _team_figures(result: GameResult, team: int, games=None) -> dict:
    d = result.drives
    sel = d["team"] == team
    if games is not None:
        sel &= np.isin(d["game"], games)
    n = max(int(sel.sum()), 1)
    tds = int((d["event"][sel] == TD).sum())
    picks = int((d["event"][sel] == PICK).sum())
    return {
        "drives": int(sel.sum()),
        "points_per_drive": round(float(d["points_for"][sel].sum() / n), 3),
        "td_per_drive": round(tds / n, 3),
        "interceptions_per_drive": round(picks / n, 3),
        "td_to_int": round(tds / picks, 2) if picks else None,
        "safeties_per_drive": round(float((d["event"][sel] == SAFETY).sum() / n), 3),
        "downs_per_drive": round(float((d["event"][sel] == DOWNS).sum() / n), 3),
        "try_success": round(float((d["try_points"][sel & (d["event"] == TD)] > 0).mean()), 3)
        if tds
        else None,
    }


def team_analysis(result: GameResult, team: int, games=None) -> dict:
    model = result.models[team]
    L = model.rules.L
    snaps = _team_snaps(result, team, games)
    names = model.table.play_names
    epa = snaps["epa"]
    downs = snaps["down"] - 1
    return {
        "team": result.teams[team],
        **_team_figures(result, team, games),
        "snaps": int(epa.size),
        "epa_per_snap": round(float(epa.mean()), 3) if epa.size else None,
        "success_rate": round(float((epa > 0).mean()), 3) if epa.size else None,
        "completion_rate": round(float((snaps["result"] == 0).mean()), 3) if epa.size else None,
        "by_down": _effectiveness(
            names, snaps["play"], downs, [f"down {n}" for n in range(1, 7)], epa
        ),
        "by_zone": _effectiveness(names, snaps["play"], zones(L, snaps["ytg"]), ZONES, epa),
        "tendencies": _tendencies(names, model.rules, snaps),
    }


def game_report(result: GameResult, game: int = 0) -> dict:
    """One game: the score, the drive chart, each team's per-play effectiveness by down
    and field zone, the key moments (largest EPA swings) and tendencies."""
    if not 0 <= game < result.n_games:
        raise ValueError(f"game {game}: 0 to {result.n_games - 1}")
    L = result.models[0].rules.L
    d = result.drives
    sel = np.nonzero(d["game"] == game)[0]
    order = sel[np.lexsort((d["team"][sel], d["drive"][sel]))]
    chart = []
    for i in order:
        team = int(d["team"][i])
        chart.append(
            {
                "team": result.teams[team],
                "drive": int(d["drive"][i]) + 1,
                "start": spot(L, int(result.models[team].grid.ytg[d["start_state"][i]])),
                "snaps": int(d["snaps"][i]),
                "result": drive_result(int(d["event"][i]), int(d["try_points"][i])),
                "points": int(d["points_for"][i]),
                "points_against": int(d["points_against"][i]),
                "epa": round(float(d["epa"][i]), 3),
            }
        )
    s = result.snaps
    rows = np.nonzero(s["game"] == game)[0]
    swings = rows[np.argsort(-np.abs(s["epa"][rows]), kind="stable")[:KEY_MOMENTS]]
    moments = []
    for i in swings:
        team = int(s["team"][i])
        model = result.models[team]
        kind = RESULT_NAMES[int(s["result"][i])]
        moments.append(
            {
                "team": result.teams[team],
                "drive": int(s["drive"][i]) + 1,
                "situation": situation_text(
                    L, int(s["down"][i]), int(s["distance"][i]), int(s["ytg"][i])
                ),
                "play": model.table.play_names[int(s["play"][i])],
                "defense": model.table.defense_names[int(s["defense"][i])],
                "result": "TOUCHDOWN" if s["event"][i] == TD else kind,
                "yards": int(s["ytg"][i])
                if s["event"][i] == TD
                else (int(s["value"][i]) if kind != "INTERCEPTION" else 0),
                "epa": round(float(s["epa"][i]), 3),
            }
        )
    return {
        "game": game,
        "seed": result.seed,
        "score": {result.teams[t]: int(result.scores[game, t]) for t in (0, 1)},
        "drive_chart": chart,
        "key_moments": moments,
        "teams": [team_analysis(result, t, [game]) for t in (0, 1)],
    }


def season_report(result: GameResult) -> dict:
    """Every game together: record, mean score, and each team's analysis."""
    a, b = result.scores[:, 0], result.scores[:, 1]
    return {
        "games": result.n_games,
        "drives_per_team": result.drives_per_team,
        "seed": result.seed,
        "callers": list(result.callers),
        "coordinators": list(result.coordinators),
        "record": {
            result.teams[0]: int((a > b).sum()),
            result.teams[1]: int((b > a).sum()),
            "ties": int((a == b).sum()),
        },
        "mean_score": {
            result.teams[0]: round(float(a.mean()), 2),
            result.teams[1]: round(float(b.mean()), 2),
        },
        "teams": [team_analysis(result, t) for t in (0, 1)],
    }
