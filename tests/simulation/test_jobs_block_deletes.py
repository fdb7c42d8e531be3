"""A queued or running training or analysis blocks deleting what it reads, as a run
does (tests/simulation/test_run_inputs.py): the API answers 409 naming the job, the
admin names it and deletes nothing; once the job is finished the delete goes through."""

import pytest
from django.urls import reverse

from playbook import services as playbook_services
from simulation import policies
from simulation.models import JobStatus, Policy, PolicyAlgorithm
from strategy.models import Analysis
from strategy.services import analysis_start
from teams.models import Role
from tests.support import builders as b
from tests.support.clients import client_for
from tests.support.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coach_api(team):
    return client_for(MembershipFactory(team=team, role=Role.COACH).user)


@pytest.fixture
def inputs(team):
    play, other = b.play(team), b.play(team)
    scenario = b.scenario(team)
    book = playbook_services.playbook_write(
        team=team,
        data={"name": "Game plan"},
        entries=[
            {"play": play, "call_number": "1", "situations": []},
            {"play": other, "call_number": "2", "situations": []},
        ],
    )
    return {"play": play, "other": other, "scenario": scenario, "playbook": book}


def training(team, inputs):
    return policies.policy_train_start(
        team=team,
        user=None,
        plays=[inputs["play"], inputs["other"]],
        mix=[(inputs["scenario"], 1.0)],
        buckets=["3RD_SHORT"],
        algorithm=PolicyAlgorithm.THOMPSON,
        params={},
        episodes=400,
        seed=11,
        playbook=inputs["playbook"],
    )


def analysis(team, inputs):
    return analysis_start(
        team=team,
        kind="call_mix",
        playbook=inputs["playbook"],  # its plays are the ones analysed
        mix=[{"scenario": inputs["scenario"].pk, "weight": 1.0}],
        situation={"down": 3, "distance": 2, "yards_to_goal": 30},
        episodes=16,
        seed=3,
    )


JOBS = {"training": (training, Policy), "analysis": (analysis, Analysis)}


def target(inputs, kind):
    play = inputs["play"]
    return {
        "play": play,
        "scenario": inputs["scenario"],
        "formation": play.formation,
        "route": play.assignments.exclude(route=None).first().route,
        "playbook": inputs["playbook"],
    }[kind]


def detail_url(team, obj):
    name = obj._meta.model_name
    return reverse(f"{name}-detail", kwargs={"team_id": team.pk, "pk": obj.pk})


@pytest.mark.parametrize("status", [JobStatus.QUEUED, JobStatus.RUNNING])
@pytest.mark.parametrize("force", ["", "?force=true"])
@pytest.mark.parametrize("kind", ["play", "scenario", "formation", "route", "playbook"])
@pytest.mark.parametrize("job_kind", list(JOBS))
def test_api_delete_names_the_job(coach_api, team, inputs, job_kind, kind, force, status):
    start, model = JOBS[job_kind]
    job = start(team, inputs)
    model.objects.filter(pk=job.pk).update(status=status)
    obj = target(inputs, kind)
    response = coach_api.delete(detail_url(team, obj) + force)
    assert response.status_code == 409, response.content
    data = response.json()
    assert data["code"] == "in_use"
    label = status.label.lower()
    assert f"in use by {job_kind} {job.pk} ({label})" in data["detail"]
    job.refresh_from_db()
    assert data["used_by"] == [{"kind": model._meta.model_name, "id": job.pk, "name": str(job)}]
    assert type(obj).objects.filter(pk=obj.pk).exists()


@pytest.mark.parametrize("job_kind", list(JOBS))
def test_a_player_of_the_default_lineup_is_in_use(coach_api, team, inputs, job_kind):
    player = playbook_services.player_write(
        team=team, data={"name": "Quick QB", "role": "QB", "side": "OFFENSE"}
    )
    playbook_services.lineup_build_default(team)
    job = JOBS[job_kind][0](team, inputs)
    response = coach_api.delete(detail_url(team, player))
    assert response.status_code == 409, response.content
    assert f"in use by {job_kind} {job.pk} (queued)" in response.json()["detail"]


@pytest.mark.parametrize("status", [JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED])
@pytest.mark.parametrize("job_kind", list(JOBS))
def test_a_finished_job_does_not_block(coach_api, team, inputs, job_kind, status):
    start, model = JOBS[job_kind]
    job = start(team, inputs)
    model.objects.filter(pk=job.pk).update(status=status)
    response = coach_api.delete(detail_url(team, inputs["scenario"]))
    assert response.status_code == 204, response.content


@pytest.mark.parametrize("job_kind", list(JOBS))
def test_an_object_the_job_does_not_read_can_go(coach_api, team, inputs, job_kind):
    JOBS[job_kind][0](team, inputs)
    unused = b.scenario(team)
    assert coach_api.delete(detail_url(team, unused)).status_code == 204


@pytest.mark.parametrize("job_kind", list(JOBS))
def test_admin_delete_names_the_job_and_deletes_nothing(client, team, inputs, job_kind):
    user = MembershipFactory(team=team, role=Role.COACH).user
    user.is_staff = True
    user.save()
    client.force_login(user)
    job = JOBS[job_kind][0](team, inputs)
    play = inputs["play"]
    url = reverse("admin:playbook_play_delete", args=[play.pk])
    page = client.get(url)
    assert f"in use by {job_kind} {job.pk} (queued)" in page.content.decode()
    client.post(url, {"post": "yes"})
    bulk = client.post(
        reverse("admin:playbook_play_changelist"),
        {"action": "delete_selected", "_selected_action": [play.pk], "post": "yes"},
    )
    assert f"in use by {job_kind} {job.pk}" in bulk.content.decode()
    assert type(play).objects.filter(pk=play.pk).exists()
