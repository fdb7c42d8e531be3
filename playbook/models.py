"""The coach's playbook (docs/domain.md, docs/playbook.md). Rules live in playbook/validation.py;
each object keeps the coaching warnings of its last save in `warnings`."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from football import plays as kinds
from football.rules import NFL_FLAG_5V5 as NFL
from playbook import validation
from playbook.constants import (
    DEFENSE_ROLE_CHOICES,
    NFL_FLAG_5V5,
    OFFENSE_ROLE_CHOICES,
    ROLE_CHOICES,
    Bucket,
    Coverage,
    Duty,
    Shell,
    Side,
)
from teams.models import Team, TeamOwnedModel


def between(low, high):
    return [MinValueValidator(low), MaxValueValidator(high)]


class RowManager(models.Manager):
    """Natural keys for child rows: (team slug, parent name, the row's own key)."""

    def __init__(self, parent=None, key=None):  # related managers call it bare
        super().__init__()
        self.parent, self.key = parent, key

    def get_by_natural_key(self, team_slug, parent_name, key):
        return self.get(
            **{f"{self.parent}__team__slug": team_slug, f"{self.parent}__name": parent_name},
            **{self.key: key},
        )


def row_natural_key(parent_label):
    """natural_key() for a child row; `dependencies` makes loaddata create parents first."""

    def natural_key(self):
        manager = type(self).objects
        return (*getattr(self, manager.parent).natural_key(), getattr(self, manager.key))

    natural_key.dependencies = [parent_label]
    return natural_key


class WarningsMixin(models.Model):
    warnings = models.JSONField(default=list, blank=True, editable=False)

    class Meta:
        abstract = True

    # Subclasses define check_rules() -> validation.Report for the object as stored.

    def refresh_warnings(self):
        """Re-run the rules on what is stored and keep the warnings (after every write)."""
        warnings = self.check_rules().warnings
        if warnings != self.warnings:
            self.warnings = warnings
            type(self).objects.filter(pk=self.pk).update(warnings=warnings)
        return warnings


class Ruleset(TeamOwnedModel):
    # Defaults: the NFL FLAG 5v5 profile (football.rules), the one every new team gets.
    players_per_side = models.PositiveSmallIntegerField(
        default=NFL.players_per_side, validators=between(4, 7)
    )
    field_width = models.FloatField(default=NFL.field_width, validators=between(10, 80))
    field_length = models.FloatField(
        default=NFL.field_length, validators=between(30, 150), help_text="Including both end zones."
    )
    endzone_depth = models.FloatField(default=NFL.endzone_depth, validators=between(0, 20))
    no_run_zone_depth = models.FloatField(default=NFL.no_run_zone_depth, validators=between(0, 20))
    use_midfield_line_to_gain = models.BooleanField(default=NFL.use_midfield_line_to_gain)
    line_to_gain = models.FloatField(
        default=NFL.line_to_gain,
        validators=between(1, 100),
        help_text="Yards from the own goal line.",
    )
    reset_at_midfield = models.BooleanField(default=NFL.reset_at_midfield)
    downs_to_convert = models.PositiveSmallIntegerField(
        default=NFL.downs_to_convert, validators=between(1, 6)
    )
    rush_distance = models.FloatField(default=NFL.rush_distance, validators=between(0, 20))
    rush_delay_ms = models.PositiveIntegerField(
        default=NFL.rush_delay_ms, validators=between(0, 10000)
    )
    max_rushers = models.PositiveSmallIntegerField(
        default=NFL.max_rushers, validators=between(0, 7)
    )
    pass_clock_ms = models.PositiveIntegerField(
        default=NFL.pass_clock_ms, validators=between(1000, 20000)
    )
    qb_can_run = models.BooleanField(default=NFL.qb_can_run)
    allow_motion = models.BooleanField(default=NFL.allow_motion)
    motion_lateral_only = models.BooleanField(default=NFL.motion_lateral_only)
    motion_at_snap = models.BooleanField(
        default=NFL.motion_at_snap,
        help_text="The man in motion may still be moving (not towards the line) at the snap.",
    )
    td_points = models.PositiveSmallIntegerField(default=NFL.td_points)
    pat1_points = models.PositiveSmallIntegerField(default=NFL.pat1_points)
    pat1_distance = models.FloatField(default=NFL.pat1_distance, validators=between(1, 20))
    pat2_points = models.PositiveSmallIntegerField(default=NFL.pat2_points)
    pat2_distance = models.FloatField(default=NFL.pat2_distance, validators=between(1, 20))
    safety_points = models.PositiveSmallIntegerField(default=NFL.safety_points)
    is_default = models.BooleanField(
        default=False, help_text="Used by plays and scenarios that name no ruleset."
    )

    class Meta(TeamOwnedModel.Meta):
        constraints = [
            *TeamOwnedModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["team"], condition=Q(is_default=True), name="one_default_ruleset_per_team"
            ),
        ]

    RULE_FIELDS = tuple(k for k in NFL_FLAG_5V5 if k not in ("name", "external_id"))

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        playing = self.field_length - 2 * self.endzone_depth
        if playing < 20:
            errors["endzone_depth"] = (
                f"{self.endzone_depth:g} — two end zones leave {playing:g} yd to play; "
                "at least 20 needed"
            )
        elif self.line_to_gain >= playing:
            errors["line_to_gain"] = (
                f"{self.line_to_gain:g} — must be inside the {playing:g}-yd field"
            )
        if self.max_rushers > self.players_per_side:
            errors["max_rushers"] = (
                f"{self.max_rushers} — more than the {self.players_per_side} players a side"
            )
        if errors:
            raise ValidationError(errors)

    @property
    def rules(self):
        return validation.Rules.of(self)


