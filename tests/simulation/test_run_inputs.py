"""A run simulates one snapshot of its inputs, inline runs are bounded by work, and an
input a queued or running run uses cannot be deleted from under it."""

import pytest
from django.urls import reverse

from playbook import services as playbook_services
from playbook.models import Play, Scenario
from simulation import engine, services, snapshot
from simulation.models import JobStatus, SimulationRun
from teams.models import Role
from tests.support import builders as b
from tests.support.clients import client_for
from tests.support.factories import MembershipFactory

pytestmark = pytest.mark.django_db

SITUATION = {"down": 1, "distance": 10, "yardline": 35}


def runs_url(team):
    return reverse("simulation-list", kwargs={"team_id": team.pk})


def run_url(run):
    return reverse("simulation-detail", kwargs={"team_id": run.team_id, "pk": run.pk})


@pytest.fixture
def coach_api(team):
    return client_for(MembershipFactory(team=team, role=Role.COACH).user)


@pytest.fixture
def staff_coach(team):
    user = MembershipFactory(team=team, role=Role.COACH).user
    user.is_staff = True
    user.save()
    return user


def background_run(team, plays, scenarios, episodes=400, seed=5):
    run = services.simulation_run_start(
        team=team,
        user=None,
        plays=plays,
        scenarios=scenarios,
        episodes=episodes,
        seed=seed,
        situation=dict(SITUATION),
        inline=False,
    )
    assert run.status == JobStatus.QUEUED
    return run


def run_slices(run, count=None):
    ids = list(run.slices.filter(status=JobStatus.QUEUED).values_list("id", flat=True))
    for slice_id in ids[:count]:
        services.slice_run(slice_id)
    run.refresh_from_db()
    return run


def edit_route(team, route, points):
    return playbook_services.route_write(
        team=team,
        data={"name": route.name},
        breakpoints=[dict(p) for p in points],
        instance=route,
    )


