"""The admin's start forms: a simulation run and a training with the coach's own choices
(plays, defenses, situation, ruleset, episodes, seed; playbook, mix, situations,
algorithm), refused with the services' words next to the field, never across teams."""

import pytest
from django.urls import reverse

from playbook.models import Ruleset
from playbook.services import playbook_write
from simulation.models import JobStatus, Policy, SimulationRun
from teams.models import Role
from tests.playbook import builders as b
from tests.support.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def staff(team, role=Role.COACH):
    user = UserFactory(is_staff=True)
    MembershipFactory(user=user, team=team, role=role)
    return user


@pytest.fixture
def coach_client(client, team):
    client.force_login(staff(team))
    return client


@pytest.fixture
def setup(team):
    plays = [b.play(team, name="Trips Flood"), b.play(team, name="Bunch Slant")]
    scenarios = [b.scenario(team, name="Cover 2 Sky"), b.scenario(team, name="Cover 3 Buzz")]
    return {"plays": plays, "scenarios": scenarios}


def run_form(team, setup, **extra):
    return {
        "team": team.pk,
        "plays": [p.pk for p in setup["plays"]],
        "scenarios": [setup["scenarios"][1].pk],
        "down": 3,
        "distance": 2,
        "yardline": 30,
        "ruleset": "",
        "lineup": "",
        "episodes": 300,
        "seed": 9,
        "traces_requested": 1,
        **extra,
    }


def errors_of(response):
    assert response.status_code == 200, response.status_code
    form = response.context["adminform"].form
    return {key: " ".join(value) for key, value in form.errors.items()}


RUN_ADD = reverse("admin:simulation_simulationrun_add")
POLICY_ADD = reverse("admin:simulation_policy_add")


class TestSimulationForm:
    def test_two_plays_against_one_defense_on_3rd_and_2(self, coach_client, team, setup):
        page = coach_client.get(RUN_ADD).content.decode()
        assert "Yards to the goal" in page and "Replays per pair" in page
        response = coach_client.post(RUN_ADD, run_form(team, setup))
        run = SimulationRun.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse(
            "admin:simulation_simulationrun_change", args=[run.pk]
        )
        assert run.status == JobStatus.SUCCEEDED and run.bucket == "3RD_SHORT"
        assert (run.down, run.distance, run.yardline, run.episodes, run.seed) == (3, 2, 30, 300, 9)
        assert run.play_ids == sorted(p.pk for p in setup["plays"])
        assert run.scenario_ids == [setup["scenarios"][1].pk]
        assert run.traces.count() == 2  # one replay per pair

    def test_a_chosen_ruleset_is_the_field_of_the_run(self, coach_client, team, setup):
        wide = Ruleset.objects.create(team=team, name="Wide", field_width=40.0, field_length=80.0)
        coach_client.post(RUN_ADD, run_form(team, setup, ruleset=wide.pk))
        run = SimulationRun.objects.get()
        assert run.ruleset == wide
        page = coach_client.get(reverse("admin:simulation_simulationrun_change", args=[run.pk]))
        assert "Wide, 40 × 80 yd" in page.content.decode()

    def test_the_situation_is_checked_against_the_field(self, coach_client, team, setup):
        errors = errors_of(coach_client.post(RUN_ADD, run_form(team, setup, down=5)))
        assert "must be 1 to 3" in errors["down"]
        errors = errors_of(coach_client.post(RUN_ADD, run_form(team, setup, yardline=90)))
        assert "yards to the goal must be above 0" in errors["yardline"]
        assert not SimulationRun.objects.exists()

    def test_episodes_per_pair_are_capped(self, coach_client, team, setup):
        errors = errors_of(coach_client.post(RUN_ADD, run_form(team, setup, episodes=1_000_001)))
        assert "less than or equal to 1000000" in errors["episodes"]

    def test_a_large_run_goes_to_the_background(
        self, coach_client, team, setup, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=False) as queued:
            response = coach_client.post(
                RUN_ADD, run_form(team, setup, episodes=20_000), follow=True
            )
        run = SimulationRun.objects.get()
        assert run.status == JobStatus.QUEUED and queued
        assert f"Simulation #{run.pk} is running in the background" in response.content.decode()

    def test_another_teams_play_is_not_offered_nor_taken(
        self, coach_client, team, other_team, setup
    ):
        foreign = b.play(other_team, name="Their Play")
        assert "Their Play" not in coach_client.get(RUN_ADD).content.decode()
        form = run_form(team, setup, plays=[foreign.pk])
        errors = errors_of(coach_client.post(RUN_ADD, form))
        assert "plays" in errors and not SimulationRun.objects.exists()

    def test_a_member_only_reads(self, client, team):
        client.force_login(staff(team, Role.MEMBER))
        assert client.get(RUN_ADD).status_code == 403

    def test_the_play_list_opens_the_form_with_the_selection(self, coach_client, team, setup):
        response = coach_client.post(
            reverse("admin:playbook_play_changelist"),
            {"action": "plays_with_options", "_selected_action": [setup["plays"][0].pk]},
        )
        assert response.status_code == 302
        assert response["Location"] == f"{RUN_ADD}?team={team.pk}&plays={setup['plays'][0].pk}"
        form = coach_client.get(response["Location"]).context["adminform"].form
        assert [str(v) for v in form.initial["plays"]] == [str(setup["plays"][0].pk)]


