"""Plays and the defenses (scenarios) they are drawn and simulated against."""

from django.contrib import admin
from django.db.models import Count, Q
from django.utils.html import format_html

from pictures import playbook_images as images
from playbook import editor, services
from playbook.admin.base import TeamOwnedAdmin
from playbook.admin.display import COORDINATES, WARNINGS, section
from playbook.admin.filters import FormationFilter, SituationFilter, TagFilter
from playbook.admin.forms import PlayForm, ScenarioForm
from playbook.admin.from_template import PlayTemplatePage
from playbook.admin.inlines import AssignmentInline, DefenderInline
from playbook.constants import Duty
from playbook.models import Play, Scenario


@admin.register(Play)
class PlayAdmin(PlayTemplatePage, editor.PlayEditor, TeamOwnedAdmin):
    form = PlayForm
    list_display = (
        "thumbnail",
        "name",
        "kind",
        "formation",
        "tag_list",
        "reads",
        "warnings_badge",
        "team",
    )
    list_display_links = ("thumbnail", "name")
    list_select_related = ("team", "formation")
    list_filter = ("kind", FormationFilter, TagFilter, SituationFilter, "team")
    search_fields = ("name", "notes", "external_id")
    readonly_fields = ("warnings_list", "diagram")
    inlines = [AssignmentInline]
    actions = ["mirror", "duplicate"]  # the simulation app adds "simulate"
    fieldsets = (
        section(None, "team name external_id kind formation ruleset tags notes"),
        section(
            "Diagram",
            "diagram",
            description="As saved; the field editor below shows your edits as you make them.",
        ),
        WARNINGS,
        section(
            "Pre-snap motion (optional)",
            "motion_role motion_kind motion_x motion_y motion_duration_ms motion_at_snap",
            description="Where the mover ends up at the snap. " + COORDINATES,
        ),
        section("QB plan", "progression max_time_to_throw_ms scramble_allowed"),
        section(
            "Run or trick play",
            "ball_carrier handoff_from mesh_x mesh_y mesh_ms run_path trick_kind trick_progression",
            description="Run and trick plays only: who gets the ball, where it changes hands "
            "(behind the line) and when. A run with the QB as carrier is a keeper (only where "
            "the ruleset lets the QB run); a runner without a route takes the run path. A "
            "trick play's carrier then throws to the reads listed. " + COORDINATES,
        ),
    )

    def picture(self, play, name, ext, request):
        play = images.with_drawing_data(Play.objects.filter(pk=play.pk)).get()
        scenario_id = request.GET.get("scenario", "")
        scenario = (
            Scenario.objects.prefetch_related("defenders").get(pk=scenario_id, team=play.team_id)
            if scenario_id.isascii() and scenario_id.isdigit()
            else None
        )
        if name == "diagram" and ext in ("svg", "png"):
            return images.play_diagram(play, ext, scenario)
        if name == "diagram-names" and ext in ("svg", "png"):  # jersey numbers and surnames
            return images.play_diagram(play, ext, scenario, labels="names")
        if name == "thumbnail" and ext == "svg":
            return images.play_diagram(play, ext, labels="dots")
        if name == "animation" and ext == "gif":
            return images.play_animation(play, scenario)
        return None

    @admin.display(description="diagram")
    def thumbnail(self, play):
        return format_html(
            '<img src="{}" width="180" loading="lazy" alt="" style="background:#3f8f3f">',
            self.picture_url(play, "thumbnail", "svg"),
        )

    @admin.display(description="diagram")
    def diagram(self, play):
        links = [
            ("PNG", "diagram", "png"),
            ("With jersey numbers and names (SVG)", "diagram-names", "svg"),
            ("Watch it run (GIF)", "animation", "gif"),
        ]
        return self.picture_block(play, "diagram", links)

    @admin.display(description="tags")
    def tag_list(self, play):
        return ", ".join(map(str, play.tags))

    @admin.display(description="reads")
    def reads(self, play):
        return " → ".join(play.progression)

    @admin.action(description="Mirror selected plays (left ↔ right)", permissions=["add"])
    def mirror(self, request, queryset):
        self.mirror_each(request, queryset, services.play_mirror)

    @admin.action(description="Duplicate selected plays", permissions=["add"])
    def duplicate(self, request, queryset):
        def summary(done):
            return "Duplicated: " + "; ".join(f"{a} → {b}" for a, b in done) + "."

        self.run_each(request, queryset, services.play_duplicate, summary)


@admin.register(Scenario)
class ScenarioAdmin(editor.ScenarioEditor, TeamOwnedAdmin):
    form = ScenarioForm
    list_display = ("name", "coverage", "shell", "rushers", "warnings_badge", "team")
    list_filter = ("coverage", "shell", "team")
    search_fields = ("name", "notes", "external_id")
    readonly_fields = ("warnings_list", "preview")
    inlines = [DefenderInline]
    actions = []  # the simulation app adds "simulate"
    fieldsets = (
        section(
            None,
            "team name external_id ruleset coverage shell situation_tags notes",
            description=COORDINATES,
        ),
        section("Preview", "preview", description="As saved, against a plain spread."),
        WARNINGS,
        section("Randomness", "position_jitter_yards reaction_jitter_ms"),
    )

    def get_queryset(self, request):
        rush = Count("defenders", filter=Q(defenders__duty=Duty.RUSH))
        return super().get_queryset(request).annotate(rushers_total=rush)

    def picture(self, scenario, name, ext, request):
        if name == "preview" and ext in ("svg", "png"):
            return images.scenario_preview(scenario, ext)
        return None

    @admin.display(description="preview")
    def preview(self, scenario):
        return self.picture_block(scenario, "preview", [("PNG", "preview", "png")])

    @admin.display(description="rushers", ordering="rushers_total")
    def rushers(self, scenario):
        return scenario.rushers_total
