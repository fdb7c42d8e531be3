"""Play-calling policies: training jobs, recommendations, adoption, game plan, API."""

import re
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from playbook.interchange import fieldos_import, sources_from_paths
from playbook.models import Play, Scenario
from playbook.services import playbook_write
from simulation import adapter, engine, policies
from simulation.models import JobStatus, Policy, PolicyAdoption
from teams.models import Role
from tests.support import builders as b
from tests.support.clients import client_for
from tests.support.factories import MembershipFactory

pytestmark = pytest.mark.django_db

DEMO = Path(__file__).resolve().parents[2] / "fixtures" / "fieldos-demo"


def train_url(team):
    return reverse("policy-train", kwargs={"team_id": team.pk})


def policy_url(policy, action=None):
    name = f"policy-{action}" if action else "policy-detail"
    return reverse(name, kwargs={"team_id": policy.team_id, "pk": policy.pk})


@pytest.fixture
def coach_api(team):
    return client_for(MembershipFactory(team=team, role=Role.COACH).user)


@pytest.fixture
def setup(team):
    plays = [
        b.play(team),
        b.play(team, routes={"WR1": b.route(team, b.SLANT), "WR3": b.route(team)}),
        b.play(team, routes={"WR2": b.route(team)}),
    ]
    return {"plays": plays, "scenarios": [b.scenario(team), b.scenario(team)]}


def body(setup, **extra):
    return {
        "plays": [p.pk for p in setup["plays"]],
        "scenarios": [
            {"scenario": s.pk, "weight": w}
            for s, w in zip(setup["scenarios"], (2.0, 1.0), strict=False)
        ],
        "buckets": ["3RD_SHORT", "1ST_ANY"],
        "algorithm": "thompson",
        "episodes": 3000,
        "seed": 11,
        **extra,
    }


def train(api, team, data, capture):
    with capture(execute=True):
        response = api.post(train_url(team), data, format="json")
    assert response.status_code == 202, response.json()
    return Policy.objects.get(pk=response.json()["id"])


