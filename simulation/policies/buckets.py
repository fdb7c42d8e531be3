"""The situation each bucket is trained in, and which defenses fit it."""

from playbook.constants import Bucket
from simulation import engine

# The situation each bucket is trained in: (down, yards to go, yards to the goal), each one
# that NFL FLAG can reach: before midfield the line to gain is midfield (25 yd from the
# goal), past it the goal, so 3rd & 2 is at the 27 and every red-zone down is "& goal".
REPRESENTATIVE = {
    Bucket.GOALLINE.value: (1, 5.0, 5.0),
    Bucket.REDZONE.value: (2, 9.0, 9.0),
    Bucket.FIRST_ANY.value: (1, 10.0, 35.0),
    Bucket.SECOND_SHORT.value: (2, 2.0, 27.0),
    Bucket.SECOND_LONG.value: (2, 8.0, 33.0),
    Bucket.THIRD_SHORT.value: (3, 2.0, 27.0),
    Bucket.THIRD_LONG.value: (3, 7.0, 32.0),
}


def representative_situation(bucket):
    down, distance, yardline = REPRESENTATIVE[bucket]
    return {"down": down, "distance": distance, "yardline": yardline}


def scenario_fit_errors(scenarios, buckets, ruleset=None, team=None):
    """Defenders that would stand past the end line in a bucket's representative
    situation (the engine refuses them): one message per scenario and bucket."""
    from playbook.models import default_ruleset

    errors = []
    for scenario in scenarios:
        rules = ruleset or scenario.ruleset or default_ruleset(team or scenario.team_id)
        depth = rules.endzone_depth if rules else engine.Ruleset().endzone_depth
        deepest = max((d.x for d in scenario.defenders.all()), default=0.0)
        for bucket in buckets:
            yardline = REPRESENTATIVE[bucket][2]
            if deepest > yardline + depth:
                errors.append(
                    f"{scenario.name}: a defender {deepest:g} yd deep is past the end line "
                    f"in {bucket} (trained at {yardline:g} yd to the goal, {depth:g} yd end "
                    "zone)."
                )
    return errors
