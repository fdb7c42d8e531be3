"""Simulation runs through the API: jobs, slices, merging, traces, recovery."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from football.situations import situation_bucket
from playbook.models import Play, Ruleset, Scenario
from simulation import engine, services
from simulation.models import JobStatus, SimulationRun, SimulationSlice
from teams.models import Role
from tests.support import builders as b
from tests.support.clients import client_for
from tests.support.factories import MembershipFactory

pytestmark = pytest.mark.django_db

METRIC_KEYS = {
    "attempts",
    "completion_rate",
    "sack_rate",
    "interception_rate",
    "touchdown_rate",
    "success_rate",
    "mean_yards",
    "median_yards",
    "p10_yards",
    "p90_yards",
    "mean_reward",
    "median_time_to_throw_ms",
    "clean_completion_rate",
    "pressured_completion_rate",
    "completion_rate_by_depth",
    "target_share",
}


def runs_url(team):
    return reverse("simulation-list", kwargs={"team_id": team.pk})


def run_url(run, action=None):
    name = f"simulation-{action}" if action else "simulation-detail"
    return reverse(name, kwargs={"team_id": run.team_id, "pk": run.pk})


@pytest.fixture
def coach_api(team):
    return client_for(MembershipFactory(team=team, role=Role.COACH).user)


@pytest.fixture
def setup(team):
    return {"plays": [b.play(team), b.play(team)], "scenarios": [b.scenario(team)]}


def body(setup, **extra):
    return {
        "plays": [p.pk for p in setup["plays"]],
        "scenarios": [s.pk for s in setup["scenarios"]],
        "episodes": 1500,
        "seed": 7,
        "situation": {"down": 3, "distance": 2, "yardline": 30},
        **extra,
    }


class TestStart:
    def test_small_run_finishes_in_the_request(self, coach_api, team, setup):
        response = coach_api.post(runs_url(team), body(setup, traces=2), format="json")
        assert response.status_code == 201, response.json()
        data = response.json()
        assert data["status"] == "succeeded" and data["progress"] == 100
        assert data["bucket"] == "3RD_SHORT"
        assert data["situation"] == {"down": 3, "distance": 2.0, "yardline": 30.0}
        assert set(data["metrics"]["overall"]) >= METRIC_KEYS
        assert data["metrics"]["overall"]["episodes"] == 3000
        # one field for every scenario: the team's default (no ruleset chosen)
        default = Ruleset.objects.get(team=team, is_default=True)
        assert data["played_on"] == [
            {
                "ruleset": default.pk,
                "label": f"{default.name}, 30 × 70 yd",
                "field_width": 30.0,
                "field_length": 70.0,
                "scenarios": [setup["scenarios"][0].pk],
            }
        ]
        assert [(p["play"], p["scenario"]) for p in data["metrics"]["pairs"]] == sorted(
            (p.pk, setup["scenarios"][0].pk) for p in setup["plays"]
        )
        assert set(data["metrics"]["overall"]["completion_rate_by_depth"]) == {
            "0-5",
            "6-10",
            "11-15",
            "16-20",
            "21+",
        }

    def test_a_run_says_which_field_each_scenario_was_on(self, coach_api, team, setup):
        wide = Ruleset.objects.create(team=team, name="Wide", field_width=40.0, field_length=80.0)
        own = b.scenario(team, ruleset=wide)
        plain = setup["scenarios"][0]
        data = coach_api.post(
            runs_url(team), body(setup, scenarios=[plain.pk, own.pk]), format="json"
        ).json()
        default = Ruleset.objects.get(team=team, is_default=True)
        assert [(f["ruleset"], f["label"], f["scenarios"]) for f in data["played_on"]] == [
            (default.pk, f"{default.name}, 30 × 70 yd", [plain.pk]),
            (wide.pk, "Wide, 40 × 80 yd", [own.pk]),
        ]
        # a ruleset chosen for the run puts every scenario on it
        data = coach_api.post(
            runs_url(team),
            body(setup, scenarios=[plain.pk, own.pk], ruleset=wide.pk),
            format="json",
        ).json()
        assert [(f["ruleset"], f["scenarios"]) for f in data["played_on"]] == [
            (wide.pk, sorted([plain.pk, own.pk]))
        ]

    def test_simulate_alias(self, coach_api, team, setup):
        url = reverse("simulate", kwargs={"team_id": team.pk})
        assert coach_api.post(url, body(setup), format="json").status_code == 201

    def test_large_run_is_a_job(self, coach_api, team, setup, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            response = coach_api.post(runs_url(team), body(setup, episodes=30_000), format="json")
        assert response.status_code == 202
        assert response.json()["status"] == "queued"
        run = SimulationRun.objects.get(pk=response.json()["id"])
        assert run.slices.count() >= 25  # progress moves in steps of at most 4 %
        assert run.status == JobStatus.SUCCEEDED  # the immediate task backend ran the slices
        assert coach_api.get(run_url(run)).json()["metrics"]["overall"]["episodes"] == 60_000

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"episodes": 0}, "episodes"),
            ({"episodes": 1_000_001}, "episodes"),
            ({"episodes": "many"}, "episodes"),
            ({"plays": []}, "plays"),
            ({"plays": [999999]}, "plays"),
            ({"situation": {"down": 5, "distance": 2, "yardline": 30}}, "situation.down"),
            ({"situation": {"down": 2, "distance": 40, "yardline": 30}}, "situation.distance"),
            ({"situation": {"down": 2, "distance": 4, "yardline": 80}}, "situation.yardline"),
            ({"traces": 50}, "traces"),
            ({"seed": -1}, "seed"),
        ],
    )
    def test_bad_requests_are_400(self, coach_api, team, setup, change, field):
        response = coach_api.post(runs_url(team), body(setup, **change), format="json")
        assert response.status_code == 400
        assert field in response.json()["errors"], response.json()
        assert not SimulationRun.objects.exists()

    def test_too_many_episodes_in_all(self, coach_api, team, setup):
        response = coach_api.post(
            runs_url(team),
            body(setup, episodes=1_000_000) | {"plays": [b.play(team).pk for _ in range(21)]},
            format="json",
        )
        assert response.status_code == 400
        assert "episodes" in response.json()["errors"]


class TestIsolation:
    def test_roles_and_teams(self, team, other_team, outsider, setup, coach_api):
        run = services.simulation_run_start(
            team=team,
            user=None,
            plays=setup["plays"],
            scenarios=setup["scenarios"],
            episodes=200,
            seed=1,
            situation={"down": 1, "distance": 10, "yardline": 35},
        )
        member = client_for(MembershipFactory(team=team, role=Role.MEMBER).user)
        assert member.get(run_url(run)).status_code == 200
        assert member.post(runs_url(team), body(setup), format="json").status_code == 403
        stranger = client_for(outsider)
        assert stranger.get(runs_url(team)).status_code == 404
        assert stranger.get(run_url(run)).status_code == 404
        theirs = b.play(other_team)
        response = coach_api.post(
            runs_url(team), body(setup) | {"plays": [theirs.pk]}, format="json"
        )
        assert response.status_code == 400
        assert "plays" in response.json()["errors"]
        assert client_for(outsider).get(runs_url(other_team)).json()["count"] == 0

    def test_list_query_count_is_flat(self, coach_api, team, setup):
        def start():
            services.simulation_run_start(
                team=team,
                user=None,
                plays=setup["plays"],
                scenarios=setup["scenarios"],
                episodes=100,
                seed=1,
                situation={"down": 1, "distance": 10, "yardline": 35},
            )

        start()
        with CaptureQueriesContext(connection) as one:
            coach_api.get(runs_url(team))
        for _ in range(5):
            start()
        with CaptureQueriesContext(connection) as six:
            assert coach_api.get(runs_url(team)).json()["count"] == 6
        assert len(six) == len(one)


class TestDeterminismAndMerging:
    def test_sliced_run_equals_one_engine_call_in_any_order(self, team, setup):
        situation = {"down": 2, "distance": 6, "yardline": 40}
        run = services.simulation_run_create(
            team=team,
            user=None,
            plays=setup["plays"][:1],
            scenarios=setup["scenarios"],
            episodes=9000,
            seed=11,
            situation=situation,
        )
        ids = list(run.slices.values_list("id", flat=True))
        assert len(ids) > 1
        for slice_id in reversed(ids):  # another worker order
            services.slice_run(slice_id)
        run.refresh_from_db()
        inputs = services._Inputs(run)
        play, scenario = setup["plays"][0], setup["scenarios"][0]
        whole = engine.simulate_metrics(
            inputs.prepared(play.pk, scenario.pk), 9000, 11, key=(play.pk, scenario.pk)
        )
        assert run.metrics["pairs"][0] | {} == {
            "play": play.pk,
            "scenario": scenario.pk,
            **whole.metrics(),
        }
        again = services.simulation_run_start(
            team=team,
            user=None,
            plays=setup["plays"][:1],
            scenarios=setup["scenarios"],
            episodes=9000,
            seed=11,
            situation=situation,
        )
        assert again.metrics == run.metrics


class TestJobs:
    def _queued(self, team, setup, **kw):
        return services.simulation_run_create(
            team=team,
            user=None,
            plays=setup["plays"],
            scenarios=setup["scenarios"],
            episodes=kw.pop("episodes", 3000),
            seed=3,
            situation={"down": 1, "distance": 10, "yardline": 35},
            **kw,
        )

    def test_progress_is_saved_as_slices_finish(self, team, setup):
        run = self._queued(team, setup)
        slices = list(run.slices.values_list("id", flat=True))
        services.slice_run(slices[0])
        run.refresh_from_db()
        assert run.status == JobStatus.RUNNING
        assert 0 < run.progress < 100
        assert run.metrics is None  # no partial result shown as complete

    def test_crashed_worker_slice_is_requeued_and_finishes(self, team, setup):
        run = self._queued(team, setup)
        for slice_id in run.slices.values_list("id", flat=True)[1:]:
            services.slice_run(slice_id)
        dead = run.slices.order_by("id").first()
        SimulationSlice.objects.filter(pk=dead.pk).update(
            status=JobStatus.RUNNING, attempts=1, started_at=timezone.now() - timedelta(hours=1)
        )
        SimulationRun.objects.filter(pk=run.pk).update(status=JobStatus.RUNNING)
        assert services.simulation_recover_stale() == (1, 0)  # immediate backend runs it
        run.refresh_from_db()
        assert run.status == JobStatus.SUCCEEDED

    def test_three_deaths_fail_the_run(self, team, setup):
        run = self._queued(team, setup)
        SimulationSlice.objects.filter(run=run).update(
            status=JobStatus.RUNNING, attempts=3, started_at=timezone.now() - timedelta(hours=1)
        )
        services.simulation_recover_stale()
        run.refresh_from_db()
        assert run.status == JobStatus.FAILED
        assert "died" in run.error

    def test_engine_error_fails_the_run_with_the_reason(self, team, setup, monkeypatch):
        run = self._queued(team, setup)

        def boom(*args, **kwargs):
            raise ValueError("bad input")

        monkeypatch.setattr(engine, "prepare", boom)
        services.slice_run(run.slices.first().pk)
        run.refresh_from_db()
        assert run.status == JobStatus.FAILED
        piece = run.slices.first()
        play, defense = (
            Play.objects.get(pk=piece.play_id_ref),
            Scenario.objects.get(pk=piece.scenario_id_ref),
        )
        assert run.error == f"{play.name} vs {defense.name}: ValueError: bad input"
        assert run.metrics is None

    def test_cancel(self, coach_api, team, setup):
        run = self._queued(team, setup)
        response = coach_api.post(run_url(run, "cancel"))
        assert response.status_code == 200
        assert response.json()["status"] == "cancelled"
        services.slice_run(run.slices.first().pk)  # a worker picking it up does nothing
        assert not run.slices.filter(status=JobStatus.SUCCEEDED).exists()
        assert coach_api.post(run_url(run, "cancel")).status_code == 409

    def test_a_slice_whose_task_was_lost_is_queued_again_once(self, team, setup):
        run = self._queued(team, setup)
        lost = run.slices.order_by("id").first()
        hour_ago = timezone.now() - timedelta(hours=1)
        for slice_id in run.slices.exclude(pk=lost.pk).values_list("id", flat=True):
            services.slice_run(slice_id)
        SimulationSlice.objects.filter(pk=lost.pk).update(queued_at=hour_ago)
        assert services.simulation_recover_stale() == (1, 0)  # immediate backend runs it
        lost.refresh_from_db()
        assert lost.status == JobStatus.SUCCEEDED and lost.attempts == 1
        assert services.simulation_recover_stale() == (0, 0)

    def test_a_recently_queued_slice_is_left_on_the_queue(self, team, setup):
        self._queued(team, setup)
        assert services.simulation_recover_stale() == (0, 0)

    def test_a_slice_another_worker_is_running_is_not_run_twice(self, team, setup):
        run = self._queued(team, setup)
        busy = run.slices.first()
        SimulationSlice.objects.filter(pk=busy.pk).update(
            status=JobStatus.RUNNING, attempts=1, started_at=timezone.now()
        )
        services.slice_run(busy.pk)  # a duplicate task of the same slice
        busy.refresh_from_db()
        assert busy.status == JobStatus.RUNNING and busy.attempts == 1 and busy.state is None

    def test_recover_command(self, capsys):
        from django.core.management import call_command

        call_command("recover_simulations")
        assert "re-queued" in capsys.readouterr().out


class TestTraces:
    def test_traces_listed_and_read(self, coach_api, team, setup):
        data = coach_api.post(runs_url(team), body(setup, traces=2), format="json").json()
        run = SimulationRun.objects.get(pk=data["id"])
        listing = coach_api.get(run_url(run, "traces")).json()
        assert listing["count"] == 4 and listing["next"] is None
        assert [t["index"] for t in listing["results"]] == [0, 1, 2, 3]
        assert "outcome" in listing["results"][0]
        page = coach_api.get(run_url(run, "traces"), {"page_size": 3, "page": 2}).json()
        assert [t["index"] for t in page["results"]] == [3] and page["previous"]
        first = coach_api.get(run_url(run, "first-trace")).json()
        assert first["index"] == 0 and first["episode"] == 0
        assert first["data"]["frames"] and "outcome" in first["data"]
        n3 = coach_api.get(run_url(run, "traces") + "3/").json()
        assert n3["episode"] == 1 and n3["play"] == max(p.pk for p in setup["plays"])
        assert coach_api.get(run_url(run, "traces") + "9/").status_code == 404


@pytest.mark.parametrize(
    ("down", "distance", "yardline", "bucket"),
    [
        (1, 10, 4, "GOALLINE"),
        (3, 2, 9, "REDZONE"),
        (1, 10, 40, "1ST_ANY"),
        (2, 3, 30, "2ND_SHORT"),
        (2, 4, 30, "2ND_LONG"),
        (3, 2, 30, "3RD_SHORT"),
        (4, 8, 30, "3RD_LONG"),
    ],
)
def test_buckets(down, distance, yardline, bucket):
    assert situation_bucket(down, distance, yardline) == bucket


def test_looking_at_a_run_recovers_a_dead_worker(coach_api, team, setup):
    run = services.simulation_run_create(
        team=team,
        user=None,
        plays=setup["plays"],
        scenarios=setup["scenarios"],
        episodes=3000,
        seed=3,
        situation={"down": 1, "distance": 10, "yardline": 35},
    )
    SimulationSlice.objects.filter(run=run).update(
        status=JobStatus.RUNNING, attempts=1, started_at=timezone.now() - timedelta(hours=1)
    )
    SimulationRun.objects.filter(pk=run.pk).update(status=JobStatus.RUNNING)
    data = coach_api.get(run_url(run)).json()  # re-queued; the immediate backend runs them
    assert data["status"] == "succeeded"


def test_a_deleted_play_stays_in_the_runs_that_simulated_it(coach_api, team, setup):
    """Found by a probe: deleting a play rewrote past runs' `plays` (the M2M link went)."""
    data = coach_api.post(runs_url(team), body(setup), format="json").json()
    gone_id = setup["plays"][0].pk
    from django.urls import reverse as rev

    url = rev("play-detail", kwargs={"team_id": team.pk, "pk": gone_id})
    assert coach_api.delete(url + "?force=true").status_code in (200, 204)
    run = coach_api.get(run_url(SimulationRun.objects.get(pk=data["id"]))).json()
    assert run["plays"] == data["plays"] and gone_id in run["plays"]
    assert {p["play"] for p in run["metrics"]["pairs"]} == set(run["plays"])


