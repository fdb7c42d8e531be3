"""Simulation runs in the admin: the Simulate actions on plays and scenarios, the run's
read-only page with its metrics tables, cancelling, deleting, and team isolation."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from playbook.models import Play, Ruleset, Scenario
from simulation import services
from simulation.models import JobStatus, SimulationRun
from teams.models import Role
from tests.support import builders as b
from tests.support.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

SITUATION = {"down": 1, "distance": 10, "yardline": 35}


def url(view, *args, model="simulation_simulationrun"):
    return reverse(f"admin:{model}_{view}", args=args)


def staff(team, role=Role.COACH):
    user = UserFactory(is_staff=True)
    MembershipFactory(user=user, team=team, role=role)
    return user


@pytest.fixture
def staff_coach(team):
    return staff(team)


@pytest.fixture
def superuser(db):
    return UserFactory(is_staff=True, is_superuser=True)


def new_run(team, plays=None, scenarios=None, **extra):
    """A stored run that has not been computed (queued)."""
    return services.simulation_run_create(
        team=team,
        user=None,
        plays=plays or [b.play(team)],
        scenarios=scenarios or [b.scenario(team)],
        episodes=extra.pop("episodes", 300),
        seed=extra.pop("seed", 5),
        situation=extra.pop("situation", SITUATION),
        **extra,
    )


def finished_run(team, plays, scenarios, episodes=400):
    run = services.simulation_run_start(
        team=team,
        user=None,
        plays=plays,
        scenarios=scenarios,
        episodes=episodes,
        seed=11,
        situation={"down": 3, "distance": 4, "yardline": 30},
    )
    assert run.status == JobStatus.SUCCEEDED
    return run


def action(client, model, name, *objects, follow=True):
    data = {"action": name, "_selected_action": [o.pk for o in objects]}
    changelist = url("changelist", model=f"{model._meta.app_label}_{model._meta.model_name}")
    return client.post(changelist, data, follow=follow)


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def change_page(client, run):
    response = client.get(url("change", run.pk))
    assert response.status_code == 200
    return response.content.decode()


# --- the run's page ------------------------------------------------------------------------


def test_finished_run_page_shows_the_metrics_tables(client, staff_coach, team):
    plays = [b.play(team, name="Trips Flood"), b.play(team, name="Bunch Slant")]
    scenario = b.scenario(team, name="Cover 2 Sky")
    run = finished_run(team, plays, [scenario])
    client.force_login(staff_coach)
    text = change_page(client, run)

    overall = run.metrics["overall"]
    assert f"{overall['completion_rate'] * 100:.1f} %" in text
    assert f"{overall['mean_yards']:.1f}" in text
    assert f"{overall['median_time_to_throw_ms'] / 1000:.2f} s" in text
    for name in ("Trips Flood", "Bunch Slant", "Cover 2 Sky"):
        assert name in text
    play_url = url("change", plays[0].pk, model="playbook_play")
    assert f'href="{play_url}"' in text
    assert "3rd and 4, 30 yd to the goal" in text
    assert "400 per play × scenario pair; 800 in all (2 pairs)" in text
    assert "Completion by air depth" in text and "Target share" in text
    assert "Per play × scenario (2 pairs)" in text
    # the reward says its unit and what it counts, in the tables and the heat map's title
    assert "Mean reward (pts)" in text and ">Reward (pts)</th>" in text
    assert "Reward is in points worth a yard each" in text
    pair = run.metrics["pairs"][1]
    assert f"{pair['completion_rate'] * 100:.1f} %" in text
    assert 'http-equiv="refresh"' not in text  # finished: nothing left to watch
    assert "Save" not in text.split('id="content-main"')[1]  # read-only: no save buttons


def test_numbers_are_formatted_and_missing_ones_are_a_dash(client, staff_coach, team):
    run = finished_run(team, [b.play(team)], [b.scenario(team)], episodes=100)
    overall = run.metrics["overall"]
    overall.update(
        completion_rate=0.6421,
        pressured_completion_rate=None,
        median_time_to_throw_ms=2350,
        mean_reward=3.14159,
        p90_yards=17.25,
        completion_rate_by_depth={"0-5": 0.74, "6-10": 0.5, "11-15": None},
        target_share={"WR1": 0.25, "WR2": 0.75},
    )
    run.metrics["pairs"][0]["sack_rate"] = 0.0456
    run.save(update_fields=["metrics"])
    client.force_login(staff_coach)
    text = change_page(client, run)
    for shown in ("64.2 %", "2.35 s", "3.14", "17.2", "74.0 %", "75.0 %", "4.6 %", "—"):
        assert shown in text, shown
    assert text.index("WR2") < text.index("WR1")  # target share, biggest first


def test_page_queries_do_not_grow_with_pairs(client, staff_coach, team):
    small = finished_run(team, [b.play(team)], [b.scenario(team)], episodes=100)
    large = finished_run(
        team, [b.play(team) for _ in range(3)], [b.scenario(team) for _ in range(2)], episodes=100
    )
    client.force_login(staff_coach)

    def queries(run):
        with CaptureQueriesContext(connection) as captured:
            change_page(client, run)
        return len(captured)

    assert queries(large) == queries(small)


def test_running_run_reloads_and_shows_progress(client, staff_coach, team):
    run = new_run(team)
    SimulationRun.objects.filter(pk=run.pk).update(status=JobStatus.RUNNING, progress=40)
    client.force_login(staff_coach)
    text = change_page(client, run)
    assert '<meta http-equiv="refresh" content="3">' in text
    assert "This page reloads every 3 s" in text
    assert "running in the background" in text
    assert "40 %" in text


def test_failed_run_shows_its_error(client, staff_coach, team):
    run = new_run(team)
    SimulationRun.objects.filter(pk=run.pk).update(
        status=JobStatus.FAILED, error="RuntimeError: worker died"
    )
    client.force_login(staff_coach)
    text = change_page(client, run)
    assert "RuntimeError: worker died" in text
    assert "No metrics" in text
    assert 'http-equiv="refresh"' not in text


def test_deleted_play_is_named_by_id(client, staff_coach, team):
    play, scenario = b.play(team), b.scenario(team)
    run = finished_run(team, [play], [scenario], episodes=100)
    play_id = play.pk
    play.delete()
    client.force_login(staff_coach)
    assert f"play #{play_id} (deleted)" in change_page(client, run)


# --- the list ----------------------------------------------------------------------------------


def test_changelist_queries_do_not_grow_with_runs(client, staff_coach, team):
    client.force_login(staff_coach)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url("changelist"))
        assert response.status_code == 200
        return len(captured), response

    new_run(team)
    one, _ = queries()
    for _ in range(4):
        new_run(team, plays=[b.play(team), b.play(team)], scenarios=[b.scenario(team)])
    five, response = queries()
    assert five == one
    assert len(response.context["cl"].result_list) == 5
    text = response.content.decode()
    assert "Queued" in text and "1st down" in text
    assert '<span title="2 plays × 1 scenarios">2</span>' in text


def test_changelist_filters_by_status(client, staff_coach, team):
    queued, done = new_run(team), new_run(team)
    services.simulation_run_cancel(done)
    client.force_login(staff_coach)
    response = client.get(url("changelist"), {"status__exact": "cancelled"})
    assert [r.pk for r in response.context["cl"].result_list] == [done.pk]
    assert queued.pk != done.pk


def test_coach_sees_only_own_teams_runs(client, staff_coach, team, other_team):
    mine, theirs = new_run(team), new_run(other_team)
    client.force_login(staff_coach)
    response = client.get(url("changelist"))
    assert [r.pk for r in response.context["cl"].result_list] == [mine.pk]
    assert other_team.name not in response.content.decode()  # not even in the team filter
    assert "team" not in response.context["cl"].list_display  # one team: no team column
    assert client.get(url("change", theirs.pk)).status_code == 302  # "does not exist"
    assert client.get(url("delete", theirs.pk)).status_code == 302


# --- read-only: created by actions and the API, never by a form ------------------------------


def test_superuser_sees_every_team_with_a_team_column(client, superuser, team, other_team):
    runs = {new_run(team).pk, new_run(other_team).pk}
    client.force_login(superuser)
    response = client.get(url("changelist"))
    assert {r.pk for r in response.context["cl"].result_list} == runs
    assert "team" in response.context["cl"].list_display
    response = client.get(url("changelist"), {"team": other_team.pk})
    assert [r.team_id for r in response.context["cl"].result_list] == [other_team.pk]


def test_a_member_cannot_start_and_the_page_cannot_be_saved(client, superuser, team):
    run = new_run(team)
    client.force_login(staff(team, Role.MEMBER))
    assert client.get(url("add")).status_code == 403  # the start form is for coaches
    client.force_login(superuser)
    assert client.post(url("change", run.pk), {"episodes": 5}).status_code == 403
    run.refresh_from_db()
    assert run.episodes == 300


def test_coach_deletes_a_run_with_its_slices(client, staff_coach, team):
    run = new_run(team)
    client.force_login(staff_coach)
    confirm = client.get(url("delete", run.pk))
    assert confirm.status_code == 200
    assert "Simulation slices: 1" in confirm.content.decode()
    response = client.post(url("delete", run.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not SimulationRun.objects.filter(pk=run.pk).exists()


def test_member_reads_but_cannot_delete_or_cancel(client, team):
    run = new_run(team)
    client.force_login(staff(team, Role.MEMBER))
    assert client.get(url("change", run.pk)).status_code == 200
    assert client.get(url("delete", run.pk)).status_code == 403
    assert "cancel_runs" not in client.get(url("changelist")).content.decode()
    response = action(client, SimulationRun, "cancel_runs", run)
    assert response.status_code == 200
    run.refresh_from_db()
    assert run.status == JobStatus.QUEUED


def test_cancel_action(client, staff_coach, team):
    queued, finished = new_run(team), new_run(team)
    services.simulation_run_cancel(finished)
    client.force_login(staff_coach)
    response = action(client, SimulationRun, "cancel_runs", queued, finished)
    assert response.status_code == 200
    shown = messages_of(response)
    assert f"Cancelled: #{queued.pk}." in shown
    assert f"Already finished, nothing to cancel: #{finished.pk} (cancelled)." in shown
    queued.refresh_from_db()
    assert queued.status == JobStatus.CANCELLED and queued.finished_at is not None


# --- the Simulate actions -------------------------------------------------------------------


def test_simulate_plays_against_every_scenario_of_the_team(client, staff_coach, team):
    play = b.play(team, name="Trips Flood")
    b.play(team, name="Not selected")
    scenario = b.scenario(team, name="Cover 2 Sky")
    client.force_login(staff_coach)
    response = action(client, Play, "simulate", play, follow=False)
    run = SimulationRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("change", run.pk)
    assert list(run.plays.all()) == [play]
    assert list(run.scenarios.all()) == [scenario]
    assert (run.episodes, run.traces_requested) == (2000, 1)
    assert (run.down, run.distance, run.yardline, run.bucket) == (1, 10.0, 35.0, "1ST_ANY")
    assert 0 <= run.seed < 2**31
    assert run.created_by == staff_coach
    assert run.status == JobStatus.SUCCEEDED and run.traces.count() == 1

    page = client.get(response["Location"])
    finished = f"Simulation #{run.pk} finished: 1 play × 1 scenario, 2,000 episodes each."
    assert finished in messages_of(page)
    assert "Trips Flood" in page.content.decode()


def test_seeds_are_random(client, staff_coach, team):
    play = b.play(team)
    b.scenario(team)
    client.force_login(staff_coach)
    action(client, Play, "simulate", play, follow=False)
    action(client, Play, "simulate", play, follow=False)
    first, second = SimulationRun.objects.order_by("id")
    assert first.seed != second.seed


def test_simulate_scenarios_against_every_play(
    client, staff_coach, team, django_capture_on_commit_callbacks
):
    plays = [b.play(team) for _ in range(2)]
    scenarios = [b.scenario(team) for _ in range(6)]
    client.force_login(staff_coach)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = action(client, Scenario, "simulate", *scenarios, follow=False)
    run = SimulationRun.objects.get()
    assert response["Location"] == url("change", run.pk)
    assert set(run.plays.all()) == set(plays)
    assert set(run.scenarios.all()) == set(scenarios)
    assert run.status == JobStatus.QUEUED  # 24,000 episodes: a background job
    assert len(callbacks) == 1  # the slice tasks are queued once the request commits

    page = client.get(response["Location"])
    assert (
        f"Simulation #{run.pk} is running in the background: 2 plays × 6 scenarios, "
        "2,000 episodes each. This page shows its progress."
    ) in messages_of(page)
    assert 'http-equiv="refresh"' in page.content.decode()

    callbacks[0]()  # the immediate task backend runs every slice
    run.refresh_from_db()
    assert run.status == JobStatus.SUCCEEDED
    assert len(run.metrics["pairs"]) == 12


def test_no_scenarios_or_no_plays_is_refused(client, staff_coach, team):
    play = b.play(team)
    client.force_login(staff_coach)
    response = action(client, Play, "simulate", play)
    assert response.status_code == 200
    assert f"{team} has no scenarios to simulate against yet: add one first." in (
        messages_of(response)
    )
    Play.objects.all().delete()
    scenario = b.scenario(team)
    response = action(client, Scenario, "simulate", scenario)
    assert f"{team} has no plays to simulate against yet: add one first." in messages_of(response)
    assert not SimulationRun.objects.exists()


def test_selection_across_teams_is_refused(client, superuser, team, other_team):
    plays = [b.play(team), b.play(other_team)]
    b.scenario(team)
    b.scenario(other_team)
    client.force_login(superuser)
    response = action(client, Play, "simulate", *plays)
    names = ", ".join(sorted([team.name, other_team.name]))
    assert (
        f"The selection spans several teams ({names}); simulate one team at a time."
        in messages_of(response)
    )
    assert not SimulationRun.objects.exists()


def test_situation_that_does_not_fit_the_ruleset_is_refused(client, staff_coach, team):
    play = b.play(team)
    b.scenario(team)
    Ruleset.objects.filter(team=team).update(field_length=50.0)  # 30 yd between goal lines
    client.force_login(staff_coach)
    response = action(client, Play, "simulate", play)
    (message,) = messages_of(response)
    assert message.startswith("1st and 10 at 35 yd to the goal does not fit")
    assert "yards to the goal must be above 0 and at most 30" in message
    assert not SimulationRun.objects.exists()


def test_a_service_refusal_is_a_message_not_a_500(client, staff_coach, team, monkeypatch):
    play = b.play(team)
    b.scenario(team)

    def refuse(**kwargs):
        raise ValidationError({"lineup": ["the lineup belongs to another team"]})

    monkeypatch.setattr(services, "simulation_run_start", refuse)
    client.force_login(staff_coach)
    response = action(client, Play, "simulate", play)
    assert response.status_code == 200
    shown = messages_of(response)
    assert "The simulation was refused: lineup: the lineup belongs to another team" in shown


@pytest.mark.parametrize("model", [Play, Scenario])
def test_simulating_only_objects_you_cannot_see_is_a_message_not_a_500(
    client, staff_coach, team, other_team, model
):
    """Another team's ids, or objects deleted since the list was loaded."""
    theirs = b.play(other_team) if model is Play else b.scenario(other_team)
    mine = b.play(team) if model is Play else b.scenario(team)
    b.scenario(team) if model is Play else b.play(team)
    gone = type(mine).objects.get(pk=mine.pk)  # a copy that keeps the id after the delete
    mine.delete()
    client.force_login(staff_coach)
    response = action(client, model, "simulate", theirs, gone)
    assert not model.objects.filter(pk=gone.pk).exists()
    assert response.status_code == 200
    (message,) = messages_of(response)
    assert message.startswith(f"None of the selected {model._meta.verbose_name_plural} can be")
    assert "deleted or belong to a team you are not in" in message
    assert not SimulationRun.objects.exists()


def test_member_cannot_simulate(client, team):
    play = b.play(team)
    b.scenario(team)
    client.force_login(staff(team, Role.MEMBER))
    assert "simulate" not in client.get(url("changelist", model="playbook_play")).content.decode()
    response = action(client, Play, "simulate", play)
    assert response.status_code == 200
    assert not SimulationRun.objects.exists()


def test_a_run_that_fails_inline_is_reported_on_its_page(client, staff_coach, team, monkeypatch):
    play = b.play(team)
    b.scenario(team)

    def boom(*args, **kwargs):
        raise RuntimeError("engine exploded")

    monkeypatch.setattr(services.engine, "iter_outcomes", boom)
    client.force_login(staff_coach)
    response = action(client, Play, "simulate", play, follow=False)
    run = SimulationRun.objects.get()
    assert response["Location"] == url("change", run.pk)
    assert run.status == JobStatus.FAILED
    page = client.get(response["Location"])
    (message,) = messages_of(page)
    assert message == (
        f"Simulation #{run.pk} failed: 1 play × 1 scenario, 2,000 episodes each. "
        f"{run.plays.get().name} vs {run.scenarios.get().name}: RuntimeError: engine exploded"
    )
