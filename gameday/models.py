"""Real games and their snaps, charted from the sideline (docs/gameday.md).

A snap's down, distance and yard line follow from the previous snap by the game's
ruleset (gameday/progression.py) unless they were entered; a snap is stored once per
idempotency key within its game, so a phone that sends it twice makes one snap."""

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from playbook.constants import Coverage, Shell
from playbook.models import Play, Playbook, Ruleset, Scenario
from teams.models import HistoryExtras, Team

from . import progression as pg


def new_key():
    return uuid.uuid4().hex


class Result(models.TextChoices):
    COMPLETE = pg.COMPLETE, "Complete"
    INCOMPLETE = pg.INCOMPLETE, "Incomplete"
    INTERCEPTION = pg.INTERCEPTION, "Interception"
    SACK = pg.SACK, "Sack"
    RUN = pg.RUN, "Run"
    PENALTY = pg.PENALTY, "Penalty"


class Game(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    opponent = models.CharField(max_length=120)
    date = models.DateField()
    ruleset = models.ForeignKey(
        Ruleset,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="games",
        help_text="Downs and the line to gain; the team's default if empty.",
    )
    playbook = models.ForeignKey(
        Playbook, on_delete=models.SET_NULL, null=True, blank=True, related_name="games"
    )
    notes = models.TextField(blank=True, default="", max_length=5000)
    our_score = models.PositiveSmallIntegerField(null=True, blank=True)
    their_score = models.PositiveSmallIntegerField(null=True, blank=True)
    external_id = models.CharField(
        max_length=120,
        blank=True,
        default="",
        help_text="Id in a FieldOS JSON export (e.g. game_2026_09_12_vs_eagles); unique per team.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords(bases=[HistoryExtras])
    history_rows = None  # snaps keep their own history
    # The rows that belong to a game: an import that fails writes them back with it
    # (playbook/interchange/journal.py).
    import_children = ("snaps",)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["team", "opponent"])]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "external_id"],
                condition=~Q(external_id=""),
                name="gameday_game_team_external_id_unique",
                violation_error_message="This external id is already used in this team.",
            ),
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} vs {self.opponent}"

    @property
    def final_score(self):
        if self.our_score is None or self.their_score is None:
            return ""
        return f"{self.our_score}–{self.their_score}"


class Snap(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+", editable=False)
    game = models.ForeignKey(Game, on_delete=models.CASCADE, related_name="snaps")
    sequence = models.PositiveIntegerField(help_text="Order in the game, from 1.")
    drive = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    down = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(6)])
    distance = models.FloatField(validators=[MinValueValidator(0.1), MaxValueValidator(150)])
    yards_to_goal = models.FloatField(validators=[MinValueValidator(0.1), MaxValueValidator(150)])
    try_points = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        choices=[(1, "1-point try"), (2, "2-point try")],
        help_text="The try after a touchdown (empty: a down of the drive).",
    )
    entered = models.BooleanField(
        default=False, help_text="Down, distance or yard line typed in, not followed on."
    )
    play = models.ForeignKey(
        Play, on_delete=models.SET_NULL, null=True, blank=True, related_name="snaps"
    )
    call = models.CharField(
        max_length=120, blank=True, default="", help_text="The call as charted (number or name)."
    )
    defense = models.ForeignKey(
        Scenario,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="snaps",
        help_text="The defense seen, when it is one of our scenarios.",
    )
    defense_shell = models.CharField(max_length=6, choices=Shell.choices, blank=True, default="")
    defense_coverage = models.CharField(
        max_length=4, choices=Coverage.choices, blank=True, default=""
    )
    defense_rushers = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(7)]
    )
    result = models.CharField(max_length=12, choices=Result.choices)
    yards = models.FloatField(
        default=0.0,
        validators=[MinValueValidator(-150), MaxValueValidator(150)],
        help_text="Gained by us (a sack or a penalty on us is negative).",
    )
    touchdown = models.BooleanField(default=False)
    flag_puller = models.CharField(max_length=60, blank=True, default="")
    target = models.CharField(
        "target / runner", max_length=60, blank=True, default="", help_text="Role or name."
    )
    notes = models.TextField(blank=True, default="", max_length=2000)
    idempotency_key = models.CharField(
        max_length=64,
        default=new_key,
        help_text="Sent by the charting page; one snap per key in a game.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords(bases=[HistoryExtras])
    history_rows = None

    class Meta:
        ordering = ["game", "sequence", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["game", "idempotency_key"],
                name="one_snap_per_key",
                violation_error_message="A snap with this idempotency key is already stored.",
            ),
        ]
        indexes = [models.Index(fields=["team", "play"]), models.Index(fields=["game", "sequence"])]

    def __str__(self):
        situation = f"{self.down}&{self.distance:g} @{self.yards_to_goal:g}"
        if self.try_points:
            situation = f"{self.try_points}-pt try @{self.yards_to_goal:g}"
        return f"#{self.sequence} {situation}: {self.call_label}"

    @property
    def call_label(self):
        return self.play.name if self.play_id else (self.call or "?")

    @property
    def defense_label(self):
        if self.defense_id:
            return self.defense.name
        parts = []
        if self.defense_shell:
            parts.append(self.get_defense_shell_display())
        if self.defense_coverage:
            parts.append(self.get_defense_coverage_display().lower())
        if self.defense_rushers is not None:
            parts.append(f"{self.defense_rushers} rush")
        return " ".join(parts) or "unknown"

    def state(self):
        return pg.State(
            self.drive, self.down, self.distance, self.yards_to_goal, self.try_points or None
        )
