from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.response import Response

from teams import services
from teams.api.serializers import MembershipSerializer, TeamSerializer
from teams.models import Membership, Role, Team
from teams.scoping import TeamScopedMixin


class IsTeamOwnerForWrites(permissions.BasePermission):
    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        return view.roles.get(obj.pk) == Role.OWNER


@extend_schema(tags=["teams"])
class TeamViewSet(viewsets.ModelViewSet):
    """The caller's teams. The creator becomes owner; only owners edit or delete."""

    serializer_class = TeamSerializer
    permission_classes = [permissions.IsAuthenticated, IsTeamOwnerForWrites]
    lookup_url_kwarg = "team_id"
    lookup_value_regex = r"\d+"
    search_fields = ["name", "slug"]
    ordering_fields = ["name", "created_at"]
    filterset_fields = ["slug"]

    @property
    def roles(self):
        if not hasattr(self, "_roles"):
            self._roles = dict(
                Membership.objects.filter(user_id=self.request.user.pk).values_list(
                    "team_id", "role"
                )
            )
        return self._roles

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Team.objects.none()
        return Team.objects.filter(memberships__user_id=self.request.user.pk)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False) and self.request.user.is_authenticated:
            context["roles"] = self.roles
        return context

    def perform_create(self, serializer):
        team = services.team_create(user=self.request.user, **serializer.validated_data)
        serializer.instance = team
        self.roles[team.pk] = Role.OWNER  # the serializer context holds this dict


@extend_schema(tags=["teams"])
class MembershipViewSet(
    TeamScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Members of a team. Owners add people by email, change roles and remove them;
    anyone may leave. The last owner can be neither demoted nor removed."""

    serializer_class = MembershipSerializer
    queryset = Membership.objects.select_related("user")
    write_roles = (Role.OWNER,)
    search_fields = ["user__email", "user__display_name"]
    filterset_fields = ["role"]
    ordering_fields = ["created_at", "user__email", "role"]

    def get_permissions(self):
        # Leaving a team is allowed to every member; the view checks it is yourself.
        if self.action == "destroy":
            return [permissions.IsAuthenticated()]
        return super().get_permissions()

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.membership_add(
            team=self.team, user=data["email"], role=data.get("role", Role.MEMBER)
        )

    def perform_update(self, serializer):
        role = serializer.validated_data.get("role", serializer.instance.role)
        serializer.instance = services.membership_set_role(
            membership=serializer.instance, role=role
        )

    def destroy(self, request, *args, **kwargs):
        membership = self.get_object()  # 404 for non-members and other teams
        is_self = membership.user_id == request.user.pk
        if not is_self and self.membership.role != Role.OWNER:
            self.permission_denied(request, message="Only owners can remove members.")
        services.membership_remove(membership=membership)
        return Response(status=status.HTTP_204_NO_CONTENT)
