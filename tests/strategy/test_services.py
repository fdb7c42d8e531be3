"""Validation of analysis inputs in the services: field-keyed errors, the same for the
API and the admin."""

import pytest
from django.core.exceptions import ValidationError

from playbook.models import Lineup, Ruleset
from playbook.services import playbook_write
from strategy import services
from tests.support import builders as b

pytestmark = pytest.mark.django_db


def errors(team, **kwargs):
    with pytest.raises(ValidationError) as exc:
        services.analysis_prepare(team=team, **kwargs)
    return exc.value.message_dict


@pytest.fixture
def setup(team):
    plays = [b.play(team), b.play(team, routes={"WR1": b.route(team, b.SLANT)})]
    return {"plays": plays, "mix": [{"scenario": b.scenario(team).pk, "weight": 1.0}]}


def ok(team, setup, **extra):
    kwargs = {
        "kind": "expected_points",
        "plays": [p.pk for p in setup["plays"]],
        "mix": setup["mix"],
        "episodes": 16,
        **extra,
    }
    return services.analysis_prepare(team=team, **kwargs)


def test_valid_inputs_are_normalised(team, setup):
    inputs = ok(team, setup)
    assert [p.pk for p in inputs.plays] == [p.pk for p in setup["plays"]]
    assert inputs.mix[0][1] == 1.0 and inputs.seed >= 0
    assert inputs.rules.name == "NFL FLAG 5v5"  # no team ruleset: the NFL FLAG defaults


def test_ids_of_another_team_are_field_errors(team, other_team, setup):
    theirs = b.play(other_team)
    found = errors(
        team,
        kind="expected_points",
        plays=[setup["plays"][0].pk, theirs.pk],
        mix=[{"scenario": b.scenario(other_team).pk, "weight": 1}],
        ruleset=Ruleset.objects.create(team=other_team, name="Theirs").pk,
        lineup=Lineup.objects.create(team=other_team, name="Theirs").pk,
    )
    assert f"No play {theirs.pk} in this team." in found["plays"]
    assert set(found) == {"plays", "mix", "ruleset", "lineup"}


def test_at_least_two_plays_and_positive_weights(team, setup):
    found = errors(
        team,
        kind="expected_points",
        plays=[setup["plays"][0].pk],
        mix=[{"scenario": setup["mix"][0]["scenario"], "weight": 0}],
    )
    assert found["plays"] == ["At least 2 different plays to choose between."]
    assert "every weight must be a number above 0" in found["mix"][0]


def test_a_playbook_or_plays_not_both(team, setup):
    book = playbook_write(
        team=team,
        data={"name": "Book"},
        entries=[{"play": p, "call_number": str(i)} for i, p in enumerate(setup["plays"])],
    )
    assert [p.pk for p in ok(team, setup, plays=None, playbook=book.pk).plays] == [
        p.pk for p in setup["plays"]
    ]
    found = errors(team, kind="expected_points", plays=[1], playbook=book.pk, mix=setup["mix"])
    assert "not both" in found["plays"][0]


def test_the_situation_must_exist_under_the_ruleset(team, setup):
    base = {"kind": "call_mix", "plays": [p.pk for p in setup["plays"]], "mix": setup["mix"]}
    assert "situation" in errors(team, **base)
    found = errors(team, **base, situation={"down": 5, "distance": 2, "yards_to_goal": 30})
    assert "down 5: must be 1 to 3" in found["situation"][0]
    found = errors(team, **base, situation={"down": 1, "distance": 12, "yards_to_goal": 8})
    assert "to the 8 yd to the goal" in found["situation"][0]
    found = errors(team, **base, situation={"down": 1, "distance": 5, "yards_to_goal": 80})
    assert "must be 1 to 50" in found["situation"][0]


def test_the_known_defense_must_be_in_the_mix(team, setup):
    found = errors(
        team,
        kind="call_mix",
        plays=[p.pk for p in setup["plays"]],
        mix=setup["mix"],
        situation={"down": 3, "distance": 2, "yards_to_goal": 25},
        defense=b.scenario(team).pk,
    )
    assert found["defense"] == ["The known defense must be one of the mix's scenarios."]


def test_work_is_bounded(team, setup):
    found = errors(
        team,
        kind="expected_points",
        plays=[p.pk for p in setup["plays"]],
        mix=setup["mix"],
        episodes=services.MAX_EPISODES + 1,
    )
    assert "from 8 to 4,096" in found["episodes"][0]
    many = [b.play(team, routes={"WR2": b.route(team)}) for _ in range(14)]
    mix = [{"scenario": b.scenario(team).pk, "weight": 1} for _ in range(12)]
    found = errors(
        team,
        kind="expected_points",
        plays=[p.pk for p in [*setup["plays"], *many]],
        mix=mix,
        episodes=2048,
    )
    assert found["episodes"][0].startswith("Too much work:")


def test_season_needs_an_opponent(team, setup):
    base = {"kind": "season", "plays": [p.pk for p in setup["plays"]], "mix": setup["mix"]}
    assert "opponent_playbook" in errors(team, **base)
    inputs = services.analysis_prepare(
        team=team, **base, opponent_plays=[setup["plays"][0].pk], episodes=16
    )
    assert inputs.params == {"games": 100, "drives_per_team": 8}
    assert inputs.our_mix == inputs.mix  # we call the same defenses unless told
    found = errors(team, **base, opponent_plays=[setup["plays"][0].pk], games=0, drives_per_team=99)
    assert set(found) == {"games", "drives_per_team"}
    found = errors(
        team,
        **{**base, "kind": "stress_test"},
        opponent_plays=[setup["plays"][0].pk],
        coordinator="psychic",
    )
    assert "coordinator" in found


def test_the_key_follows_what_the_engine_sees(team, setup):
    a = ok(team, setup, seed=1).key(team)
    assert ok(team, setup, seed=1).key(team) == a
    assert ok(team, setup, seed=2).key(team) != a
    assert ok(team, setup, seed=1, episodes=32).key(team) != a
    play = setup["plays"][0]
    play.max_time_to_throw_ms += 500
    play.save()
    assert ok(team, setup, seed=1).key(team) != a
