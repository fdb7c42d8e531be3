"""Rulesets and players: what a team sets up before drawing plays."""

from django import forms
from django.contrib import admin
from django.db import models
from django.utils.html import format_html_join

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


# The ratings that tell players of a role apart, in the list (every rating is on the page).
KEY_RATINGS = {
    "QB": (("throw_power", "arm"), ("short_acc", "short"), ("deep_acc", "deep")),
    "CENTER": (("speed", "speed"), ("hands", "hands"), ("route_running", "routes")),
    "WR": (("speed", "speed"), ("hands", "hands"), ("route_running", "routes")),
    "RB": (("speed", "speed"), ("agility", "agility"), ("hands", "hands")),
    Side.DEFENSE: (
        ("speed", "speed"),
        ("man_coverage", "man"),
        ("zone_coverage", "zone"),
        ("pass_rush", "rush"),
    ),
}


def whole(value):
    """82.0 → "82"; 82.5 stays "82.5" (ratings are stored as floats)."""
    value = float(value)
    return str(int(value)) if value.is_integer() else str(value)


class RatingInput(forms.NumberInput):
    """A rating in the form as the coach typed it: 82, not 82.0."""

    def format_value(self, value):
        if value in (None, ""):
            return super().format_value(value)
        try:
            return whole(value)
        except (TypeError, ValueError):
            return super().format_value(value)  # a refused entry is shown as typed


def key_ratings(player):
    if player.side == Side.DEFENSE:
        return KEY_RATINGS[Side.DEFENSE]
    role = player.role.rstrip("0123456789")
    return KEY_RATINGS.get(role, KEY_RATINGS["WR"])


@admin.register(Player)
class PlayerAdmin(TeamOwnedAdmin):
    # Narrow enough for a laptop without scrolling sideways: the number, the name, the
    # role and the three or four ratings that matter for the role, as whole numbers.
    list_display = ("number", "name", "role_label", "ratings", "team")
    list_display_links = ("number", "name")
    ordering = ("side", "role", "jersey_number", "name")
    list_filter = ("side", "role", "team")
    search_fields = ("name", "external_id")
    formfield_overrides = {models.FloatField: {"widget": RatingInput(attrs={"step": "any"})}}
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

    @admin.display(description="#", ordering="jersey_number")
    def number(self, player):
        return "—" if player.jersey_number is None else player.jersey_number

    @admin.display(description="role", ordering="role")
    def role_label(self, player):
        return f"{player.role} ({player.get_side_display().lower()})"

    @admin.display(description="key ratings (0–100)")
    def ratings(self, player):
        return format_html_join(
            " · ",
            '<span style="white-space:nowrap">{} <strong>{}</strong></span>',
            ((label, whole(getattr(player, field))) for field, label in key_ratings(player)),
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
