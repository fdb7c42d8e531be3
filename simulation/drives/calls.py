"""Calls on expected points: plays ranked by EPA, the unexploitable call mix of the
plays × defenses game, and the mix printed as a dice wristband."""

from __future__ import annotations

import numpy as np
from scipy.optimize import linprog

from simulation.drives.ep import EPModel
from simulation.drives.rules import GAIN, TOUCHDOWN
from simulation.drives.words import situation_text

# Mix weights below this are solver noise, not a call.
MIX_FLOOR = 1e-9
Z95 = 1.959964


def situation_dict(model: EPModel, s: int) -> dict:
    g = model.grid
    return {"down": int(g.down[s]), "distance": int(g.distance[s]), "yards_to_goal": int(g.ytg[s])}


# Fewer sampled snaps of a play × defense than this at a situation: not enough to call.
MIN_SAMPLES = 200
CONFIDENCE_DRAWS = 20_000
CONFIDENCE_SEED = 20_240_601  # a fixed seed: the same table gives the same confidence


def _epa_estimates(model: EPModel, s: int, d: int | None):
    """Per play at state s: the mean EPA, its standard error, the conversion rate and
    the number of sampled snaps behind them, against defense d or the mix. Every play
    was sampled against every defense (the transition table is exhaustive), so no play
    is without data; a mix answer weights each defense's own sample by the mix."""
    c = int(model.side.cells[s])
    hist = model.side.hist[:, :, c, :]  # [P, D, B]
    epa = model.outcome_epa(s)
    g = model.grid
    converts = (model.table.bin_kind == TOUCHDOWN) | (
        (model.table.bin_kind == GAIN) & (model.table.bin_value >= int(g.distance[s]))
    )
    n = model.table.bins.shape[3]
    mean_d = hist @ epa  # [P, D]
    var_d = np.maximum(hist @ epa**2 - mean_d**2, 0.0)
    conv_d = hist @ converts.astype(np.float64)
    if d is None:
        w = model.weights
        return mean_d @ w, np.sqrt((var_d / n) @ w**2), conv_d @ w, n * int((w > 0).sum())
    return mean_d[:, d], np.sqrt(var_d[:, d] / n), conv_d[:, d], n


def confidence_top(mean, se, top: int) -> float:
    """P(the top play is truly best): every play's EPA drawn from its sampling
    distribution, counting how often the top play's draw is the largest."""
    if len(mean) == 1:
        return 1.0
    rng = np.random.default_rng(CONFIDENCE_SEED)
    draws = rng.standard_normal((CONFIDENCE_DRAWS, len(mean))) * se + mean
    return float(np.mean(np.argmax(draws, axis=1) == top))


def _signed(x: float) -> str:
    return f"{x:+.2f} EPA"


