"""Simulation runs as jobs (docs/simulation.md; docs/domain.md, Long work).

A run covers plays × scenarios. It is cut into slices (one pair, a range of engine
chunks); each slice is a background task that stores its mergeable metrics state, so
any number of workers can share a run and the merged result equals one process doing
it all. Traces are stored per recorded episode."""

from django.conf import settings
from django.db import models
from django.utils import timezone

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


class Job(models.Model):
    """What every long piece of work shows (runs, trainings, analyses): its status,
    progress 0–100, error, and when it was created, started and finished."""

    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_finished(self):
        return self.status in FINISHED


class HeartbeatJob(Job):
    """A job that is one task: when its task was queued, and its last sign of life (what
    recovery looks at to tell a dead worker from a slow one)."""

    queued_at = models.DateTimeField(
        default=timezone.now, help_text="When its task was (last) put on the queue."
    )
    heartbeat_at = models.DateTimeField(null=True, blank=True, help_text="Last progress save.")

    class Meta:
        abstract = True


class Priority(models.IntegerChoices):
    """django-tasks priorities of a job's tasks: a coach waiting on the page goes first."""

    BATCH = 0, "Batch"
    INTERACTIVE = 50, "Interactive"


class SimulationRun(Job):
    job_noun = "run"  # how a refused delete names it (playbook.services)

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    plays = models.ManyToManyField(Play, related_name="simulation_runs")
    scenarios = models.ManyToManyField(Scenario, related_name="simulation_runs")
    # What was simulated, kept when a play or scenario is deleted later (the links above
    # go with the deleted object; the metrics and traces still name it by id).
    play_ids = models.JSONField(default=list, editable=False)
    scenario_ids = models.JSONField(default=list, editable=False)
    # The engine inputs as taken when the run was created and the versions of the objects
    # they came from (simulation.snapshot): the run simulates these, not the live
    # objects, so an edit meanwhile cannot mix two versions into its metrics.
    inputs = models.JSONField(null=True, blank=True, editable=False)
    ruleset = models.ForeignKey(Ruleset, on_delete=models.SET_NULL, null=True, blank=True)
    lineup = models.ForeignKey(Lineup, on_delete=models.SET_NULL, null=True, blank=True)
    down = models.PositiveSmallIntegerField(default=1)
    distance = models.FloatField(default=10.0)
    yardline = models.FloatField(default=35.0, help_text="Yards to the goal line.")
    bucket = models.CharField(max_length=10, choices=Bucket.choices)
    episodes = models.PositiveIntegerField(help_text="Episodes per play × scenario pair.")
    seed = models.PositiveBigIntegerField()
    traces_requested = models.PositiveSmallIntegerField(default=0, help_text="Per pair.")
    priority = models.SmallIntegerField(
        choices=Priority.choices,
        default=Priority.BATCH,
        help_text="Its slices go before lower priorities' slices of any team.",
    )
    metrics = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["team", "status"])]

    def __str__(self):
        return f"Simulation #{self.pk} ({self.get_status_display().lower()})"


class SimulationSlice(models.Model):
    """One task's share: chunks [first_chunk, last_chunk] of one pair."""

    run = models.ForeignKey(SimulationRun, on_delete=models.CASCADE, related_name="slices")
    play_id_ref = models.PositiveBigIntegerField()
    scenario_id_ref = models.PositiveBigIntegerField()
    first_chunk = models.PositiveIntegerField()
    last_chunk = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    queued_at = models.DateTimeField(
        default=timezone.now, help_text="When its task was (last) put on the queue."
    )
    started_at = models.DateTimeField(null=True, blank=True)
    state = models.JSONField(null=True, blank=True, help_text="MetricsAggregator state.")

    class Meta:
        ordering = ["run", "id"]
        # what a worker's token looks up: queued slices, and the work of the last minute
        indexes = [models.Index(fields=["status", "run"]), models.Index(fields=["started_at"])]

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


class PolicyAlgorithm(models.TextChoices):
    UCB1 = "ucb1", "UCB1"
    THOMPSON = "thompson", "Thompson sampling (Normal)"
    EPSILON_GREEDY = "epsilon_greedy", "ε-greedy"


class Policy(HeartbeatJob):
    """A trained play-calling policy and the record of its training job (docs/policies.md).

    `mix`: [{"scenario": id, "weight": w}] (the defense mix); `stats`: per bucket, per
    play, the arm statistics (JSON, never pickle); `curve`: the learning curve."""

    job_noun = "training"  # how a refused delete names it (playbook.services)

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField(max_length=120, blank=True, default="")
    playbook = models.ForeignKey(
        "playbook.Playbook", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    plays = models.ManyToManyField(Play, related_name="policies")
    scenarios = models.ManyToManyField(Scenario, related_name="policies")
    play_ids = models.JSONField(default=list, editable=False)  # as trained (see SimulationRun)
    mix = models.JSONField(default=list, help_text='[{"scenario": id, "weight": w}, …]')
    buckets = models.JSONField(default=list)
    ruleset = models.ForeignKey(Ruleset, on_delete=models.SET_NULL, null=True, blank=True)
    lineup = models.ForeignKey(Lineup, on_delete=models.SET_NULL, null=True, blank=True)
    algorithm = models.CharField(max_length=16, choices=PolicyAlgorithm.choices)
    params = models.JSONField(default=dict, blank=True)
    episodes = models.PositiveIntegerField(help_text="Episode budget over all buckets.")
    seed = models.PositiveBigIntegerField()
    episodes_done = models.PositiveIntegerField(default=0)
    stats = models.JSONField(default=dict, blank=True)
    curve = models.JSONField(default=list, blank=True)
    priority = models.SmallIntegerField(
        choices=Priority.choices,
        default=Priority.BATCH,
        help_text="The django-tasks priority of its training's tasks (every slice).",
    )
    # Between two slices of its training: the engine inputs it took at the start and the
    # learner's whole state (simulation.policies.training); null before and after.
    checkpoint = models.JSONField(null=True, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(
        default=0, help_text="Times a dead worker's training was resumed from its checkpoint."
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "policies"
        indexes = [models.Index(fields=["team", "status"])]

    def __str__(self):
        return (
            f"Policy #{self.pk} {self.get_algorithm_display()} "
            f"({self.get_status_display().lower()})"
        )

    @property
    def scenario_ids(self):
        """The mix's defenses, in mix order (what snapshot.take reads, as of a run)."""
        return [m["scenario"] for m in self.mix]


class PolicyAdoption(models.Model):
    """A coach accepted a recommendation into a playbook's call sheet."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="adoptions")
    bucket = models.CharField(max_length=10, choices=Bucket.choices)
    play = models.ForeignKey(Play, on_delete=models.CASCADE, related_name="+")
    playbook = models.ForeignKey(
        "playbook.Playbook", on_delete=models.CASCADE, related_name="policy_adoptions"
    )
    call_number = models.CharField(max_length=12)
    recommendation = models.JSONField(default=dict, blank=True, help_text="As shown when adopted.")
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    adopted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-adopted_at", "-id"]

    def __str__(self):
        return f"{self.bucket}: {self.play} → {self.playbook} ({self.call_number})"
