from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework_simplejwt import views as jwt_views

from accounts.api.serializers import PasswordChangeSerializer, RegisterSerializer, UserSerializer
from accounts.throttling import AccountRateThrottle


class AuthThrottled:
    """Login, register and password changes share the `auth` throttle scope (per client
    IP) and the `auth_account` one (per email in the body); rates in settings."""

    throttle_classes = [ScopedRateThrottle, AccountRateThrottle]
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
class PasswordChangeView(AuthThrottled, generics.GenericAPIView):
    """Change your password (send the current one). Every other session ends: their
    refresh tokens are blacklisted and their access tokens stop working. Answers with a
    new token pair for this session."""

    serializer_class = PasswordChangeSerializer

    def post(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(serializer.save())


@extend_schema(tags=["auth"])
class MeView(generics.RetrieveUpdateAPIView):
    """The logged-in user's profile. Changing the email needs `current_password`."""

    serializer_class = UserSerializer
    http_method_names = ["get", "patch", "put", "head", "options"]

    def get_object(self):
        return self.request.user
