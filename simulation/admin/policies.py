"""Play-calling policies in the coach's admin: the training job's status and progress,
its configuration, per-bucket tables, the learning curve, and a Recommend page where a
coach picks a situation (and optionally a defense), reads the ranked calls with their
reasoning and adopts one into a playbook's call sheet.

Policies are trained from the add page (the start form: a playbook or plays, a weighted
defense mix, situations, algorithm, episodes), the "Train play-calling policy" action on
playbooks (playbook_actions) or the API; a policy is never edited: the change page is
read-only and reloads itself while the training is queued or running."""

from urllib.parse import parse_qsl, urlencode

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from config.admin_text import describe
from football.situations import situation_bucket, situation_errors
from pictures.charts import curve_chart
from playbook.constants import Bucket
from playbook.models import Play, Playbook, Scenario, default_ruleset
from simulation import learning, policies
from simulation.admin.display import (
    NONE,
    REFRESH_SECONDS,
    REWARD_HELP,
    SHORT_BUCKETS,
    JobColumns,
    as_simulated,
    count,
    down_label,
    linked,
    number,
    pct,
    when,
    yards,
)
from simulation.admin.start import StartPage, TrainingStartForm
from simulation.job_admin import job_fieldsets
from simulation.models import JobStatus, Policy
from teams.models import EDITOR_ROLES
from teams.scoping import TeamScopedAdmin

BUCKET_LABELS = dict(Bucket.choices)
ALGORITHM_SHORT = {"ucb1": "UCB1", "thompson": "Thompson", "epsilon_greedy": "ε-greedy"}


def bucket_situation(bucket):
    down, distance, yardline = policies.REPRESENTATIVE[bucket]
    return f"{down_label(down)} and {distance:g}, {yardline:g} yd to the goal"


def interval_label(arm):
    """The 95 % interval of the arm's expected reward (its Normal posterior)."""
    if not arm.pulls:
        return NONE
    mean, sd = learning.posterior(arm)
    return f"{mean - learning.Z95 * sd:.1f} to {mean + learning.Z95 * sd:.1f}"


def bucket_tables(policy, plays):
    """Per trained bucket: the situation and one row per play, best mean reward first."""
    tables = []
    for bucket in [b for b in Bucket.values if b in (policy.stats or {})]:
        table = policy.stats[bucket]
        rows = []
        for pid, raw in table["arms"].items():
            arm = learning.ArmStats.from_dict(raw)
            play = plays.get(int(pid))
            rows.append(
                {
                    "play": linked("play", play) if play else raw["name"],
                    "pulls": arm.pulls,
                    "mean": arm.mean,
                    "cells": [
                        count(arm.pulls),
                        number(arm.mean) if arm.pulls else NONE,
                        interval_label(arm),
                        yards(arm.mean_yards) if arm.pulls else NONE,
                        pct(arm.success_rate) if arm.pulls else NONE,
                    ],
                }
            )
        rows.sort(key=lambda r: (r["pulls"] == 0, -r["mean"]))
        tables.append(
            {
                "bucket": bucket,
                "label": BUCKET_LABELS.get(bucket, bucket),
                "situation": bucket_situation(bucket),
                "episodes": count(table.get("episodes")),
                "batch": count(table.get("batch")),
                "per_defense": count(table.get("per_defense_episodes"))
                if table.get("per_defense_episodes")
                else "",
                "rows": rows,
            }
        )
    return tables


# --- the recommend and adopt forms ----------------------------------------------------


