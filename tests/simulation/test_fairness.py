"""Fair scheduling of slices across teams (docs/scale.md): which slice a worker's token
claims, priorities, per-team limits, and the 429 of a team over its episodes per day.
tests/simulation/test_workers.py shows the same with real worker processes."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from simulation import jobs, services
from simulation.models import JobStatus, Priority, SimulationRun, SimulationSlice
from teams.models import Role
from tests.conftest import client_for
from tests.playbook import builders as b
from tests.support.factories import MembershipFactory

pytestmark = pytest.mark.django_db

SITUATION = {"down": 1, "distance": 10, "yardline": 35}


def queued_run(team, episodes=3000, priority=Priority.BATCH, plays=1):
    return services.simulation_run_create(
        team=team,
        user=None,
        plays=[b.play(team) for _ in range(plays)],
        scenarios=[b.scenario(team)],
        episodes=episodes,
        seed=3,
        situation=SITUATION,
        priority=priority,
    )


def claim():
    piece = jobs.slice_claim_next()
    return None if piece is None else piece.run


def finish_running(run):
    """The run's running slices finish at once."""
    SimulationSlice.objects.filter(run=run, status=JobStatus.RUNNING).update(
        status=JobStatus.SUCCEEDED
    )


def claims_in_turn(count):
    """One worker: claim a slice, finish it, `count` times; the runs in the order served."""
    order = []
    for _ in range(count):
        order.append(claim())
        finish_running(order[-1])
    return order


class TestWhichSliceComesNext:
    def test_a_team_with_nothing_running_goes_before_the_busy_team(self, team, other_team):
        big = queued_run(team, episodes=40 * 1024)  # A: queued first, many slices
        assert claim() == big  # A alone: its first slice
        small = queued_run(other_team)
        # A has one slice running, B none: B's slice next although A queued first.
        assert claim() == small
        assert SimulationRun.objects.get(pk=small.pk).status == JobStatus.RUNNING

    def test_round_robin_while_both_wait(self, team, other_team):
        a = queued_run(team, episodes=40 * 1024)
        b_ = queued_run(other_team, episodes=40 * 1024)
        # each slice finishes at once: equal running counts, least recently served next
        order = [run.pk for run in claims_in_turn(6)]
        assert order[:2] in ([a.pk, b_.pk], [b_.pk, a.pk])
        assert order == order[:2] * 3

    def test_one_worker_runs_the_small_run_before_the_big_one_goes_on(self, team, other_team):
        big = queued_run(team, plays=4, episodes=400 * 1024)  # slices of 16 chunks
        run = claim()
        assert run == big
        finish_running(big)
        small = queued_run(other_team, episodes=12 * 1024)  # 12 slices of one chunk
        order = claims_in_turn(13)
        # B has done less work in the last minute until all of it is done
        assert order == [small] * 12 + [big]

    def test_interactive_work_goes_first_whatever_the_team(self, team, other_team):
        queued_run(other_team, episodes=40 * 1024)
        queued_run(team, episodes=40 * 1024)
        interactive = queued_run(team, priority=Priority.INTERACTIVE)
        assert claim() == interactive

    def test_within_a_team_the_oldest_run_first_and_slices_in_order(self, team):
        first = queued_run(team, episodes=30 * 1024)
        queued_run(team)
        piece = jobs.slice_claim_next()
        assert piece.run == first and piece.pk == first.slices.order_by("id").first().pk
        assert piece.attempts == 1 and piece.started_at is not None

    def test_a_teams_small_run_does_not_wait_for_its_own_big_one(self, team):
        big = queued_run(team, plays=4, episodes=400 * 1024)
        assert claim() == big
        small = queued_run(team, episodes=3 * 1024)  # queued later, by the same team
        assert claim() == small  # big has a slice running, small none

    def test_one_worker_finishes_a_teams_small_run_before_its_big_one_goes_on(self, team):
        big = queued_run(team, plays=4, episodes=400 * 1024)
        assert claim() == big
        finish_running(big)
        small = queued_run(team, episodes=5 * 1024)  # 5 slices of one chunk
        order = claims_in_turn(6)
        # the big run's 16-chunk slice of the last minute weighs more than the small
        # run's chunks until the small run is done
        assert order == [small] * 5 + [big]

    def test_nothing_queued_or_only_finished_runs(self, team):
        assert jobs.slice_claim_next() is None
        run = queued_run(team)
        services.simulation_run_cancel(run)
        assert jobs.slice_claim_next() is None
        assert not SimulationSlice.objects.filter(status=JobStatus.RUNNING).exists()

    def test_a_token_runs_one_slice_and_the_run_finishes(self, team):
        run = queued_run(team)
        count = run.slices.count()
        done = [services.slice_run_next() for _ in range(count)]
        assert sorted(done) == sorted(run.slices.values_list("id", flat=True))
        assert services.slice_run_next() is None  # a spare token does nothing
        run.refresh_from_db()
        assert run.status == JobStatus.SUCCEEDED and run.metrics["overall"]["episodes"] == 3000


