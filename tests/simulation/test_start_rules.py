"""Starting a run or a training checks every rule in the service itself (whoever calls
it: the API, the admin actions, a command) and refuses with field-keyed errors."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from playbook.models import Ruleset
from simulation import policies, services
from simulation.models import Policy, SimulationRun
from simulation.policies import start as policy_start
from tests.support import builders as b

pytestmark = pytest.mark.django_db


def refusal(call, **kwargs):
    with pytest.raises(ValidationError) as refused:
        call(**kwargs)
    return refused.value.message_dict


def test_run_rules_are_the_services(team, monkeypatch):
    plays, scenario = [b.play(team), b.play(team)], b.scenario(team)
    run = {"team": team, "user": None, "plays": plays, "scenarios": [scenario]}
    monkeypatch.setattr(services, "MAX_PAIRS", 1)
    assert refusal(services.simulation_run_start, **run) == {
        "plays": ["2 play × scenario pairs; at most 1 in one run."]
    }
    monkeypatch.setattr(services, "MAX_PAIRS", 400)
    monkeypatch.setattr(services, "MAX_TOTAL_EPISODES", 1000)
    assert "episodes" in refusal(services.simulation_run_start, **run, episodes=600)
    Ruleset.objects.filter(team=team).update(field_length=50.0)
    errors = refusal(services.simulation_run_start, **run, episodes=10)
    assert "yards to the goal must be above 0 and at most 30" in errors["situation.yardline"][0]
    assert refusal(services.simulation_run_start, **{**run, "scenarios": []}) == {
        "scenarios": ["A run needs at least one of the scenarios."]
    }
    assert not SimulationRun.objects.exists()


def test_training_rules_are_the_services(team, monkeypatch):
    plays, scenario = [b.play(team), b.play(team)], b.scenario(team)
    start = {"team": team, "user": None, "mix": [(scenario, 1.0)], "episodes": 800}
    assert refusal(policies.policy_train_start, **start, plays=plays[:1]) == {
        "plays": ["At least 2 different plays are needed to choose between."]
    }
    errors = refusal(policies.policy_train_start, **start, plays=plays, params={"epsilon": 0.5})
    assert errors == {
        "params": ["'epsilon' is not a parameter of thompson (it takes no parameters)."]
    }
    errors = refusal(policies.policy_train_start, **{**start, "episodes": 3}, plays=plays)
    assert errors == {"episodes": ["3 episodes cannot try 2 plays in 7 buckets even once."]}
    monkeypatch.setattr(policy_start, "MAX_SCENARIOS", 0)
    assert refusal(policies.policy_train_start, **start, plays=plays) == {
        "scenarios": ["At most 0."]
    }
    assert not Policy.objects.exists()


def test_simulation_with_a_ruleset_the_play_breaks_is_a_400(owner_client, team):
    narrow = Ruleset.objects.create(team=team, name="Narrow", field_width=16)
    body = {
        "plays": [b.play(team, name="Wide Trips").pk],
        "scenarios": [
            b.scenario(
                team,
                defenders=[
                    {**d, "y": d["y"] / 2, "zone_y": (d.get("zone_y") or 0) / 2} for d in b.COVER2
                ],
            ).pk
        ],
        "episodes": 100,
        "ruleset": narrow.pk,
    }
    response = owner_client.post(
        reverse("simulation-list", kwargs={"team_id": team.pk}), body, format="json"
    )
    assert response.status_code == 400
    assert "off the field" in json.dumps(response.json()["errors"])
