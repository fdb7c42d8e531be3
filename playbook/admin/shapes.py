"""Formations and routes: the pieces a play is drawn from."""

from django.contrib import admin
from django.db.models import Count
from django.utils.html import format_html_join

from playbook import editor, services, validation
from playbook.admin.base import TeamOwnedAdmin
from playbook.admin.display import COORDINATES, HUMAN, WARNINGS, section
from playbook.admin.inlines import BreakpointInline, SlotInline
from playbook.admin.tree import RouteTreePage
from playbook.models import Formation, Route


@admin.register(Formation)
class FormationAdmin(editor.FormationEditor, TeamOwnedAdmin):
    list_display = ("name", "ruleset", "play_count", "warnings_badge", "team")
    list_select_related = ("team", "ruleset")
    list_filter = ("team",)
    readonly_fields = ("warnings_list",)
    inlines = [SlotInline]
    actions = ["mirror"]
    fieldsets = (
        section(
            None,
            "team name external_id ruleset",
            description=COORDINATES + " The CENTER snaps from (0, 0); the QB lines up behind "
            "the line (x < 0) within 5 yd of the ball.",
        ),
        WARNINGS,
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(plays_total=Count("plays"))

    @admin.display(description="plays", ordering="plays_total")
    def play_count(self, formation):
        return formation.plays_total

    @admin.action(description="Mirror selected formations (left ↔ right)", permissions=["add"])
    def mirror(self, request, queryset):
        self.mirror_each(request, queryset, services.formation_mirror)


@admin.register(Route)
class RouteAdmin(RouteTreePage, editor.RouteEditor, TeamOwnedAdmin):
    list_display = ("name", "settle", "legs", "used_by", "warnings_badge", "team")
    list_filter = ("settle", "team")
    readonly_fields = ("legs", "warnings_list")
    inlines = [BreakpointInline]
    actions = ["mirror"]
    fieldsets = (
        section(
            None,
            "team name external_id settle legs",
            description="Breakpoints are offsets from the runner's alignment: x yards downfield, "
            "y yards sideways (+ is the offense's right), reached time_ms after the snap. Legs "
            f"faster than {HUMAN:g} yd/s are run late; faster than "
            f"{validation.IMPOSSIBLE_SPEED:g} yd/s is refused.",
        ),
        WARNINGS,
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related("breakpoints")
            .annotate(assignments_total=Count("assignments"))
        )

    @admin.display(description="leg speeds (yd/s)")
    def legs(self, route):
        speeds = validation.leg_speeds(route.breakpoint_data())
        if not speeds:
            return "—"
        return format_html_join(
            " · ",
            '<span style="{}">{}</span>',
            (("color:#b36b00;font-weight:bold" if s > HUMAN else "", f"{s:.1f}") for s in speeds),
        )

    @admin.display(description="used in plays", ordering="assignments_total")
    def used_by(self, route):
        return route.assignments_total

    @admin.action(description="Mirror selected routes (left ↔ right)", permissions=["add"])
    def mirror(self, request, queryset):
        self.mirror_each(request, queryset, services.route_mirror)
