"""Simulation runs in the coach's admin: status, progress and the metrics as tables.

Runs are started by the add page (the start form: plays, defenses, situation, ruleset,
lineup, episodes, seed), the "Simulate" actions on plays and scenarios (playbook_actions)
or the API; a run is never edited: the change page is read-only. While a
run is queued or running its page reloads itself to show the progress."""

import re

from django.contrib import admin, messages
from django.db.models import Count, F, IntegerField, OuterRef, Subquery, prefetch_related_objects
from django.db.models.functions import Coalesce
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst

from pictures import run_images as images
from pictures.animations import outcome_text
from pictures.charts import run_charts
from pictures.serving import AdminPictures
from playbook.models import Play, Scenario
from simulation import snapshot
from simulation.admin.display import (
    NONE,
    REFRESH_SECONDS,
    REWARD_HELP,
    SHORT_BUCKETS,
    JobColumns,
    as_simulated,
    count,
    gone,
    linked,
    number,
    pct,
    seconds,
    situation_label,
    when,
    yards,
)
from simulation.admin.start import SimulationStartForm, StartPage
from simulation.job_admin import job_fieldsets
from simulation.models import JobStatus, SimulationRun
from simulation.services import (
    field_label,
    run_fields,
    simulation_run_cancel,
    simulation_run_start,
)
from teams.models import EDITOR_ROLES
from teams.scoping import TeamScopedAdmin

MAX_REPLAYS = 12  # replays shown on a run's page (all are in the API)


# --- metrics → table rows ----------------------------------------------------------------

OVERALL_ROWS = (
    ("Episodes", "episodes", count),
    ("Pass attempts", "attempts", count),
    ("Completion", "completion_rate", pct),
    ("Sack (of dropbacks)", "sack_rate", pct),
    ("Interception", "interception_rate", pct),
    ("Touchdown (of dropbacks)", "touchdown_rate", pct),
    ("Success (converted or scored)", "success_rate", pct),
    ("Mean yards", "mean_yards", yards),
    ("Median yards", "median_yards", yards),
    ("10th percentile yards", "p10_yards", yards),
    ("90th percentile yards", "p90_yards", yards),
    ("Mean reward (pts)", "mean_reward", number),
    ("Median time to throw", "median_time_to_throw_ms", seconds),
    ("Completion, clean pocket", "clean_completion_rate", pct),
    ("Completion, pressured", "pressured_completion_rate", pct),
    ("Carries (run plays)", "carries", count),
    ("Run share (of plays)", "run_share", pct),
    ("Yards per carry", "yards_per_carry", yards),
    ("Negative runs (of carries)", "negative_run_rate", pct),
)

PAIR_COLUMNS = (
    ("Passes", "attempts", count),
    ("Comp.", "completion_rate", pct),
    ("Sack", "sack_rate", pct),
    ("INT", "interception_rate", pct),
    ("TD", "touchdown_rate", pct),
    ("Success", "success_rate", pct),
    ("Mean yd", "mean_yards", yards),
    ("Median yd", "median_yards", yards),
    ("Reward (pts)", "mean_reward", number),
    ("Time to throw", "median_time_to_throw_ms", seconds),
    ("Comp. clean", "clean_completion_rate", pct),
    ("Comp. pressured", "pressured_completion_rate", pct),
    ("Yd/carry", "yards_per_carry", yards),
    ("Neg. runs", "negative_run_rate", pct),
)


def overall_rows(block):
    return [(label, show(block.get(key))) for label, key, show in OVERALL_ROWS]


def depth_rows(block):
    return [
        (depth, pct(rate)) for depth, rate in (block.get("completion_rate_by_depth") or {}).items()
    ]


def share_rows(block):
    shares = sorted((block.get("target_share") or {}).items(), key=lambda item: (-item[1], item[0]))
    return [(role, pct(share)) for role, share in shares]


def pair_rows(run, metrics):
    """Rows play × scenario; names come from the run's plays and scenarios (prefetched
    once by get_object), never looked up per row."""
    plays = {p.pk: p for p in run.plays.all()}
    scenarios = {s.pk: s for s in run.scenarios.all()}
    rows = []
    for pair in metrics.get("pairs") or []:
        play, scenario = plays.get(pair["play"]), scenarios.get(pair["scenario"])
        rows.append(
            {
                "play": linked("play", play) if play else gone("play", pair["play"]),
                "scenario": linked("scenario", scenario)
                if scenario
                else gone("scenario", pair["scenario"]),
                "cells": [show(pair.get(key)) for _, key, show in PAIR_COLUMNS],
            }
        )
    return rows


# --- the admin ----------------------------------------------------------------------------