class TestLimits:
    def test_running_slices_limit_leaves_the_worker_to_other_teams(
        self, team, other_team, settings
    ):
        settings.FIELDOS_TEAM_LIMITS = {"RUNNING_SLICES": 1}
        a = queued_run(team, episodes=40 * 1024)
        assert claim() == a
        assert claim() is None  # A is at its limit, nobody else waits
        b_ = queued_run(other_team)
        assert claim() == b_

    def test_a_finished_slice_puts_a_token_back_for_its_capped_team(
        self, team, settings, monkeypatch, django_capture_on_commit_callbacks
    ):
        settings.FIELDOS_TEAM_LIMITS = {"RUNNING_SLICES": 1}
        queued_run(team, episodes=40 * 1024)
        tokens = []
        monkeypatch.setattr(jobs, "slice_tokens_enqueue", lambda n, p: tokens.append((n, p)))
        with django_capture_on_commit_callbacks(execute=True):
            services.slice_run_next()
        assert tokens == [(1, Priority.BATCH)]

    def test_no_token_back_without_a_limit(
        self, team, monkeypatch, django_capture_on_commit_callbacks
    ):
        queued_run(team, episodes=40 * 1024)
        tokens = []
        monkeypatch.setattr(jobs, "slice_tokens_enqueue", lambda n, p: tokens.append((n, p)))
        with django_capture_on_commit_callbacks(execute=True):
            services.slice_run_next()
        assert tokens == []

    def test_episodes_per_day_answers_429_with_the_reason(self, team, settings):
        settings.FIELDOS_TEAM_LIMITS = {"EPISODES_PER_DAY": 50_000}
        api = client_for(MembershipFactory(team=team, role=Role.COACH).user)
        url = reverse("simulation-list", kwargs={"team_id": team.pk})
        plays, scenario = [b.play(team), b.play(team)], b.scenario(team)
        payload = {
            "plays": [p.pk for p in plays],
            "scenarios": [scenario.pk],
            "episodes": 15_000,
            "seed": 1,
        }
        assert api.post(url, payload, format="json").status_code == 202  # 30,000
        refused = api.post(url, payload, format="json")  # 60,000 > 50,000
        assert refused.status_code == 429
        body = refused.json()
        assert body["code"] == "team_limit"
        assert "50,000 episodes a day" in body["detail"] and "30,000" in body["detail"]
        assert SimulationRun.objects.filter(team=team).count() == 1
        # Older than a day no longer counts; cancelled runs never do.
        SimulationRun.objects.update(created_at=timezone.now() - timedelta(days=1, minutes=1))
        assert api.post(url, payload, format="json").status_code == 202
        services.simulation_run_cancel(SimulationRun.objects.first())
        assert api.post(url, payload, format="json").status_code == 202

    def test_episodes_per_day_counts_trainings_too(self, team, settings):
        from simulation import policies

        settings.FIELDOS_TEAM_LIMITS = {"EPISODES_PER_DAY": 30_000}
        scenario = b.scenario(team)
        start = {
            "team": team,
            "user": None,
            "plays": [b.play(team), b.play(team)],
            "mix": [(scenario, 1.0)],
            "buckets": ["1ST_ANY"],
        }
        policies.policy_train_start(**start, episodes=20_000)
        with pytest.raises(jobs.TeamLimitExceeded, match="20,000 were started"):
            policies.policy_train_start(**start, episodes=20_000)

    def test_other_teams_are_not_counted(self, team, other_team, settings):
        settings.FIELDOS_TEAM_LIMITS = {"EPISODES_PER_DAY": 10_000}
        queued_run(other_team, episodes=9_000)
        jobs.team_episodes_check(team, 10_000)
        with pytest.raises(jobs.TeamLimitExceeded):
            jobs.team_episodes_check(other_team, 2_000)
