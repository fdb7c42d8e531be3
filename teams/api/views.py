from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from teams import services
from teams.api.serializers import (
    InvitationSerializer,
    MembershipSerializer,
    MyInvitationSerializer,
    TeamSerializer,
)
from teams.models import Invitation, Membership, Role, Team
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
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Members of a team. People join by accepting an invitation (…/invitations/);
    owners change roles and remove members; anyone may leave. The last owner can be
    neither demoted nor removed."""

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


class IsTeamOwner(permissions.BasePermission):
    """Owners only, reads included (non-members get the usual 404)."""

    message = "Only the team's owners manage invitations."

    def has_permission(self, request, view):
        return view.membership.role == Role.OWNER


@extend_schema(tags=["teams"])
class InvitationViewSet(
    TeamScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """A team's invitations (owners only). Invite by email and role: the answer is the
    same whether or not an account uses the address. PATCH changes the role of a
    pending invitation; DELETE revokes it. Creating is throttled (`invite` scope, per
    owner)."""

    serializer_class = InvitationSerializer
    queryset = Invitation.objects.select_related("invited_by")
    permission_classes = [permissions.IsAuthenticated, IsTeamOwner]
    write_roles = (Role.OWNER,)
    throttle_scope = "invite"
    search_fields = ["email"]
    filterset_fields = ["status", "role"]
    ordering_fields = ["created_at", "email"]

    def get_throttles(self):
        return [ScopedRateThrottle()] if self.action == "create" else []

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.invitation_create(
            team=self.team,
            invited_by=self.request.user,
            email=data["email"],
            role=data.get("role", Role.MEMBER),
        )

    def perform_update(self, serializer):
        serializer.save(invited_by=self.request.user)


@extend_schema(tags=["teams"])
class MyInvitationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Invitations addressed to the caller's email that are still pending: accept one to
    join the team with its role, or decline it."""

    serializer_class = MyInvitationSerializer
    ordering_fields = ["created_at"]
    filterset_fields = []
    search_fields = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Invitation.objects.none()
        return services.invitations_for(self.request.user)

    @extend_schema(request=None, responses=TeamSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Join the team with the invited role; answers with the team."""
        membership = services.invitation_accept(invitation=self.get_object(), user=request.user)
        team = membership.team
        return Response(TeamSerializer(team, context={"roles": {team.pk: membership.role}}).data)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        services.invitation_decline(invitation=self.get_object(), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
