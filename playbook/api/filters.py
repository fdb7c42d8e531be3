import django_filters
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Q

from config.filters import BooleanFilter, IdFilter, StrictFilterSet
from playbook.constants import Bucket, Coverage, Shell, Side
from playbook.models import Formation, Play, Player, Route, Ruleset, Scenario


class HasWarnings(BooleanFilter):
    def filter(self, qs, value):
        if value is None:
            return qs
        return qs.exclude(warnings=[]) if value else qs.filter(warnings=[])


def play_search(queryset, text):
    """Full-text search over name, tags and notes: PostgreSQL's english text search
    (GIN-indexed, ranked) there, a case-insensitive contains match on SQLite."""
    text = text.strip()
    if not text:
        return queryset
    if connection.vendor == "postgresql":
        query = SearchQuery(text, search_type="websearch", config="english")
        vector = SearchVector("search_text", config="english")
        return (
            queryset.annotate(search=vector, rank=SearchRank(vector, query))
            .filter(search=query)
            .order_by("-rank", "name")
        )
    words = text.lower().split()
    condition = Q()
    for word in words:
        condition &= Q(search_text__contains=word)
    return queryset.filter(condition)


class RulesetFilter(StrictFilterSet):
    class Meta:
        model = Ruleset
        fields = ["is_default", "players_per_side"]


class PlayerFilter(StrictFilterSet):
    side = django_filters.ChoiceFilter(choices=Side.choices)

    class Meta:
        model = Player
        fields = {
            "role": ["exact"],
            "jersey_number": ["exact"],
            **{rating: ["gte", "lte"] for rating in Player.RATINGS},
        }


class FormationFilter(StrictFilterSet):
    ruleset = IdFilter(field_name="ruleset_id")
    has_warnings = HasWarnings()

    class Meta:
        model = Formation
        fields = ["ruleset"]


class RouteFilter(StrictFilterSet):
    has_warnings = HasWarnings()

    class Meta:
        model = Route
        fields = ["settle"]


class PlayFilter(StrictFilterSet):
    formation = IdFilter(field_name="formation_id")
    ruleset = IdFilter(field_name="ruleset_id")
    route = IdFilter(method="by_route", label="Uses this route id")
    tag = django_filters.CharFilter(method="by_tag", label="Has this tag (exact)")
    situation = django_filters.ChoiceFilter(
        choices=Bucket.choices, method="by_situation", label="In a playbook for this situation"
    )
    has_warnings = HasWarnings()
    q = django_filters.CharFilter(method="by_text", label="Full-text search: name, tags, notes")

    class Meta:
        model = Play
        fields = ["formation", "ruleset"]

    def by_route(self, qs, name, value):
        return qs.filter(assignments__route_id=value).distinct()

    def by_tag(self, qs, name, value):
        # JSON text match works on both databases; the exact test keeps "flood" ≠ "floods".
        candidates = Play.objects.filter(
            pk__in=qs.values("pk"), tags__icontains=f'"{value}"'
        ).values_list("pk", "tags")
        ids = [pk for pk, tags in candidates if value.lower() in map(str.lower, tags)]
        return qs.filter(pk__in=ids)

    def by_situation(self, qs, name, value):
        return qs.filter(playbook_entries__situations__icontains=f'"{value}"').distinct()

    def by_text(self, qs, name, value):
        return play_search(qs, value)


class ScenarioFilter(StrictFilterSet):
    coverage = django_filters.ChoiceFilter(choices=Coverage.choices)
    shell = django_filters.ChoiceFilter(choices=Shell.choices)
    ruleset = IdFilter(field_name="ruleset_id")
    situation_tag = django_filters.CharFilter(
        field_name="situation_tags", lookup_expr="icontains", label="Has this situation tag"
    )

    class Meta:
        model = Scenario
        fields = ["coverage", "shell", "ruleset"]
