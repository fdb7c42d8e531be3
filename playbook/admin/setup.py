"""Rulesets and players: what a team sets up before drawing plays."""

from django.contrib import admin

from playbook import services
from playbook.admin.base import TeamOwnedAdmin
from playbook.admin.display import in_rows, section
from playbook.constants import Side
from playbook.models import Player, Ruleset


@admin.register(Ruleset)
class RulesetAdmin(TeamOwnedAdmin):
    list_display = ("name", "is_default", "field_size", "summary", "team")
    list_filter = ("team",)
    readonly_fields = ("is_default",)
    actions = ["make_default"]
    fieldsets = (
        section(None, "team name external_id is_default"),
        section(
            "Field", "players_per_side field_width field_length endzone_depth no_run_zone_depth"
        ),
        section(
            "Downs", "use_midfield_line_to_gain line_to_gain reset_at_midfield downs_to_convert"
        ),
        section(
            "Rush, pass and motion",
            "rush_distance rush_delay_ms max_rushers pass_clock_ms qb_can_run allow_motion "
            "motion_lateral_only motion_at_snap",
        ),
        section(
            "Scoring", "td_points pat1_points pat1_distance pat2_points pat2_distance safety_points"
        ),
    )

    @admin.display(description="field (yd)")
    def field_size(self, ruleset):
        return f"{ruleset.field_width:g} × {ruleset.field_length:g}"

    @admin.display(description="rules")
    def summary(self, r):
        return (
            f"{r.players_per_side} a side · {r.downs_to_convert} downs · {r.max_rushers} "
            f"rusher(s) from {r.rush_distance:g} yd · {r.pass_clock_ms / 1000:g}-s clock"
        )

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_default:
            return False  # plays without a ruleset are checked against it
        return super().has_delete_permission(request, obj)

    @admin.action(
        description="Make the selected ruleset its team's default", permissions=["change"]
    )
    def make_default(self, request, queryset):
        def summary(done):
            return "; ".join(f"{r} is now the default of {r.team}" for r, _ in done) + "."

        self.run_each(request, queryset, services.ruleset_make_default, summary)


@admin.register(Player)
class PlayerAdmin(TeamOwnedAdmin):
    list_display = (
        "name",
        "jersey_number",
        "side",
        "role",
        "speed",
        "acceleration",
        "hands",
        "route_running",
        "short_acc",
        "man_coverage",
        "zone_coverage",
        "team",
    )
    list_filter = ("side", "role", "team")
    search_fields = ("name", "external_id")
    fieldsets = (
        section(None, "team name external_id side role jersey_number"),
        (
            "Movement",
            {
                "fields": in_rows(Player.MOVEMENT),
                "description": "Ratings are 0–100 (70 when not set); "
                "fields ending in ms are milliseconds.",
            },
        ),
        ("Receiving", {"fields": in_rows(Player.RECEIVING)}),
        ("Passing (QB)", {"fields": in_rows(Player.PASSING)}),
        ("Defending", {"fields": in_rows(Player.DEFENDING)}),
    )

    def get_fieldsets(self, request, obj=None):
        """The other side's skills start folded away."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        other = ("Defending",) if obj.side == Side.OFFENSE else ("Receiving", "Passing (QB)")
        return [
            (title, {**opts, "classes": ("collapse",)}) if title in other else (title, opts)
            for title, opts in fieldsets
        ]
