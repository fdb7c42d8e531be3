"""The coach's editor: every playbook object, scoped to the user's teams.

Child rows (slots, breakpoints, assignments, defenders, spots, entries) are edited
inline. Each inline formset runs the same rules as the API (playbook.validation) on
the rows together with the parent and puts every error next to the field its path
names. Warnings are stored after every save and shown on the page and in the lists.
"""

import re
import secrets

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.templatetags.admin_urls import admin_urlname
from django.contrib.admin.utils import NestedObjects, unquote
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, router, transaction
from django.db.models import Count, Max, Q
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, re_path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst

from config.images import AdminPictures
from playbook import editor, history, images, services, validation
from playbook.constants import Bucket, Duty, Side, defense_roles, offense_roles
from playbook.models import (
    Formation,
    FormationSlot,
    Lineup,
    LineupSpot,
    Play,
    PlayAssignment,
    Playbook,
    PlaybookEntry,
    Player,
    Route,
    RouteBreakpoint,
    Ruleset,
    Scenario,
    ScenarioDefender,
    default_ruleset,
    rules_for,
)
from simulation import services as simulation_services
from simulation.api.serializers import MAX_PAIRS
from simulation.models import JobStatus
from simulation.situations import situation_errors
from teams.models import EDITOR_ROLES
from teams.scoping import TeamScopedAdmin, TeamScopedInline, user_team_ids

COORDINATES = (
    "Positions are in yards from the ball at the snap: x is downfield from the line of "
    "scrimmage (negative = behind it), y is sideways (+ is the offense's right)."
)
HUMAN = validation.HUMAN_TOP_SPEED


def section(title, fields, **options):
    """A fieldset from a space-separated list of field names."""
    return (title, {"fields": tuple(fields.split()), **options})


def in_rows(names, per_row=2):
    """Fields side by side, a few per line (ratings read better as a grid)."""
    return tuple(tuple(names[i : i + per_row]) for i in range(0, len(names), per_row))


AMBER_BOX = (
    "margin:0;padding:8px 12px 8px 28px;background:#fff4e0;border-left:4px solid #e09400;"
    "color:#5a3b00;list-style:disc;"
)


def describe(error):
    """A refusal from a service as one line a coach can read."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        return "; ".join(f"{path}: {m}" for path, ms in error.message_dict.items() for m in ms)
    if isinstance(error, ValidationError):
        return "; ".join(error.messages)
    return f"it clashes with an existing object ({error})"


def _plain(value):
    if value is None or value == []:
        return "—"
    return " + ".join(map(str, value)) if isinstance(value, list) else str(value)


def show(value):
    """A history value as a coach reads it: child rows one per line, ids as #n."""
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return [", ".join(f"{k} {_plain(v)}" for k, v in row.items()) for row in value]
    if value in (None, "", []):
        return ["—"]
    return [", ".join(map(str, value)) if isinstance(value, list) else str(value)]


STORED_ONLY = {"warnings_list", "legs"}  # read-only facts about what is stored

ROW_PARENTS = {
    FormationSlot: "formation",
    RouteBreakpoint: "route",
    PlayAssignment: "play",
    ScenarioDefender: "scenario",
    LineupSpot: "lineup",
    PlaybookEntry: "playbook",
}


def used_by(obj):
    """'Play: Trips Flood (WR1: Slant)' with a link, for an object that blocks a delete."""
    parent = getattr(obj, ROW_PARENTS[type(obj)]) if type(obj) in ROW_PARENTS else obj
    label = f"{capfirst(parent._meta.verbose_name)}: {parent}"
    if parent is not obj:
        label += f" ({obj})"
    try:
        url = reverse(admin_urlname(parent._meta, "change"), args=[parent.pk])
    except NoReverseMatch:
        return label
    return format_html('<a href="{}">{}</a>', url, label)


def only_team(fields, team_id):
    """Limit related choices to one team (the object's), not all of the user's teams."""
    for field in fields.values():
        queryset = getattr(field, "queryset", None)
        if queryset is not None and any(f.name == "team" for f in queryset.model._meta.fields):
            field.queryset = queryset.filter(team_id=team_id)


# --- form fields and forms -------------------------------------------------------