class TestTrain:
    def test_the_mix_is_read_under_the_name_it_is_written(
        self, coach_api, team, setup, django_capture_on_commit_callbacks
    ):
        """The training was sent as `scenarios` and came back as `mix`: one name both ways
        (`mix`, as the strategy analyses), the old name still accepted on writes."""
        sent = body(setup)
        sent["mix"] = sent.pop("scenarios")
        with django_capture_on_commit_callbacks(execute=True):
            answer = coach_api.post(train_url(team), sent, format="json").json()
        assert answer["mix"] == sent["mix"] and "scenarios" not in answer
        detail = coach_api.get(
            reverse("policy-detail", kwargs={"team_id": team.pk, "pk": answer["id"]})
        ).json()
        assert detail["mix"] == sent["mix"]
        old = coach_api.post(train_url(team), body(setup), format="json")
        assert old.status_code == 202 and old.json()["mix"] == body(setup)["scenarios"]
        both = coach_api.post(train_url(team), {**sent, **body(setup)}, format="json")
        assert "scenarios" in both.json()["errors"]
        twice = {**sent, "mix": [sent["mix"][0], sent["mix"][0]]}
        errors = coach_api.post(train_url(team), twice, format="json").json()["errors"]
        assert list(errors) == ["mix"], errors  # keyed by the name the client sent
        assert (
            "mix"
            in coach_api.post(train_url(team), {**sent, "mix": None}, format="json").json()[
                "errors"
            ]
        )

    def test_one_default_algorithm_for_the_api_and_the_admin(
        self, coach_api, team, setup, django_capture_on_commit_callbacks
    ):
        """The API trained with UCB1 when none was given, the admin offered Thompson."""
        from simulation.admin.start import TrainingStartForm

        sent = body(setup)
        del sent["algorithm"]
        policy = train(coach_api, team, sent, django_capture_on_commit_callbacks)
        assert policy.algorithm == "thompson"
        assert TrainingStartForm().fields["algorithm"].initial == policy.algorithm

    def test_training_is_a_job_that_finishes(
        self, coach_api, team, setup, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = coach_api.post(train_url(team), body(setup), format="json")
        assert response.status_code == 202, response.json()
        assert response.json()["status"] == "queued" and response.json()["id"]
        policy = Policy.objects.get(pk=response.json()["id"])
        assert policy.status == JobStatus.SUCCEEDED, policy.error
        assert policy.progress == 100 and policy.episodes_done == 3000
        assert policy.started_at and policy.finished_at
        assert set(policy.stats) == {"3RD_SHORT", "1ST_ANY"}
        table = policy.stats["3RD_SHORT"]
        assert table["situation"] == {"down": 3, "distance": 2.0, "yardline": 27.0}
        # half of the bucket's 1,500 episodes against the mix (the arms' pulls), half
        # against one defense at a time (in the per-defense statistics only)
        assert sum(a["pulls"] for a in table["arms"].values()) == table["episodes"] == 750
        assert table["per_defense_episodes"] == 750
        per_defense = 0
        for arm in table["arms"].values():
            assert {"pulls", "mean_reward", "variance", "mean_yards", "success_rate"} <= set(arm)
            per_defense += sum(s["pulls"] for s in arm["scenarios"].values()) - arm["pulls"]
        assert per_defense == 750
        assert [p["progress"] for p in policy.curve] == list(range(5, 101, 5))
        assert all(0 <= p["best_arm_share"] <= 1 for p in policy.curve)

        detail = coach_api.get(policy_url(policy)).json()
        assert detail["status"] == "succeeded" and detail["progress"] == 100
        assert detail["mix"] == [
            {"scenario": setup["scenarios"][0].pk, "weight": 2.0},
            {"scenario": setup["scenarios"][1].pk, "weight": 1.0},
        ]
        rows = detail["tables"]["1ST_ANY"]["plays"]
        assert len(rows) == 3 and rows[0]["mean_reward"] >= rows[-1]["mean_reward"]
        assert len(detail["curve"]) == 20
        listing = coach_api.get(reverse("policy-list", kwargs={"team_id": team.pk})).json()
        assert [p["id"] for p in listing["results"]] == [policy.pk]

    def test_alias_and_playbook_and_defaults(
        self, coach_api, team, setup, django_capture_on_commit_callbacks
    ):
        book = playbook_write(
            team=team,
            data={"name": "Book"},
            entries=[
                {"play": p, "call_number": str(i + 1), "situations": []}
                for i, p in enumerate(setup["plays"][:2])
            ],
        )
        data = body(setup, playbook=book.pk, episodes=700)
        del data["plays"], data["buckets"], data["algorithm"]
        with django_capture_on_commit_callbacks(execute=True):
            response = coach_api.post(
                reverse("policy-train-alias", kwargs={"team_id": team.pk}), data, format="json"
            )
        assert response.status_code == 202, response.json()
        policy = Policy.objects.get(pk=response.json()["id"])
        assert policy.status == JobStatus.SUCCEEDED
        assert policy.algorithm == "thompson" and policy.playbook == book
        assert len(policy.buckets) == 7 and set(policy.stats) == set(policy.buckets)
        assert set(policy.plays.all()) == set(setup["plays"][:2])

    def test_same_seed_same_policy(
        self, coach_api, team, setup, django_capture_on_commit_callbacks
    ):
        one = train(coach_api, team, body(setup), django_capture_on_commit_callbacks)
        two = train(coach_api, team, body(setup), django_capture_on_commit_callbacks)
        other = train(coach_api, team, body(setup, seed=12), django_capture_on_commit_callbacks)
        assert one.stats == two.stats and one.curve == two.curve
        assert one.stats != other.stats

    def test_progress_is_saved_at_least_every_5_percent(
        self, coach_api, team, setup, django_capture_on_commit_callbacks
    ):
        data = body(setup, buckets=["2ND_LONG"], episodes=4000, algorithm="epsilon_greedy")
        with CaptureQueriesContext(connection) as queries:
            policy = train(coach_api, team, data, django_capture_on_commit_callbacks)
        saved = [
            int(m.group(1))
            for q in queries
            if q["sql"].startswith("UPDATE") and "simulation_policy" in q["sql"]
            for m in [re.search(r'"progress" = (\d+)', q["sql"])]
            if m
        ]
        assert saved[-1] == 100 and policy.status == JobStatus.SUCCEEDED
        steps = np.diff([0, *saved])
        assert len(saved) >= 20 and steps.max() <= 5, saved


class TestJobs:
    def test_cancel_stops_training_and_keeps_statistics(
        self, coach_api, team, setup, monkeypatch, django_capture_on_commit_callbacks
    ):
        real, calls = engine.simulate_prepared, []

        def cancel_midway(*args, **kwargs):
            calls.append(1)
            if len(calls) == 10:
                policies.policy_cancel(Policy.objects.get())
            return real(*args, **kwargs)

        monkeypatch.setattr(policies.engine, "simulate_prepared", cancel_midway)
        policy = train(coach_api, team, body(setup), django_capture_on_commit_callbacks)
        assert policy.status == JobStatus.CANCELLED
        assert 0 < policy.episodes_done < policy.episodes
        # stopped within the round it was cancelled in: a round is 8 engine calls (2
        # buckets × (a mix pull over the 2 defenses + one pull against each defense))
        assert len(calls) <= 16
        assert sum(a["pulls"] for t in policy.stats.values() for a in t["arms"].values()) > 0
        response = coach_api.post(policy_url(policy, "cancel"))
        assert response.status_code == 409

    def test_cancel_a_queued_policy(self, coach_api, team, setup):
        response = coach_api.post(train_url(team), body(setup), format="json")  # not committed
        policy = Policy.objects.get(pk=response.json()["id"])
        response = coach_api.post(policy_url(policy, "cancel"))
        assert response.status_code == 200 and response.json()["status"] == "cancelled"
        policies.policy_train(policy.pk)  # a late worker leaves it alone
        policy.refresh_from_db()
        assert policy.status == JobStatus.CANCELLED and policy.episodes_done == 0

    def test_a_failed_training_records_its_error(
        self, coach_api, team, setup, monkeypatch, django_capture_on_commit_callbacks
    ):
        def boom(*args, **kwargs):
            raise RuntimeError("engine exploded")

        monkeypatch.setattr(policies.engine, "simulate_prepared", boom)
        policy = train(coach_api, team, body(setup), django_capture_on_commit_callbacks)
        assert policy.status == JobStatus.FAILED
        assert policy.error == "RuntimeError: engine exploded" and policy.finished_at
        assert coach_api.get(policy_url(policy)).json()["error"] == policy.error

    def test_a_dead_worker_does_not_leave_a_policy_running(self, team, setup, capsys):
        old = timezone.now() - timedelta(minutes=11)
        common = {"team": team, "algorithm": "ucb1", "episodes": 1000, "seed": 1}
        dead = Policy.objects.create(status=JobStatus.RUNNING, heartbeat_at=old, **common)
        alive = Policy.objects.create(
            status=JobStatus.RUNNING, heartbeat_at=timezone.now(), **common
        )
        done = Policy.objects.create(status=JobStatus.SUCCEEDED, heartbeat_at=old, **common)
        assert policies.policy_recover_stale() == 1
        dead.refresh_from_db(), alive.refresh_from_db(), done.refresh_from_db()
        assert dead.status == JobStatus.FAILED and "no progress for 10 minutes" in dead.error
        assert alive.status == JobStatus.RUNNING and done.status == JobStatus.SUCCEEDED
        Policy.objects.filter(pk=alive.pk).update(heartbeat_at=old)
        call_command("recover_policies")
        assert "1 policy training(s) marked failed, 0 queued again." in capsys.readouterr().out
        alive.refresh_from_db()
        assert alive.status == JobStatus.FAILED

    def test_a_policy_whose_task_was_lost_is_queued_again(self, team, setup, monkeypatch):
        common = {"team": team, "algorithm": "ucb1", "episodes": 1000, "seed": 1}
        old = timezone.now() - timedelta(minutes=11)
        lost = Policy.objects.create(status=JobStatus.QUEUED, **common)
        Policy.objects.filter(pk=lost.pk).update(queued_at=old)
        fresh = Policy.objects.create(status=JobStatus.QUEUED, **common)
        enqueued = []
        from simulation import policy_tasks

        monkeypatch.setattr(policy_tasks, "train_policy_enqueue", lambda p: enqueued.append(p.pk))
        assert policies.policy_requeue_lost() == 1
        assert enqueued == [lost.pk]
        lost.refresh_from_db()
        assert lost.queued_at > old and fresh.status == JobStatus.QUEUED
        assert policies.policy_requeue_lost() == 0  # once per STALE_AFTER


def slice_by_slice(policy, clear_cache_every=2):
    """Train a policy one round a slice, as workers would; every other slice in a "new
    process" (no trainer kept). Returns the number of slices."""
    from simulation.policies import training

    slices = 0
    while True:
        slices += 1
        if slices % clear_cache_every == 0:
            training._last_trainer.clear()
        if policies.policy_train(policy.pk, slice_seconds=0) is None:
            return slices


def one_defense_training(team, setup, **extra):
    """A 3RD_SHORT training against the first defense alone, queued (not yet run)."""
    kwargs = {
        "team": team,
        "user": None,
        "plays": setup["plays"],
        "mix": [(setup["scenarios"][0], 1.0)],
        "buckets": ["3RD_SHORT"],
        "episodes": 1500,
        "seed": 2,
        **extra,
    }
    return policies.policy_train_start(**kwargs)


class TestSlices:
    def test_a_training_in_slices_is_the_same_policy_as_in_one_go(self, team, setup):
        kwargs = {
            "team": team,
            "user": None,
            "plays": setup["plays"],
            "mix": [(setup["scenarios"][0], 2.0), (setup["scenarios"][1], 1.0)],
            "buckets": ["3RD_SHORT", "GOALLINE"],
            "algorithm": "thompson",
            "episodes": 3000,
            "seed": 4,
        }
        whole = policies.policy_train_start(**kwargs)
        sliced = policies.policy_train_start(**kwargs)
        policies.policy_train(whole.pk, whole=True)
        assert slice_by_slice(sliced) > 10
        whole.refresh_from_db(), sliced.refresh_from_db()
        assert sliced.status == whole.status == JobStatus.SUCCEEDED
        assert sliced.stats == whole.stats and sliced.curve == whole.curve
        assert sliced.episodes_done == 3000 and sliced.checkpoint is None
        assert sliced.started_at < sliced.finished_at

    def test_between_slices_it_waits_in_the_queue_with_its_state(self, team, setup, monkeypatch):
        from simulation import policy_tasks

        enqueued = []
        monkeypatch.setattr(policy_tasks, "train_policy_enqueue", lambda p: enqueued.append(p.pk))
        policy = one_defense_training(team, setup, episodes=2000, seed=4)
        before = Policy.objects.get(pk=policy.pk).queued_at
        monkeypatch.setattr(policies.training, "SLICE_SECONDS", 0)
        policy_tasks.train_policy_task.func(policy.pk)
        assert enqueued == [policy.pk]  # the next slice, behind what was queued meanwhile
        policy.refresh_from_db()
        assert policy.status == JobStatus.QUEUED and policy.queued_at > before
        assert 0 < policy.episodes_done < 2000 and policy.progress > 0
        assert set(policy.checkpoint) == {"inputs", "state"} and policy.started_at

    def test_an_edit_between_slices_does_not_reach_the_training(self, team, setup):
        whole = one_defense_training(team, setup, seed=9)
        policies.policy_train(whole.pk, whole=True)
        sliced = one_defense_training(team, setup, seed=9)
        assert policies.policy_train(sliced.pk, slice_seconds=0) is not None
        from django.db.models import F

        from playbook.models import ScenarioDefender

        ScenarioDefender.objects.filter(scenario=setup["scenarios"][0]).update(y=F("y") + 4)
        slice_by_slice(sliced)
        after = one_defense_training(team, setup, seed=9)  # the edit does change the figures
        policies.policy_train(after.pk, whole=True)
        whole.refresh_from_db(), sliced.refresh_from_db(), after.refresh_from_db()
        assert sliced.stats == whole.stats != after.stats

    def test_a_dead_workers_training_resumes_from_its_last_slice(self, team, setup, monkeypatch):
        from simulation import policy_tasks

        enqueued = []
        monkeypatch.setattr(policy_tasks, "train_policy_enqueue", lambda p: enqueued.append(p.pk))
        whole = one_defense_training(team, setup)
        policies.policy_train(whole.pk, whole=True)
        policy = one_defense_training(team, setup)
        old = timezone.now() - timedelta(minutes=11)
        for attempt in (1, 2, 3):
            assert policies.policy_train(policy.pk, slice_seconds=0) is not None
            # a worker takes the next slice and dies in it
            Policy.objects.filter(pk=policy.pk).update(status=JobStatus.RUNNING, heartbeat_at=old)
            assert policies.policy_recover_stale() == 0
            assert policies.policy_requeue_lost() == 1 and enqueued[-1] == policy.pk
            policy.refresh_from_db()
            assert policy.status == JobStatus.QUEUED and policy.attempts == attempt
        slice_by_slice(policy)
        whole.refresh_from_db(), policy.refresh_from_db()
        assert policy.status == JobStatus.SUCCEEDED and policy.stats == whole.stats

    def test_a_training_whose_workers_keep_dying_fails(self, team, setup):
        policy = one_defense_training(team, setup)
        assert policies.policy_train(policy.pk, slice_seconds=0) is not None
        old = timezone.now() - timedelta(minutes=11)
        Policy.objects.filter(pk=policy.pk).update(
            status=JobStatus.RUNNING, heartbeat_at=old, attempts=3
        )
        assert policies.policy_recover_stale() == 1
        policy.refresh_from_db()
        assert policy.status == JobStatus.FAILED and "no progress" in policy.error

    def test_cancelled_between_slices_it_keeps_its_figures_and_drops_its_state(self, team, setup):
        policy = one_defense_training(team, setup, episodes=2000, seed=4)
        assert policies.policy_train(policy.pk, slice_seconds=0) is not None
        policy.refresh_from_db()
        done = policy.episodes_done
        assert policies.policy_cancel(policy)
        assert policies.policy_train(policy.pk) is None  # the queued slice finds it cancelled
        policy.refresh_from_db()
        assert policy.status == JobStatus.CANCELLED and policy.episodes_done == done
        assert policy.stats and policy.checkpoint is None


class TestValidationAndAccess:
    @pytest.mark.parametrize(
        "change, field",
        [
            ({"algorithm": "softmax"}, "algorithm"),
            ({"algorithm": "epsilon_greedy", "params": {"epsilon": 1.5}}, "params"),
            ({"algorithm": "ucb1", "params": {"c": 0}}, "params"),
            ({"algorithm": "thompson", "params": {"epsilon": 0.1}}, "params"),
            ({"episodes": 99}, "episodes"),
            ({"episodes": 2_000_001}, "episodes"),
            ({"buckets": ["4TH_ANY"]}, "buckets"),
            ({"buckets": []}, "buckets"),
            ({"scenarios": []}, "scenarios"),
        ],
    )
    def test_bad_bodies_are_400(self, coach_api, team, setup, change, field):
        response = coach_api.post(train_url(team), body(setup, **change), format="json")
        assert response.status_code == 400
        assert any(k.startswith(field) for k in response.json()["errors"]), response.json()

    def test_weights_plays_and_foreign_ids(self, coach_api, team, other_team, setup):
        def post(**change):
            return coach_api.post(train_url(team), body(setup, **change), format="json")

        s = setup["scenarios"][0].pk
        assert post(scenarios=[{"scenario": s, "weight": 0}]).status_code == 400
        assert post(scenarios=[{"scenario": s}, {"scenario": s}]).status_code == 400
        assert post(plays=[setup["plays"][0].pk]).status_code == 400
        assert post(plays=[setup["plays"][0].pk] * 2).status_code == 400
        data = body(setup)
        del data["plays"]
        assert coach_api.post(train_url(team), data, format="json").status_code == 400
        foreign = b.scenario(other_team)
        response = post(scenarios=[{"scenario": foreign.pk, "weight": 1}])
        assert response.status_code == 400
        foreign_play = b.play(other_team)
        assert post(plays=[setup["plays"][0].pk, foreign_play.pk]).status_code == 400
        assert Policy.objects.count() == 0

    def test_a_defense_past_the_end_line_of_a_bucket_is_400(self, coach_api, team, setup):
        deep = [dict(d) for d in b.COVER2]
        deep[1].update(x=17.0, zone_x=17.0)
        setup["scenarios"] = [b.scenario(team, defenders=deep)]
        response = coach_api.post(
            train_url(team), body(setup, buckets=["REDZONE", "GOALLINE"]), format="json"
        )
        assert response.status_code == 400
        message = str(response.json()["errors"])
        assert "GOALLINE" in message and "REDZONE" not in message
        response = coach_api.post(train_url(team), body(setup), format="json")
        assert response.status_code == 202

    def test_members_read_outsiders_see_nothing(
        self, coach_api, team, setup, member, outsider, django_capture_on_commit_callbacks
    ):
        policy = train(coach_api, team, body(setup), django_capture_on_commit_callbacks)
        reader = client_for(member)
        assert reader.get(policy_url(policy)).status_code == 200
        assert reader.get(policy_url(policy, "recommend") + "?situation=1ST_ANY").status_code == 200
        assert reader.post(train_url(team), body(setup), format="json").status_code == 403
        assert reader.post(policy_url(policy, "cancel")).status_code == 403
        stranger = client_for(outsider)
        assert stranger.get(policy_url(policy)).status_code == 404
        assert stranger.post(train_url(team), body(setup), format="json").status_code == 404
        own = reverse(
            "policy-detail", kwargs={"team_id": outsider.memberships.get().team_id, "pk": policy.pk}
        )
        assert stranger.get(own).status_code == 404


@pytest.fixture
def trained(coach_api, team, setup, django_capture_on_commit_callbacks):
    return train(coach_api, team, body(setup, episodes=6000), django_capture_on_commit_callbacks)


class TestRecommend:
    def test_shape_ranking_and_reasoning(self, coach_api, trained, setup):
        url = policy_url(trained, "recommend")
        data = coach_api.get(url + "?situation=3RD_SHORT").json()
        assert data["bucket"] == "3RD_SHORT" and data["scenario"] is None
        assert 0 <= data["confidence"] <= 1 and data["enough_data"] is True
        recs = data["recommendations"]
        assert [r["play"] for r in recs] and len(recs) == 3
        rewards = [r["expected_reward"] for r in recs]
        assert rewards == sorted(rewards, reverse=True)
        for r in recs:
            assert set(r) >= {
                "play",
                "name",
                "expected_reward",
                "interval",
                "mean_yards",
                "success_rate",
                "reasoning",
            }
            lo, hi = r["interval"]
            assert lo < r["expected_reward"] < hi
            assert r["name"] in r["reasoning"] and "gains" in r["reasoning"]
            assert "converts" in r["reasoning"] and "3RD_SHORT" not in r["reasoning"]
            assert "(simulated as 3rd & 2 at own 23)" in r["reasoning"]
        top = recs[0]["reasoning"]
        assert f"Next best {recs[1]['name']}" in top
        assert "Converts most vs" in top and "; least vs" in top
        same = coach_api.get(url + "?down=3&distance=2&yardline=30").json()
        assert same == data  # deterministic, and the same bucket

    def test_a_known_defense(self, coach_api, trained, setup):
        scenario = setup["scenarios"][1]
        data = coach_api.get(
            policy_url(trained, "recommend") + f"?situation=1ST_ANY&scenario={scenario.pk}"
        ).json()
        assert data["scenario"] == scenario.pk
        assert f"vs {scenario.name}" in data["recommendations"][0]["reasoning"]
        arm = trained.stats["1ST_ANY"]["arms"][str(data["recommendations"][0]["play"])]
        assert data["recommendations"][0]["pulls"] == arm["scenarios"][str(scenario.pk)]["pulls"]

    @pytest.mark.parametrize(
        "query",
        [
            "",
            "?situation=4TH_SHORT",
            "?situation=2ND_LONG",  # a bucket this policy was not trained for
            "?down=three&distance=2",
            "?down=3&distance=-1&yardline=30",
            "?down=9&distance=2&yardline=30",
            "?situation=1ST_ANY&scenario=abc",
        ],
    )
    def test_bad_situations_are_400(self, coach_api, trained, query):
        response = coach_api.get(policy_url(trained, "recommend") + query)
        assert response.status_code == 400, response.json()

    @pytest.mark.parametrize(
        ("query", "key", "text"),
        [
            ("?down=9&distance=2&yardline=30", "down", "must be 1 to"),
            ("?down=3&distance=-1&yardline=30", "distance", "above 0"),
            ("?down=three&distance=2", "down", "a whole number"),
            ("?down=3&distance=far", "distance", "a number"),
        ],
    )
    def test_bad_situations_are_keyed_by_the_parameter_sent(
        self, coach_api, trained, query, key, text
    ):
        """A client sends ?down=9 and finds the error under `down`; it was under
        `situation.down`, a name it never sent."""
        errors = coach_api.get(policy_url(trained, "recommend") + query).json()["errors"]
        assert list(errors) == [key] and text in errors[key][0], errors

    def test_another_teams_scenario_is_404(self, coach_api, trained, other_team, team):
        foreign = b.scenario(other_team)
        url = policy_url(trained, "recommend") + f"?situation=1ST_ANY&scenario={foreign.pk}"
        assert coach_api.get(url).status_code == 404
        outside_mix = b.scenario(team)
        url = policy_url(trained, "recommend") + f"?situation=1ST_ANY&scenario={outside_mix.pk}"
        assert coach_api.get(url).status_code == 400

    def test_too_little_data_is_said_plainly(
        self, coach_api, team, setup, django_capture_on_commit_callbacks
    ):
        policy = train(
            coach_api, team, body(setup, episodes=200), django_capture_on_commit_callbacks
        )
        data = coach_api.get(policy_url(policy, "recommend") + "?situation=1ST_ANY").json()
        assert data["enough_data"] is False and "Not enough data" in data["note"]
        assert any("Too little data" in r["reasoning"] for r in data["recommendations"])
        queued = Policy.objects.create(
            team=team, algorithm="ucb1", episodes=1000, seed=1, buckets=["1ST_ANY"]
        )
        data = coach_api.get(policy_url(queued, "recommend") + "?situation=1ST_ANY").json()
        assert data["recommendations"] == [] and "too little data" in data["note"]

    def test_the_answer_against_one_defense_is_the_exhaustive_one(
        self, coach_api, team, django_capture_on_commit_callbacks
    ):
        """The demo's pass plays against three of its defenses, trained on 3rd & 2: against
        each defense the top play has enough data, and wherever an independent, larger
        simulation of every play against that defense ranks one clearly first, the answer
        is that play with confidence ≥ 0.8."""
        from simulation import snapshot
        from simulation.policies.training import _Trainer

        fieldos_import(team=team, sources=sources_from_paths([DEMO]))
        plays = list(Play.objects.filter(team=team, kind="PASS").order_by("pk"))
        defenses = list(Scenario.objects.filter(team=team).order_by("pk"))[:3]
        sent = {
            "plays": [p.pk for p in plays],
            "scenarios": [{"scenario": s.pk, "weight": 1.0} for s in defenses],
            "buckets": ["3RD_SHORT"],
            "episodes": 30_000,
            "seed": 5,
        }
        policy = train(coach_api, team, sent, django_capture_on_commit_callbacks)
        trainer = _Trainer(policy, snapshot.take(policy))
        clear = 0
        for s, defense in enumerate(trainer.scenarios):
            url = policy_url(policy, "recommend") + f"?situation=3RD_SHORT&scenario={defense.pk}"
            answer = coach_api.get(url).json()
            assert answer["enough_data"], answer.get("note")
            # the exhaustive answer: every play against this defense, 4,096 episodes each
            rewards = [
                engine.simulate_prepared(
                    trainer.prepared(0, "3RD_SHORT", p, s), 4096, 99, key=(p, s)
                ).reward
                for p in range(len(trainer.plays))
            ]
            mean = np.array([r.mean() for r in rewards])
            se = np.array([r.std() / np.sqrt(r.size) for r in rewards])
            first, second = np.argsort(-mean)[:2]
            # Clear: the exhaustive gap is 4 of its standard errors and at least 2 reward
            # points (about 2 yards). Not the policy's own intervals: a bandit stops
            # sampling a play once it is clearly worse, so the runner-up's interval is wide.
            margin = max(4 * np.hypot(se[first], se[second]), 2.0)
            if mean[first] - mean[second] >= margin:
                clear += 1
                top = answer["recommendations"][0]
                assert top["play"] == trainer.plays[first].pk, (defense.name, top["name"])
                assert answer["confidence"] >= 0.8, (defense.name, answer["confidence"])
        assert clear >= 1  # the check had something to check


class TestAdoptAndGamePlan:
    def test_adopt_into_a_playbook(self, coach_api, team, other_team, trained, setup):
        book = playbook_write(
            team=team,
            data={"name": "Sheet"},
            entries=[{"play": setup["plays"][0], "call_number": "1", "situations": ["1ST_ANY"]}],
        )
        url = policy_url(trained, "adopt")
        rec = coach_api.get(policy_url(trained, "recommend") + "?situation=3RD_SHORT").json()
        top = rec["recommendations"][0]["play"]
        response = coach_api.post(
            url, {"bucket": "3RD_SHORT", "play": top, "playbook": book.pk}, format="json"
        )
        assert response.status_code == 201, response.json()
        adoption = PolicyAdoption.objects.get()
        assert adoption.recommendation["play"] == top and adoption.adopted_at
        entry = book.entries.get(play_id=top)
        assert "3RD_SHORT" in entry.situations and entry.call_number == adoption.call_number
        # adopting the play already in the book adds the bucket and keeps its call number
        response = coach_api.post(
            url,
            {"bucket": "3RD_SHORT", "play": setup["plays"][0].pk, "playbook": book.pk},
            format="json",
        )
        assert response.status_code == 201
        first = book.entries.get(play=setup["plays"][0])
        assert first.situations == ["1ST_ANY", "3RD_SHORT"] and first.call_number == "1"
        # a call number already taken, a play outside the policy, another team's playbook
        others = [p for p in setup["plays"] if p.pk not in (top, setup["plays"][0].pk)]
        if others:
            clash = {
                "bucket": "1ST_ANY",
                "play": others[0].pk,
                "playbook": book.pk,
                "call_number": "1",
            }
            assert coach_api.post(url, clash, format="json").status_code == 400
        stranger = b.play(team)
        bad = {"bucket": "1ST_ANY", "play": stranger.pk, "playbook": book.pk}
        assert coach_api.post(url, bad, format="json").status_code == 400
        bad = {"bucket": "2ND_LONG", "play": top, "playbook": book.pk}
        assert coach_api.post(url, bad, format="json").status_code == 400
        foreign = playbook_write(team=other_team, data={"name": "Theirs"}, entries=[])
        bad = {"bucket": "1ST_ANY", "play": top, "playbook": foreign.pk}
        assert coach_api.post(url, bad, format="json").status_code == 400
        plan = reverse("playbook-game-plan", kwargs={"team_id": team.pk, "pk": foreign.pk})
        assert coach_api.get(plan).status_code == 404
        assert PolicyAdoption.objects.count() == 2
        listed = coach_api.get(policy_url(trained, "adoptions")).json()
        assert [a["play"] for a in listed] == [setup["plays"][0].pk, top]
        assert listed[1]["bucket"] == "3RD_SHORT" and listed[1]["adopted_at"]
        assert listed[1]["adopted_by"] is not None

    def test_game_plan(self, coach_api, team, setup, django_capture_on_commit_callbacks):
        book = playbook_write(
            team=team,
            data={"name": "Game day"},
            entries=[
                {"play": p, "call_number": f"C{i}", "situations": []}
                for i, p in enumerate(setup["plays"])
            ],
        )
        url = reverse("playbook-game-plan", kwargs={"team_id": team.pk, "pk": book.pk})
        empty = coach_api.get(url).json()
        assert empty["policy"] is None and empty["buckets"] == []
        data = body(setup, playbook=book.pk, episodes=2000, buckets=["GOALLINE", "3RD_LONG"])
        del data["plays"]
        policy = train(coach_api, team, data, django_capture_on_commit_callbacks)
        plan = coach_api.get(url).json()
        assert plan["policy"] == policy.pk
        assert [row["bucket"] for row in plan["buckets"]] == ["GOALLINE", "3RD_LONG"]
        calls = plan["buckets"][0]["calls"]
        assert len(calls) == 3 and all(c["call_number"].startswith("C") for c in calls)
        assert calls[0]["expected_reward"] >= calls[1]["expected_reward"]


def test_demo_policy_finds_the_best_play(team):
    """Trained on the demo data, the top play of each bucket is statistically as good as
    the best play found by simulating every play × defense exhaustively."""
    fieldos_import(team=team, sources=sources_from_paths([DEMO]))
    plays = list(Play.objects.filter(team=team).order_by("pk"))
    scenarios = list(Scenario.objects.filter(team=team).order_by("pk"))[:4]
    buckets = ["3RD_SHORT", "GOALLINE"]
    policy = Policy.objects.create(
        team=team,
        mix=[{"scenario": s.pk, "weight": 1.0} for s in scenarios],
        buckets=buckets,
        algorithm="thompson",
        episodes=24_000,
        seed=3,
    )
    policy.plays.set(plays)
    policy.scenarios.set(scenarios)
    policies.policy_train(policy.pk, whole=True)
    policy.refresh_from_db()
    assert policy.status == JobStatus.SUCCEEDED, policy.error

    offense, defense = adapter.engine_players(team)
    # the same ruleset as training: the policy's, else each scenario's, else the team's
    rules = {s.pk: adapter.engine_rules(adapter.run_ruleset(policy, s)) for s in scenarios}
    for bucket in buckets:
        situation = engine.Situation(*policies.REPRESENTATIVE[bucket])
        means, ses = [], []
        for play in plays:
            rewards = [
                engine.simulate_prepared(
                    engine.prepare(
                        adapter.engine_play(play),
                        adapter.engine_scenario(s),
                        rules[s.pk],
                        offense,
                        defense,
                        situation,
                    ),
                    2048,
                    99,
                    key=(play.pk, s.pk),
                ).reward
                for s in scenarios
            ]
            means.append(np.mean([r.mean() for r in rewards]))
            ses.append(np.sqrt(sum(r.var(ddof=1) / r.size for r in rewards)) / len(rewards))
        best = int(np.argmax(means))
        top = policies.policy_recommend(policy, bucket)["recommendations"][0]["play"]
        chosen = [p.pk for p in plays].index(top)
        best_low = means[best] - 1.96 * ses[best]
        assert means[chosen] + 1.96 * ses[chosen] >= best_low, (bucket, means, chosen, best)


def test_a_deleted_play_stays_in_the_policies_trained_on_it(coach_api, team, trained):
    before = coach_api.get(policy_url(trained)).json()["plays"]
    gone = before[0]
    url = reverse("play-detail", kwargs={"team_id": team.pk, "pk": gone})
    assert coach_api.delete(url + "?force=true").status_code in (200, 204)
    assert coach_api.get(policy_url(trained)).json()["plays"] == before