def rank_calls(
    model: EPModel, down: int, distance: float, ytg: float, defense: str | None = None
) -> dict:
    """Plays ranked by EPA at the asked situation (its own cell: a late down is sampled at
    its distance), against the defense mix or one defense, with each EPA's 95 % interval,
    the confidence that the top play is truly best, and the reasons in a coach's words."""
    s = model.state(down, distance, ytg)
    if defense is None:
        d = None
    else:
        if defense not in model.defenses:
            raise ValueError(f"unknown defense {defense!r}")
        d = model.defenses.index(defense)
    epa, se, converts, samples = _epa_estimates(model, s, d)
    success = model.success_rate(s, d)
    order = sorted(range(len(epa)), key=lambda p: (-epa[p], p))
    top = order[0]
    confidence = confidence_top(epa, se, top)
    names = model.table.play_names
    g = model.grid
    where = situation_text(model.rules.L, int(g.down[s]), int(g.distance[s]), int(g.ytg[s]))
    against = "against the scouted mix" if d is None else f"vs {model.table.defense_names[d]}"
    enough = samples >= MIN_SAMPLES
    per_defense = model.epa_matrix(s)  # [P, D]
    rows = []
    for rank, p in enumerate(order):
        text = (
            f"{where} {against}: {names[p]}, {_signed(epa[p])}, converts "
            f"{converts[p] * 100:.0f} % over {samples:,} simulated plays"
        )
        if rank == 0 and len(order) > 1:
            nxt = order[1]
            text += f"; next best {names[nxt]}, {_signed(epa[nxt])}."
        elif rank > 0:
            text += f"; {epa[p] - epa[top]:+.2f} EPA against the top call, {names[top]}."
        else:
            text += "."
        if d is None and len(model.defenses) > 1:
            # Ranked by the figure the sentence names: EPA against each defense.
            best_d = int(np.argmax(per_defense[p]))
            worst_d = int(np.argmin(per_defense[p]))
            text += (
                f" Best vs {model.table.defense_names[best_d]} "
                f"({_signed(per_defense[p, best_d])}), worst vs "
                f"{model.table.defense_names[worst_d]} ({_signed(per_defense[p, worst_d])})."
            )
        rows.append(
            {
                "play": model.plays[p],
                "name": names[p],
                "rank": rank + 1,
                "epa": round(float(epa[p]), 4),
                "interval": [
                    round(float(epa[p] - Z95 * se[p]), 4),
                    round(float(epa[p] + Z95 * se[p]), 4),
                ],
                "success_rate": round(float(success[p]), 4),
                "conversion_rate": round(float(converts[p]), 4),
                "samples": int(samples),
                "reasoning": text,
            }
        )
    answer = {
        "situation": situation_dict(model, s),
        "situation_text": where,
        "ep": round(float(model.V[s]), 4),
        "against": "mix" if d is None else defense,
        "confidence": round(confidence, 4),
        "enough_data": bool(enough),
        "plays": rows,
    }
    if not enough:
        answer["note"] = (
            f"Not enough data for {where} {against}: only {samples} simulated plays of "
            f"each call (at least {MIN_SAMPLES} needed). Run the analysis with more episodes "
            "before trusting this ranking."
        )
    elif confidence < 0.5:
        answer["note"] = (
            f"A close call at {where} {against}: {names[top]} is best in only "
            f"{confidence * 100:.0f} % of what the samples allow; the next calls are as good."
        )
    return answer