RATING = {"default": 70.0, "validators": between(0, 100)}


class Player(TeamOwnedModel):
    side = models.CharField(max_length=7, choices=Side.choices)
    role = models.CharField("default role", max_length=6, choices=ROLE_CHOICES)
    jersey_number = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=between(0, 99)
    )
    # movement (everyone)
    speed = models.FloatField(**RATING)
    acceleration = models.FloatField(**RATING)
    agility = models.FloatField(**RATING)
    change_of_direction = models.FloatField(**RATING)
    stamina = models.FloatField(**RATING)
    # receiving
    hands = models.FloatField(**RATING)
    route_running = models.FloatField(**RATING)
    separation = models.FloatField(**RATING)
    # passing
    throw_power = models.FloatField(**RATING)
    short_acc = models.FloatField(**RATING)
    mid_acc = models.FloatField(**RATING)
    deep_acc = models.FloatField(**RATING)
    release_time_ms = models.FloatField(default=400.0, validators=between(150, 800))
    decision_latency_ms = models.FloatField(default=300.0, validators=between(100, 800))
    # defense
    man_coverage = models.FloatField(**RATING)
    zone_coverage = models.FloatField(**RATING)
    ball_skills = models.FloatField(**RATING)
    closing_speed = models.FloatField(**RATING)
    pass_rush = models.FloatField(**RATING)
    get_off = models.FloatField(**RATING)
    contain = models.FloatField(**RATING)
    reaction_time_ms = models.FloatField(default=250.0, validators=between(100, 600))

    MOVEMENT = ("speed", "acceleration", "agility", "change_of_direction", "stamina")
    RECEIVING = ("hands", "route_running", "separation")
    PASSING = (
        "throw_power",
        "short_acc",
        "mid_acc",
        "deep_acc",
        "release_time_ms",
        "decision_latency_ms",
    )
    DEFENDING = (
        "man_coverage",
        "zone_coverage",
        "ball_skills",
        "closing_speed",
        "pass_rush",
        "get_off",
        "contain",
        "reaction_time_ms",
    )
    RATINGS = MOVEMENT + RECEIVING + PASSING + DEFENDING

    def clean(self):
        from django.core.exceptions import ValidationError

        roles = dict(OFFENSE_ROLE_CHOICES if self.side == Side.OFFENSE else DEFENSE_ROLE_CHOICES)
        if self.side and self.role and self.role not in roles:
            raise ValidationError(
                {"role": f"'{self.role}' is not a {self.get_side_display().lower()} role"}
            )

    def __str__(self):
        number = f"#{self.jersey_number} " if self.jersey_number is not None else ""
        return f"{number}{self.name} ({self.role})"


class Formation(TeamOwnedModel, WarningsMixin):
    history_rows = "slots"
    ruleset = models.ForeignKey(
        Ruleset,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="formations",
        help_text="Field the positions are checked against; the team's default if empty.",
    )

    def slot_data(self):
        return [{"role": s.role, "x": s.x, "y": s.y} for s in self.slots.all()]

    def check_rules(self, rules=None):
        return validation.check_formation(self.slot_data(), rules or rules_for(self))


class FormationSlot(models.Model):
    formation = models.ForeignKey(Formation, on_delete=models.CASCADE, related_name="slots")
    role = models.CharField(max_length=6, choices=OFFENSE_ROLE_CHOICES)
    x = models.FloatField(help_text="Yards downfield from the line of scrimmage.")
    y = models.FloatField(help_text="Yards sideways from the ball, + is the offense's right.")

    objects = RowManager("formation", "role")
    natural_key = row_natural_key("playbook.formation")

    class Meta:
        ordering = ["formation", "id"]

    def __str__(self):
        return f"{self.role} ({self.x}, {self.y})"


