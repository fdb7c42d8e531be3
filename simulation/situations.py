"""Down, distance and yard line → the situation bucket (DOMAIN.md §2)."""

from playbook.constants import Bucket

SHORT_YARDS = 3


def situation_bucket(down, distance, yardline, downs_to_convert=4):
    """GOALLINE (≤ 5 yd to goal), REDZONE (≤ 10), else by down; the last down counts
    as 3RD_*, SHORT is ≤ 3 yd to go."""
    if yardline <= 5:
        return Bucket.GOALLINE
    if yardline <= 10:
        return Bucket.REDZONE
    if down <= 1:
        return Bucket.FIRST_ANY
    short = distance <= SHORT_YARDS
    if down >= 3 or down >= downs_to_convert:
        return Bucket.THIRD_SHORT if short else Bucket.THIRD_LONG
    return Bucket.SECOND_SHORT if short else Bucket.SECOND_LONG


def situation_errors(down, distance, yardline, rules):
    """Field errors for a situation under a ruleset (yard line counts to the goal)."""
    errors = {}
    playing = rules.field_length - 2 * rules.endzone_depth
    if not 1 <= down <= rules.downs_to_convert:
        errors["situation.down"] = [
            f"{down} — must be 1 to {rules.downs_to_convert} in {rules.name}"
        ]
    if not 0 < yardline <= playing:
        errors["situation.yardline"] = [
            f"{yardline} — yards to the goal must be above 0 and at most {playing:g}"
        ]
    elif not 0 < distance <= yardline:
        errors["situation.distance"] = [
            f"{distance} — yards to go must be above 0 and at most the {yardline:g} yd to the goal"
        ]
    return errors
