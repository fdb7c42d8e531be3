"""The child rows of an object (slots, breakpoints, assignments, defenders, spots,
entries), edited inline. The formsets only gather the rows in the order the writer
stores them; the writer's errors come back onto the row each path names."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.models import BaseInlineFormSet

from playbook.admin.display import only_team
from playbook.admin.forms import (
    ROW_PATH,
    DefenderForm,
    EntryForm,
    PrefilledRowForm,
    field_of,
    refusal_items,
)
from playbook.constants import Side, defense_roles, offense_roles
from playbook.models import (
    FormationSlot,
    LineupSpot,
    PlayAssignment,
    PlaybookEntry,
    Player,
    RouteBreakpoint,
    ScenarioDefender,
)
from teams.scoping import TeamScopedInline

DEFENDER_KEYS = ("slot", "x", "y", "duty", "man_target", "zone_x", "zone_y", "zone_radius")


class RowsFormSet(BaseInlineFormSet):
    """`write_rows()` is what the writer gets: the rows that will be stored (display
    order, deleted and untouched blank ones skipped) as plain data. After a refusal each
    error path is mapped back: `slots[2].x` → the x field of the third stored row; a path
    about the rows as a whole (`slots`) goes above them."""

    rows = ""  # the writer's name for the rows, e.g. "slots"
    keys = ()  # the fields of a row the writer takes
    refusal = None  # set by RowsInline on the page shown again after a refusal

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.initial_extra:
            self.initial_extra = self.initial_rows()

    def initial_rows(self):
        return []

    def live_forms(self):
        """The row forms in the order the writer stores them."""
        return [
            form
            for i, form in enumerate(self.forms)
            if not self._should_delete_form(form)
            and (i < self.initial_form_count() or form.has_changed())
        ]

    def write_rows(self):
        return [{k: form.cleaned_data.get(k) for k in self.keys} for form in self.live_forms()]

    def validate_unique(self):
        """Two rows for one role, one call number twice …: the writer's rules say so, with
        the row they are on; Django's generic duplicate check would only come first."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        live = self.live_forms()
        self._check_teams(live)
        if self.refusal is not None:
            self._show_refusal(live)

    def _check_teams(self, live):
        team_id = self.instance.team_id
        for form in live:
            for name, value in list(form.cleaned_data.items()):
                if team_id and getattr(value, "team_id", team_id) != team_id:
                    form.add_error(name, f"{value} belongs to another team.")

    def _show_refusal(self, live):
        above = []
        for path, errors in refusal_items(self.refusal):
            match = ROW_PATH.match(path)
            if path == self.rows:
                above += [f"{path}: {error}" for error in errors]
                continue
            if not match or match["rows"] != self.rows:
                continue  # the parent form shows it
            index = int(match["index"])
            if index >= len(live):
                above += [f"{path}: {error}" for error in errors]
                continue
            form, rest = live[index], match["rest"]
            field = field_of(rest, form.fields) if rest else None
            for error in errors:
                form.add_error(field, f"{rest}: {error}" if rest and not field else error)
        if above:
            raise ValidationError(above)

    def save(self, commit=True):
        raise TypeError("rows are stored by the writer (TeamOwnedAdmin.save_related)")

    def written(self):
        """What changed, for the admin's log entry (the rows were stored by the writer)."""
        live = self.live_forms()
        self.new_objects = [f.instance for f in live if f.instance.pk is None]
        self.changed_objects = [
            (f.instance, f.changed_data)
            for f in live
            if f.instance.pk is not None and f.has_changed()
        ]
        self.deleted_objects = [
            f.instance for f in self.initial_forms if self._should_delete_form(f)
        ]


class SlotFormSet(RowsFormSet):
    rows, keys = "slots", ("role", "x", "y")

    def initial_rows(self):
        if self.instance.pk:
            return []
        start = {"QB": {"x": -5.0, "y": 0.0}, "CENTER": {"x": 0.0, "y": 0.0}}
        return [{"role": r, **start.get(r, {"x": 0.0})} for r in offense_roles()]


class BreakpointFormSet(RowsFormSet):
    rows, keys = "breakpoints", ("x", "y", "time_ms")


class AssignmentFormSet(RowsFormSet):
    rows, keys = "assignments", ("role", "route")

    def initial_rows(self):
        return [] if self.instance.pk else [{"role": r} for r in offense_roles()]


class DefenderFormSet(RowsFormSet):
    rows, keys = "defenders", (*DEFENDER_KEYS, "player")

    def initial_rows(self):
        return [] if self.instance.pk else [{"slot": s} for s in defense_roles()]


class SpotFormSet(RowsFormSet):
    rows, keys = "spots", ("role", "player")

    def initial_rows(self):
        if self.instance.pk:
            return []
        return [{"role": r} for r in [*offense_roles(), *defense_roles()]]


class EntryFormSet(RowsFormSet):
    """Entries are stored in call-sheet order: by their order field, an empty one last."""

    rows, keys = "entries", ("play", "call_number", "situations")

    def live_forms(self):
        forms_ = super().live_forms()
        last = len(forms_)

        def position(item):
            i, form = item
            order = form.cleaned_data.get("order") if hasattr(form, "cleaned_data") else None
            return (order is None, order if order is not None else last, i)

        return [form for _, form in sorted(enumerate(forms_), key=position)]


# --- inlines --------------------------------------------------------------------------


NUMBER = forms.NumberInput(attrs={"step": "any", "style": "width: 5em"})


class RowsInline(TeamScopedInline, admin.TabularInline):
    add_extra = 0  # blank rows on the add page; the change page adds them on demand
    change_related = ()  # foreign keys whose row gets the pencil (edit in a pop-up)
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
            # a row picks a route/player; editing those happens on their own page, or in
            # the pop-up of the pencil where `change_related` names the field
            widget = field.widget
            widget.can_add_related = False
            widget.can_change_related = db_field.name in self.change_related
            widget.can_delete_related = widget.can_view_related = False
            widget.widget.attrs["style"] = "max-width: 11em"
        return field

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if obj is not None and obj.pk:
            only_team(formset.form.base_fields, obj.team_id)
        formset.refusal = getattr(request, "write_refusal", None)
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
    change_related = ("route",)  # the play's editor redraws the route saved in the pop-up
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
