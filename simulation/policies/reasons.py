"""The sentences that explain a recommendation to a coach."""

from football.rules import NFL_FLAG_5V5
from playbook.constants import Bucket
from simulation import learning
from simulation.drives.words import situation_text

LOW_DATA_PULLS = 200  # fewer simulated plays than this on an arm: "too little data"


def bucket_words(bucket):
    """A bucket as a coach says it, with the situation it was simulated in:
    "3rd & short (simulated as 3rd & 2 at own 23)"."""
    from simulation.policies.buckets import REPRESENTATIVE

    label = Bucket(bucket).label
    down, distance, yardline = REPRESENTATIVE[bucket]
    length = round(NFL_FLAG_5V5.field_length - 2 * NFL_FLAG_5V5.endzone_depth)
    spot = situation_text(length, down, round(distance), round(yardline))
    return f"{label} (simulated as {spot})"


def _fmt_yd(value):
    return f"{value:.1f} yd"


def _pct(value):
    return f"{value * 100:.0f} %"


def _reasoning(row, k, rows, bucket, against, scenario, names):
    arm, raw = row["_arm"], row["_raw"]
    words = bucket_words(bucket)
    if not arm.pulls:
        return f"{row['name']} was never simulated on {words} {against}: no data, no call."
    parts = [
        f"{row['name']} gains {_fmt_yd(arm.mean_yards)} and converts {_pct(arm.success_rate)} "
        f"on {words} {against} over {arm.pulls:,} simulated plays "
        f"(expected reward {arm.mean:.1f}, 95 % interval {row['interval'][0]:.1f} to "
        f"{row['interval'][1]:.1f})."
    ]
    if scenario is None:
        per = [
            (names.get(int(sid), f"scenario {sid}"), learning.ArmStats.from_dict(d))
            for sid, d in raw["scenarios"].items()
        ]
        per = [(n, a) for n, a in per if a.pulls >= 30]
        if len(per) >= 2:
            # Ranked by the figure the sentence names: how often the play converts.
            strong = max(per, key=lambda x: (x[1].success_rate, x[1].mean_yards))
            weak = min(per, key=lambda x: (x[1].success_rate, x[1].mean_yards))
            parts.append(
                f"Converts most vs {strong[0]} ({_pct(strong[1].success_rate)}, "
                f"{_fmt_yd(strong[1].mean_yards)}); least vs {weak[0]} "
                f"({_pct(weak[1].success_rate)}, {_fmt_yd(weak[1].mean_yards)})."
            )
    if k == 0 and len(rows) > 1 and rows[1]["pulls"]:
        nxt = rows[1]
        parts.append(
            f"Next best {nxt['name']}, {_fmt_yd(nxt['mean_yards'])} and "
            f"{_pct(nxt['success_rate'])} (expected reward {nxt['expected_reward']:.1f})."
        )
    elif k > 0:
        best = rows[0]
        parts.append(
            f"{arm.mean - best['expected_reward']:+.1f} expected reward against the top call, "
            f"{best['name']}."
        )
    if arm.pulls < LOW_DATA_PULLS:
        parts.append(f"Too little data: only {arm.pulls} simulated plays, treat it as a guess.")
    return " ".join(parts)
