"""Reading a trained policy: the ranked calls for a situation, the game-day plan."""

from django.core.exceptions import ValidationError

from football import plays as kinds
from playbook.constants import Bucket
from playbook.models import Play, Scenario, default_ruleset
from playbook.validation import Rules, no_run_buckets
from simulation import learning
from simulation.models import JobStatus, Policy
from simulation.policies.reasons import LOW_DATA_PULLS, _reasoning, bucket_words

TOP_CALLS = 3


class PolicyError(ValidationError):
    pass


def _scenario_names(policy):
    ids = [m["scenario"] for m in policy.mix]
    return dict(Scenario.objects.filter(pk__in=ids).values_list("pk", "name"))


def policy_recommend(policy, bucket, scenario=None):
    """Plays ranked by expected reward for a bucket (optionally against one defense of
    the mix) with 95 % intervals, confidence and reasoning sentences."""
    if bucket not in policy.buckets:
        raise PolicyError(
            {
                "situation": [
                    f"This policy was not trained for {bucket}; it covers "
                    f"{', '.join(policy.buckets)}."
                ]
            }
        )
    if scenario is not None and scenario.pk not in [m["scenario"] for m in policy.mix]:
        raise PolicyError({"scenario": [f"{scenario.name} is not in this policy's defense mix."]})
    table = (policy.stats or {}).get(bucket)
    answer = {
        "policy": policy.pk,
        "status": policy.status,
        "bucket": bucket,
        "scenario": scenario.pk if scenario else None,
        "confidence": None,
        "enough_data": False,
        "recommendations": [],
    }
    if not table:
        answer["note"] = (
            f"No training data for {bucket} yet (the policy is {policy.status}); "
            "too little data to recommend anything."
        )
        return answer
    play_ids = list(table["arms"])
    # No runs inside a no-run zone: they are not a call there (the engine blows them dead).
    rules = Rules.of(policy.ruleset or default_ruleset(policy.team_id))
    if bucket in no_run_buckets(rules):
        runs = set(
            Play.objects.filter(pk__in=play_ids, kind=kinds.RUN).values_list("pk", flat=True)
        )
        if runs and len(runs) < len(play_ids):
            play_ids = [pid for pid in play_ids if int(pid) not in runs]
            answer["left_out"] = (
                f"{len(runs)} run play{'s' if len(runs) > 1 else ''} left out: {bucket} is inside "
                f"the no-run zone ({rules.no_run_zone_depth:g} yd before the goal in {rules.name})."
            )
    names = _scenario_names(policy)

    def stats_of(arm):
        data = arm["scenarios"].get(str(scenario.pk)) if scenario else arm
        return learning.ArmStats.from_dict(data)

    arms = [stats_of(table["arms"][pid]) for pid in play_ids]
    ranking = learning.recommend(arms)
    against = f"vs {scenario.name}" if scenario else "vs the trained mix"
    rows = []
    for rank, i in enumerate(ranking["order"]):
        arm, raw = arms[i], table["arms"][play_ids[i]]
        interval = ranking["intervals"][i]
        rows.append(
            {
                "play": int(play_ids[i]),
                "name": raw["name"],
                "rank": rank + 1,
                "pulls": arm.pulls,
                "expected_reward": round(arm.mean, 2) if arm.pulls else None,
                "interval": [round(interval[0], 2), round(interval[1], 2)] if interval else None,
                "mean_yards": round(arm.mean_yards, 2) if arm.pulls else None,
                "success_rate": round(arm.success_rate, 4) if arm.pulls else None,
                "_arm": arm,
                "_raw": raw,
            }
        )
    top = rows[0]
    for k, row in enumerate(rows):
        row["reasoning"] = _reasoning(row, k, rows, bucket, against, scenario, names)
    for row in rows:
        row.pop("_arm")
        row.pop("_raw")
    confidence = ranking["confidence"]
    answer["confidence"] = round(confidence, 4) if confidence is not None else None
    untried = [r["name"] for r in rows if not r["pulls"]]
    answer["enough_data"] = top["pulls"] >= LOW_DATA_PULLS and not untried
    answer["recommendations"] = rows
    words = bucket_words(bucket)
    if untried:
        answer["note"] = (
            f"Not enough data for {words} {against}: {', '.join(untried)} "
            f"{'was' if len(untried) == 1 else 'were'} never simulated there, so nobody knows "
            "whether they are better — train again (every play meets every defense of the mix)."
        )
    elif not answer["enough_data"]:
        answer["note"] = (
            f"Not enough data for {words} {against}: the top play has only {top['pulls']} "
            "simulated plays — train with more episodes before trusting this ranking."
        )
    return answer


def playbook_game_plan(playbook, top=TOP_CALLS):
    """The game-day sheet: per bucket the top calls of the latest succeeded policy
    trained on this playbook, with the playbook's call numbers."""
    policy = (
        Policy.objects.filter(playbook=playbook, status=JobStatus.SUCCEEDED)
        .order_by("-finished_at", "-id")
        .first()
    )
    plan = {"playbook": playbook.pk, "policy": policy.pk if policy else None, "buckets": []}
    if policy is None:
        plan["note"] = "No policy has finished training on this playbook yet."
        return plan
    plan["trained_at"] = policy.finished_at.isoformat() if policy.finished_at else None
    calls = {e.play_id: e.call_number for e in playbook.entries.all()}
    for bucket in Bucket:
        if bucket.value not in policy.buckets:
            continue
        answer = policy_recommend(policy, bucket.value)
        plan["buckets"].append(
            {
                "bucket": bucket.value,
                "label": bucket.label,
                "confidence": answer["confidence"],
                "enough_data": answer["enough_data"],
                "calls": [
                    {
                        "play": r["play"],
                        "name": r["name"],
                        "call_number": calls.get(r["play"]),
                        "expected_reward": r["expected_reward"],
                        "interval": r["interval"],
                        "mean_yards": r["mean_yards"],
                        "success_rate": r["success_rate"],
                    }
                    for r in answer["recommendations"][:top]
                ],
            }
        )
    return plan
