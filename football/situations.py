"""Situations (down, yards to go, yards to the goal) and the buckets plays are called for.

A situation's yard line counts the yards to the goal line the offense attacks.
"""

GOALLINE, REDZONE = "GOALLINE", "REDZONE"
FIRST_ANY = "1ST_ANY"
SECOND_SHORT, SECOND_LONG = "2ND_SHORT", "2ND_LONG"
THIRD_SHORT, THIRD_LONG = "3RD_SHORT", "3RD_LONG"

BUCKET_LABELS = {
    GOALLINE: "Goal line (≤ 5 yd to goal)",
    REDZONE: "Red zone (≤ 10 yd to goal)",
    FIRST_ANY: "1st down",
    SECOND_SHORT: "2nd and short (≤ 3)",
    SECOND_LONG: "2nd and long",
    THIRD_SHORT: "3rd/last down and short (≤ 3)",
    THIRD_LONG: "3rd/last down and long",
}

GOALLINE_YARDS = 5  # at most this far from the goal: GOALLINE
REDZONE_YARDS = 10  # at most this far: REDZONE
SHORT_YARDS = 3  # at most this many to go: short


def situation_bucket(down, distance, yardline, downs_to_convert=4):
    """GOALLINE (≤ 5 yd to goal), REDZONE (≤ 10), else by down; the last down counts
    as 3RD_*, SHORT is ≤ 3 yd to go."""
    if yardline <= GOALLINE_YARDS:
        return GOALLINE
    if yardline <= REDZONE_YARDS:
        return REDZONE
    if down <= 1:
        return FIRST_ANY
    short = distance <= SHORT_YARDS
    if down >= 3 or down >= downs_to_convert:
        return THIRD_SHORT if short else THIRD_LONG
    return SECOND_SHORT if short else SECOND_LONG


def situation_errors(down, distance, yardline, rules):
    """Field errors for a situation under a ruleset (anything with name, field_length,
    endzone_depth and downs_to_convert)."""
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
