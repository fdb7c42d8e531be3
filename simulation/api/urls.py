from django.urls import path, re_path
from rest_framework.routers import DefaultRouter

from simulation.api.views import SimulationRunViewSet

router = DefaultRouter()
router.include_root_view = False
router.register(r"teams/(?P<team_id>\d+)/simulations", SimulationRunViewSet, basename="simulation")

urlpatterns = [
    # Kept for clients that start a run at …/simulate/: the same call as POST simulations/.
    path(
        "teams/<int:team_id>/simulate/",
        SimulationRunViewSet.as_view({"post": "create"}),
        name="simulate",
    ),
    # Pictures are files, so their URLs end in an extension, not a slash.
    re_path(
        r"^teams/(?P<team_id>\d+)/simulations/(?P<pk>[^/.]+)/traces/(?P<n>\d+)/replay\.gif$",
        SimulationRunViewSet.as_view({"get": "replay"}),
        name="simulation-replay",
    ),
    re_path(
        r"^teams/(?P<team_id>\d+)/simulations/(?P<pk>[^/.]+)/heatmap\.(?P<ext>svg|png)$",
        SimulationRunViewSet.as_view({"get": "heatmap"}),
        name="simulation-heatmap",
    ),
    *router.urls,
]
