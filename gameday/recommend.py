"""Recommendations with the real games in: a trained policy's answer for a situation
(simulation.policies.policy_recommend, read as it is) re-ranked by the combined success
rate — the simulated rate as a Beta prior worth n0 snaps, our real snaps in that
situation bucket (and against that defense, when one is asked for) as the evidence
(gameday/estimates.py). The coach sees all three figures for every play."""

from collections import defaultdict

from simulation.policies import policy_recommend

from . import estimates as est
from . import progression as pg
from .selectors import _pct, _rules_cache, defense_matcher, outcome_of, snaps_for


def real_evidence(team, bucket, scenario=None, opponent=None):
    """{play id: (successes, snaps)} of our charted snaps in `bucket` (tries left out:
    they are not a down of the policy's situations), only those against `scenario`
    when given."""
    rules = _rules_cache(team)
    match = defense_matcher(team) if scenario is not None else None
    counts = defaultdict(lambda: [0, 0])
    for snap in snaps_for(team, opponent=opponent):
        if not snap.play_id or snap.try_points:
            continue
        r = rules(snap.game)
        if pg.bucket(snap.down, snap.distance, snap.yards_to_goal, r.downs) != bucket:
            continue
        if match is not None:
            seen = match(snap)
            if seen is None or seen.pk != scenario.pk:
                continue
        counts[snap.play_id][0] += outcome_of(snap, r).converted
        counts[snap.play_id][1] += 1
    return {play: (s, n) for play, (s, n) in counts.items()}


def recommend_with_games(team, policy, bucket, scenario=None, n0=est.N0, opponent=None):
    answer = policy_recommend(policy, bucket, scenario)
    evidence = real_evidence(team, bucket, scenario, opponent)
    rows = []
    for rec in answer["recommendations"]:
        s, n = evidence.get(rec["play"], (0, 0))
        simulated = rec.get("success_rate")
        row = {
            "play": rec["play"],
            "name": rec["name"],
            "simulated_rank": rec["rank"],
            "simulated": {
                "success_rate": simulated,
                "plays": rec.get("pulls", 0),
                "expected_reward": rec.get("expected_reward"),
                "interval": rec.get("interval"),
            },
            "real": {"n": n, "successes": s, "success_rate": s / n if n else None},
            "combined": None,
            "p_value": None,
            "flagged": False,
        }
        if simulated is None:
            row["summary"] = (
                f"{rec['name']}: never simulated here; "
                f"{n} real snap{'s' if n != 1 else ''}"
                + (f" {_pct(s / n)}" if n else "")
                + " — no combined figure without a simulated prior"
            )
        else:
            c = est.combine(simulated, s, n, n0)
            row["combined"] = {"success_rate": c.mean, "sd": c.sd, "n0": n0}
            row["p_value"] = c.p_value if n else None
            row["flagged"] = c.disagrees()
            real = f"{n} real snap{'s' if n != 1 else ''}" + (f" {_pct(s / n)}" if n else "")
            row["summary"] = (
                f"{rec['name']}: simulated {_pct(simulated)} success, {real}, "
                f"combined {_pct(c.mean)}"
            )
            if row["flagged"]:
                way = "worse" if s / n < simulated else "better"
                row["summary"] += f" — real results are {way} than the simulation beyond chance"
        rows.append(row)
    # Best combined rate first; plays without a simulated prior last; ties keep the
    # policy's own order.
    rows.sort(
        key=lambda r: (
            r["combined"] is None,
            -(r["combined"]["success_rate"] if r["combined"] else 0.0),
            r["simulated_rank"],
        )
    )
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    out = {
        "policy": answer["policy"],
        "bucket": bucket,
        "scenario": answer["scenario"],
        "opponent": opponent or None,
        "n0": n0,
        "ranked_by": "combined success rate",
        "real_snaps": sum(n for _, n in evidence.values()),
        "enough_data": answer.get("enough_data", False),
        "note": answer.get("note", ""),
        "recommendations": rows,
    }
    if rows and rows[0]["simulated_rank"] != 1:
        top = next(r for r in rows if r["simulated_rank"] == 1)
        out["note"] = " ".join(
            filter(
                None,
                [
                    out["note"],
                    f"Our real snaps move {rows[0]['name']} ahead of {top['name']}, the "
                    "simulation's first call.",
                ],
            )
        )
    return out