class RecommendForm(forms.Form):
    situation = forms.ChoiceField(
        choices=[("", "— by down and distance —"), *Bucket.choices],
        required=False,
    )
    down = forms.IntegerField(required=False)
    distance = forms.FloatField(required=False, label="Yards to go")
    yardline = forms.FloatField(
        required=False, label="Yards to the goal", help_text="Default 35 when left empty."
    )
    scenario = forms.ModelChoiceField(
        queryset=Scenario.objects.none(),
        required=False,
        empty_label="The trained mix (any defense)",
        label="Defense",
    )

    FIELDS = ("situation", "down", "distance", "yardline", "scenario")

    def __init__(self, policy, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.policy = policy
        self.fields["situation"].label = "Situation bucket"
        self.fields["scenario"].queryset = Scenario.objects.filter(
            team_id=policy.team_id, pk__in=[m["scenario"] for m in policy.mix]
        ).order_by("name")

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if data.get("situation"):
            data["bucket"] = data["situation"]
            return data
        down, distance = data.get("down"), data.get("distance")
        yardline = data.get("yardline")
        if down is None and distance is None and yardline is None:
            raise ValidationError("Pick a situation bucket, or give down and yards to go.")
        if down is None:
            self.add_error("down", "Give the down (1–4), or pick a situation bucket.")
        if distance is None:
            self.add_error("distance", "Give the yards to go, or pick a situation bucket.")
        if self.errors:
            return data
        yardline = 35.0 if yardline is None else yardline
        rules = self.policy.ruleset or default_ruleset(self.policy.team_id)
        if rules is not None:
            for key, messages_ in situation_errors(down, distance, yardline, rules).items():
                field = key.split(".")[-1]
                for message in messages_:
                    self.add_error(field, message)
            downs = rules.downs_to_convert
        else:
            downs = 4
            if not 1 <= down <= 4:
                self.add_error("down", f"{down} — must be 1 to 4.")
            if not 0 < distance <= yardline:
                self.add_error("distance", "Yards to go must be above 0 and at most the yard line.")
        if not self.errors:
            data["bucket"] = str(situation_bucket(down, distance, yardline, downs))
        return data


class AdoptForm(forms.Form):
    bucket = forms.ChoiceField(choices=Bucket.choices)
    play = forms.ModelChoiceField(queryset=Play.objects.none())
    playbook = forms.ModelChoiceField(queryset=Playbook.objects.none())
    call_number = forms.CharField(max_length=12, required=False)

    def __init__(self, policy, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["play"].queryset = Play.objects.filter(
            team_id=policy.team_id, pk__in=policy.plays.values("pk")
        )
        self.fields["playbook"].queryset = Playbook.objects.filter(team_id=policy.team_id)


# --- the admin ------------------------------------------------------------------------


@admin.register(Policy)
class PolicyAdmin(StartPage, JobColumns, TeamScopedAdmin):
    change_form_template = "admin/simulation/policy/change_form.html"
    recommend_template = "admin/simulation/policy/recommend.html"
    list_display = (
        "policy_label",
        "status_badge",
        "progress_bar",
        "algorithm_short",
        "episodes_budget",
        "bucket_list",
        "created",
        "finished",
        "team",
    )
    list_display_links = ("policy_label",)
    list_filter = ("status", "algorithm", "team")
    list_select_related = ("team",)
    list_per_page = 50
    search_fields = ("name",)
    empty_value_display = NONE
    actions = ["cancel_policies"]
    start_form = TrainingStartForm
    start_fieldsets = (
        (None, {"fields": ("team", "name")}),
        ("The plays to choose between", {"fields": ("playbook", "plays")}),
        ("The defenses faced", {"fields": ("scenarios", "weights", "situation_buckets")}),
        (
            "Training",
            {"fields": ("algorithm", "parameter", "episodes", "seed", "ruleset", "lineup")},
        ),
    )

    def start_job(self, request, start):
        policy = policies.policy_train_start(user=request.user, **start)
        self.message_user(
            request,
            f"Policy #{policy.pk} is training: {len(policy.play_ids)} plays × "
            f"{len(policy.mix)} defenses, {len(policy.buckets)} situations, "
            f"{policy.episodes:,} episodes. This page shows the progress.",
            messages.SUCCESS,
        )
        return policy

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return super().get_fieldsets(request, obj)
        status = ["team", "name", "status_badge", "progress_bar", "episodes_done_label"]
        if obj.status == JobStatus.SUCCEEDED:  # a failed or unfinished one has nothing to say
            status.append("recommend_link")
        return job_fieldsets(
            obj,
            status,
            "What was trained",
            (
                "playbook_link",
                "plays_links",
                "mix_table",
                "buckets_label",
                "algorithm_label",
                "episodes_label",
                "seed",
                "ruleset_label",
                "lineup_label",
            ),
        )

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        match = getattr(request, "resolver_match", None)
        if match and match.url_name and match.url_name.endswith("_changelist"):
            queryset = queryset.defer("stats", "curve")  # the big JSON is not listed
        return queryset

    def get_object(self, request, object_id, from_field=None):
        policy = super().get_object(request, object_id, from_field)
        if policy is not None:
            prefetch_related_objects([policy], "plays", "scenarios")
        return policy

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/recommend/",
                self.admin_site.admin_view(self.recommend_view),
                name="{}_{}_recommend".format(*info),
            ),
            *super().get_urls(),
        ]

    # --- permissions: policies are started (the add page) and never edited -----------------

    def has_change_permission(self, request, obj=None):
        return False

    def has_cancel_permission(self, request):
        return self._can(request, None, self.write_roles)

    # --- columns and read-only fields -----------------------------------------------------

    @admin.display(description="policy", ordering="id")
    def policy_label(self, policy):
        return f"#{policy.pk} {policy.name}".strip()

    @admin.display(description="algorithm", ordering="algorithm")
    def algorithm_short(self, policy):
        return format_html(
            '<span style="white-space:nowrap" title="{}">{}</span>',
            policy.get_algorithm_display(),
            ALGORITHM_SHORT.get(policy.algorithm, policy.algorithm),
        )

    @admin.display(description="episodes", ordering="episodes")
    def episodes_budget(self, policy):
        return count(policy.episodes)

    @admin.display(description="buckets")
    def bucket_list(self, policy):
        names = [str(SHORT_BUCKETS.get(b, b)) for b in policy.buckets or []]
        if not names:
            return NONE
        if len(names) == len(Bucket.values):
            shown = "All seven"
        elif len(names) == 1:
            shown = names[0]
        else:
            shown = f"{len(names)} buckets"
        return format_html(
            '<span style="white-space:nowrap" title="{}">{}</span>', ", ".join(names), shown
        )

    @admin.display(description="created", ordering="created_at")
    def created(self, policy):
        return when(policy.created_at)

    @admin.display(description="finished", ordering="finished_at")
    def finished(self, policy):
        return when(policy.finished_at)

    @admin.display(description="episodes done")
    def episodes_done_label(self, policy):
        return f"{policy.episodes_done:,} of {policy.episodes:,}"

    @admin.display(description="recommendations")
    def recommend_link(self, policy):
        url = reverse("admin:simulation_policy_recommend", args=[policy.pk])
        return format_html(
            '<a href="{}">Recommend a play for a situation →</a>',
            url,
        )

    @admin.display(description="playbook")
    def playbook_link(self, policy):
        if policy.playbook_id and policy.playbook:
            return linked("playbook", policy.playbook)
        return "None (a list of plays)"

    @admin.display(description="plays")
    def plays_links(self, policy):
        return as_simulated(policy.plays.all(), policy.play_ids, "play")

    @admin.display(description="defense mix")
    def mix_table(self, policy):
        scenarios = {s.pk: s for s in policy.scenarios.all()}
        total = sum(m["weight"] for m in policy.mix) or 1.0
        rows = []
        for item in policy.mix:
            scenario = scenarios.get(item["scenario"])
            name = (
                linked("scenario", scenario)
                if scenario
                else format_html("scenario #{} (deleted)", item["scenario"])
            )
            rows.append((name, f"{item['weight']:g}", pct(item["weight"] / total)))
        if not rows:
            return NONE
        return format_html(
            '<table class="pol-mix"><thead><tr><th>Scenario</th><th class="num">Weight</th>'
            '<th class="num">Share</th></tr></thead><tbody>{}</tbody></table>',
            format_html_join(
                "",
                '<tr><td>{}</td><td class="num">{}</td><td class="num">{}</td></tr>',
                rows,
            ),
        )

    @admin.display(description="buckets")
    def buckets_label(self, policy):
        items = ((BUCKET_LABELS.get(b, b), bucket_situation(b)) for b in policy.buckets or [])
        return (
            format_html_join(
                "", "<div>{} <span class='pol-muted'>(trained at {})</span></div>", items
            )
            or NONE
        )

    @admin.display(description="algorithm")
    def algorithm_label(self, policy):
        params = policy.params or {}
        shown = ", ".join(f"{k} = {v:g}" for k, v in sorted(params.items()))
        if not shown:
            shown = "default parameters" if policy.algorithm != "thompson" else "no parameters"
        return f"{policy.get_algorithm_display()} ({shown})"

    @admin.display(description="episode budget")
    def episodes_label(self, policy):
        buckets = len(policy.buckets or []) or 1
        return f"{policy.episodes:,} over all buckets (about {policy.episodes // buckets:,} each)"

    @admin.display(description="ruleset")
    def ruleset_label(self, policy):
        if policy.ruleset_id:
            return linked("ruleset", policy.ruleset)
        return "Each scenario's own, else the team's default"

    # --- the change page ------------------------------------------------------------------

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            plays = {p.pk: p for p in obj.plays.all()}
            context.update(
                {
                    "live": not obj.is_finished,
                    "refresh_seconds": REFRESH_SECONDS,
                    "bucket_tables": bucket_tables(obj, plays),
                    "table_columns": [
                        ("Pulls", "Simulated plays"),
                        ("Mean reward (pts)", REWARD_HELP),
                        ("95 % interval", "Where the play's expected reward lies, 95 % sure"),
                        ("Mean yards", ""),
                        ("Success", "Converted or scored"),
                    ],
                    "reward_help": REWARD_HELP,
                    "chart": curve_chart(obj.curve),
                    "curve": obj.curve or [],
                    "recommend_url": reverse("admin:simulation_policy_recommend", args=[obj.pk])
                    if obj.status == JobStatus.SUCCEEDED
                    else "",
                }
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    # --- the recommend page ---------------------------------------------------------------

    def recommend_view(self, request, object_id):
        policy = self.get_object(request, object_id)
        if policy is None or not self.has_view_permission(request, policy):
            raise Http404("No such policy.")
        change_url = reverse("admin:simulation_policy_change", args=[policy.pk])
        if policy.status in (JobStatus.FAILED, JobStatus.CANCELLED):
            self.message_user(
                request,
                f"Policy #{policy.pk} {policy.get_status_display().lower()}: "
                "it has no play to recommend.",
                messages.WARNING,
            )
            return HttpResponseRedirect(change_url)
        can_adopt = self._can(request, policy, EDITOR_ROLES)
        here = reverse("admin:simulation_policy_recommend", args=[policy.pk])
        if request.method == "POST":
            if not can_adopt:
                raise PermissionDenied
            return self._adopt(request, policy, here)

        query = {k: request.GET[k] for k in RecommendForm.FIELDS if request.GET.get(k)}
        form = RecommendForm(policy, query or None)
        answer = None
        if form.is_bound and form.is_valid():
            scenario = form.cleaned_data.get("scenario")
            try:
                answer = policies.policy_recommend(policy, form.cleaned_data["bucket"], scenario)
            except ValidationError as error:
                for field, messages_ in error.message_dict.items():
                    target = field if field in form.fields else None
                    for message in messages_:
                        form.add_error(target, message)
        playbooks = list(Playbook.objects.filter(team_id=policy.team_id).order_by("name"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": policy,
            "title": f"Recommend a play — policy #{policy.pk}",
            "subtitle": policy.name or str(policy),
            "form": form,
            "answer": answer,
            "rows": self._rows(answer),
            "bucket_label": BUCKET_LABELS.get(answer["bucket"]) if answer else None,
            "bucket_situation": bucket_situation(answer["bucket"]) if answer else None,
            "confidence": pct(answer["confidence"]) if answer else None,
            "can_adopt": can_adopt and bool(playbooks),
            "playbooks": playbooks,
            "default_playbook": policy.playbook_id,
            "query": urlencode(query),
            "here": here,
            "change_url": change_url,
            "live": not policy.is_finished,
            "reward_help": REWARD_HELP,
        }
        return TemplateResponse(request, self.recommend_template, context)

    @staticmethod
    def _rows(answer):
        rows = []
        for rec in (answer or {}).get("recommendations", []):
            interval = rec["interval"]
            rows.append(
                {
                    **rec,
                    "reward_shown": number(rec["expected_reward"]),
                    "interval_shown": f"{interval[0]:.1f} to {interval[1]:.1f}"
                    if interval
                    else NONE,
                    "yards_shown": yards(rec["mean_yards"]),
                    "success_shown": pct(rec["success_rate"]),
                    "pulls_shown": count(rec["pulls"]),
                }
            )
        return rows

    def _adopt(self, request, policy, here):
        back_query = request.POST.get("query", "")
        back = here + (f"?{urlencode(dict(_pairs(back_query)))}" if back_query else "")
        form = AdoptForm(policy, request.POST)
        if not form.is_valid():
            problems = "; ".join(
                f"{field}: {message}" if field != "__all__" else message
                for field, messages_ in form.errors.items()
                for message in messages_
            )
            self.message_user(request, f"Not adopted: {problems}", messages.ERROR)
            return HttpResponseRedirect(back)
        data = form.cleaned_data
        try:
            adoption = policies.policy_adopt(
                policy=policy,
                bucket=data["bucket"],
                play=data["play"],
                playbook=data["playbook"],
                call_number=data.get("call_number", ""),
                user=request.user,
            )
        except (ValidationError, IntegrityError) as error:
            self.message_user(request, f"Not adopted: {describe(error)}", messages.ERROR)
            return HttpResponseRedirect(back)
        self.message_user(
            request,
            format_html(
                "Adopted {} as call {} for {} in {}.",
                data["play"].name,
                adoption.call_number,
                BUCKET_LABELS.get(data["bucket"], data["bucket"]),
                linked("playbook", data["playbook"]),
            ),
            messages.SUCCESS,
        )
        return HttpResponseRedirect(back)

    # --- actions --------------------------------------------------------------------------

    @admin.action(description="Cancel selected trainings", permissions=["cancel"])
    def cancel_policies(self, request, queryset):
        cancelled, finished = [], []
        for policy in self._scope(request, queryset, roles=EDITOR_ROLES):
            (cancelled if policies.policy_cancel(policy) else finished).append(policy)
        if cancelled:
            names = ", ".join(f"#{p.pk}" for p in cancelled)
            self.message_user(request, f"Cancelled: {names}.", messages.SUCCESS)
        if finished:
            names = ", ".join(f"#{p.pk} ({p.get_status_display().lower()})" for p in finished)
            self.message_user(
                request, f"Already finished, nothing to cancel: {names}.", messages.WARNING
            )
        if not cancelled and not finished:
            self.message_user(
                request,
                "Only a team's coaches and owners can cancel its trainings.",
                messages.ERROR,
            )


def _pairs(query):
    """The recommend form's own fields from a query string (nothing else is echoed)."""
    return [(k, v) for k, v in parse_qsl(query) if k in RecommendForm.FIELDS]
