from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import User, UserManager
from accounts.validation import EmailAddressField


def _unique_email(email, exclude_pk=None):
    email = UserManager.normalize_email_address(email)
    clash = User.objects.filter(email__iexact=email)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise serializers.ValidationError("A user with this email address already exists.")
    return email


def _check_password(user, password, field):
    if not isinstance(password, str) or not user.check_password(password):
        raise serializers.ValidationError({field: ["Your current password is not this."]})


class UserSerializer(serializers.ModelSerializer):
    email = EmailAddressField(max_length=254)
    current_password = serializers.CharField(
        write_only=True,
        required=False,
        style={"input_type": "password"},
        help_text="Required to change the email address.",
    )

    class Meta:
        model = User
        fields = ["id", "email", "display_name", "date_joined", "current_password"]
        read_only_fields = ["id", "date_joined"]

    def validate_email(self, value):
        return _unique_email(value, exclude_pk=self.instance.pk if self.instance else None)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        password = attrs.pop("current_password", None)
        if self.instance is not None and attrs.get("email", self.instance.email) != (
            self.instance.email
        ):
            if password is None:
                raise serializers.ValidationError(
                    {"current_password": ["Send your current password to change the email."]}
                )
            _check_password(self.instance, password, "current_password")
        return attrs


class PasswordChangeSerializer(serializers.Serializer):
    current_password = serializers.CharField(write_only=True, style={"input_type": "password"})
    new_password = serializers.CharField(write_only=True, style={"input_type": "password"})
    access = serializers.CharField(read_only=True)
    refresh = serializers.CharField(read_only=True)

    def validate(self, attrs):
        user = self.context["request"].user
        _check_password(user, attrs["current_password"], "current_password")
        try:
            password_validation.validate_password(attrs["new_password"], user)
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"new_password": list(exc.messages)}) from exc
        return attrs

    def save(self):
        user = self.context["request"].user
        user.set_password(self.validated_data["new_password"])
        user.save()  # blacklists every refresh token of the user
        refresh = RefreshToken.for_user(user)
        return {"access": str(refresh.access_token), "refresh": str(refresh)}


class RegisterSerializer(serializers.ModelSerializer):
    email = EmailAddressField(max_length=254)
    password = serializers.CharField(write_only=True, style={"input_type": "password"})
    access = serializers.CharField(read_only=True)
    refresh = serializers.CharField(read_only=True)

    class Meta:
        model = User
        fields = ["id", "email", "display_name", "password", "access", "refresh"]
        read_only_fields = ["id"]
        # Uniqueness is checked case-insensitively in validate_email instead.
        extra_kwargs = {"email": {"validators": []}}

    def validate_email(self, value):
        return _unique_email(value)

    def validate(self, attrs):
        candidate = User(email=attrs["email"], display_name=attrs.get("display_name", ""))
        try:
            password_validation.validate_password(attrs["password"], candidate)
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"password": list(exc.messages)}) from exc
        return attrs

    def create(self, validated_data):
        user = User.objects.create_user(**validated_data)
        refresh = RefreshToken.for_user(user)
        user.refresh = str(refresh)
        user.access = str(refresh.access_token)
        return user
