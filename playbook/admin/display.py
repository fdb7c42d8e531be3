"""What the playbook admin pages show: fieldset helpers, refusals as text, history
values, links to the objects that block a delete."""

from django.contrib.admin.templatetags.admin_urls import admin_urlname
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import capfirst

from config.admin_text import describe  # noqa: F401  (re-exported for the playbook admins)
from playbook import services, validation

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

WARNINGS = section(
    "Coaching warnings",
    "warnings_list",
    description="Saved anyway (real playbooks have them); worth a look before game day.",
)


def used_by(obj):
    """'Play: Trips Flood (WR1: Slant)' with a link, for an object that blocks a delete."""
    kind = services.ROW_MODELS.get(type(obj))
    parent = getattr(obj, kind.parent_field) if kind else obj
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