class TestSnapshot:
    def test_an_edit_during_a_run_does_not_reach_it(self, team):
        first, play = b.play(team), b.play(team)  # play's slices run after first's
        scenario = b.scenario(team)
        untouched = run_slices(background_run(team, [first, play], [scenario]))
        assert untouched.status == JobStatus.SUCCEEDED

        run = background_run(team, [first, play], [scenario])
        run_slices(run, count=1)
        assert run.status == JobStatus.RUNNING  # halfway
        wr1 = play.assignments.get(role="WR1").route
        edit_route(team, wr1, b.SLANT)  # WR1's out becomes a slant halfway through
        run = run_slices(run)
        assert run.status == JobStatus.SUCCEEDED
        assert run.metrics == untouched.metrics

        # The edit is real: a run started after it simulates something else.
        after = run_slices(background_run(team, [first, play], [scenario]))
        assert after.metrics != untouched.metrics

    def test_the_run_records_the_versions_it_used(self, team, coach_api):
        play = b.play(team)
        scenario = b.scenario(team)
        run = background_run(team, [play], [scenario])
        taken = {(v["kind"], v["id"]): v["version"] for v in snapshot.versions(run)}
        assert taken[("play", play.pk)] == play.version
        assert taken[("formation", play.formation_id)] == play.formation.version
        for assignment in play.assignments.exclude(route=None):
            assert ("route", assignment.route_id) in taken
        assert taken[("scenario", scenario.pk)] == scenario.version
        assert any(kind == "ruleset" for kind, _ in taken)

        data = coach_api.get(run_url(run)).json()
        assert {(v["kind"], v["id"]) for v in data["inputs"]["versions"]} == set(taken)
        assert data["inputs"]["changed_since"] == []

        wr1 = play.assignments.get(role="WR1").route
        edit_route(team, wr1, b.SLANT)
        changed = coach_api.get(run_url(run)).json()["inputs"]["changed_since"]
        assert changed == [
            {
                "kind": "route",
                "id": wr1.pk,
                "name": wr1.name,
                "version": taken[("route", wr1.pk)],
                "current_version": taken[("route", wr1.pk)] + 1,
            }
        ]
        listed = coach_api.get(runs_url(team)).json()["results"][0]
        assert listed["inputs"]["changed_since"] == changed

    def test_a_finished_run_keeps_reporting_what_it_simulated(self, team, coach_api):
        play = b.play(team)
        scenario = b.scenario(team)
        run = run_slices(background_run(team, [play], [scenario]))
        name = play.name
        Play.objects.filter(pk=play.pk).delete()  # finished: deleting is allowed
        data = coach_api.get(run_url(run)).json()
        assert data["status"] == "succeeded"
        gone = [c for c in data["inputs"]["changed_since"] if c["kind"] == "play"]
        assert gone == [
            {"kind": "play", "id": play.pk, "name": name, "version": 1, "current_version": None}
        ]

    def test_the_admin_run_page_shows_versions_and_changes(self, team, staff_coach, client):
        play = b.play(team)
        scenario = b.scenario(team)
        run = run_slices(background_run(team, [play], [scenario]))
        scenario.name = "Cover 2 <b>edited</b>"
        scenario.save()
        client.force_login(staff_coach)
        page = client.get(reverse("admin:simulation_simulationrun_change", args=[run.pk]))
        text = page.content.decode()
        assert page.status_code == 200
        assert "input versions" in text.lower()
        assert f"Play {play.name}: version 1" in text
        assert "changed since (now version 2)" in text
        assert "<b>edited</b>" not in text

    def test_engine_inputs_survive_the_round_trip(self, team):
        play = b.play(team, motion_role="WR3", motion_x=-1.0, motion_y=2.0, motion_duration_ms=600)
        scenario = b.scenario(team)
        from simulation import adapter

        for kind, value in (
            (engine.PlayInput, adapter.engine_play(play)),
            (engine.ScenarioInput, adapter.engine_scenario(scenario)),
            (engine.Ruleset, engine.Ruleset()),
        ):
            assert snapshot.from_data(kind, snapshot.to_data(value)) == value


class TestInlineBound:
    def test_inline_run_over_the_pair_limit_is_refused_naming_it(
        self, coach_api, team, monkeypatch
    ):
        monkeypatch.setattr(services, "INLINE_PAIRS", 1)
        plays = [b.play(team), b.play(team)]
        scenario = b.scenario(team)
        response = coach_api.post(
            runs_url(team),
            {
                "plays": [p.pk for p in plays],
                "scenarios": [scenario.pk],
                "episodes": 50,
                "inline": True,
            },
            format="json",
        )
        assert response.status_code == 400
        message = " ".join(response.json()["errors"]["inline"])
        assert "2 play × scenario pairs" in message and "at most 1" in message
        assert "background run" in message
        assert not SimulationRun.objects.filter(team=team).exists()

    def test_inline_run_over_the_trace_limit_is_refused(self, coach_api, team):
        plays = [b.play(team) for _ in range(6)]
        scenario = b.scenario(team)
        data = {
            "plays": [p.pk for p in plays],
            "scenarios": [scenario.pk],
            "episodes": 20,
            "traces": 20,
        }
        refused = coach_api.post(runs_url(team), {**data, "inline": True}, format="json")
        assert refused.status_code == 400
        assert "120 traces in all" in refused.json()["errors"]["inline"][0]
        assert f"at most {services.INLINE_TRACES}" in refused.json()["errors"]["inline"][0]
        # Left to choose, the same run goes to the workers instead of the request.
        chosen = coach_api.post(runs_url(team), data, format="json")
        assert chosen.status_code == 202, chosen.json()
        assert chosen.json()["status"] == "queued"

    def test_many_pairs_of_few_episodes_go_to_the_workers(self, coach_api, team):
        plays = [b.play(team) for _ in range(services.INLINE_PAIRS + 1)]
        scenario = b.scenario(team)
        response = coach_api.post(
            runs_url(team),
            {"plays": [p.pk for p in plays], "scenarios": [scenario.pk], "episodes": 10},
            format="json",
        )
        assert response.status_code == 202, response.json()

    def test_a_small_inline_run_still_answers_in_the_request(self, coach_api, team):
        response = coach_api.post(
            runs_url(team),
            {
                "plays": [b.play(team).pk],
                "scenarios": [b.scenario(team).pk],
                "episodes": 100,
                "traces": 2,
                "inline": True,
            },
            format="json",
        )
        assert response.status_code == 201, response.json()
        assert response.json()["status"] == "succeeded"