class Route(TeamOwnedModel, WarningsMixin):
    history_rows = "breakpoints"
    settle = models.BooleanField(
        default=False,
        help_text="Stop at the last breakpoint (hitch, curl); otherwise keep running that way.",
    )

    def breakpoint_data(self):
        return [{"x": b.x, "y": b.y, "time_ms": b.time_ms} for b in self.breakpoints.all()]

    def check_rules(self, rules=None):
        return validation.check_route(self.breakpoint_data(), rules or rules_for(self))


class RouteBreakpoint(models.Model):
    route = models.ForeignKey(Route, on_delete=models.CASCADE, related_name="breakpoints")
    x = models.FloatField(help_text="Yards downfield from the runner's alignment.")
    y = models.FloatField(help_text="Yards sideways from the runner's alignment.")
    time_ms = models.PositiveIntegerField(help_text="Milliseconds after the snap.")

    objects = RowManager("route", "time_ms")
    natural_key = row_natural_key("playbook.route")

    class Meta:
        ordering = ["route", "time_ms", "id"]

    def __str__(self):
        return f"({self.x}, {self.y}) @ {self.time_ms} ms"


def _choices(values, labels):
    return [(v, labels[v]) for v in values]


class Play(TeamOwnedModel, WarningsMixin):
    history_rows = "assignments"
    kind = models.CharField(
        max_length=5,
        choices=_choices(kinds.KINDS, kinds.KIND_LABELS),
        default=kinds.PASS,
        help_text="Pass; run (a handoff, pitch or QB keeper); trick (the ball goes to another "
        "player behind the line, who throws).",
    )
    formation = models.ForeignKey(Formation, on_delete=models.RESTRICT, related_name="plays")
    ruleset = models.ForeignKey(
        Ruleset, on_delete=models.RESTRICT, null=True, blank=True, related_name="plays"
    )
    progression = models.JSONField(
        default=list,
        blank=True,
        help_text='Roles in the order the QB reads them, e.g. ["WR2", "WR1"].',
    )
    max_time_to_throw_ms = models.PositiveIntegerField(default=3000)
    scramble_allowed = models.BooleanField(default=False)
    motion_role = models.CharField(
        max_length=6,
        blank=True,
        default="",
        choices=OFFENSE_ROLE_CHOICES,
        help_text="Who moves before the snap.",
    )
    motion_x = models.FloatField(null=True, blank=True, help_text="Where the motion ends (x).")
    motion_y = models.FloatField(null=True, blank=True, help_text="Where the motion ends (y).")
    motion_duration_ms = models.PositiveIntegerField(null=True, blank=True)
    motion_kind = models.CharField(
        max_length=5,
        blank=True,
        default="",
        choices=_choices(kinds.MOTIONS, kinds.MOTION_LABELS),
        help_text="Jet, orbit or trade; empty: a plain shift.",
    )
    motion_at_snap = models.BooleanField(
        default=False,
        help_text="Still moving when the ball is snapped (where the ruleset allows it).",
    )
    # Runs and trick plays: who gets the ball, where and when it changes hands behind the line.
    ball_carrier = models.CharField(
        max_length=6,
        blank=True,
        default="",
        choices=OFFENSE_ROLE_CHOICES,
        help_text="Run: who carries it (QB: a keeper). Trick: who the ball is pitched to and "
        "who then throws.",
    )
    handoff_from = models.CharField(
        max_length=6,
        blank=True,
        default="",
        choices=OFFENSE_ROLE_CHOICES,
        help_text="Who hands or pitches the ball; empty: the QB.",
    )
    mesh_x = models.FloatField(
        null=True, blank=True, help_text="Where the ball changes hands (x, behind the line)."
    )
    mesh_y = models.FloatField(null=True, blank=True, help_text="Where it changes hands (y).")
    mesh_ms = models.PositiveIntegerField(
        null=True, blank=True, help_text="When it changes hands (ms after the snap)."
    )
    run_path = models.CharField(
        max_length=7,
        blank=True,
        default="",
        choices=_choices(kinds.RUN_PATHS, kinds.RUN_PATH_LABELS),
        help_text="The runner's path after the mesh when he has no route: dive, sweep, reverse.",
    )
    trick_kind = models.CharField(
        max_length=16,
        blank=True,
        default="",
        choices=_choices(kinds.TRICKS, kinds.TRICK_LABELS),
    )
    trick_progression = models.JSONField(
        default=list,
        blank=True,
        help_text='Trick play: roles the new thrower reads, in order, e.g. ["CENTER", "WR1"].',
    )
    tags = models.JSONField(default=list, blank=True)
    notes = models.TextField(blank=True, default="", max_length=5000)
    search_text = models.TextField(blank=True, default="", editable=False)

    # The plain fields besides name, references and rows, named once for the readers that
    # copy them (the importer and exporter, the API list rows).
    HANDOFF_FIELDS = (
        "kind",
        "ball_carrier",
        "handoff_from",
        "mesh_x",
        "mesh_y",
        "mesh_ms",
        "run_path",
        "trick_kind",
        "trick_progression",
    )
    MOTION_FIELDS = (
        "motion_role",
        "motion_x",
        "motion_y",
        "motion_duration_ms",
        "motion_kind",
        "motion_at_snap",
    )
    PLAIN_FIELDS = (
        "progression",
        "max_time_to_throw_ms",
        "scramble_allowed",
        *MOTION_FIELDS,
        *HANDOFF_FIELDS,
        "tags",
        "notes",
    )

    def save(self, *args, **kwargs):
        self.search_text = " ".join([self.name, *map(str, self.tags), self.notes]).lower()
        super().save(*args, **kwargs)

    @property
    def motion(self):
        if not self.motion_role:
            return None
        return {
            "role": self.motion_role,
            "x": self.motion_x,
            "y": self.motion_y,
            "duration_ms": self.motion_duration_ms,
            "kind": self.motion_kind,
            "at_snap": self.motion_at_snap,
        }

    @property
    def handoff(self):
        """Run and trick plays: who gives the ball to whom, where and when; else None."""
        if self.kind == kinds.PASS:
            return None
        return {
            "kind": self.kind,
            "carrier": self.ball_carrier,
            "from": self.handoff_from or "QB",
            "x": self.mesh_x,
            "y": self.mesh_y,
            "time_ms": self.mesh_ms,
            "path": self.run_path,
            "trick": self.trick_kind,
            "progression": list(self.trick_progression or []),
        }

    def qb_plan(self):
        return {"progression": self.progression, "max_time_to_throw_ms": self.max_time_to_throw_ms}

    def assignment_data(self):
        return [
            {
                "role": a.role,
                "route": a.route
                and {"name": a.route.name, "breakpoints": a.route.breakpoint_data()},
            }
            for a in self.assignments.all()
        ]

    def check_rules(self, rules=None):
        return validation.check_play(
            self.formation.slot_data(),
            self.assignment_data(),
            self.qb_plan(),
            self.motion,
            rules or rules_for(self),
            handoff=self.handoff,
        )


