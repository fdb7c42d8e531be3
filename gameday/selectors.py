"""Reads: the drive chart, the self-scout report, opponent scouting and the
simulated-vs-real estimates. Every function takes the team and reads only its rows."""

from collections import Counter, defaultdict

from playbook.models import Scenario
from simulation.models import JobStatus, SimulationRun

from . import estimates as est
from . import progression as pg
from .models import Game, Snap
from .services import rules_of

ORDINAL = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 5: "5th", 6: "6th"}


def snaps_for(team, games=None, opponent=None):
    snaps = Snap.objects.filter(team=team).select_related(
        "play__formation", "defense", "game__ruleset"
    )
    if games is not None:
        snaps = snaps.filter(game__in=games)
    if opponent:
        snaps = snaps.filter(game__opponent__iexact=opponent.strip())
    return list(snaps.order_by("game__date", "game_id", "sequence", "id"))


def _rules_cache(team):
    cache = {}

    def rules(game):
        if game.pk not in cache:
            cache[game.pk] = rules_of(game)
        return cache[game.pk]

    return rules


def outcome_of(snap, rules):
    return pg.advance(rules, snap.state(), snap.result, snap.yards, snap.touchdown)


# --- the drive chart ----------------------------------------------------------------------


def drive_chart(game):
    rules = rules_of(game)
    snaps = list(game.snaps.select_related("play", "defense").order_by("sequence", "id"))
    drives = []
    for i, snap in enumerate(snaps):
        outcome = outcome_of(snap, rules)
        if not drives or drives[-1]["drive"] != snap.drive:
            drives.append(
                {
                    "drive": snap.drive,
                    "start_yards_to_goal": snap.yards_to_goal,
                    "plays": 0,
                    "yards": 0.0,
                    "first_downs": 0,
                    "result": "in progress",
                    "snaps": [],
                }
            )
        drive = drives[-1]
        drive["plays"] += 1
        if snap.result != pg.PENALTY and not snap.try_points:  # a try gains no field
            drive["yards"] += snap.yards
        drive["first_downs"] += outcome.event == pg.FIRST_DOWN
        if snap.try_points:
            drive["try"] = {"points": snap.try_points, "good": outcome.event == pg.TRY_GOOD}
        drive["snaps"].append(
            {
                "id": snap.pk,
                "sequence": snap.sequence,
                "down": snap.down,
                "distance": snap.distance,
                "yards_to_goal": snap.yards_to_goal,
                "try_points": snap.try_points,
                "call": snap.call_label,
                "defense": snap.defense_label,
                "result": snap.result,
                "yards": snap.yards,
                "event": outcome.event,
            }
        )
        following = snaps[i + 1] if i + 1 < len(snaps) else None
        if outcome.event in pg.DRIVE_ENDS:
            drive["result"] = outcome.event
        elif snap.try_points:
            pass  # the try belongs to the touchdown's drive, which ended with it
        elif following is not None and following.drive != snap.drive:
            drive["result"] = "ended"
    touchdowns = sum(1 for d in drives if d["result"] == pg.TOUCHDOWN)
    tries = [d["try"] for d in drives if "try" in d]
    return {
        "game": game.pk,
        "snaps": len(snaps),
        "touchdowns": touchdowns,
        "tries": {
            "attempted": len(tries),
            "good": sum(t["good"] for t in tries),
            "points": sum(t["points"] for t in tries if t["good"]),
        },
        "next": _state_dict(outcome_of(snaps[-1], rules).next if snaps else pg.drive_start(rules)),
        "drives": drives,
    }


def _state_dict(state):
    return {
        "drive": state.drive,
        "down": state.down,
        "distance": state.distance,
        "yards_to_goal": state.yards_to_goal,
        "try_points": state.try_points,
    }


# --- simulated figures ---------------------------------------------------------------------


def simulated_rates(team):
    """{(play, scenario, bucket): (success rate, episodes)} pooled over the team's
    finished runs; bucket None pools every situation, scenario None every defense."""
    runs = (
        SimulationRun.objects.filter(team=team, status=JobStatus.SUCCEEDED)
        .exclude(metrics=None)
        .values_list("bucket", "metrics")
    )
    sums = defaultdict(lambda: [0.0, 0])
    for bucket, metrics in runs:
        for pair in (metrics or {}).get("pairs", []):
            rate, n = pair.get("success_rate"), pair.get("episodes") or 0
            if rate is None or not n:
                continue
            for key in (
                (pair["play"], pair["scenario"], bucket),
                (pair["play"], pair["scenario"], None),
                (pair["play"], None, None),
            ):
                sums[key][0] += rate * n
                sums[key][1] += n
    return {key: (s / n, n) for key, (s, n) in sums.items()}


