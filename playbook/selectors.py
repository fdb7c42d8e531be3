"""Reads that need more than a queryset."""

from collections import defaultdict

from playbook.models import PlayAssignment


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