class TestDeleteInUse:
    @pytest.fixture
    def running(self, team):
        play = b.play(team)
        scenario = b.scenario(team)
        run = background_run(team, [b.play(team), play], [scenario])
        run_slices(run, count=1)
        assert run.status == JobStatus.RUNNING
        return run, play, scenario

    @pytest.mark.parametrize("force", ["", "?force=true"])
    @pytest.mark.parametrize("kind", ["play", "scenario", "formation", "route"])
    def test_api_delete_names_the_run(self, coach_api, team, running, kind, force):
        run, play, scenario = running
        obj = {
            "play": play,
            "scenario": scenario,
            "formation": play.formation,
            "route": play.assignments.exclude(route=None).first().route,
        }[kind]
        url = reverse(f"{kind}-detail", kwargs={"team_id": team.pk, "pk": obj.pk})
        response = coach_api.delete(url + force)
        assert response.status_code == 409, response.content
        data = response.json()
        assert f"in use by run {run.pk} (running)" in data["detail"]
        assert data["used_by"] == [{"kind": "simulationrun", "id": run.pk, "name": str(run)}]
        assert type(obj).objects.filter(pk=obj.pk).exists()
        run = run_slices(run)
        assert run.status == JobStatus.SUCCEEDED, run.error

    def test_a_player_of_the_runs_lineup_is_in_use(self, coach_api, team):
        player = playbook_services.player_write(
            team=team, data={"name": "Quick QB", "role": "QB", "side": "OFFENSE"}
        )
        run = background_run(team, [b.play(team)], [b.scenario(team)])
        url = reverse("player-detail", kwargs={"team_id": team.pk, "pk": player.pk})
        response = coach_api.delete(url)
        assert response.status_code == 409
        assert f"in use by run {run.pk} (queued)" in response.json()["detail"]

    def test_after_the_run_finishes_the_delete_goes_through(self, coach_api, team, running):
        run, _, scenario = running
        run_slices(run)
        url = reverse("scenario-detail", kwargs={"team_id": team.pk, "pk": scenario.pk})
        assert coach_api.delete(url).status_code == 204

    def test_a_delete_that_slips_past_does_not_break_the_run(self, team, running):
        run, _, scenario = running
        Scenario.objects.filter(pk=scenario.pk).delete()  # e.g. a path without the check
        run = run_slices(run)
        assert run.status == JobStatus.SUCCEEDED, run.error

    def test_admin_delete_names_the_run_and_deletes_nothing(
        self, client, staff_coach, team, running
    ):
        run, play, _ = running
        client.force_login(staff_coach)
        url = reverse("admin:playbook_play_delete", args=[play.pk])
        page = client.get(url)
        assert f"in use by run {run.pk} (running)" in page.content.decode()
        client.post(url, {"post": "yes"})
        assert Play.objects.filter(pk=play.pk).exists()
        bulk = client.post(
            reverse("admin:playbook_play_changelist"),
            {"action": "delete_selected", "_selected_action": [play.pk], "post": "yes"},
        )
        assert f"in use by run {run.pk}" in bulk.content.decode()
        assert Play.objects.filter(pk=play.pk).exists()