def _links_count(through):
    """Rows of an M2M table per run, as a subquery (no join fan-out in the changelist)."""
    rows = (
        through.objects.filter(simulationrun=OuterRef("pk"))
        .order_by()
        .values("simulationrun")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def replay_choice(run):
    """Up to MAX_REPLAYS traces to show: each play's first one, then the rest in order
    (the outcome read from the JSON in the query, not the whole frames)."""
    rows = list(
        run.traces.order_by("index").values(
            "index", "play_id_ref", "scenario_id_ref", "data__outcome"
        )
    )
    seen, first, rest = set(), [], []
    for row in rows:
        (rest if row["play_id_ref"] in seen else first).append(row)
        seen.add(row["play_id_ref"])
    return (first + rest)[:MAX_REPLAYS]


@admin.register(SimulationRun)
class SimulationRunAdmin(StartPage, AdminPictures, JobColumns, TeamScopedAdmin):
    change_form_template = "admin/simulation/simulationrun/change_form.html"
    list_display = (
        "run_id",
        "status_badge",
        "progress_bar",
        "bucket_label",
        "pair_count",
        "episodes_per_pair",
        "created",
        "finished",
        "team",
    )
    list_display_links = ("run_id",)
    list_filter = ("status", "bucket", "team")
    list_select_related = ("team",)
    list_per_page = 50
    empty_value_display = NONE
    actions = ["cancel_runs"]
    start_form = SimulationStartForm
    start_fieldsets = (
        (None, {"fields": ("team",)}),
        ("Plays and defenses", {"fields": ("plays", "scenarios")}),
        ("Situation", {"fields": ("down", "distance", "yardline")}),
        (
            "Simulation",
            {"fields": ("ruleset", "lineup", "episodes", "seed", "traces_requested")},
        ),
    )

    def start_job(self, request, start):
        run = simulation_run_start(user=request.user, **start)
        if run.status == JobStatus.FAILED:
            self.message_user(request, f"Simulation #{run.pk} failed: {run.error}", messages.ERROR)
        elif not run.is_finished:
            self.message_user(
                request,
                f"Simulation #{run.pk} is running in the background; this page shows its progress.",
                messages.SUCCESS,
            )
        return run

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return super().get_fieldsets(request, obj)  # the start form's
        return job_fieldsets(
            obj,
            ["team", "status_badge", "progress_bar"],
            "What was simulated",
            (
                "situation",
                "plays_links",
                "scenarios_links",
                "episodes_label",
                "seed",
                "traces_requested",
                "ruleset_label",
                "lineup_label",
                "input_versions",
            ),
        )

    def get_queryset(self, request):
        queryset = (
            super()
            .get_queryset(request)
            .annotate(
                plays_total=_links_count(SimulationRun.plays.through),
                scenarios_total=_links_count(SimulationRun.scenarios.through),
            )
        )
        return queryset.annotate(pairs_total=F("plays_total") * F("scenarios_total"))

    def get_object(self, request, object_id, from_field=None):
        run = super().get_object(request, object_id, from_field)
        if run is not None:
            prefetch_related_objects([run], "plays", "scenarios__ruleset", "ruleset")
        return run

    # --- permissions: runs are started (the add page) and never edited ----------------------

    def has_change_permission(self, request, obj=None):
        return False

    def has_cancel_permission(self, request):
        return self._can(request, None, self.write_roles)

    # --- columns and read-only fields --------------------------------------------------------

    @admin.display(description="run", ordering="id")
    def run_id(self, run):
        return f"#{run.pk}"

    @admin.display(description="pairs", ordering="pairs_total")
    def pair_count(self, run):
        return format_html(
            '<span title="{} plays × {} scenarios">{}</span>',
            len(run.play_ids),
            len(run.scenario_ids),
            len(run.play_ids) * len(run.scenario_ids),
        )

    @admin.display(description="bucket", ordering="bucket")
    def bucket_label(self, run):
        return format_html(
            '<span style="white-space:nowrap" title="{}">{}</span>',
            situation_label(run),
            SHORT_BUCKETS.get(run.bucket, run.bucket),
        )

    @admin.display(description="episodes", ordering="episodes")
    def episodes_per_pair(self, run):
        return count(run.episodes)

    @admin.display(description="created", ordering="created_at")
    def created(self, run):
        return when(run.created_at)

    @admin.display(description="finished", ordering="finished_at")
    def finished(self, run):
        return when(run.finished_at)

    @admin.display(description="episodes")
    def episodes_label(self, run):
        pairs = len(run.play_ids) * len(run.scenario_ids)
        return (
            f"{run.episodes:,} per play × scenario pair; {run.episodes * pairs:,} in all "
            f"({pairs} pair{'s' * (pairs != 1)})"
        )

    @admin.display(description="situation")
    def situation(self, run):
        return situation_label(run)

    @admin.display(description="plays")
    def plays_links(self, run):
        return as_simulated(run.plays.all(), run.play_ids, "play")

    @admin.display(description="scenarios")
    def scenarios_links(self, run):
        return as_simulated(run.scenarios.all(), run.scenario_ids, "scenario")

    @admin.display(description="field (ruleset)")
    def ruleset_label(self, run):
        """Which field every result is on: one line per ruleset used, with its scenarios
        when the run mixes fields (the run's ruleset, else the scenario's, else the
        team's default)."""
        entries = run_fields(run)
        names = {s.pk: s.name for s in run.scenarios.all()}
        why = (
            "chosen for this run"
            if run.ruleset_id
            else "each scenario's own, else the team's default"
        )
        if len(entries) <= 1:
            label = field_label(entries[0]["ruleset"]) if entries else "—"
            return format_html("{} <span class='help'>({}; every scenario)</span>", label, why)
        return format_html(
            "<strong>Mixed fields</strong> <span class='help'>({})</span><ul>{}</ul>",
            why,
            format_html_join(
                "",
                "<li>{}: {}</li>",
                (
                    (field_label(e["ruleset"]), ", ".join(names[pk] for pk in e["scenarios"]))
                    for e in entries
                ),
            ),
        )

    @admin.display(description="input versions")
    def input_versions(self, run):
        """Each input as the run took it; those edited or deleted since are marked."""
        taken = snapshot.versions(run)
        if not taken:
            return "Not recorded (the run is older than recorded inputs)."
        changed = {(c["kind"], c["id"]): c["current_version"] for c in snapshot.changed_since(run)}
        rows = []
        for v in taken:
            key = (v["kind"], v["id"])
            if key not in changed:
                note = ""
            elif changed[key] is None:
                note = " — deleted since"
            else:
                note = f" — changed since (now version {changed[key]})"
            rows.append(
                format_html(
                    "<li>{} {}: version {}<strong>{}</strong></li>",
                    capfirst(v["kind"]),
                    v["name"],
                    v["version"],
                    note,
                )
            )
        items = format_html_join("", "{}", ((row,) for row in rows))
        return format_html("<ul style='margin:0;padding-left:1.2em'>{}</ul>", items)

    # --- the page -------------------------------------------------------------------------------

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context.update(self.metrics_context(obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def metrics_context(self, run):
        metrics = run.metrics or {}
        overall = metrics.get("overall") or {}
        return {
            "live": not run.is_finished,
            "refresh_seconds": REFRESH_SECONDS,
            "has_metrics": bool(overall),
            "overall_rows": overall_rows(overall),
            "depth_rows": depth_rows(overall),
            "share_rows": share_rows(overall),
            "pair_columns": [label for label, _, _ in PAIR_COLUMNS],
            "reward_help": REWARD_HELP,
            "pair_rows": pair_rows(run, metrics),
            **self.pictures_context(run, bool(overall)),
        }

    def pictures_context(self, run, has_metrics):
        """Charts (inline SVG), the heat map and the recorded replays (GIF URLs)."""
        if not has_metrics:
            return {}
        traces = replay_choice(run)
        names = dict(Play.objects.filter(team=run.team_id).values_list("pk", "name"))
        scenario_names = dict(Scenario.objects.filter(team=run.team_id).values_list("pk", "name"))
        return {
            "charts": [(title, mark_safe(svg)) for title, svg in run_charts(run)],
            "heatmap_url": self.picture_url(run, "heatmap", "svg"),
            "heatmap_rate_url": self.picture_url(run, "heatmap", "svg", value="success_rate"),
            "heatmap_png_url": self.picture_url(run, "heatmap", "png"),
            "replays": [
                {
                    "url": self.picture_url(run, f"replay-{t['index']}", "gif"),
                    "title": f"{names.get(t['play_id_ref'], 'deleted play')} vs "
                    f"{scenario_names.get(t['scenario_id_ref'], 'deleted scenario')}",
                    "outcome": outcome_text(t["data__outcome"] or {}),
                }
                for t in traces
            ],
            "more_replays": max(run.traces.count() - MAX_REPLAYS, 0),
        }

    def picture(self, run, name, ext, request):
        if name == "heatmap" and ext in ("svg", "png") and run.metrics:
            return images.heatmap(run, ext, request.GET.get("value", "mean_reward"))
        replay = re.fullmatch(r"replay-(\d{1,9})", name)
        if replay and ext == "gif":
            trace = run.traces.select_related("run").get(index=int(replay[1]))
            return images.replay(trace)
        return None

    def get_deleted_objects(self, objs, request):
        """List the runs, and count their slices and traces instead of naming each one."""
        deleted, counts, perms, protected = super().get_deleted_objects(objs, request)
        return [item for item in deleted if not isinstance(item, list)], counts, perms, protected

    # --- actions --------------------------------------------------------------------------------

    @admin.action(description="Cancel selected runs", permissions=["cancel"])
    def cancel_runs(self, request, queryset):
        cancelled, finished = [], []
        for run in self._scope(request, queryset, roles=EDITOR_ROLES):
            (cancelled if simulation_run_cancel(run) else finished).append(run)
        if cancelled:
            names = ", ".join(f"#{r.pk}" for r in cancelled)
            self.message_user(request, f"Cancelled: {names}.", messages.SUCCESS)
        if finished:
            names = ", ".join(f"#{r.pk} ({r.get_status_display().lower()})" for r in finished)
            self.message_user(
                request, f"Already finished, nothing to cancel: {names}.", messages.WARNING
            )
        if not cancelled and not finished:
            self.message_user(
                request,
                "Only a team's coaches and owners can cancel its runs.",
                messages.ERROR,
            )
