from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions
from rest_framework.throttling import ScopedRateThrottle
from rest_framework_simplejwt import views as jwt_views

from accounts.api.serializers import RegisterSerializer, UserSerializer


class AuthThrottled:
    """Login and register share the `auth` throttle scope (rate in settings, per IP)."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"


@extend_schema(tags=["auth"], auth=[])
class RegisterView(AuthThrottled, generics.CreateAPIView):
    """Create an account; answers with the user and a first token pair."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    serializer_class = RegisterSerializer


@extend_schema(tags=["auth"], auth=[])
class LoginView(AuthThrottled, jwt_views.TokenObtainPairView):
    """Email + password → access (15 min) and refresh (7 days) tokens.

    A wrong email and a wrong password give the same 401."""


@extend_schema(tags=["auth"], auth=[])
class RefreshView(jwt_views.TokenRefreshView):
    """Trade a refresh token for a new pair; the old refresh is blacklisted."""


@extend_schema(tags=["auth"], auth=[])
class LogoutView(jwt_views.TokenBlacklistView):
    """Blacklist a refresh token so it can no longer be used."""


@extend_schema(tags=["auth"])
class MeView(generics.RetrieveUpdateAPIView):
    """The logged-in user's profile."""

    serializer_class = UserSerializer
    http_method_names = ["get", "patch", "put", "head", "options"]

    def get_object(self):
        return self.request.user