class PlayAssignment(models.Model):
    play = models.ForeignKey(Play, on_delete=models.CASCADE, related_name="assignments")
    role = models.CharField(max_length=6, choices=OFFENSE_ROLE_CHOICES)
    route = models.ForeignKey(
        Route,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="assignments",
        help_text="Empty: no route (QB, blocker, decoy).",
    )

    objects = RowManager("play", "role")
    natural_key = row_natural_key("playbook.play")

    class Meta:
        ordering = ["play", "id"]
        constraints = [
            models.UniqueConstraint(fields=["play", "role"], name="one_assignment_per_role")
        ]

    def __str__(self):
        return f"{self.role}: {self.route or '—'}"

    def deletion_owner(self):
        return self.play


class Scenario(TeamOwnedModel, WarningsMixin):
    history_rows = "defenders"
    ruleset = models.ForeignKey(
        Ruleset, on_delete=models.RESTRICT, null=True, blank=True, related_name="scenarios"
    )
    coverage = models.CharField(max_length=4, choices=Coverage.choices, default=Coverage.ZONE)
    shell = models.CharField(max_length=6, choices=Shell.choices, default=Shell.OTHER)
    notes = models.TextField(blank=True, default="", max_length=5000)
    position_jitter_yards = models.FloatField(default=0.5, validators=between(0, 5))
    reaction_jitter_ms = models.FloatField(default=50.0, validators=between(0, 500))
    situation_tags = models.JSONField(default=list, blank=True)

    @property
    def rushers_count(self):
        return sum(1 for d in self.defenders.all() if d.duty == Duty.RUSH)

    def defender_data(self):
        return [d.as_data() for d in self.defenders.all()]

    def check_rules(self, rules=None):
        return validation.check_scenario(self.defender_data(), rules or rules_for(self))


