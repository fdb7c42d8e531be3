"""Late-game mode through the API and the admin: a call mix asked with the score and the
drives left ranks the calls by the chance to win, beside expected points."""

import pytest
from django.urls import reverse

from simulation.models import JobStatus
from strategy.models import Analysis
from teams.models import Role
from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db

THIRD_AND_2 = {"down": 3, "distance": 2, "yards_to_goal": 25}


def test_a_call_mix_with_the_score_ranks_the_calls_by_the_chance_to_win(demo, capture):
    detail = demo.run(
        capture, "call_mix", situation=THIRD_AND_2, late_game={"margin": -4, "drives_after": 0}
    )
    assert detail["params"]["late_game"] == {"margin": -4, "drives_after": 0}
    late = detail["result"]["late_game"]
    assert late["score_text"] == "down 4, the last drive of the game"
    assert late["situation_text"] == "3rd & 2 at midfield"
    assert {r["play"] for r in late["rows"]} == {str(p.pk) for p in demo.plays}
    chances = [r["win_probability"] for r in late["rows"]]
    assert chances == sorted(chances, reverse=True) and all(0 <= c <= 1 for c in chances)
    assert late["win_probability"] == chances[0] >= late["win_probability_of_ep_best"]
    # down 4 on the last drive only a touchdown wins: no better than this drive's TD odds
    assert 0 < late["win_probability"] < 1
    # a different score is a different question (not the cached answer)
    up = demo.run(
        capture, "call_mix", situation=THIRD_AND_2, late_game={"margin": 10, "drives_after": 0}
    )
    assert up["cached_from"] is None
    assert up["result"]["late_game"]["win_probability"] > 0.95


@pytest.mark.parametrize(
    ("late_game", "words"),
    [
        ({"margin": "a lot", "drives_after": 0}, "valid integer"),
        ({"margin": 99, "drives_after": 0}, "The margin 99: a whole number from -60 to 60"),
        ({"margin": 0, "drives_after": -1}, "Drives after this one -1"),
        ({"margin": 0}, "required"),
    ],
)
def test_bad_late_game_inputs_are_400_by_field(demo, late_game, words):
    body = demo.body("call_mix", situation=THIRD_AND_2, late_game=late_game)
    response = demo.api.post(demo.list_url(), body, format="json")
    assert response.status_code == 400, response.json()
    errors = response.json()["errors"]
    keys = [k for k in errors if k.startswith("late_game")]  # late_game or late_game.margin
    assert keys, errors
    assert words in str([errors[k] for k in keys])
    assert not Analysis.objects.filter(team=demo.team).exists()


def test_the_admin_asks_and_shows_the_late_game_ranking(client, demo, capture):
    staff = UserFactory(is_staff=True)
    demo.team.memberships.create(user=staff, role=Role.COACH)
    client.force_login(staff)
    form = {
        "team": demo.team.pk,
        "kind": "call_mix",
        "name": "Last drive",
        "plays": [p.pk for p in demo.plays],
        "scenarios": [s.pk for s in demo.defenses],
        "down": 3,
        "distance": 2,
        "yards_to_goal": 25,
        "dice": 6,
        "margin": -4,
        "drives_after": 0,
        "drives_per_team": 8,
        "coordinator": "fictitious",
        "ruleset": demo.ruleset.pk,
        "episodes": 16,
        "seed": 4,
    }
    url = reverse("admin:strategy_analysis_add")
    response = client.post(url, {**form, "drives_after": ""})
    assert response.status_code == 200
    assert "needs the drives left" in str(response.context["adminform"].form.errors)
    with capture(execute=True):
        response = client.post(url, form)
    analysis = Analysis.objects.get(name="Last drive")
    assert response.status_code == 302, response.context["adminform"].form.errors
    analysis.refresh_from_db()
    assert analysis.status == JobStatus.SUCCEEDED, analysis.error
    page = client.get(reverse("admin:strategy_analysis_change", args=[analysis.pk]))
    text = page.content.decode()
    assert "Late game: down 4, the last drive of the game" in text
    assert "Win probability" in text
    assert "late game: down 4, the last drive of the game" in text  # the asked parameters
    best = analysis.result["late_game"]["best_play"]
    assert next(p.name for p in demo.plays if p.pk == int(best)) in text
