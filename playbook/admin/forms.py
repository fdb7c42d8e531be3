"""Admin forms: the shapes a coach types in. The rules are the writers' (services)."""

import re

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from football import plays as kinds
from football.duties import MAN_AUTO
from playbook import history
from playbook.constants import OFFENSE_ROLE_CHOICES, Bucket
from playbook.models import Play

ROW_PATH = re.compile(r"^(?P<rows>\w+)\[(?P<index>\d+)\]\.?(?P<rest>.*)$")
TOP = {NON_FIELD_ERRORS, "non_field_errors"}


def refusal_items(error):
    """(path, [messages]) of a writer's ValidationError; a plain one is one top error."""
    if hasattr(error, "error_dict"):
        return list(error.message_dict.items())
    return [(NON_FIELD_ERRORS, error.messages)]


def field_of(path, fields):
    """The field an error path names: `motion.x` → motion_x, `progression[1]` →
    progression; None when no field of `fields` is meant."""
    name = re.sub(r"\[\d+\]", "", path).replace(".", "_")
    return name if name in fields else None


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
    """Everything an object points at is in its team (the team is read-only once stored).
    `loaded_version` carries the version the page showed: a save over someone else's
    newer one is refused (optimistic concurrency, as in the API). The rules are the
    writer's (playbook.services): when it refuses, the page is shown again with
    `refusal` set and each error goes next to the field its path names."""

    loaded_version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    refusal = None  # the writer's ValidationError, set by the admin on the second pass
    rows = None  # the child rows' name (their errors belong to the inline)

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
        return data

    def _post_clean(self):
        super()._post_clean()
        if self.refusal is not None:
            self.show_refusal(self.refusal)

    def show_refusal(self, error):
        for path, messages in refusal_items(error):
            if self.rows and ROW_PATH.match(path) and path.startswith(f"{self.rows}["):
                continue  # the inline puts it on its row
            if self.rows and path == self.rows:
                continue
            field = field_of(path, self.fields)
            for message in messages:
                if field is not None:
                    self.add_error(field, message if field == path else f"{path}: {message}")
                elif path in TOP:
                    self.add_error(None, message)
                else:
                    self.add_error(None, f"{path}: {message}")


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
    kind = forms.ChoiceField(
        choices=Play._meta.get_field("kind").choices,
        required=False,
        help_text=Play._meta.get_field("kind").help_text + " Empty: a pass.",
    )
    trick_progression = CommaListField(
        upper=True,
        help_text="Trick play: the roles the new thrower reads, e.g. CENTER, WR1.",
    )

    def clean_kind(self):
        return self.cleaned_data["kind"] or kinds.PASS


class ScenarioForm(TeamOwnedForm):
    situation_tags = CommaListField(help_text="Comma-separated, e.g. 3RD_SHORT, REDZONE.")


class PrefilledRowForm(forms.ModelForm):
    """A row whose key (role, slot) is filled in counts as entered, so a new formation or
    play keeps every prefilled role even when nothing else on the row was typed."""

    key = "role"

    def has_changed(self):
        return super().has_changed() or bool(self[self.key].value())


MAN_TARGET_CHOICES = [
    ("", "— (not man)"),
    (MAN_AUTO, f"{MAN_AUTO} (matched at the snap)"),
    *OFFENSE_ROLE_CHOICES,
]


class DefenderForm(PrefilledRowForm):
    """The man target is picked from the roles (as in the field editor's panel), never
    typed; a stored value outside the list (an import's) stays selectable."""

    key = "slot"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("man_target")
        if field is None:
            return
        choices = list(MAN_TARGET_CHOICES)
        current = self.initial.get("man_target") or ""
        if current and current not in dict(choices):
            choices.append((current, current))
        self.fields["man_target"] = forms.ChoiceField(
            choices=choices,
            required=False,
            label=field.label,
            help_text="MAN only: the receiver he covers; auto: matched at the snap.",
        )


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
