"""Starting a simulation with bad input: refused naming the field."""

import pytest

from simulation.models import SimulationRun
from tests.support.clients import client_for
from tests.support.probe import HUGE, error, field_error, url

pytestmark = pytest.mark.django_db


# --- simulations ------------------------------------------------------------------------


class TestSimulationInput:
    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"plays": []}, "plays"),
            ({"plays": None}, "plays"),
            ({"plays": "abc"}, "plays"),
            ({"plays": [10**20]}, "plays"),
            ({"scenarios": [987_654_321]}, "scenarios"),
            ({"episodes": 0}, "episodes"),
            ({"episodes": 10**20}, "episodes"),
            ({"episodes": "many"}, "episodes"),
            ({"episodes": 1.5}, "episodes"),
            ({"seed": -1}, "seed"),
            ({"seed": 2**63}, "seed"),
            ({"traces": 21}, "traces"),
            ({"situation": None}, "situation"),
            ({"situation": "3rd and long"}, "situation"),
            ({"situation": {"down": 0}}, "situation.down"),
            ({"situation": {"down": 10**20}}, "situation.down"),
            ({"situation": {"yardline": 1e308}}, "situation.yardline"),
            ({"situation": {"yardline": -1}}, "situation.yardline"),
            ({"situation": {"distance": 0}}, "situation.distance"),
        ],
    )
    def test_bad_runs_are_refused_before_anything_runs(
        self, coach_client, team, team_objects, change, field
    ):
        body = {
            "plays": [team_objects["play"].pk],
            "scenarios": [team_objects["scenario"].pk],
            "episodes": 10,
        }
        response = coach_client.post(url(team, "simulation"), {**body, **change}, format="json")
        field_error(response, field)
        assert not SimulationRun.objects.exists()

    @pytest.mark.parametrize("pk", ["abc", HUGE, "0"])
    def test_bad_run_ids_are_404(self, coach_client, team, pk):
        error(coach_client.get(f"/api/teams/{team.pk}/simulations/{pk}/"), 404, "not_found")
        error(coach_client.post(f"/api/teams/{team.pk}/simulations/{pk}/cancel/"), 404, "not_found")

    def test_member_cannot_start_a_run(self, team, team_objects, member):
        body = {
            "plays": [team_objects["play"].pk],
            "scenarios": [team_objects["scenario"].pk],
            "episodes": 10,
        }
        response = client_for(member).post(url(team, "simulation"), body, format="json")
        error(response, 403, "permission_denied")
        assert not SimulationRun.objects.exists()
