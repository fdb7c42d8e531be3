"""Strategy analyses: expected points, call mixes, simulated seasons and the adaptive
defense stress test, each a background job over the drive simulator (simulation.drives).

An analysis keeps what it was asked (plays, defense mix, opponent, ruleset, lineup,
episodes, seed and the kind's own parameters) and, once finished, the JSON report.
`inputs_key` hashes everything the engine sees, so an analysis with the same key reuses
a finished result (`cached_from`) instead of simulating again."""

from django.conf import settings
from django.db import models

from playbook.models import Lineup, Play, Playbook, Ruleset, Scenario
from simulation.models import HeartbeatJob
from teams.models import Team


class AnalysisKind(models.TextChoices):
    EXPECTED_POINTS = "expected_points", "Expected points"
    CALL_MIX = "call_mix", "Call mix"
    SEASON = "season", "Season"
    STRESS_TEST = "stress_test", "Stress test"


class Analysis(HeartbeatJob):
    job_noun = "analysis"  # how a refused delete names it (playbook.services)

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField(max_length=120, blank=True, default="")
    kind = models.CharField(max_length=16, choices=AnalysisKind.choices)
    playbook = models.ForeignKey(
        Playbook, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    plays = models.ManyToManyField(Play, related_name="analyses")
    scenarios = models.ManyToManyField(Scenario, related_name="analyses")
    # As asked, kept when a play or scenario is deleted later (see SimulationRun).
    play_ids = models.JSONField(default=list, editable=False)
    mix = models.JSONField(
        default=list, help_text='The defenses our offense faces: [{"scenario": id, "weight": w}].'
    )
    opponent_playbook = models.ForeignKey(
        Playbook, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    opponent_play_ids = models.JSONField(default=list, blank=True)
    our_mix = models.JSONField(
        default=list, blank=True, help_text="The defenses the opponent's offense faces."
    )
    ruleset = models.ForeignKey(Ruleset, on_delete=models.SET_NULL, null=True, blank=True)
    lineup = models.ForeignKey(Lineup, on_delete=models.SET_NULL, null=True, blank=True)
    episodes = models.PositiveIntegerField(help_text="Engine episodes per play × defense × cell.")
    seed = models.PositiveBigIntegerField()
    params = models.JSONField(default=dict, blank=True, help_text="The kind's own inputs.")
    inputs_key = models.CharField(max_length=64, blank=True, default="", db_index=True)
    cached_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    result = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "analyses"
        indexes = [
            models.Index(fields=["team", "status"]),
            models.Index(fields=["team", "inputs_key"]),
        ]

    def __str__(self):
        label = f"{self.get_kind_display()} #{self.pk}"
        if self.name:
            label += f" {self.name}"
        return f"{label} ({self.get_status_display().lower()})"


class AnalysisSample(models.Model):
    """One play's sampled snaps (simulation.drives.transitions.sample_play) of an analysis
    still at work: its sampling runs in slices, and these carry it from one slice to the
    next. Deleted when the analysis ends."""

    analysis = models.ForeignKey(Analysis, on_delete=models.CASCADE, related_name="samples")
    key = models.CharField(max_length=64, help_text="The inputs' key when it was sampled.")
    table = models.PositiveSmallIntegerField(help_text="0: our offense; 1: the opponent's.")
    play = models.CharField(max_length=32, help_text="The play's id in the table.")
    data = models.BinaryField(help_text="kind, value and result arrays (NumPy .npz).")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["analysis", "table", "play"], name="one_sample_per_play_and_table"
            )
        ]

    def __str__(self):
        return f"analysis {self.analysis_id} table {self.table} play {self.play}"
