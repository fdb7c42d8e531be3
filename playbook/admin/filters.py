"""List filters that offer only what the user's teams hold."""

from django.contrib import admin

from playbook.constants import Bucket
from playbook.models import Formation, PlaybookEntry
from teams.scoping import user_team_ids


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
