from rest_framework import serializers

from accounts.models import User
from accounts.validation import EmailAddressField
from teams.models import Invitation, Membership, Role, Team
from teams.services import unique_slug


class TeamSerializer(serializers.ModelSerializer):
    role = serializers.SerializerMethodField(help_text="The caller's role in this team.")
    slug = serializers.SlugField(max_length=60, required=False)

    class Meta:
        model = Team
        fields = ["id", "name", "slug", "role", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]

    def get_role(self, team) -> str:
        roles = self.context.get("roles", {})
        return roles.get(team.pk, "")

    def validate_name(self, value):
        if not value.strip():
            raise serializers.ValidationError("A team needs a name.")
        return value.strip()

    def validate_slug(self, value):
        clash = Team.objects.filter(slug=value)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            suggestion = unique_slug(value, exclude_pk=self.instance and self.instance.pk)
            raise serializers.ValidationError(f"The slug '{value}' is taken; try '{suggestion}'.")
        return value


class MemberUserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "display_name"]


class MembershipSerializer(serializers.ModelSerializer):
    """A member; only the role changes (people join by accepting an invitation)."""

    user = MemberUserSerializer(read_only=True)
    role = serializers.ChoiceField(choices=Role.choices, required=False)

    class Meta:
        model = Membership
        fields = ["id", "user", "role", "created_at"]
        read_only_fields = ["id", "created_at"]


class InvitationSerializer(serializers.ModelSerializer):
    """What an owner sees of an invitation: never whether an account uses the email."""

    email = EmailAddressField(
        max_length=254, help_text="Who is invited; they accept after logging in with it."
    )
    role = serializers.ChoiceField(
        choices=Role.choices, required=False, help_text="The role they get; member by default."
    )
    invited_by = serializers.SlugRelatedField(slug_field="email", read_only=True)

    class Meta:
        model = Invitation
        fields = ["id", "email", "role", "status", "invited_by", "created_at", "responded_at"]
        read_only_fields = ["id", "status", "created_at", "responded_at"]

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:  # the address is fixed once invited; the role changes
            fields["email"].read_only = True
        return fields

    def validate(self, attrs):
        if self.instance is not None and self.instance.status != Invitation.Status.PENDING:
            raise serializers.ValidationError(
                f"This invitation was {self.instance.status}; invite them again instead."
            )
        return attrs


class InvitedTeamSerializer(serializers.ModelSerializer):
    class Meta:
        model = Team
        fields = ["id", "name"]


class MyInvitationSerializer(serializers.ModelSerializer):
    """An invitation addressed to the caller."""

    team = InvitedTeamSerializer(read_only=True)
    invited_by = serializers.SerializerMethodField()

    class Meta:
        model = Invitation
        fields = ["id", "team", "role", "invited_by", "created_at"]
        read_only_fields = fields

    def get_invited_by(self, invitation) -> str:
        inviter = invitation.invited_by
        return str(inviter) if inviter is not None else ""