def defense_matcher(team):
    """snap → the scenario it was seen as: the one charted, else the only scenario of
    the team with the described shell, coverage and rushers (None when not one)."""
    scenarios = [
        (s, s.shell, s.coverage, s.rushers_count)
        for s in Scenario.objects.filter(team=team).prefetch_related("defenders")
    ]

    def match(snap):
        if snap.defense_id:
            return snap.defense
        wanted = (snap.defense_shell, snap.defense_coverage, snap.defense_rushers)
        if not any(v not in ("", None) for v in wanted):
            return None
        found = [
            s
            for s, shell, coverage, rushers in scenarios
            if (not wanted[0] or wanted[0] == shell)
            and (not wanted[1] or wanted[1] == coverage)
            and (wanted[2] is None or wanted[2] == rushers)
        ]
        return found[0] if len(found) == 1 else None

    return match


# --- self-scout ------------------------------------------------------------------------------


def situation_label(down, distance):
    return f"{ORDINAL.get(down, down)} & {pg.distance_bucket(distance).split(' ')[0]}"


def _calls_by(snaps, key):
    groups = defaultdict(list)
    for snap in snaps:
        groups[key(snap)].append(snap.call_label)
    out = []
    for name, calls in groups.items():
        counts = Counter(calls)
        n = len(calls)
        out.append(
            {
                "key": str(name),
                "n": n,
                **{k: v for k, v in est.predictability(calls).items() if k != "n"},
                "calls": [
                    {"call": c, "n": k, "share": k / n}
                    for c, k in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
                ],
            }
        )
    return out


def _ordered(rows, order):
    rank = {k: i for i, k in enumerate(order)}
    return sorted(rows, key=lambda r: (rank.get(r["key"], len(rank)), r["key"]))


def self_scout(team, snaps):
    rules = _rules_cache(team)
    sims = simulated_rates(team)
    downs = [str(d) for d in range(1, 7)]
    situations = [
        f"{ORDINAL[d]} & {b.split(' ')[0]}" for d in range(1, 7) for b in pg.DISTANCE_BUCKETS
    ]
    by_situation = _ordered(
        _calls_by(snaps, lambda s: situation_label(s.down, s.distance)), situations
    )
    results = defaultdict(lambda: {"n": 0, "successes": 0, "yards": 0.0})
    names = {}
    for snap in snaps:
        key = snap.play_id or f"call:{snap.call_label}"
        names[key] = snap.call_label
        row = results[key]
        row["n"] += 1
        row["successes"] += outcome_of(snap, rules(snap.game)).converted
        row["yards"] += snap.yards
    per_play = []
    for key, row in results.items():
        play = key if isinstance(key, int) else None
        sim = sims.get((play, None, None)) if play else None
        rate = row["successes"] / row["n"]
        if sim is None:
            expectation = "no finished simulation run has this play"
        else:
            diff = rate - sim[0]
            expectation = (
                f"simulated {_pct(sim[0])} over {sim[1]:,} episodes; real {_pct(rate)} "
                f"({'+' if diff >= 0 else '−'}{_pct(abs(diff))})"
            )
        per_play.append(
            {
                "play": play,
                "call": names[key],
                "n": row["n"],
                "successes": row["successes"],
                "success_rate": rate,
                "mean_yards": row["yards"] / row["n"],
                "simulated_success_rate": sim[0] if sim else None,
                "simulated_episodes": sim[1] if sim else 0,
                "expectation": expectation,
            }
        )
    per_play.sort(key=lambda r: (-r["n"], r["call"]))
    calls = [r["call"] for r in per_play]
    cols = [r["key"] for r in by_situation]
    counts = {(r["key"], c["call"]): c["n"] for r in by_situation for c in r["calls"]}
    return {
        "snaps": len(snaps),
        "games": len({s.game_id for s in snaps}),
        "overall": est.predictability([s.call_label for s in snaps]),
        "by_down": _ordered(_calls_by(snaps, lambda s: s.down), downs),
        "by_distance": _ordered(
            _calls_by(snaps, lambda s: pg.distance_bucket(s.distance)), pg.DISTANCE_BUCKETS
        ),
        "by_zone": _ordered(
            _calls_by(snaps, lambda s: pg.field_zone(rules(s.game), s.yards_to_goal)), pg.ZONES
        ),
        "by_formation": sorted(
            _calls_by(snaps, lambda s: s.play.formation.name if s.play_id else "unknown"),
            key=lambda r: (-r["n"], r["key"]),
        ),
        "by_situation": by_situation,
        "results": per_play,
        "heat_map": {
            "rows": calls,
            "columns": cols,
            "counts": [[counts.get((col, call), 0) for col in cols] for call in calls],
        },
    }


# --- opponent scouting -----------------------------------------------------------------------


def opponents(team):
    names = Game.objects.filter(team=team).values_list("opponent", flat=True)
    seen = {}
    for name in names:
        seen.setdefault(name.strip().lower(), name.strip())
    return sorted(seen.values(), key=str.lower)