class ScenarioDefender(models.Model):
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="defenders")
    slot = models.CharField(max_length=3, choices=DEFENSE_ROLE_CHOICES)
    x = models.FloatField()
    y = models.FloatField()
    duty = models.CharField(max_length=4, choices=Duty.choices)
    man_target = models.CharField(
        max_length=6, blank=True, default="", help_text="An offensive role or 'auto' (MAN only)."
    )
    zone_x = models.FloatField(null=True, blank=True)
    zone_y = models.FloatField(null=True, blank=True)
    zone_radius = models.FloatField(null=True, blank=True)
    player = models.ForeignKey(
        Player,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty: the run's lineup decides who plays here.",
    )

    objects = RowManager("scenario", "slot")
    natural_key = row_natural_key("playbook.scenario")

    class Meta:
        ordering = ["scenario", "slot"]
        constraints = [
            models.UniqueConstraint(fields=["scenario", "slot"], name="one_defender_per_slot")
        ]

    def __str__(self):
        return f"{self.slot} {self.duty}"

    def as_data(self):
        return {
            f: getattr(self, f)
            for f in ("slot", "x", "y", "duty", "man_target", "zone_x", "zone_y", "zone_radius")
        }


class Lineup(TeamOwnedModel):
    history_rows = "spots"
    is_default = models.BooleanField(default=False)

    class Meta(TeamOwnedModel.Meta):
        constraints = [
            *TeamOwnedModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["team"], condition=Q(is_default=True), name="one_default_lineup_per_team"
            ),
        ]


class LineupSpot(models.Model):
    lineup = models.ForeignKey(Lineup, on_delete=models.CASCADE, related_name="spots")
    role = models.CharField(max_length=6, choices=ROLE_CHOICES)
    player = models.ForeignKey(Player, on_delete=models.RESTRICT, related_name="lineup_spots")

    objects = RowManager("lineup", "role")
    natural_key = row_natural_key("playbook.lineup")

    class Meta:
        ordering = ["lineup", "id"]
        constraints = [
            models.UniqueConstraint(fields=["lineup", "role"], name="one_player_per_role")
        ]

    def __str__(self):
        return f"{self.role}: {self.player}"

    def deletion_owner(self):
        return self


class Playbook(TeamOwnedModel):
    history_rows = "entries"
    description = models.TextField(blank=True, default="", max_length=5000)


class PlaybookEntry(models.Model):
    playbook = models.ForeignKey(Playbook, on_delete=models.CASCADE, related_name="entries")
    play = models.ForeignKey(Play, on_delete=models.RESTRICT, related_name="playbook_entries")
    order = models.PositiveIntegerField(default=0)
    call_number = models.CharField(max_length=12, help_text="Call number or wristband code.")
    situations = models.JSONField(
        default=list, blank=True, help_text=f"Buckets it is meant for: {', '.join(Bucket.values)}."
    )

    objects = RowManager("playbook", "call_number")
    natural_key = row_natural_key("playbook.playbook")

    class Meta:
        ordering = ["playbook", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["playbook", "call_number"], name="unique_call_number_in_playbook"
            ),
            models.UniqueConstraint(fields=["playbook", "play"], name="play_once_per_playbook"),
        ]

    def __str__(self):
        return f"{self.call_number}: {self.play}"

    def deletion_owner(self):
        return self


class ImportJournal(models.Model):
    """An import that writes in chunks, one transaction each, while it runs: what it
    created and changed so far (its entries), so that a failure — or a process that
    died mid-import — is undone and the import stays all or nothing
    (playbook/interchange/journal.py, docs/import-export.md)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    heartbeat_at = models.DateTimeField(help_text="When its last chunk was committed.")
    host = models.CharField(max_length=255, blank=True, default="")
    pid = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["started_at", "id"]

    def __str__(self):
        return f"Import #{self.pk} into team {self.team_id} (pid {self.pid} on {self.host})"


class ImportJournalEntry(models.Model):
    """One object an import wrote: created (undo deletes it) or changed (`before` holds
    its row and child rows as they were; undo writes them back), or the team's derived
    state (`model` "state": default flags and warnings) before the first change."""

    journal = models.ForeignKey(ImportJournal, on_delete=models.CASCADE, related_name="entries")
    model = models.CharField(max_length=100)  # "playbook.play", or "state"
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    created = models.BooleanField(default=False)
    before = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["id"]


def default_ruleset(team):
    return Ruleset.objects.filter(team=team, is_default=True).first()


def rules_for(obj):
    """The ruleset an object is checked against: its own, else the team's default."""
    ruleset = getattr(obj, "ruleset", None)
    if ruleset is None and obj.team_id:
        ruleset = default_ruleset(obj.team_id)
    return validation.Rules.of(ruleset)
