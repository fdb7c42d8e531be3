"""The API under /api/ and the sideline charting page under /gameday/."""

from django.urls import include, path

from gameday import views

urlpatterns = [
    path("api/", include("gameday.api.urls")),
    path(
        "gameday/teams/<int:team_id>/games/<int:game_id>/chart/",
        views.ChartPage.as_view(),
        name="gameday-chart",
    ),
]
