"""Reads that need more than a queryset."""

from collections import defaultdict

from playbook.models import Play, PlayAssignment


def attach_assignments(plays):
    """Give each play `assignment_rows` ([{role, route, route_name}]) from one query of
    plain tuples — a list of 500 plays would otherwise build 2,500 model instances."""
    rows = defaultdict(list)
    found = (
        PlayAssignment.objects.filter(play__in=[p.pk for p in plays])
        .order_by("id")
        .values_list("play_id", "role", "route_id", "route__name")
    )
    for play_id, role, route_id, route_name in found:
        rows[play_id].append({"role": role, "route": route_id, "route_name": route_name})
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


class _Named:
    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name


class PlayRow:
    """A play of a list as plain values: a page of 500 plays as model instances (and
    their formations) costs more than the rest of the request; the serializer reads the
    same attributes from either."""

    __slots__ = (*(f for f in PLAY_ROW_FIELDS if "__" not in f), "formation", "assignment_rows")

    def __init__(self, values):
        for field in PLAY_ROW_FIELDS:
            if "__" not in field:
                setattr(self, field, values[field])
        self.formation = _Named(values["formation__name"])

    @property
    def pk(self):
        return self.id

    # The model's own views of these columns, so a list row and a detail never differ.
    motion = Play.motion
    handoff = Play.handoff


def play_rows(values):
    """PlayRows (with their assignment rows) of `values` dicts of PLAY_ROW_FIELDS."""
    return attach_assignments([PlayRow(v) for v in values])
