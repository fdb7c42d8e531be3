"""A team-scoped view cannot bypass the team filter: overriding get_queryset or
get_object fails when the class is defined (at import), not at the first leak."""

import pytest
from rest_framework import mixins, viewsets

from playbook.api.views import PlaybookViewSet, PlayViewSet
from playbook.models import Play
from teams.scoping import TeamScopedMixin, TeamScopedViewSet


@pytest.mark.parametrize("base", [TeamScopedViewSet, PlaybookViewSet, PlayViewSet])
@pytest.mark.parametrize("name", ["get_queryset", "get_object"])
def test_overriding_the_scoped_lookups_fails_at_class_definition(base, name):
    def unscoped(self):
        return Play.objects.all()

    with pytest.raises(TypeError, match=rf"{name}.*keep TeamScopedMixin's team filter"):
        type("Leaky", (base,), {name: unscoped, "__module__": __name__})


def test_a_mixin_ahead_of_the_scoping_cannot_bypass_it_either():
    class AllPlays:
        def get_queryset(self):
            return Play.objects.all()

    with pytest.raises(TypeError, match=r"gets get_queryset\(\) from .*AllPlays"):

        class Sneaky(AllPlays, TeamScopedMixin, viewsets.GenericViewSet):
            queryset = Play.objects.all()


def test_views_that_keep_the_scoping_are_fine():
    class Listing(TeamScopedMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
        queryset = Play.objects.select_related("formation")

        def paginate_queryset(self, queryset):
            return super().paginate_queryset(queryset)

    assert Listing.get_queryset is TeamScopedMixin.get_queryset