COVER0_BLITZ = [
    {"slot": f"D{i}", "x": 5.0, "y": y, "duty": "MAN", "man_target": "auto"}
    for i, y in ((1, -10.0), (2, -4.0), (4, 4.0), (5, 10.0))
] + [{"slot": "D3", "x": 7.0, "y": 0.0, "duty": "RUSH"}]


def test_a_cover_0_blitz_simulates_and_trains(
    coach_api, team, setup, django_capture_on_commit_callbacks
):
    """Man everywhere plus one rusher, no zone defender at all: once a crash in the engine."""
    blitz = b.scenario(team, defenders=COVER0_BLITZ)
    data = body(setup, scenarios=[blitz.pk], traces=1)
    response = coach_api.post(runs_url(team), data, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "succeeded"
    assert response.json()["metrics"]["overall"]["episodes"] == 3000
    training = {
        "plays": data["plays"],
        "scenarios": [{"scenario": blitz.pk, "weight": 1.0}],
        "episodes": 2000,
        "seed": 3,
    }
    with django_capture_on_commit_callbacks(execute=True):
        trained = coach_api.post(
            reverse("policy-train", kwargs={"team_id": team.pk}), training, format="json"
        )
    assert trained.status_code == 202, trained.json()
    policy = coach_api.get(
        reverse("policy-detail", kwargs={"team_id": team.pk, "pk": trained.json()["id"]})
    ).json()
    assert policy["status"] == "succeeded", policy