class CommaListField(forms.CharField):
    """A JSON list of short strings, edited as "a, b, c" (trimmed, unique, order kept)."""

    def __init__(self, *, upper=False, **kwargs):
        self.upper = upper
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return ", ".join(map(str, value)) if isinstance(value, list | tuple) else value

    def to_python(self, value):
        if isinstance(value, list | tuple):
            return list(value)
        items = (item.strip() for item in super().to_python(value).split(","))
        return list(dict.fromkeys(item.upper() if self.upper else item for item in items if item))

    def validate(self, value):
        super().validate(value)
        if len(value) > 30:
            raise ValidationError(f"{len(value)} items — at most 30")
        for item in value:
            if len(item) > 40:
                raise ValidationError(f"'{item[:40]}…' is longer than 40 characters")


class TeamOwnedForm(forms.ModelForm):
    """Everything an object points at is in its team; names and ids are unique in it.
    (The team is read-only once stored, so Django's own unique check would skip it.)
    `loaded_version` carries the version the page showed: a save over someone else's
    newer one is refused (optimistic concurrency, as in the API)."""

    loaded_version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version

    def clean(self):
        data = super().clean()
        if self.instance.pk:
            stale = history.stale_edit(
                self._meta.model, self.instance.pk, data.get("loaded_version")
            )
            if stale:
                raise ValidationError(stale, code="edit_conflict")
        team = data.get("team") or (self.instance.team if self.instance.team_id else None)
        if team is None:
            return data
        for name, value in list(data.items()):
            if getattr(value, "team_id", team.pk) != team.pk:
                self.add_error(name, f"{value} belongs to another team ({value.team}).")
        model, label = self._meta.model, self._meta.model._meta.verbose_name
        for field in ("name", "external_id"):
            value = data.get(field)
            others = model.objects.filter(team=team, **{field: value}).exclude(pk=self.instance.pk)
            clash = others.first() if value else None
            if clash is not None and field == "name":
                self.add_error(field, f"Another {label} in {team} is already called '{value}'.")
            elif clash is not None:
                self.add_error(field, f"The {label} '{clash}' already uses this id.")
        return data


class PlayForm(TeamOwnedForm):
    class Meta:
        help_texts = {
            "max_time_to_throw_ms": "The QB throws or throws it away by then: 500 ms up to the "
            "ruleset's pass clock (7000 ms in NFL FLAG).",
            "motion_duration_ms": "How long the motion takes (100–5000 ms).",
            "ruleset": "Empty: the team's default ruleset.",
        }

    tags = CommaListField(help_text="Comma-separated, e.g. quick, redzone, man-beater.")
    progression = CommaListField(
        upper=True,
        help_text="Roles in the order the QB reads them, comma-separated, e.g. WR2, WR3, WR1. "
        "Every role read needs a route below.",
    )


class RulesetForm(TeamOwnedForm):
    def _post_clean(self):
        super()._post_clean()  # the instance now holds the submitted values, unsaved
        if self.instance.pk and not self.errors:
            problems, _ = services.ruleset_problems(self.instance)
            if problems:
                self.add_error(
                    None, [f"This change would break {len(problems)} rule(s):", *problems[:20]]
                )


class ScenarioForm(TeamOwnedForm):
    situation_tags = CommaListField(help_text="Comma-separated, e.g. 3RD_SHORT, REDZONE.")


class PrefilledRowForm(forms.ModelForm):
    """A row whose key (role, slot) is filled in counts as entered, so a new formation or
    play keeps every prefilled role even when nothing else on the row was typed."""

    key = "role"

    def has_changed(self):
        return super().has_changed() or bool(self[self.key].value())


class DefenderForm(PrefilledRowForm):
    key = "slot"

    def clean(self):
        data = super().clean()
        if data.get("duty") == Duty.MAN and not data.get("man_target"):
            data["man_target"] = "auto"  # as the API does
        return data


