"""Simulation runs as jobs (DOMAIN.md §3 and §6).

A run covers plays × scenarios. It is cut into slices (one pair, a range of engine
chunks); each slice is a background task that stores its mergeable metrics state, so
any number of workers can share a run and the merged result equals one process doing
it all. Traces are stored per recorded episode."""

from django.conf import settings
from django.db import models

from playbook.constants import Bucket
from playbook.models import Lineup, Play, Ruleset, Scenario
from teams.models import Team


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


FINISHED = (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED)


class SimulationRun(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    plays = models.ManyToManyField(Play, related_name="simulation_runs")
    scenarios = models.ManyToManyField(Scenario, related_name="simulation_runs")
    ruleset = models.ForeignKey(Ruleset, on_delete=models.SET_NULL, null=True, blank=True)
    lineup = models.ForeignKey(Lineup, on_delete=models.SET_NULL, null=True, blank=True)
    down = models.PositiveSmallIntegerField(default=1)
    distance = models.FloatField(default=10.0)
    yardline = models.FloatField(default=35.0, help_text="Yards to the goal line.")
    bucket = models.CharField(max_length=10, choices=Bucket.choices)
    episodes = models.PositiveIntegerField(help_text="Episodes per play × scenario pair.")
    seed = models.PositiveBigIntegerField()
    traces_requested = models.PositiveSmallIntegerField(default=0, help_text="Per pair.")
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True, default="")
    metrics = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["team", "status"])]

    def __str__(self):
        return f"Simulation #{self.pk} ({self.get_status_display().lower()})"

    @property
    def is_finished(self):
        return self.status in FINISHED


class SimulationSlice(models.Model):
    """One task's share: chunks [first_chunk, last_chunk] of one pair."""

    run = models.ForeignKey(SimulationRun, on_delete=models.CASCADE, related_name="slices")
    play_id_ref = models.PositiveBigIntegerField()
    scenario_id_ref = models.PositiveBigIntegerField()
    first_chunk = models.PositiveIntegerField()
    last_chunk = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    state = models.JSONField(null=True, blank=True, help_text="MetricsAggregator state.")

    class Meta:
        ordering = ["run", "id"]

    def __str__(self):
        pair = f"{self.play_id_ref}×{self.scenario_id_ref}"
        return f"run {self.run_id} pair {pair} chunks {self.first_chunk}–{self.last_chunk}"


class SimulationTrace(models.Model):
    run = models.ForeignKey(SimulationRun, on_delete=models.CASCADE, related_name="traces")
    index = models.PositiveIntegerField(help_text="n in …/traces/{n}/, from 0.")
    play_id_ref = models.PositiveBigIntegerField()
    scenario_id_ref = models.PositiveBigIntegerField()
    episode = models.PositiveIntegerField()
    data = models.JSONField(help_text="Frames and the episode's outcome.")

    class Meta:
        ordering = ["run", "index"]
        constraints = [models.UniqueConstraint(fields=["run", "index"], name="one_trace_per_index")]
