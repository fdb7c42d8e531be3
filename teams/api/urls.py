from rest_framework.routers import DefaultRouter

from teams.api.views import (
    InvitationViewSet,
    MembershipViewSet,
    MyInvitationViewSet,
    TeamViewSet,
)

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("teams", TeamViewSet, basename="team")
router.register(r"teams/(?P<team_id>\d+)/members", MembershipViewSet, basename="membership")
router.register(r"teams/(?P<team_id>\d+)/invitations", InvitationViewSet, basename="invitation")
router.register("invitations", MyInvitationViewSet, basename="my-invitation")

urlpatterns = router.urls
