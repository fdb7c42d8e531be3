"""Deleting an object in use answers 409 naming its users; ?force=true deletes them too."""

import pytest

from playbook.models import (
    Formation,
    Lineup,
    Play,
    Playbook,
    Route,
    Ruleset,
)
from tests.support.probe import error, field_error, url

pytestmark = pytest.mark.django_db


# --- deleting things in use -------------------------------------------------------------


class TestDeleteInUse:
    def test_route_used_by_a_play_is_409_with_used_by(self, coach_client, team, team_objects):
        route, play = team_objects["route"], team_objects["play"]
        body = error(coach_client.delete(url(team, "route", route.pk)), 409, "in_use")
        assert body["used_by"] == [{"kind": "play", "id": play.pk, "name": play.name}]
        assert play.name in body["detail"] and "?force=true" in body["detail"]
        assert Route.objects.filter(pk=route.pk).exists()
        assert Play.objects.filter(pk=play.pk).exists()

    @pytest.mark.parametrize("force", ["false", "0", "no", "", "maybe"])
    def test_anything_but_a_yes_is_not_force(self, coach_client, team, team_objects, force):
        formation = team_objects["formation"]
        error(coach_client.delete(url(team, "formation", formation.pk) + f"?force={force}"), 409)
        assert Formation.objects.filter(pk=formation.pk).exists()
        assert Play.objects.filter(team=team).count() == 2

    def test_forced_play_delete_leaves_the_playbook(self, coach_client, team, team_objects):
        play, playbook = team_objects["play"], team_objects["playbook"]
        error(coach_client.delete(url(team, "play", play.pk)), 409, "in_use")
        assert playbook.entries.count() == 2
        response = coach_client.delete(url(team, "play", play.pk) + "?force=true")
        assert response.status_code == 200
        assert f"play '{play.name}'" in response.json()["deleted"]
        assert not Play.objects.filter(pk=play.pk).exists()
        assert Playbook.objects.filter(pk=playbook.pk).exists()
        assert list(playbook.entries.values_list("call_number", flat=True)) == ["11"]

    def test_forced_player_delete_removes_only_the_lineup_spot(
        self, coach_client, team, team_objects
    ):
        qb, lineup = team_objects["player"], team_objects["lineup"]
        error(coach_client.delete(url(team, "player", qb.pk)), 409, "in_use")
        assert lineup.spots.count() == 1
        response = coach_client.delete(url(team, "player", qb.pk) + "?force=true")
        assert response.status_code == 200
        assert Lineup.objects.filter(pk=lineup.pk).exists()
        assert lineup.spots.count() == 0

    @pytest.mark.parametrize("suffix", ["", "?force=true"])
    def test_default_ruleset_cannot_be_deleted(self, coach_client, team, team_objects, suffix):
        ruleset = team_objects["ruleset"]
        response = coach_client.delete(url(team, "ruleset", ruleset.pk) + suffix)
        field_error(response, "is_default", "cannot be deleted")
        assert Ruleset.objects.filter(pk=ruleset.pk, is_default=True).exists()

    def test_unused_object_delete_is_204_then_404(self, coach_client, team, team_objects):
        scenario = team_objects["scenario"]
        assert coach_client.delete(url(team, "scenario", scenario.pk)).status_code == 204
        error(coach_client.delete(url(team, "scenario", scenario.pk)), 404, "not_found")
