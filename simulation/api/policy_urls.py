from django.urls import path
from rest_framework.routers import DefaultRouter

from simulation.api.policies import PlaybookGamePlanView, PolicyViewSet

router = DefaultRouter()
router.include_root_view = False
router.register(r"teams/(?P<team_id>\d+)/policies", PolicyViewSet, basename="policy")

urlpatterns = [
    # Kept for clients that start a training at …/train/: the same call as POST policies/train/.
    path(
        "teams/<int:team_id>/train/",
        PolicyViewSet.as_view({"post": "train"}),
        name="policy-train-alias",
    ),
    path(
        "teams/<int:team_id>/playbooks/<int:pk>/game-plan/",
        PlaybookGamePlanView.as_view(),
        name="playbook-game-plan",
    ),
    *router.urls,
]
