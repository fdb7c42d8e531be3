"""Strategy analyses in the coach's admin: a start form for each kind, and a read-only
change page with the report — the EP table and chart, the call mix with its wristband,
the season's drive chart and game report, the stress-test table.

While an analysis is queued or running its page reloads itself to show the progress."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html

from pictures import analysis_images as pictures
from pictures.serving import AdminPictures
from playbook.models import Scenario
from simulation.drives import wp
from simulation.drives.report import spot
from simulation.job_admin import NONE, JobColumns, job_fieldsets
from strategy import services
from strategy.models import Analysis, AnalysisKind
from teams.scoping import TeamScopedAdmin

REFRESH_SECONDS = 3

# Service field → the start form's field that shows its error.
FORM_FIELDS = {
    "mix": "scenarios",
    "our_mix": "scenarios",
    "situation": "down",
    "late_game": "margin",
    "opponent_plays": "opponent_playbook",
}


class AnalysisStartForm(forms.ModelForm):
    """Start an analysis of any kind; the kind's own fields are ignored by the others.
    Validation is the services' (the same words as the API)."""

    weights = forms.CharField(
        required=False,
        help_text="How often each selected defense is called, in the order listed (by "
        "name), e.g. “2, 1, 1”. Empty: equally often.",
    )
    down = forms.IntegerField(required=False, min_value=1, help_text="Call mix: the situation.")
    distance = forms.FloatField(required=False, help_text="Call mix: yards to go.")
    yards_to_goal = forms.FloatField(required=False, help_text="Call mix: yards to the goal.")
    defense = forms.ModelChoiceField(
        queryset=Scenario.objects.none(),
        required=False,
        help_text="Call mix: a known defense (one of the selected). Empty: against the mix.",
    )
    dice = forms.IntegerField(initial=6, min_value=2, max_value=20, help_text="Wristband die.")
    margin = forms.IntegerField(
        required=False,
        help_text="Call mix, late-game mode: our score minus theirs. Empty: no late-game ranking.",
    )
    drives_after = forms.IntegerField(
        required=False,
        min_value=0,
        help_text="Late-game mode: drives left after this one, both teams' (0: the last drive).",
    )
    games = forms.IntegerField(required=False, min_value=1, help_text="Season / stress test.")
    drives_per_team = forms.IntegerField(initial=8, min_value=1, max_value=services.MAX_DRIVES)
    coordinator = forms.ChoiceField(
        choices=[(c, c) for c in services.COORDINATORS],
        initial="fictitious",
        help_text="Stress test: how the adaptive defense learns our tendencies.",
    )

    scenario_queryset = Scenario.objects.none()  # set per request by the admin

    class Meta:
        model = Analysis
        fields = [
            "team",
            "kind",
            "name",
            "playbook",
            "plays",
            "scenarios",
            "ruleset",
            "lineup",
            "episodes",
            "seed",
            "opponent_playbook",
        ]
        help_texts = {
            "playbook": "Our plays: a playbook, or the plays below.",
            "scenarios": "The defenses our offense faces (for a season: the opponent's).",
            "opponent_playbook": "Season / stress test: the opponent's offense.",
            "episodes": "Engine episodes per play × defense × yard-line cell; more is steadier.",
            "seed": "Empty: random.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["defense"].queryset = self.scenario_queryset
        self.fields["seed"].required = False
        self.fields["plays"].required = False
        self.fields["episodes"].initial = services.DEFAULT_EPISODES
        self.inputs = None

    def clean(self):
        data = super().clean()
        team = data.get("team")
        if team is None or self.errors:
            return data
        scenarios = sorted(data.get("scenarios") or [], key=lambda s: (s.name, s.pk))
        raw = [w for w in (data.get("weights") or "").replace(";", ",").split(",") if w.strip()]
        try:
            weights = [float(w) for w in raw] if raw else [1.0] * len(scenarios)
        except ValueError:
            self.add_error("weights", "Numbers separated by commas.")
            return data
        if len(weights) != len(scenarios):
            self.add_error("weights", f"{len(weights)} weights for {len(scenarios)} defenses.")
            return data
        kind = data.get("kind")
        situation = None
        if kind == AnalysisKind.CALL_MIX:
            situation = {k: data.get(k) for k in ("down", "distance", "yards_to_goal")}
            if None in situation.values():
                self.add_error("down", "A call mix needs down, distance and yards to goal.")
                return data
        late_game = None
        if kind == AnalysisKind.CALL_MIX and data.get("margin") is not None:
            if data.get("drives_after") is None:
                self.add_error("drives_after", "Late-game mode needs the drives left.")
                return data
            late_game = {"margin": data["margin"], "drives_after": data["drives_after"]}
        self.kwargs = {
            "kind": kind,
            "plays": list(data.get("plays") or []),
            "playbook": data.get("playbook"),
            "mix": list(zip(scenarios, weights, strict=True)),
            "ruleset": data.get("ruleset"),
            "lineup": data.get("lineup"),
            "episodes": data.get("episodes"),
            "seed": data.get("seed"),
            "situation": situation,
            "defense": data.get("defense"),
            "dice": data.get("dice") or 6,
            "late_game": late_game,
            "opponent_playbook": data.get("opponent_playbook"),
            "games": data.get("games"),
            "drives_per_team": data.get("drives_per_team") or 8,
            "coordinator": data.get("coordinator") or "fictitious",
        }
        if kind not in services.OPPONENT_KINDS:
            self.kwargs["opponent_playbook"] = None
        try:
            services.analysis_prepare(team=team, **self.kwargs)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                name = FORM_FIELDS.get(field, field)
                self.add_error(name if name in self.fields else None, errors)
        return data


def _yard(L, ytg):
    return "goal" if ytg == 0 else spot(L, ytg)


@admin.register(Analysis)
class AnalysisAdmin(AdminPictures, JobColumns, TeamScopedAdmin):
    change_form_template = "admin/strategy/analysis/change_form.html"
    list_display = (
        "analysis_label",
        "kind",
        "status_badge",
        "progress_bar",
        "reused",
        "created_at",
        "finished_at",
        "team",
    )
    list_display_links = ("analysis_label",)
    list_filter = ("kind", "status", "team")
    list_select_related = ("team",)
    list_per_page = 50
    search_fields = ("name",)
    empty_value_display = NONE
    actions = ["cancel_analyses"]

    # --- pages: an add form, a read-only change page --------------------------------------

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return (
                (None, {"fields": ("team", "kind", "name")}),
                (
                    "Our offense and the defenses it faces",
                    {"fields": ("playbook", "plays", "scenarios", "weights")},
                ),
                (
                    "Call mix",
                    {
                        "fields": (
                            "down",
                            "distance",
                            "yards_to_goal",
                            "defense",
                            "dice",
                            "margin",
                            "drives_after",
                        )
                    },
                ),
                (
                    "Season and stress test",
                    {"fields": ("opponent_playbook", "games", "drives_per_team", "coordinator")},
                ),
                ("Simulation", {"fields": ("ruleset", "lineup", "episodes", "seed")}),
            )
        return job_fieldsets(
            obj,
            ["team", "kind", "name", "status_badge", "progress_bar", "reused"],
            "What was asked",
            (
                "playbook",
                "plays_label",
                "mix_label",
                "opponent_playbook",
                "params_label",
                "ruleset",
                "lineup",
                "episodes",
                "seed",
            ),
        )

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else super().get_readonly_fields(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            return super().get_form(request, obj, change, **kwargs)
        kwargs["form"] = AnalysisStartForm
        kwargs["fields"] = None
        form = super().get_form(request, obj, change, **kwargs)
        scoped = self._scope(request, Scenario.objects.all(), path="team")
        return type(form.__name__, (form,), {"scenario_queryset": scoped})

    def get_fields(self, request, obj=None):
        from django.contrib.admin.utils import flatten_fieldsets

        return flatten_fieldsets(self.get_fieldsets(request, obj))

    def has_change_permission(self, request, obj=None):
        return False  # analyses are made by services and never edited

    def has_cancel_permission(self, request):
        return self._can(request, None, self.write_roles)

    def save_model(self, request, obj, form, change):
        created = services.analysis_start(
            team=form.cleaned_data["team"],
            user=request.user,
            name=form.cleaned_data.get("name", ""),
            **form.kwargs,
        )
        obj.__dict__.update({k: v for k, v in created.__dict__.items() if k != "_state"})
        obj._state.adding = False
        if created.cached_from_id:
            messages.info(
                request, f"Same inputs as #{created.cached_from_id}: its result is reused."
            )

    def save_related(self, request, form, formsets, change):
        pass  # the service linked plays and defenses

    def response_add(self, request, obj, post_url_continue=None):
        return HttpResponseRedirect(reverse("admin:strategy_analysis_change", args=[obj.pk]))

    @admin.action(description="Cancel selected analyses", permissions=["cancel"])
    def cancel_analyses(self, request, queryset):
        done = sum(services.analysis_cancel(a) for a in queryset)
        self.message_user(request, f"{done} analysis(es) cancelled.")

    # --- columns and read-only fields -------------------------------------------------------

    @admin.display(description="analysis", ordering="id")
    def analysis_label(self, analysis):
        return f"#{analysis.pk} {analysis.name}".strip()

    @admin.display(description="result")
    def reused(self, analysis):
        if analysis.cached_from_id:
            url = reverse("admin:strategy_analysis_change", args=[analysis.cached_from_id])
            return format_html('reused from <a href="{}">#{}</a>', url, analysis.cached_from_id)
        return "computed" if analysis.result else NONE

    @admin.display(description="plays")
    def plays_label(self, analysis):
        names = dict(analysis.plays.values_list("pk", "name"))
        return ", ".join(names.get(pk, f"#{pk} (deleted)") for pk in analysis.play_ids) or NONE

    @admin.display(description="defenses faced")
    def mix_label(self, analysis):
        names = dict(analysis.scenarios.values_list("pk", "name"))
        total = sum(item["weight"] for item in analysis.mix) or 1
        parts = []
        for item in analysis.mix:
            name = names.get(item["scenario"], f"#{item['scenario']} (deleted)")
            parts.append(f"{name} {item['weight'] / total:.0%}")
        return ", ".join(parts)

    @admin.display(description="parameters")
    def params_label(self, analysis):
        def words(key, value):
            if key == "late_game" and isinstance(value, dict):
                return f"late game: {wp.score_text(value['margin'], value['drives_after'])}"
            return f"{key}: {value}"

        return ", ".join(words(k, v) for k, v in analysis.params.items()) or NONE

    # --- the report ---------------------------------------------------------------------

    def picture(self, obj, name, ext, request):
        try:
            return pictures.picture(obj, name, ext)
        except pictures.NoPicture as exc:
            raise ValueError(str(exc)) from exc

    def change_view(self, request, object_id, form_url="", extra_context=None):
        analysis = self.get_object(request, object_id)
        context = {"live": False, "refresh_seconds": REFRESH_SECONDS}
        if analysis is not None:
            context["live"] = not analysis.is_finished
            if analysis.result:
                context["report"] = self.report(analysis)
        return super().change_view(
            request, object_id, form_url, {**context, **(extra_context or {})}
        )

    def report(self, analysis):
        """What the template shows, names instead of ids."""
        r = analysis.result
        names = r.get("names", {})
        plays, defenses = names.get("plays", {}), names.get("defenses", {})
        out = {"kind": analysis.kind}
        if analysis.kind == AnalysisKind.EXPECTED_POINTS:
            L = r["rules"]["field_length"] - 2 * r["rules"]["endzone_depth"]
            downs = max(len(row["ep"]) for row in r["ep_table"])
            out["ep_downs"] = list(range(1, downs + 1))
            out["ep_rows"] = [
                {
                    "spot": _yard(int(L), row["yards_to_goal"]),
                    "ytg": row["yards_to_goal"],
                    "distance": "goal"
                    if row["distance"] >= row["yards_to_goal"]
                    else row["distance"],
                    "ep": [f"{v:+.2f}" for v in row["ep"]] + [""] * (downs - len(row["ep"])),
                    "best": plays.get(row["best_play_1st"], row["best_play_1st"]),
                }
                for row in r["ep_table"]
            ]
            out["drive"] = r["drive_from_start"]
            out["chart_url"] = self.picture_url(analysis, "ep-chart", "svg")
        elif analysis.kind == AnalysisKind.CALL_MIX:
            mix = r["mix"]
            out["situation"] = r["situation_text"]
            against = r["ranking"]["against"]
            out["against"] = "the mix" if against == "mix" else defenses.get(against, against)
            out["ranking"] = r["ranking"]["plays"]
            out["mix"] = mix
            out["mix_rows"] = [
                {"play": plays.get(k, k), "share": f"{v:.0%}"} for k, v in mix["mix"].items()
            ]
            out["best_play"] = plays.get(mix["best_pure_play"]["play"], "")
            out["best_response"] = defenses.get(mix["best_pure_play"]["best_response"], "")
            out["defense_answer"] = defenses.get(mix["defense_best_response"], "")
            out["pure_rows"] = [
                {"play": plays.get(k, k), "epa": v}
                for k, v in sorted(mix["pure_vs_best_response"].items(), key=lambda kv: -kv[1])
            ]
            out["wristband_url"] = self.picture_url(analysis, "wristband", "pdf")
            if late := r.get("late_game"):
                out["late"] = {
                    **late,
                    "best": plays.get(late["best_play"], late["best_play"]),
                    "ep_best": plays.get(late["ep_best_play"], late["ep_best_play"]),
                    "rows": [
                        {**row, "name": plays.get(row["play"], row["play"])} for row in late["rows"]
                    ],
                }
        elif analysis.kind == AnalysisKind.SEASON:
            game, L = r["game"], r["field_length"]
            out["season"] = r["season"]
            out["game"] = game
            out["drives"] = [
                {**row, "end": _yard(L, row["end_ytg"])} for row in game["drive_chart"]
            ]
            out["chart_url"] = self.picture_url(analysis, "drive-chart", "svg")
            ours = game["teams"][0]
            out["ours"] = ours
            out["by_down"] = _effectiveness(ours["by_down"])
            out["by_zone"] = _effectiveness(ours["by_zone"])
        elif analysis.kind == AnalysisKind.STRESS_TEST:
            out["stress"] = r
        return out


def _effectiveness(table):
    """{play: {label: {snaps, epa, success_rate}}} → (labels, rows) for one table."""
    labels = []
    for cells in table.values():
        labels += [k for k in cells if k not in labels]
    rows = [
        {
            "play": play,
            "cells": [
                f"{c['epa']:+.2f} ({c['snaps']})" if (c := cells.get(label)) else "—"
                for label in labels
            ],
        }
        for play, cells in table.items()
    ]
    return {"labels": labels, "rows": rows}
