"""Reads that need more than a queryset."""

import json
from collections import defaultdict

from django.db.models import TextField
from django.db.models.functions import Cast

from playbook.models import Play, PlayAssignment


def assignment_rows(play_ids):
    """{play id: [{role, route, route_name}]} from one query of plain tuples — a list of
    500 plays would otherwise build 2,500 model instances."""
    rows = defaultdict(list)
    found = (
        PlayAssignment.objects.filter(play__in=play_ids)
        .order_by("id")
        .values_list("play_id", "role", "route_id", "route__name")
    )
    for play_id, role, route_id, route_name in found:
        rows[play_id].append({"role": role, "route": route_id, "route_name": route_name})
    return rows


def attach_assignments(plays):
    """Give each play `assignment_rows` (see assignment_rows)."""
    rows = assignment_rows([p.pk for p in plays])
    for play in plays:
        play.assignment_rows = rows[play.pk]
    return plays


# What a play in a list shows (PlaySerializer.to_representation reads these attributes).
PLAY_ROW_FIELDS = (
    "id",
    "name",
    "external_id",
    "created_at",
    "updated_at",
    "version",
    "formation_id",
    "formation__name",
    "ruleset_id",
    *Play.PLAIN_FIELDS,
    "warnings",
)


# Stored as JSON: read as their text and decoded one row at a time (play_rows).
PLAY_ROW_JSON = ("progression", "trick_progression", "tags", "warnings")


class _Named:
    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name


class PlayRow:
    """A play of a list as plain values: a page of 500 plays as model instances (and
    their formations) costs more than the rest of the request; the serializer reads the
    same attributes from either."""

    __slots__ = (*(f for f in PLAY_ROW_FIELDS if "__" not in f), "formation", "assignment_rows")

    def __init__(self, values, formation=None):
        for field in PLAY_ROW_FIELDS:
            if "__" in field:
                continue
            if field in PLAY_ROW_JSON and f"{field}__text" in values:  # from play_values
                text = values[f"{field}__text"]
                setattr(self, field, None if text is None else json.loads(text))
            else:
                setattr(self, field, values[field])
        self.formation = formation or _Named(values["formation__name"])

    @property
    def pk(self):
        return self.id

    # The model's own views of these columns, so a list row and a detail never differ.
    motion = Play.motion
    handoff = Play.handoff


def play_values(queryset):
    """`queryset.values()` of PLAY_ROW_FIELDS with the JSON columns as their text: a dict of
    plain strings and numbers is not tracked by Python's collector, one holding decoded
    lists is (see config.api.EncodedRows for why a page's live objects matter)."""
    plain = [f for f in PLAY_ROW_FIELDS if f not in PLAY_ROW_JSON]
    text = {f"{f}__text": Cast(f, TextField()) for f in PLAY_ROW_JSON}
    return queryset.values(*plain, **text)


def play_rows(values):
    """PlayRows of `values` (a page of play_values), made one at a time as they are read,
    with their assignment rows (one query for the whole page, before the first row)."""
    values = list(values)
    rows = assignment_rows([v["id"] for v in values])
    formations = {}  # one per name, not one per play
    for v in values:
        name = v["formation__name"]
        row = PlayRow(v, formations.get(name) or formations.setdefault(name, _Named(name)))
        row.assignment_rows = rows[row.id]
        yield row
