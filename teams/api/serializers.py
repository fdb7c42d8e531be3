from rest_framework import serializers

from accounts.models import User
from teams.models import Membership, Role, Team
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
    user = MemberUserSerializer(read_only=True)
    email = serializers.EmailField(
        write_only=True, help_text="Email of an existing FieldOS account to add."
    )
    role = serializers.ChoiceField(
        choices=Role.choices, required=False, help_text="Defaults to member when adding."
    )

    class Meta:
        model = Membership
        fields = ["id", "user", "email", "role", "created_at"]
        read_only_fields = ["id", "created_at"]

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:  # the person is fixed once added; only the role changes
            fields["email"].required = False
            fields["email"].read_only = True
        return fields

    def validate_email(self, value):
        user = User.objects.filter(email__iexact=value.strip()).first()
        if user is None:
            raise serializers.ValidationError(
                "No FieldOS account uses this email address; ask them to register first."
            )
        return user
