"""Games in the coach's editor: snaps inline, the drive chart, and the reports
(self-scout with its heat map and PDF, opponent scouting, simulated vs real) as
actions on the selected games — the admin's own team scoping decides which."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import re_path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from pictures import gameday_charts, self_scout_pdf
from teams.scoping import TeamScopedAdmin, TeamScopedInline

from . import csv_io, selectors
from . import progression as pg
from .models import Game, Snap
from .services import expected_state, normalised_yards, rules_of

STATE = ("drive", "down", "distance", "yards_to_goal")


class SnapFormSet(BaseInlineFormSet):
    """Rows left without down, distance or yard line follow on from the row above."""

    def clean(self):
        super().clean()
        game = self.instance
        if game.pk is None and not game.team_id:
            return
        rules = rules_of(game) if game.team_id else pg.Rules()
        expected = pg.drive_start(rules)
        rows = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE", False)]
        rows.sort(key=lambda f: f.cleaned_data.get("sequence") or 10**9)
        for form in rows:
            data = form.cleaned_data
            given = {k: data.get(k) for k in STATE}
            state = pg.entered(expected, {**given, "try_points": data.get("try_points")}, rules)
            form.instance.try_points = data["try_points"] = state.try_points
            for name in STATE:
                if data.get(name) is None:
                    data[name] = getattr(state, name)
                    setattr(form.instance, name, getattr(state, name))
            if any(v is not None for v in given.values()):
                form.instance.entered = True
            result = data.get("result")
            if result:
                yards = normalised_yards(result, data.get("yards") or 0.0)
                form.instance.yards = data["yards"] = yards
                expected = pg.advance(rules, state, result, yards, data.get("touchdown")).next


class SnapInlineForm(forms.ModelForm):
    class Meta:
        model = Snap
        fields = [
            "sequence",
            "drive",
            "down",
            "distance",
            "yards_to_goal",
            "try_points",
            "play",
            "call",
            "defense",
            "defense_shell",
            "defense_coverage",
            "defense_rushers",
            "result",
            "yards",
            "touchdown",
            "target",
            "flag_puller",
        ]
        widgets = {
            name: forms.NumberInput(attrs={"style": "width: 4.5em"})
            for name in ("sequence", "drive", "down", "distance", "yards_to_goal", "yards")
        } | {"call": forms.TextInput(attrs={"size": 8})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in STATE:
            self.fields[name].required = False  # followed on from the previous row


class SnapInline(TeamScopedInline, admin.TabularInline):
    model = Snap
    form = SnapInlineForm
    formset = SnapFormSet
    extra = 1
    ordering = ["sequence", "id"]
    autocomplete_fields = []


class OpponentFilter(admin.SimpleListFilter):
    title = "opponent"
    parameter_name = "opponent"

    def lookups(self, request, model_admin):
        games = model_admin.get_queryset(request)
        names = sorted({g.strip() for g in games.values_list("opponent", flat=True)}, key=str.lower)
        return [(n, n) for n in names]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(opponent__iexact=self.value())
        return queryset


@admin.register(Game)
class GameAdmin(TeamScopedAdmin):
    list_display = ("__str__", "opponent", "date", "score", "snap_count", "playbook", "team")
    list_filter = ("team", OpponentFilter, "date", ("playbook", admin.RelatedOnlyFieldListFilter))
    search_fields = ("opponent", "notes")
    date_hierarchy = "date"
    inlines = [SnapInline]
    readonly_fields = ("sideline", "version")
    fields = (
        "team",
        "opponent",
        "date",
        "ruleset",
        "playbook",
        ("our_score", "their_score"),
        "notes",
        "sideline",
        "version",
    )
    actions = ["self_scout", "self_scout_pdf", "scout_opponents", "simulated_vs_real", "snaps_csv"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_snaps=Count("snaps"))

    @admin.display(description="snaps", ordering="n_snaps")
    def snap_count(self, game):
        return game.n_snaps

    @admin.display(description="final score")
    def score(self, game):
        return game.final_score or "—"

    @admin.display(description="on the sideline")
    def sideline(self, game):
        if game.pk is None:
            return "Save the game first, then chart it from a phone."
        chart = reverse("gameday-chart", kwargs={"team_id": game.team_id, "game_id": game.pk})
        report = reverse("admin:gameday_game_report", args=[game.pk])
        return format_html(
            '<a class="button" href="{}">Chart snaps on a phone</a> '
            '<a class="button" href="{}">Drive chart and report</a>',
            chart,
            report,
        )

    def save_model(self, request, obj, form, change):
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        game = form.instance
        snaps = formset.save(commit=False)
        for snap in formset.deleted_objects:
            snap.delete()
        top = max([s.sequence for s in game.snaps.all()] + [0])
        for snap in snaps:
            snap.team_id = game.team_id
            if snap.pk is not None:
                snap.version += 1
            if not snap.sequence:
                top += 1
                snap.sequence = top
            snap.save()
        formset.save_m2m()

    def get_urls(self):
        return [
            re_path(
                r"^(?P<object_id>.+)/report/$",
                self.admin_site.admin_view(self.report_view),
                name="gameday_game_report",
            ),
            *super().get_urls(),
        ]

    # --- one game: drive chart and its own self-scout ---------------------------------------

    def report_view(self, request, object_id):
        game = self.get_object(request, unquote(object_id))
        if game is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        chart = selectors.drive_chart(game)
        games = Game.objects.filter(pk=game.pk)
        return self._report(
            request,
            games,
            title=f"{game}: drive chart and self-scout",
            extra={
                "game": game,
                "chart": chart,
                "drive_svg": mark_safe(  # drawn by our code; every text in it is escaped
                    gameday_charts.drive_chart_svg(
                        chart, rules_of(game).playing_length, f"Drives {game}"
                    )
                ),
                "next_state": expected_state(game),
            },
        )

    # --- actions on the selected games ----------------------------------------------------------

    def _team(self, request, queryset):
        teams = set(queryset.values_list("team_id", flat=True))
        if len(teams) != 1:
            self.message_user(request, "Pick games of one team.", messages.WARNING)
            return None
        return queryset.first().team

    def _report(self, request, queryset, title, extra=None, scouting=False, corrections=False):
        team = self._team(request, queryset)
        if team is None:
            return None
        snaps = selectors.snaps_for(team, games=queryset)
        report = selectors.self_scout(team, snaps)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "report": report,
            "heat_svg": mark_safe(gameday_charts.heat_map_svg(report["heat_map"])),
            "corrections": selectors.corrections(team, snaps),
            "games": list(queryset.order_by("date")),
            **(extra or {}),
        }
        if scouting:
            context["scouting"] = [
                selectors.scouting(team, name)
                for name in sorted({g.opponent.strip() for g in queryset}, key=str.lower)
            ]
        context["show_corrections"] = corrections or not scouting
        return TemplateResponse(request, "admin/gameday/report.html", context)

    @admin.action(description="Self-scout report (tendencies, heat map, results)")
    def self_scout(self, request, queryset):
        return self._report(request, queryset, "Self-scout")

    @admin.action(description="Self-scout report as a printable PDF")
    def self_scout_pdf(self, request, queryset):
        team = self._team(request, queryset)
        if team is None:
            return None
        snaps = selectors.snaps_for(team, games=queryset)
        pdf = self_scout_pdf.self_scout_pdf(
            f"Self-scout — {team.name}",
            selectors.self_scout(team, snaps),
            selectors.corrections(team, snaps),
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = 'attachment; filename="self-scout.pdf"'
        return response

    @admin.action(description="Scout the opponents (defenses by situation, training mix)")
    def scout_opponents(self, request, queryset):
        return self._report(request, queryset, "Opponent scouting", scouting=True)

    @admin.action(description="Simulated vs real results (combined estimates, flags)")
    def simulated_vs_real(self, request, queryset):
        return self._report(request, queryset, "Simulated vs real", corrections=True)

    @admin.action(description="Download the snaps as CSV (one game)")
    def snaps_csv(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Pick one game to download.", messages.WARNING)
            return None
        game = queryset.first()
        response = HttpResponse(csv_io.export_csv(game), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{csv_io.snaps_csv_name(game)}"'
        return response


@admin.register(Snap)
class SnapAdmin(TeamScopedAdmin):
    list_display = (
        "__str__",
        "game",
        "drive",
        "result",
        "yards",
        "touchdown",
        "defense_seen",
        "entered",
    )
    list_filter = ("team", "result", "touchdown", "down", "defense_shell", "defense_coverage")
    search_fields = ("call", "play__name", "notes", "target", "flag_puller", "game__opponent")
    list_select_related = ("game", "play", "defense")
    readonly_fields = ("team", "idempotency_key", "entered", "version")
    fieldsets = (
        (None, {"fields": ("game", "sequence", "team", "idempotency_key", "version")}),
        ("Situation", {"fields": ("drive", "down", "distance", "yards_to_goal", "entered")}),
        ("Our call", {"fields": ("play", "call", "target")}),
        (
            "Defense seen",
            {"fields": ("defense", "defense_shell", "defense_coverage", "defense_rushers")},
        ),
        ("Result", {"fields": ("result", "yards", "touchdown", "flag_puller", "notes")}),
    )

    @admin.display(description="defense")
    def defense_seen(self, snap):
        return snap.defense_label

    def save_model(self, request, obj, form, change):
        obj.team_id = obj.game.team_id
        obj.yards = normalised_yards(obj.result, obj.yards)
        if change:
            obj.version += 1
            if any(name in form.changed_data for name in STATE):
                obj.entered = True
        super().save_model(request, obj, form, change)