def scouting(team, opponent, bucket=None):
    """What `opponent` showed by situation bucket across games, and the scenario mix
    those frequencies make (for POST …/policies/train/ `scenarios`)."""
    snaps = snaps_for(team, opponent=opponent)
    rules = _rules_cache(team)
    match = defense_matcher(team)
    by_bucket = defaultdict(Counter)
    scenario_of = {}
    mixes = defaultdict(Counter)
    unmatched = Counter()
    for snap in snaps:
        r = rules(snap.game)
        b = pg.bucket(snap.down, snap.distance, snap.yards_to_goal, r.downs)
        label = snap.defense_label
        by_bucket[b][label] += 1
        scenario = match(snap)
        if scenario is None:
            unmatched[label] += 1
            continue
        scenario_of[label] = scenario
        mixes[b][scenario.pk] += 1
        mixes[None][scenario.pk] += 1
    names = {s.pk: s.name for s in scenario_of.values()}
    situations = []
    for b in sorted(by_bucket, key=lambda x: list(BUCKET_ORDER).index(x)):
        counts = by_bucket[b]
        n = sum(counts.values())
        situations.append(
            {
                "bucket": b,
                "n": n,
                "defenses": [
                    {
                        "defense": label,
                        "scenario": scenario_of[label].pk if label in scenario_of else None,
                        "n": k,
                        "share": k / n,
                    }
                    for label, k in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
                ],
            }
        )
    chosen = mixes[bucket]
    total = sum(chosen.values())
    mix = [
        {"scenario": pk, "name": names[pk], "weight": round(k / total, 4)}
        for pk, k in sorted(chosen.items(), key=lambda item: (-item[1], item[0]))
    ]
    return {
        "opponent": opponent,
        "games": len({s.game_id for s in snaps}),
        "snaps": len(snaps),
        "bucket": bucket,
        "situations": situations,
        "mix": mix,
        "unmatched": [{"defense": k, "n": v} for k, v in unmatched.most_common()],
    }


BUCKET_ORDER = ("1ST_ANY", "2ND_SHORT", "2ND_LONG", "3RD_SHORT", "3RD_LONG", "REDZONE", "GOALLINE")


# --- simulated vs real -------------------------------------------------------------------------


def _pct(x):
    return f"{x * 100:.0f} %"


def corrections(team, snaps, n0=est.N0, alpha=est.ALPHA):
    """Per play × defense (all situations, then per bucket with real snaps): the
    simulated success rate, the real one and the two combined; flagged when the real
    snaps disagree with the simulation beyond chance."""
    rules = _rules_cache(team)
    match = defense_matcher(team)
    sims = simulated_rates(team)
    groups = defaultdict(lambda: [0, 0])
    labels = {}
    for snap in snaps:
        if not snap.play_id:
            continue
        scenario = match(snap)
        r = rules(snap.game)
        converted = outcome_of(snap, r).converted
        b = pg.bucket(snap.down, snap.distance, snap.yards_to_goal, r.downs)
        sid = scenario.pk if scenario else None
        labels[snap.play_id] = snap.play.name
        if scenario:
            labels[("s", sid)] = scenario.name
        for key in ((snap.play_id, sid, None), (snap.play_id, sid, b)):
            groups[key][0] += converted
            groups[key][1] += 1
    rows = []
    for (play, scenario, bucket), (s, n) in groups.items():
        sim = sims.get((play, scenario, bucket)) if scenario else None
        if bucket is not None and sim is None:
            continue  # per situation only where both the simulation and real snaps have data
        row = {
            "play": play,
            "play_name": labels[play],
            "scenario": scenario,
            "scenario_name": labels.get(("s", scenario), "not one of our scenarios"),
            "bucket": bucket,
            "simulated": {"success_rate": sim[0], "episodes": sim[1]} if sim else None,
            "real": {"n": n, "successes": s, "success_rate": s / n},
            "combined": None,
            "p_value": None,
            "flagged": False,
        }
        if sim:
            c = est.combine(sim[0], s, n, n0)
            row["combined"] = {
                "success_rate": c.mean,
                "sd": c.sd,
                "alpha": c.alpha,
                "beta": c.beta,
                "n0": n0,
            }
            row["p_value"] = c.p_value
            row["flagged"] = c.disagrees(alpha)
            row["summary"] = (
                f"simulated {_pct(sim[0])} success, {n} real snap{'s' if n != 1 else ''} "
                f"{_pct(s / n)}, combined {_pct(c.mean)}"
            )
            if row["flagged"]:
                way = "worse" if s / n < sim[0] else "better"
                row["summary"] += (
                    f" — real results are {way} than the simulation beyond chance "
                    f"(p = {c.p_value:.2g}): check the route timing, the ratings or the "
                    "defense description"
                )
        else:
            reason = (
                "the defense seen is not one of our scenarios"
                if scenario is None
                else "no finished simulation of this play against this defense"
            )
            row["summary"] = f"{n} real snap{'s' if n != 1 else ''} {_pct(s / n)}; {reason}"
        rows.append(row)
    bucket_rank = {b: i for i, b in enumerate(BUCKET_ORDER)}
    rows.sort(
        key=lambda r: (
            r["play_name"],
            r["scenario_name"],
            -1 if r["bucket"] is None else bucket_rank.get(r["bucket"], 99),
        )
    )
    return rows