def solve_game(A: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """The zero-sum game with payoffs A[play, defense] to the offense: the offense's
    minimax mix, the defense's minimax mix and the value (HiGHS, both sides' LPs)."""
    A = np.asarray(A, dtype=np.float64)
    P, D = A.shape
    # Offense: max v s.t. x·A[:, d] ≥ v for every d, Σx = 1, x ≥ 0.
    res = linprog(
        c=np.r_[np.zeros(P), -1.0],
        A_ub=np.c_[-A.T, np.ones(D)],
        b_ub=np.zeros(D),
        A_eq=np.r_[np.ones(P), 0.0][None, :],
        b_eq=[1.0],
        bounds=[(0, None)] * P + [(None, None)],
        method="highs",
    )
    # Defense: min w s.t. A[p, :]·y ≤ w for every p, Σy = 1, y ≥ 0.
    dual = linprog(
        c=np.r_[np.zeros(D), 1.0],
        A_ub=np.c_[A, -np.ones(P)],
        b_ub=np.zeros(P),
        A_eq=np.r_[np.ones(D), 0.0][None, :],
        b_eq=[1.0],
        bounds=[(0, None)] * D + [(None, None)],
        method="highs",
    )
    if res.status != 0 or dual.status != 0:
        raise RuntimeError(f"call game not solved: {res.message} / {dual.message}")

    def clean(x):
        x = np.where(x < MIX_FLOOR, 0.0, x)
        return x / x.sum()

    return clean(res.x[:P]), clean(dual.x[:D]), float(-res.fun)


def dice_faces(mix, dice: int = 6) -> np.ndarray:
    """Faces of a `dice`-sided die per play, by largest remainder: each play first gets
    ⌊share·dice⌋ faces, the faces left over go to the largest remainders (ties: the
    larger share, then the earlier play). Every play's faces are within one of
    share·dice, and the faces add up to the die."""
    if dice < 2:
        raise ValueError("a die has at least 2 faces")
    mix = np.asarray(mix, dtype=np.float64)
    exact = mix * dice
    faces = np.floor(exact + 1e-12).astype(int)
    left = dice - int(faces.sum())
    remainder = exact - faces
    order = sorted(range(len(mix)), key=lambda i: (-remainder[i], -mix[i], i))
    for i in order[:left]:
        faces[i] += 1
    return faces


def wristband(names, mix, dice: int = 6) -> dict:
    """The mix as dice ranges, most faces first: "1–3 Flood, 4–5 Mesh, 6 Fade"."""
    faces = dice_faces(mix, dice)
    order = sorted(range(len(faces)), key=lambda i: (-faces[i], -mix[i], i))
    ranges, low = [], 1
    for i in order:
        if faces[i] == 0:
            continue
        high = low + int(faces[i]) - 1
        ranges.append(
            {
                "play": names[i],
                "from": low,
                "to": high,
                "faces": int(faces[i]),
                "share": round(float(mix[i]), 4),
            }
        )
        low = high + 1
    text = ", ".join(
        (f"{r['from']}" if r["from"] == r["to"] else f"{r['from']}–{r['to']}") + f" {r['play']}"
        for r in ranges
    )
    return {"dice": dice, "ranges": ranges, "text": text, "faces": faces.tolist()}


def call_mix(model: EPModel, down: int, distance: float, ytg: float, dice: int = 6) -> dict:
    """The call game at a situation: the offense's unexploitable mix, the defense's best
    response to it and its own minimax mix, the value, what the defense's best response
    takes from always calling the single best play, and the mix as a wristband."""
    s = model.state(down, distance, ytg)
    A = model.epa_matrix(s)
    mix, defense_mix, value = solve_game(A)
    vs_mix = model.epa_mix(s)
    best = int(np.argmax(vs_mix))
    pure_vs_response = A.min(axis=1)  # each play called always, the defense answering
    best_answer = int(np.argmin(A[best]))
    equilibrium_answer = int(np.argmin(mix @ A))
    band = wristband(model.table.play_names, mix, dice)
    band_mix = np.asarray(band["faces"], dtype=np.float64) / dice
    return {
        "situation": situation_dict(model, s),
        "ep": round(float(model.V[s]), 4),
        "value": round(value, 4),
        "mix": {model.plays[p]: round(float(mix[p]), 4) for p in np.nonzero(mix)[0]},
        "defense_best_response": model.defenses[equilibrium_answer],
        "defense_mix": {
            model.defenses[d]: round(float(defense_mix[d]), 4) for d in np.nonzero(defense_mix)[0]
        },
        "best_pure_play": {
            "play": model.plays[best],
            "epa_vs_mix": round(float(vs_mix[best]), 4),
            "epa_vs_best_response": round(float(pure_vs_response[best]), 4),
            "best_response": model.defenses[best_answer],
        },
        # What the defense takes from the single best play once it knows it is coming.
        "exploitability": round(float(vs_mix[best] - pure_vs_response[best]), 4),
        # How much worse than the mix that play is once the defense answers it.
        "gap_to_value": round(float(value - pure_vs_response[best]), 4),
        "pure_vs_best_response": {
            model.plays[p]: round(float(pure_vs_response[p]), 4) for p in range(len(model.plays))
        },
        "wristband": band,
        "wristband_value": round(float((band_mix @ A).min()), 4),
        "payoffs": {
            "plays": list(model.plays),
            "defenses": list(model.defenses),
            "epa": np.round(A, 4).tolist(),
        },
    }


def entropy_bits(counts) -> float:
    counts = np.asarray(counts, dtype=np.float64)
    total = counts.sum()
    if total <= 0:
        return 0.0
    p = counts[counts > 0] / total
    return float(-(p * np.log2(p)).sum())