class EntryForm(forms.ModelForm):
    order = forms.IntegerField(
        required=False,
        min_value=0,
        widget=forms.NumberInput(attrs={"style": "width: 5em"}),
        help_text="Position on the call sheet; empty: last.",
    )
    situations = forms.MultipleChoiceField(
        choices=Bucket.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Situations this call is meant for.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.initial["order"] = None

    def clean_order(self):
        order = self.cleaned_data["order"]
        return self.instance.order if order is None and self.instance.pk else order


# --- inline formsets: the rows checked with the API's rules ------------------------

ROW_PATH = re.compile(r"^(?P<rows>\w+)\[(?P<index>\d+)\]\.?(?P<rest>.*)$")


class RulesFormSet(BaseInlineFormSet):
    """Gathers the rows that will be stored (display order, deleted ones skipped) plus
    the parent as the form left it, runs `check` and maps each error path to a field:
    `slots[2].x` → the x field of the third stored row; anything else is an error
    above the rows, with its path."""

    rows = ""  # the name of the rows in error paths, e.g. "slots"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.initial_extra:
            self.initial_extra = self.initial_rows()

    def initial_rows(self):
        return []

    def check(self, rows):
        """Each formset runs its playbook.validation check on the rows (→ Report)."""
        raise TypeError(f"{type(self).__name__} must define check(rows)")

    def live_forms(self):
        return [
            form
            for i, form in enumerate(self.forms)
            if not self._should_delete_form(form)
            and (i < self.initial_form_count() or form.has_changed())
        ]

    def clean(self):
        # The rules run first so their messages win over Django's generic duplicate check.
        problems = [] if any(self.errors) else self.check_rows()
        super().clean()
        if problems:
            raise ValidationError(problems)

    def check_rows(self):
        """Errors go onto the row forms; returns the ones that belong to no row."""
        live = self.live_forms()
        self._check_teams(live)
        if any(self.errors):
            return []
        report = self.check([form.cleaned_data for form in live])
        problems = []
        for path, errors in report.errors.items():
            form, field, rest = self._locate(path, live)
            for error in errors:
                if form is None:
                    problems.append(f"{path}: {error}")
                else:
                    form.add_error(field, f"{rest}: {error}" if rest and not field else error)
        return problems

    def _check_teams(self, live):
        team_id = self.instance.team_id
        for form in live:
            for name, value in list(form.cleaned_data.items()):
                if team_id and getattr(value, "team_id", team_id) != team_id:
                    form.add_error(name, f"{value} belongs to another team.")

    def _locate(self, path, live):
        match = ROW_PATH.match(path)
        if not match or match["rows"] != self.rows or int(match["index"]) >= len(live):
            return None, None, ""
        form = live[int(match["index"])]
        field = re.sub(r"\[\d+\]", "", match["rest"]).replace(".", "_")
        return form, (field if field in form.fields else None), match["rest"]


class SlotFormSet(RulesFormSet):
    rows = "slots"

    def initial_rows(self):
        if self.instance.pk:
            return []
        start = {"QB": {"x": -5.0, "y": 0.0}, "CENTER": {"x": 0.0, "y": 0.0}}
        return [{"role": r, **start.get(r, {"x": 0.0})} for r in offense_roles()]

    def check(self, rows):
        slots = [{k: row.get(k) for k in ("role", "x", "y")} for row in rows]
        return validation.check_formation(slots, rules_for(self.instance))


class BreakpointFormSet(RulesFormSet):
    rows = "breakpoints"

    def check(self, rows):
        return validation.check_route(
            [{k: row.get(k) for k in ("x", "y", "time_ms")} for row in rows]
        )


class AssignmentFormSet(RulesFormSet):
    rows = "assignments"

    def initial_rows(self):
        return [] if self.instance.pk else [{"role": r} for r in offense_roles()]

    def check(self, rows):
        play = self.instance
        if play.formation_id is None:
            return validation.Report()  # the play form already says a formation is needed
        assignments = [
            {
                "role": row.get("role"),
                "route": row.get("route")
                and {"name": row["route"].name, "breakpoints": row["route"].breakpoint_data()},
            }
            for row in rows
        ]
        return validation.check_play(
            play.formation.slot_data(), assignments, play.qb_plan(), play.motion, rules_for(play)
        )


DEFENDER_KEYS = ("slot", "x", "y", "duty", "man_target", "zone_x", "zone_y", "zone_radius")


class DefenderFormSet(RulesFormSet):
    rows = "defenders"

    def initial_rows(self):
        return [] if self.instance.pk else [{"slot": s} for s in defense_roles()]

    def check(self, rows):
        defenders = [{k: row.get(k) for k in DEFENDER_KEYS} for row in rows]
        return validation.check_scenario(defenders, rules_for(self.instance))


class SpotFormSet(RulesFormSet):
    rows = "spots"

    def initial_rows(self):
        if self.instance.pk:
            return []
        return [{"role": r} for r in [*offense_roles(), *defense_roles()]]

    def check(self, rows):
        spots = [
            {"role": row["role"], "side": row["player"].side, "name": row["player"].name}
            for row in rows
        ]
        return validation.check_lineup(spots, rules_for(self.instance))


class EntryFormSet(RulesFormSet):
    rows = "entries"

    def save_new(self, form, commit=True):
        if form.instance.order is None:  # left empty: after the last call
            last = self.instance.entries.aggregate(last=Max("order"))["last"]
            form.instance.order = 0 if last is None else last + 1
        return super().save_new(form, commit)

    def check(self, rows):
        entries = [
            {
                "play_id": row["play"].pk,
                "call_number": row.get("call_number", ""),
                "situations": row.get("situations") or [],
            }
            for row in rows
        ]
        return validation.check_playbook(entries, list(Bucket.values))


# --- inlines --------------------------------------------------------------------------


NUMBER = forms.NumberInput(attrs={"step": "any", "style": "width: 5em"})


class RowsInline(TeamScopedInline, admin.TabularInline):
    add_extra = 0  # blank rows on the add page; the change page adds them on demand
    formfield_overrides = {  # narrow number boxes keep a row of nine columns on screen
        models.FloatField: {"widget": NUMBER},
        models.PositiveIntegerField: {"widget": NUMBER},
        models.CharField: {"widget": forms.TextInput(attrs={"style": "width: 5em"})},
    }

    def get_extra(self, request, obj=None, **kwargs):
        return self.add_extra if obj is None else 0

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(field and field.widget, RelatedFieldWidgetWrapper):
            # a row only picks a route/player; editing those happens on their own page
            widget = field.widget
            widget.can_add_related = widget.can_change_related = False
            widget.can_delete_related = widget.can_view_related = False
            widget.widget.attrs["style"] = "max-width: 11em"
        return field

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if obj is not None and obj.pk:
            only_team(formset.form.base_fields, obj.team_id)
        return formset


class SlotInline(RowsInline):
    model = FormationSlot
    form = PrefilledRowForm
    formset = SlotFormSet
    fields = ("role", "x", "y")
    add_extra = 5
    verbose_name = "player"
    verbose_name_plural = "players (x: yards downfield, y: yards sideways, + is offense's right)"


class BreakpointInline(RowsInline):
    model = RouteBreakpoint
    formset = BreakpointFormSet
    fields = ("x", "y", "time_ms")
    add_extra = 3
    verbose_name_plural = "breakpoints (yards from the runner's alignment, ms after the snap)"


class AssignmentInline(RowsInline):
    model = PlayAssignment
    form = PrefilledRowForm
    formset = AssignmentFormSet
    fields = ("role", "route")
    add_extra = 5
    verbose_name_plural = "assignments (one per formation role; no route = QB, blocker, decoy)"


class DefenderInline(RowsInline):
    model = ScenarioDefender
    form = DefenderForm
    formset = DefenderFormSet
    fields = (*DEFENDER_KEYS, "player")
    add_extra = 5
    verbose_name_plural = "defenders (x > 0 past the line; ZONE needs a landmark and radius)"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "player":
            kwargs["queryset"] = Player.objects.filter(side=Side.DEFENSE)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class SpotInline(RowsInline):
    model = LineupSpot
    formset = SpotFormSet
    fields = ("role", "player")
    add_extra = 10
    verbose_name_plural = "spots (leave a player empty to skip the role)"


class EntryInline(RowsInline):
    model = PlaybookEntry
    form = EntryForm
    formset = EntryFormSet
    fields = ("order", "call_number", "play", "situations")
    add_extra = 3
    ordering = ("order", "id")
    verbose_name_plural = "calls (in call-sheet order)"


# --- model admins ----------------------------------------------------------------------


class TeamOwnedAdmin(AdminPictures, TeamScopedAdmin):
    form = TeamOwnedForm
    list_select_related = ("team",)
    search_fields = ("name", "external_id")
    list_per_page = 50

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        teams = list(user_team_ids(request.user, EDITOR_ROLES)[:2])
        if "team" not in initial and len(teams) == 1:
            initial["team"] = teams[0]["team_id"]
        return initial

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None:  # the version the page shows, sent back on save
            (title, opts), *rest = fieldsets
            fieldsets = [(title, {**opts, "fields": [*opts["fields"], "loaded_version"]}), *rest]
        if obj is None:  # nothing stored yet: no warnings or leg speeds to show
            fieldsets = [
                (title, {**opts, "fields": [f for f in opts["fields"] if f not in STORED_ONLY]})
                for title, opts in fieldsets
            ]
            fieldsets = [fs for fs in fieldsets if fs[1]["fields"]]
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        return readonly if obj is None else ("team", *readonly)  # objects stay in their team

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is not None:
            only_team(form.base_fields, obj.team_id)
        return form

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self.after_save(form.instance)

    def after_save(self, obj):
        if hasattr(obj, "refresh_warnings"):
            obj.refresh_warnings()
        history.seal(obj)  # the inlines were saved after the object's history record

    def picture_block(self, obj, name, links):
        """The saved picture `name` (SVG) at full size with links to other formats."""
        if obj.pk is None:
            return f"Shown once the {self.opts.verbose_name} is saved."
        return format_html(
            '<img src="{}" alt="{} of {}" style="max-width:100%;width:384px"><p>{}</p>',
            self.picture_url(obj, name, "svg"),
            name.capitalize(),
            obj.name,
            format_html_join(
                " · ", '<a href="{}">{}</a>', ((self.picture_url(obj, *p), t) for t, *p in links)
            ),
        )

    # --- history: every version, who and where from; restore an earlier one ---------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            re_path(
                r"^(?P<object_id>.+)/history/(?P<history_id>\d+)/restore/$",
                self.admin_site.admin_view(self.restore_view),
                name="{}_{}_restore".format(*info),
            ),
            *super().get_urls(),
        ]

    def history_view(self, request, object_id, extra_context=None):
        """The object's versions from the audit history (admin, API and imports alike)."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_view_permission(request, obj):
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        info = self.opts.app_label, self.opts.model_name
        versions = history.named(type(obj), history.versions(obj.history.all()))
        for v in versions:
            v["changes"] = [
                {**c, "old": show(c["old"]), "new": show(c["new"])} for c in v["changes"]
            ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "object": obj,
            "title": f"History: {obj}",
            "versions": versions,
            "can_restore": bool(self.editable(request, type(obj).objects.filter(pk=obj.pk))),
            "restore_url": "admin:{}_{}_restore".format(*info),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/playbook/history.html", context)

    def restore_view(self, request, object_id, history_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        back = reverse(admin_urlname(self.opts, "change"), args=[obj.pk])
        if request.method != "POST" or not self.editable(
            request, type(obj).objects.filter(pk=obj.pk)
        ):
            return HttpResponseRedirect(back)
        wanted = obj.history.filter(history_id=history_id).values_list("version", flat=True)
        try:
            with transaction.atomic():
                restored = history.restore(obj, int(history_id))
        except (ValidationError, IntegrityError) as error:
            self.message_user(request, f"Not restored: {describe(error)}", messages.ERROR)
            return HttpResponseRedirect(reverse(admin_urlname(self.opts, "history"), args=[obj.pk]))
        self.message_user(
            request,
            f"Restored {restored} as it was in version {wanted.first()} (saved as version "
            f"{restored.version}).",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(back)

    def get_deleted_objects(self, objs, request):
        """Name the plays, lineups and playbooks that block a delete, not their rows."""
        deleted, counts, perms, protected = super().get_deleted_objects(objs, request)
        if protected:
            collector = NestedObjects(using=router.db_for_write(self.model))
            collector.collect(objs)
            protected = [used_by(row) for row in collector.protected]
        return deleted, counts, perms, protected

    def editable(self, request, queryset):
        """The selected objects the user may change (a member of a team only reads)."""
        return self._scope(request, queryset, roles=EDITOR_ROLES)

    def run_each(self, request, queryset, service, summary):
        """Call a service on each object; refusals become error messages, never a 500."""
        done = []
        for obj in self.editable(request, queryset):
            try:
                done.append((obj, service(obj)))
            except (ValidationError, IntegrityError) as error:
                self.message_user(request, f"{obj}: {describe(error)}", messages.ERROR)
        if done:
            self.message_user(request, summary(done), messages.SUCCESS)

    def mirror_each(self, request, queryset, service):
        def summary(done):
            parts = [f"{a} is its own mirror" if a.pk == b.pk else f"{a} → {b}" for a, b in done]
            return "Mirrored: " + "; ".join(parts) + "."

        self.run_each(request, queryset, service, summary)

    @admin.display(description="warnings")
    def warnings_badge(self, obj):
        if not obj.warnings:
            return format_html('<span style="color:{}" title="No warnings">✓</span>', "#2e7d32")
        return format_html(
            '<span style="color:#b36b00;font-weight:bold" title="{}">⚠ {}</span>',
            "\n".join(obj.warnings),
            len(obj.warnings),
        )

    @admin.display(description="found at the last save")
    def warnings_list(self, obj):
        if not obj.warnings:
            return "None: every coaching check passes."
        items = (w.split(": ", 1) if ": " in w else ("", w) for w in obj.warnings)
        return format_html(
            '<ul style="{}">{}</ul>',
            AMBER_BOX,
            format_html_join("", "<li><code>{}</code> {}</li>", items),
        )


WARNINGS = section(
    "Coaching warnings",
    "warnings_list",
    description="Saved anyway (real playbooks have them); worth a look before game day.",
)


@admin.register(Ruleset)
class RulesetAdmin(TeamOwnedAdmin):
    form = RulesetForm
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
            "motion_lateral_only",
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

    def after_save(self, ruleset):
        """Objects checked against this ruleset get their warnings recomputed."""
        services.ruleset_update(ruleset, {})

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

    def after_save(self, formation):
        super().after_save(formation)
        for play in formation.plays.select_related("formation", "ruleset"):
            play.refresh_warnings()

    @admin.action(description="Mirror selected formations (left ↔ right)", permissions=["add"])
    def mirror(self, request, queryset):
        self.mirror_each(request, queryset, services.formation_mirror)


@admin.register(Route)
class RouteAdmin(editor.RouteEditor, TeamOwnedAdmin):
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

    def after_save(self, route):
        super().after_save(route)
        plays = Play.objects.filter(assignments__route=route).distinct()
        for play in plays.select_related("formation", "ruleset"):
            play.refresh_warnings()

    @admin.action(description="Mirror selected routes (left ↔ right)", permissions=["add"])
    def mirror(self, request, queryset):
        self.mirror_each(request, queryset, services.route_mirror)


class FormationFilter(admin.SimpleListFilter):
    """Only the formations of the user's teams (the default filter would list every team's)."""

    title = "formation"
    parameter_name = "formation"

    def lookups(self, request, model_admin):
        formations = Formation.objects.select_related("team")
        if not request.user.is_superuser:
            formations = formations.filter(team__in=user_team_ids(request.user))
        formations = list(formations)
        several = len({f.team_id for f in formations}) > 1
        return [(f.pk, f"{f.name} ({f.team})" if several else f.name) for f in formations]

    def queryset(self, request, queryset):
        return queryset.filter(formation_id=self.value()) if self.value() else queryset


class TagFilter(admin.SimpleListFilter):
    title = "tag"
    parameter_name = "tag"

    def lookups(self, request, model_admin):
        tags = model_admin.get_queryset(request).values_list("tags", flat=True)
        return [(t, t) for t in sorted({str(t) for play_tags in tags for t in play_tags})]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        tagged = [pk for pk, tags in queryset.values_list("pk", "tags") if self.value() in tags]
        return queryset.filter(pk__in=tagged)


class SituationFilter(admin.SimpleListFilter):
    """Plays that some playbook calls for this situation."""

    title = "situation (from playbooks)"
    parameter_name = "situation"

    def lookups(self, request, model_admin):
        return Bucket.choices

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        entries = PlaybookEntry.objects.filter(play__in=queryset.values("pk"))
        called = [
            play_id
            for play_id, situations in entries.values_list("play_id", "situations")
            if self.value() in situations
        ]
        return queryset.filter(pk__in=called)


# --- simulate: the selection against the rest of its team ----------------------------------

SIMULATE_EPISODES = 2000
SIMULATE_SITUATION = {"down": 1, "distance": 10.0, "yardline": 35.0}


def simulate(model_admin, request, queryset):
    """Selected plays × every scenario of their team, or every play of the team × the
    selected scenarios, as one simulation run; then that run's page. Refusals are
    error messages on the list, never a 500."""

    def refuse(text):
        model_admin.message_user(request, text, messages.ERROR)

    selected = list(queryset.select_related("team"))
    teams = {obj.team for obj in selected}
    if len(teams) > 1:
        names = ", ".join(sorted(t.name for t in teams))
        return refuse(f"The selection spans several teams ({names}); simulate one team at a time.")
    team = selected[0].team
    if not model_admin.editable(request, queryset).exists():
        return refuse(f"Only the coaches and owners of {team} can run its simulations.")
    if model_admin.model is Play:
        plays, scenarios = selected, list(Scenario.objects.filter(team=team))
        missing = "scenarios" if not scenarios else None
    else:
        plays, scenarios = list(Play.objects.filter(team=team)), selected
        missing = "plays" if not plays else None
    if missing:
        return refuse(f"{team} has no {missing} to simulate against yet: add one first.")
    pairs = len(plays) * len(scenarios)
    if pairs > MAX_PAIRS:
        return refuse(
            f"{len(plays)} plays × {len(scenarios)} scenarios = {pairs} pairs; at most "
            f"{MAX_PAIRS} in one run. Select fewer."
        )
    ruleset = default_ruleset(team)
    problems = situation_errors(**SIMULATE_SITUATION, rules=ruleset) if ruleset else {}
    if problems:
        details = "; ".join(m for ms in problems.values() for m in ms)
        return refuse(f"1st and 10 at 35 yd to the goal does not fit {ruleset}: {details}.")
    try:
        run = simulation_services.simulation_run_start(
            team=team,
            user=request.user,
            plays=plays,
            scenarios=scenarios,
            episodes=SIMULATE_EPISODES,
            seed=secrets.randbelow(2**31),
            situation=dict(SIMULATE_SITUATION),
            traces=1,
        )
    except ValidationError as error:
        return refuse(f"The simulation was refused: {describe(error)}")
    what = (
        f"{len(plays)} play{'s' * (len(plays) != 1)} × {len(scenarios)} "
        f"scenario{'s' * (len(scenarios) != 1)}, {SIMULATE_EPISODES:,} episodes each"
    )
    if run.status == JobStatus.SUCCEEDED:
        model_admin.message_user(
            request, f"Simulation #{run.pk} finished: {what}.", messages.SUCCESS
        )
    elif run.status == JobStatus.FAILED:
        model_admin.message_user(
            request, f"Simulation #{run.pk} failed: {what}. {run.error}", messages.ERROR
        )
    else:
        model_admin.message_user(
            request,
            f"Simulation #{run.pk} is running in the background: {what}. "
            "This page shows its progress.",
            messages.SUCCESS,
        )
    return HttpResponseRedirect(reverse("admin:simulation_simulationrun_change", args=[run.pk]))


@admin.register(Play)
class PlayAdmin(editor.PlayEditor, TeamOwnedAdmin):
    form = PlayForm
    list_display = ("thumbnail", "name", "formation", "tag_list", "reads", "warnings_badge", "team")
    list_display_links = ("thumbnail", "name")
    list_select_related = ("team", "formation")
    list_filter = (FormationFilter, TagFilter, SituationFilter, "team")
    search_fields = ("name", "notes", "external_id")
    readonly_fields = ("warnings_list", "diagram")
    inlines = [AssignmentInline]
    actions = ["mirror", "duplicate", "simulate"]
    fieldsets = (
        section(None, "team name external_id formation ruleset tags notes"),
        section(
            "Diagram",
            "diagram",
            description="As saved; the field editor below shows your edits as you make them.",
        ),
        WARNINGS,
        section(
            "Pre-snap motion (optional)",
            "motion_role motion_x motion_y motion_duration_ms",
            description="Where the mover ends up at the snap. " + COORDINATES,
        ),
        section("QB plan", "progression max_time_to_throw_ms scramble_allowed"),
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
        if name == "animation" and ext == "gif":
            return images.play_animation(play, scenario)
        return None

    @admin.display(description="diagram")
    def thumbnail(self, play):
        return format_html(
            '<img src="{}" width="96" loading="lazy" alt="" style="background:#3f8f3f">',
            self.picture_url(play, "diagram", "svg"),
        )

    @admin.display(description="diagram")
    def diagram(self, play):
        links = [("PNG", "diagram", "png"), ("Watch it run (GIF)", "animation", "gif")]
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

    @admin.action(
        description="Simulate selected plays against every scenario of their team",
        permissions=["change"],
    )
    def simulate(self, request, queryset):
        return simulate(self, request, queryset)


@admin.register(Scenario)
class ScenarioAdmin(editor.ScenarioEditor, TeamOwnedAdmin):
    form = ScenarioForm
    list_display = ("name", "coverage", "shell", "rushers", "warnings_badge", "team")
    list_filter = ("coverage", "shell", "team")
    search_fields = ("name", "notes", "external_id")
    readonly_fields = ("warnings_list", "preview")
    inlines = [DefenderInline]
    actions = ["simulate"]
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

    @admin.action(
        description="Simulate every play of the team against the selected scenarios",
        permissions=["change"],
    )
    def simulate(self, request, queryset):
        return simulate(self, request, queryset)


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
class PlaybookAdmin(TeamOwnedAdmin):
    list_display = ("name", "entry_count", "team")
    list_filter = ("team",)
    search_fields = ("name", "description", "external_id")
    fields = ("team", "name", "external_id", "description", "call_sheet")
    readonly_fields = ("call_sheet",)
    inlines = [EntryInline]
    actions = ["train_policy"]

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

    @admin.action(
        description="Train play-calling policy (Thompson sampling, 20,000 episodes)",
        permissions=["change"],
    )
    def train_policy(self, request, queryset):
        """The playbook's plays against every scenario of its team (equal weights), in
        every bucket those scenarios fit, validated and started exactly as the API's
        POST …/policies/train/ does; then the new policy's page."""
        from rest_framework.exceptions import ValidationError as APIValidationError

        from simulation import policies
        from simulation.api.policies import PolicySerializer
        from simulation.learning import THOMPSON

        episodes = 20_000

        def refuse(text):
            self.message_user(request, text, messages.ERROR)

        selected = list(queryset)
        books = list(self.editable(request, queryset).select_related("team"))
        if not books:
            names = ", ".join(sorted({str(b.team) for b in selected}))
            return refuse(f"Only the coaches and owners of {names} can train its policies.")
        started = []
        for book in books:
            team = book.team
            plays = {e.play_id for e in book.entries.all()}
            if len(plays) < 2:
                refuse(f"{book}: at least 2 different plays are needed to choose between.")
                continue
            scenarios = list(Scenario.objects.filter(team=team).prefetch_related("defenders"))
            if not scenarios:
                refuse(f"{book}: {team} has no scenarios to train against yet: add one first.")
                continue
            buckets = [
                bucket
                for bucket in Bucket.values
                if not policies.scenario_fit_errors(scenarios, [bucket], None, team)
            ]
            if not buckets:
                problems = policies.scenario_fit_errors(scenarios, Bucket.values, None, team)
                refuse(f"{book}: no situation bucket fits every scenario: {problems[0]}")
                continue
            serializer = PolicySerializer(
                data={
                    "name": f"{book.name} (Thompson, {episodes:,} episodes)"[:120],
                    "playbook": book.pk,
                    "scenarios": [{"scenario": s.pk, "weight": 1.0} for s in scenarios],
                    "buckets": buckets,
                    "algorithm": THOMPSON,
                    "episodes": episodes,
                    "seed": secrets.randbelow(2**31),
                },
                context={"team": team, "request": request},
            )
            try:
                serializer.is_valid(raise_exception=True)
                data = serializer.validated_data
                policy = policies.policy_train_start(
                    team=team,
                    user=request.user,
                    plays=data["plays"],
                    playbook=data.get("playbook"),
                    mix=data["mix"],
                    buckets=data["buckets"],
                    algorithm=data["algorithm"],
                    params=data["params"],
                    episodes=data["episodes"],
                    seed=data["seed"],
                    ruleset=data.get("ruleset"),
                    lineup=data.get("lineup"),
                    name=data.get("name", ""),
                )
            except APIValidationError as error:
                details = error.detail if isinstance(error.detail, dict) else {"": error.detail}
                text = "; ".join(
                    f"{field}: {message}" if field and field != "non_field_errors" else str(message)
                    for field, items in details.items()
                    for message in (items if isinstance(items, list) else [items])
                )
                refuse(f"{book}: the training was refused: {text}")
                continue
            except ValidationError as error:
                refuse(f"{book}: the training was refused: {describe(error)}")
                continue
            started.append(policy)
            skipped = [b for b in Bucket.values if b not in buckets]
            note = f" Left out (a defender would stand past the end line): {', '.join(skipped)}."
            self.message_user(
                request,
                f"Policy #{policy.pk} is training on {book}: {len(data['plays'])} plays × "
                f"{len(scenarios)} scenarios, {len(buckets)} buckets, {episodes:,} episodes. "
                "Its page shows the progress." + (note if skipped else ""),
                messages.SUCCESS,
            )
        if len(started) == 1:
            url = reverse("admin:simulation_policy_change", args=[started[0].pk])
            return HttpResponseRedirect(url)
        if started:
            return HttpResponseRedirect(reverse("admin:simulation_policy_changelist"))
        return None
