from django.urls import path
from rest_framework.routers import DefaultRouter

from simulation.api.views import SimulationRunViewSet

router = DefaultRouter()
router.include_root_view = False
router.register(r"teams/(?P<team_id>\d+)/simulations", SimulationRunViewSet, basename="simulation")

urlpatterns = [
    # The FieldOS plan's name for starting a simulation: the same call as POST simulations/.
    path(
        "teams/<int:team_id>/simulate/",
        SimulationRunViewSet.as_view({"post": "create"}),
        name="simulate",
    ),
    *router.urls,
]
