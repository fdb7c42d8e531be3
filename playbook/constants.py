"""The football vocabulary as Django choices. The values, and what they mean, come from
the pure `football` package (docs/domain.md); this module only gives them labels for
forms, filters and the schema."""

from django.db import models

from football import duties, roles, situations
from football.roles import defense_roles, offense_roles
from football.rules import MAX_PLAYERS_PER_SIDE
from football.rules import NFL_FLAG_5V5 as NFL_FLAG_PROFILE


class Side(models.TextChoices):
    OFFENSE = roles.OFFENSE, "Offense"
    DEFENSE = roles.DEFENSE, "Defense"


# Every role any supported ruleset can name.
OFFENSE_ROLE_CHOICES = [(r, r) for r in offense_roles(MAX_PLAYERS_PER_SIDE)]
DEFENSE_ROLE_CHOICES = [(r, r) for r in defense_roles(MAX_PLAYERS_PER_SIDE)]
ROLE_CHOICES = OFFENSE_ROLE_CHOICES + DEFENSE_ROLE_CHOICES

_B = situations.BUCKET_LABELS


class Bucket(models.TextChoices):
    GOALLINE = situations.GOALLINE, _B[situations.GOALLINE]
    REDZONE = situations.REDZONE, _B[situations.REDZONE]
    FIRST_ANY = situations.FIRST_ANY, _B[situations.FIRST_ANY]
    SECOND_SHORT = situations.SECOND_SHORT, _B[situations.SECOND_SHORT]
    SECOND_LONG = situations.SECOND_LONG, _B[situations.SECOND_LONG]
    THIRD_SHORT = situations.THIRD_SHORT, _B[situations.THIRD_SHORT]
    THIRD_LONG = situations.THIRD_LONG, _B[situations.THIRD_LONG]


class Coverage(models.TextChoices):
    MAN = duties.MAN, "Man"
    ZONE = duties.ZONE, "Zone"


_S = duties.SHELL_LABELS


class Shell(models.TextChoices):
    COVER0 = "COVER0", _S["COVER0"]
    COVER1 = "COVER1", _S["COVER1"]
    COVER2 = "COVER2", _S["COVER2"]
    COVER3 = "COVER3", _S["COVER3"]
    COVER4 = "COVER4", _S["COVER4"]
    OTHER = "OTHER", _S["OTHER"]


class Duty(models.TextChoices):
    MAN = duties.MAN, "Man"
    ZONE = duties.ZONE, "Zone"
    RUSH = duties.RUSH, "Rush"


MAN_AUTO = duties.MAN_AUTO

# The profile every new team gets, as the ruleset model's field values.
NFL_FLAG_5V5 = NFL_FLAG_PROFILE.as_dict()


# A string on purpose: a call is what the wristband shows, and codes like "X1" or "07"
# are calls too (an integer would lose them); a number sent (1) is kept as its digits.
CALL_NUMBER_HELP = (
    'Text, up to 12 characters: a number or a wristband code ("7", "07", "X1"). A number '
    'sent is stored and answered as its digits (1 → "1").'
)
