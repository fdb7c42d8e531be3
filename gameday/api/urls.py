from django.urls import path
from rest_framework.routers import DefaultRouter

from gameday.api import views

router = DefaultRouter()
router.include_root_view = False
router.register(r"teams/(?P<team_id>\d+)/games", views.GameViewSet, basename="game")
router.register(r"teams/(?P<team_id>\d+)/snaps", views.SnapViewSet, basename="snap")

TEAM = "teams/<int:team_id>/"
urlpatterns = [
    path(TEAM + "self-scout/", views.SelfScoutView.as_view(), name="self-scout"),
    path(
        TEAM + "self-scout/heat-map/",
        views.SelfScoutHeatMapView.as_view(),
        name="self-scout-heat-map",
    ),
    path(TEAM + "self-scout/report/", views.SelfScoutPDFView.as_view(), name="self-scout-pdf"),
    path(TEAM + "scouting/", views.ScoutingView.as_view(), name="scouting"),
    path(TEAM + "scouting/mix/", views.ScoutingMixView.as_view(), name="scouting-mix"),
    path(TEAM + "corrections/", views.CorrectionsView.as_view(), name="corrections"),
    path(
        TEAM + "recommend-with-games/",
        views.RecommendWithGamesView.as_view(),
        name="recommend-with-games",
    ),
    *router.urls,
]
