"""The one place that enforces team isolation, for the API and the admin.

API: every team-owned endpoint lives at /api/teams/{team_id}/<things>/ and uses
TeamScopedViewSet + TeamScopedSerializer. The caller must be a member of the team
in the URL (else 404, so nothing leaks that a team exists); members read, coaches
and owners write (403 for a member's write); `team` is set server-side; related
ids in a body are looked up inside the same team (another team's id is a 400,
like an id that does not exist).

Admin: TeamScopedAdmin / TeamScopedInline show and offer only the user's teams.
"""

from django.contrib import admin
from django.http import Http404
from django.utils.functional import cached_property
from rest_framework import permissions, serializers, viewsets

from teams.models import EDITOR_ROLES, Membership, Role, Team

MAX_ID = 2**63 - 1  # larger ids cannot exist (and overflow SQLite's integers)


def _has_team_field(model):
    return any(f.name == "team" and f.is_relation for f in model._meta.get_fields())


class TeamRolePermission(permissions.BasePermission):
    """Non-members get a 404; members read; `view.write_roles` may write."""

    def has_permission(self, request, view):
        membership = view.membership  # raises Http404 for non-members
        if request.method in permissions.SAFE_METHODS:
            return True
        return membership.role in view.write_roles


class TeamScopedMixin:
    """Resolves the team from the URL and scopes every query to it.

    A view cannot opt out: a subclass whose get_queryset or get_object is not this
    mixin's (or DRF's, which reads get_queryset) fails when its class is defined, so a
    forgotten filter is an import error, not a leak. Narrow a view with `queryset`,
    filters or `paginate_queryset`; they all start from the team's rows."""

    team_url_kwarg = "team_id"
    write_roles = EDITOR_ROLES
    permission_classes = [permissions.IsAuthenticated, TeamRolePermission]
    GUARDED = ("get_queryset", "get_object")

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for name in cls.GUARDED:
            owner = next((k for k in cls.__mro__ if name in vars(k)), None)
            allowed = owner is None or owner is TeamScopedMixin
            allowed = allowed or owner.__module__.startswith("rest_framework.")
            if not allowed:
                raise TypeError(
                    f"{cls.__module__}.{cls.__qualname__} gets {name}() from "
                    f"{owner.__qualname__}: team-scoped views must keep TeamScopedMixin's "
                    "team filter. Set `queryset` (select_related, defer …) instead."
                )

    @cached_property
    def membership(self):
        team_id = self.kwargs.get(self.team_url_kwarg)
        if not str(team_id).isdigit() or int(team_id) > MAX_ID:
            raise Http404("Team not found.")
        membership = (
            Membership.objects.select_related("team")
            .filter(team_id=team_id, user_id=self.request.user.pk)
            .first()
        )
        if membership is None:
            raise Http404("Team not found.")
        return membership

    @property
    def team(self):
        return self.membership.team

    def _schema_only(self):
        return getattr(self, "swagger_fake_view", False)

    def get_queryset(self):
        queryset = super().get_queryset()
        if self._schema_only():
            return queryset.none()
        return queryset.filter(team=self.team)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not self._schema_only():
            context["team"] = self.team
        return context

    def perform_create(self, serializer):
        serializer.save(team=self.team)


class TeamScopedViewSet(TeamScopedMixin, viewsets.ModelViewSet):
    pass


class TeamScopedSerializer(serializers.ModelSerializer):
    """Related fields only accept objects of the request's team; unique-per-team
    constraints become field errors. Nested serializers inherit the same context."""

    # (The unique names themselves are checked by the writers in playbook.services.)

    @property
    def team(self):
        return self.context.get("team")

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            relation = getattr(field, "child_relation", field)
            queryset = getattr(relation, "queryset", None)
            if queryset is None or not _has_team_field(queryset.model):
                continue
            relation.queryset = (
                queryset.filter(team=self.team) if self.team is not None else queryset.none()
            )
        return fields


# --- admin -----------------------------------------------------------------


def user_team_ids(user, roles=None):
    memberships = Membership.objects.filter(user_id=user.pk)
    if roles:
        memberships = memberships.filter(role__in=roles)
    return memberships.values("team_id")


class TeamListFilter(admin.SimpleListFilter):
    """Team filter that lists only the teams the user belongs to."""

    title = "team"
    parameter_name = "team"

    def lookups(self, request, model_admin):
        teams = Team.objects.all()
        if not request.user.is_superuser:
            teams = teams.filter(id__in=user_team_ids(request.user))
        return [(t.pk, t.name) for t in teams]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(team_id=self.value())
        return queryset


class TeamScopedAdminBase:
    """Shared by ModelAdmin and inlines: scope querysets and related choices, and
    decide permissions from team roles rather than Django's per-model perms."""

    team_path = "team"  # lookup from this model to its Team

    def _scope(self, request, queryset, model=None, path=None, roles=None):
        if request.user.is_superuser:
            return queryset
        path = self.team_path if path is None else path
        lookup = "id__in" if path == "" else f"{path}__in"
        return queryset.filter(**{lookup: user_team_ids(request.user, roles)})

    def get_queryset(self, request):
        return self._scope(request, super().get_queryset(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        self._scope_choices(request, field, db_field.related_model)
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        self._scope_choices(request, field, db_field.related_model)
        return field

    def _scope_choices(self, request, field, related_model):
        if field is None or request.user.is_superuser or not hasattr(field, "queryset"):
            return
        if related_model is Team:
            field.queryset = self._scope(request, field.queryset, path="", roles=EDITOR_ROLES)
        elif _has_team_field(related_model):
            field.queryset = self._scope(request, field.queryset, path="team")

    def _is_member(self, request, roles=None):
        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        return Membership.objects.filter(
            user_id=user.pk, **({"role__in": roles} if roles else {})
        ).exists()

    def _obj_team_id(self, obj):
        target = obj
        for part in self.team_path.split("__") if self.team_path else []:
            target = getattr(target, part)
        return target.pk

    def _can(self, request, obj, roles):
        if request.user.is_superuser:
            return True
        if obj is None:
            return self._is_member(request, roles)
        return Membership.objects.filter(
            user_id=request.user.pk, team_id=self._obj_team_id(obj), role__in=roles
        ).exists()

    def has_module_permission(self, request):
        return request.user.is_superuser or self._is_member(request)

    def has_view_permission(self, request, obj=None):
        return self._can(request, obj, list(Role))

    def has_add_permission(self, request, obj=None):
        return self._can(request, None, self.write_roles)

    def has_change_permission(self, request, obj=None):
        return self._can(request, obj, self.write_roles)

    def has_delete_permission(self, request, obj=None):
        return self._can(request, obj, self.write_roles)

    write_roles = EDITOR_ROLES


class TeamScopedAdmin(TeamScopedAdminBase, admin.ModelAdmin):
    def get_list_filter(self, request):
        filters = list(super().get_list_filter(request))
        return [TeamListFilter if f in ("team", self.team_path) else f for f in filters]


class TeamScopedInline(TeamScopedAdminBase):
    """Mix into TabularInline/StackedInline; the parent decides the team."""

    def get_queryset(self, request):
        return super(TeamScopedAdminBase, self).get_queryset(request)

    def _obj_team_id(self, obj):  # obj is the parent being edited
        return obj.pk if isinstance(obj, Team) else obj.team_id

    def has_add_permission(self, request, obj=None):
        return self._can(request, None, self.write_roles)