def train_form(team, setup, **extra):
    return {
        "team": team.pk,
        "name": "Short yardage",
        "playbook": "",
        "plays": [p.pk for p in setup["plays"]],
        "scenarios": [s.pk for s in setup["scenarios"]],
        "weights": "3, 1",
        "situation_buckets": ["3RD_SHORT", "GOALLINE"],
        "algorithm": "ucb1",
        "parameter": "1.5",
        "episodes": 600,
        "seed": 4,
        "ruleset": "",
        "lineup": "",
        **extra,
    }


class TestTrainingForm:
    def test_plays_against_a_weighted_mix_in_two_situations(
        self, coach_client, team, setup, django_capture_on_commit_callbacks
    ):
        assert "Thompson sampling" in coach_client.get(POLICY_ADD).content.decode()
        with django_capture_on_commit_callbacks(execute=False):
            response = coach_client.post(POLICY_ADD, train_form(team, setup))
        policy = Policy.objects.get()
        assert response["Location"] == reverse("admin:simulation_policy_change", args=[policy.pk])
        assert policy.name == "Short yardage" and policy.algorithm == "ucb1"
        assert policy.params == {"c": 1.5} and policy.buckets == ["GOALLINE", "3RD_SHORT"]
        by_name = {s.pk: s.name for s in setup["scenarios"]}
        assert {by_name[m["scenario"]]: m["weight"] for m in policy.mix} == {
            "Cover 2 Sky": 3.0,
            "Cover 3 Buzz": 1.0,
        }
        assert (policy.episodes, policy.seed) == (600, 4)

    def test_a_playbook_gives_the_plays(
        self, coach_client, team, setup, django_capture_on_commit_callbacks
    ):
        book = playbook_write(
            team=team,
            data={"name": "Book"},
            entries=[
                {"play": p, "call_number": str(i), "situations": []}
                for i, p in enumerate(setup["plays"])
            ],
        )
        with django_capture_on_commit_callbacks(execute=False):
            coach_client.post(
                POLICY_ADD, train_form(team, setup, plays=[], playbook=book.pk, parameter="")
            )
        policy = Policy.objects.get()
        assert policy.playbook == book and len(policy.play_ids) == 2

    def test_refusals_name_the_field(self, coach_client, team, setup):
        one_play = train_form(team, setup, plays=[setup["plays"][0].pk])
        assert (
            "At least 2 different plays"
            in errors_of(coach_client.post(POLICY_ADD, one_play))["plays"]
        )
        weights = train_form(team, setup, weights="1")
        assert (
            "1 weights for 2 defenses"
            in errors_of(coach_client.post(POLICY_ADD, weights))["weights"]
        )
        thompson = train_form(team, setup, algorithm="thompson")
        assert (
            "takes no parameter" in errors_of(coach_client.post(POLICY_ADD, thompson))["parameter"]
        )
        epsilon = train_form(team, setup, algorithm="epsilon_greedy", parameter="2")
        assert "between 0 and 1" in errors_of(coach_client.post(POLICY_ADD, epsilon))["parameter"]
        assert not Policy.objects.exists()
