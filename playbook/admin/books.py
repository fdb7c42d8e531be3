"""Lineups and playbooks: who plays, and the calls on the sheet."""

from django.contrib import admin
from django.db.models import Count
from django.utils.html import format_html

from pictures import playbook_images as images
from playbook import services
from playbook.admin.base import TeamOwnedAdmin
from playbook.admin.inlines import EntryInline, SpotInline
from playbook.admin.interchange import ImportExportPages
from playbook.models import Lineup, Playbook


@admin.register(Lineup)
class LineupAdmin(TeamOwnedAdmin):
    list_display = ("name", "is_default", "spot_count", "team")
    list_filter = ("is_default", "team")
    readonly_fields = ("is_default",)
    fields = ("team", "name", "external_id", "is_default")
    inlines = [SpotInline]
    actions = ["rebuild_default"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(spots_total=Count("spots"))

    @admin.display(description="players", ordering="spots_total")
    def spot_count(self, lineup):
        return lineup.spots_total

    @admin.action(
        description="Rebuild the team's default lineup from players' default roles",
        permissions=["change"],
    )
    def rebuild_default(self, request, queryset):
        one_per_team = {lineup.team_id: lineup.pk for lineup in queryset}

        def summary(done):
            return "; ".join(f"{b} of {a.team} rebuilt" for a, b in done) + "."

        self.run_each(
            request,
            queryset.filter(pk__in=one_per_team.values()),
            lambda lineup: services.lineup_build_default(lineup.team),
            summary,
        )


@admin.register(Playbook)
class PlaybookAdmin(ImportExportPages, TeamOwnedAdmin):
    list_display = ("name", "entry_count", "team")
    list_filter = ("team",)
    search_fields = ("name", "description", "external_id")
    fields = ("team", "name", "external_id", "description", "call_sheet")
    readonly_fields = ("call_sheet",)
    inlines = [EntryInline]
    actions = []  # the simulation app adds "train_policy"

    def picture(self, playbook, name, ext, request):
        if name in images.CALL_SHEET_LAYOUTS and ext == "pdf":
            return images.call_sheet(playbook, name)
        return None

    @admin.display(description="print")
    def call_sheet(self, playbook):
        if playbook.pk is None:
            return "Available once the playbook is saved."
        return format_html(
            '<a class="button" href="{}" target="_blank">Call sheet (PDF)</a> '
            '<a class="button" href="{}" target="_blank">Wristband (PDF)</a>'
            '<p class="help">Call number, diagram, name and notes of every call, as saved.</p>',
            self.picture_url(playbook, "sheet", "pdf"),
            self.picture_url(playbook, "wristband", "pdf"),
        )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(entries_total=Count("entries"))

    @admin.display(description="calls", ordering="entries_total")
    def entry_count(self, playbook):
        return playbook.entries_total
