"""Roles, situation buckets and the default ruleset (DOMAIN.md §2)."""

from django.db import models


class Side(models.TextChoices):
    OFFENSE = "OFFENSE", "Offense"
    DEFENSE = "DEFENSE", "Defense"


def offense_roles(players_per_side=5):
    return ["QB", "CENTER", *(f"WR{i}" for i in range(1, players_per_side - 1))]


def defense_roles(players_per_side=5):
    return [f"D{i}" for i in range(1, players_per_side + 1)]


# Every role any supported ruleset can name (up to 7 a side).
ROLE_CHOICES = [(r, r) for r in offense_roles(7)] + [(r, r) for r in defense_roles(7)]
OFFENSE_ROLE_CHOICES = [(r, r) for r in offense_roles(7)]
DEFENSE_ROLE_CHOICES = [(r, r) for r in defense_roles(7)]


class Bucket(models.TextChoices):
    GOALLINE = "GOALLINE", "Goal line (≤ 5 yd to goal)"
    REDZONE = "REDZONE", "Red zone (≤ 10 yd to goal)"
    FIRST_ANY = "1ST_ANY", "1st down"
    SECOND_SHORT = "2ND_SHORT", "2nd and short (≤ 3)"
    SECOND_LONG = "2ND_LONG", "2nd and long"
    THIRD_SHORT = "3RD_SHORT", "3rd/last down and short (≤ 3)"
    THIRD_LONG = "3RD_LONG", "3rd/last down and long"


class Coverage(models.TextChoices):
    MAN = "MAN", "Man"
    ZONE = "ZONE", "Zone"


class Shell(models.TextChoices):
    COVER0 = "COVER0", "Cover 0"
    COVER1 = "COVER1", "Cover 1"
    COVER2 = "COVER2", "Cover 2"
    COVER3 = "COVER3", "Cover 3"
    COVER4 = "COVER4", "Cover 4"
    OTHER = "OTHER", "Other"


class Duty(models.TextChoices):
    MAN = "MAN", "Man"
    ZONE = "ZONE", "Zone"
    RUSH = "RUSH", "Rush"


MAN_AUTO = "auto"

# NFL FLAG 5v5: the profile every new team gets (DOMAIN.md §2).
NFL_FLAG_5V5 = {
    "name": "NFL FLAG 5v5",
    "external_id": "nfl_flag_5v5",
    "players_per_side": 5,
    "field_width": 30.0,
    "field_length": 70.0,
    "endzone_depth": 10.0,
    "no_run_zone_depth": 5.0,
    "use_midfield_line_to_gain": True,
    "line_to_gain": 25.0,
    "reset_at_midfield": True,
    "downs_to_convert": 4,
    "rush_distance": 7.0,
    "rush_delay_ms": 0,
    "max_rushers": 1,
    "pass_clock_ms": 7000,
    "qb_can_run": False,
    "allow_motion": True,
    "motion_lateral_only": True,
    "td_points": 6,
    "pat1_points": 1,
    "pat1_distance": 5.0,
    "pat2_points": 2,
    "pat2_distance": 10.0,
    "safety_points": 2,
}
