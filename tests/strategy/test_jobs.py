"""An analysis as a job: claimed once, stops when cancelled, fails with the reason,
recovered when its worker died, sampled in slices that answer as one go."""

from datetime import timedelta

import pytest
from django.db.models import F
from django.utils import timezone

from playbook.models import Play, ScenarioDefender
from playbook.services import playbook_write
from simulation.drives import transitions
from simulation.jobs import STALE_AFTER
from simulation.models import JobStatus
from strategy import jobs, services
from strategy.models import Analysis, AnalysisSample

pytestmark = pytest.mark.django_db


def queued(demo, kind="expected_points", **extra):
    body = demo.body(kind, episodes=16, **extra)
    body.pop("kind")
    return services.analysis_start(team=demo.team, user=demo.coach, kind=kind, **body)


def test_a_job_runs_once(demo):
    analysis = queued(demo)
    services.analysis_run(analysis.pk)
    analysis.refresh_from_db()
    assert analysis.status == JobStatus.SUCCEEDED and analysis.attempts == 1
    finished_at = analysis.finished_at
    services.analysis_run(analysis.pk)  # a duplicate task: left alone
    analysis.refresh_from_db()
    assert analysis.finished_at == finished_at and analysis.attempts == 1


def test_cancel_between_stages_keeps_no_result(demo, monkeypatch):
    analysis = queued(demo)
    real_step = jobs.step

    def cancel_at_first_stage(model, pk, progress):
        services.analysis_cancel(Analysis.objects.get(pk=pk))
        real_step(model, pk, progress)

    monkeypatch.setattr(jobs, "step", cancel_at_first_stage)
    services.analysis_run(analysis.pk)
    analysis.refresh_from_db()
    assert analysis.status == JobStatus.CANCELLED and analysis.result is None


def test_a_deleted_play_fails_the_job_with_the_reason(demo):
    analysis = queued(demo)
    Play.objects.filter(pk=demo.plays[0].pk).delete()
    Play.objects.filter(pk=demo.plays[1].pk).delete()
    services.analysis_run(analysis.pk)
    analysis.refresh_from_db()
    assert analysis.status == JobStatus.FAILED
    assert "The inputs changed since it was asked" in analysis.error
    assert "No play" in analysis.error


def test_a_dead_workers_job_is_queued_again_then_failed(demo, monkeypatch):
    enqueued = []
    monkeypatch.setattr(services, "enqueue", enqueued.append)
    analysis = queued(demo)
    long_ago = timezone.now() - STALE_AFTER - timedelta(minutes=1)
    Analysis.objects.filter(pk=analysis.pk).update(
        status=JobStatus.RUNNING, heartbeat_at=long_ago, attempts=1
    )
    assert services.analysis_recover_stale() == (1, 0)
    analysis.refresh_from_db()
    assert analysis.status == JobStatus.QUEUED and enqueued == [analysis.pk]
    # a task lost on the queue is put on it again
    Analysis.objects.filter(pk=analysis.pk).update(queued_at=long_ago)
    assert services.analysis_recover_stale() == (1, 0)
    # the third death fails it
    Analysis.objects.filter(pk=analysis.pk).update(
        status=JobStatus.RUNNING, heartbeat_at=long_ago, attempts=jobs.MAX_ATTEMPTS
    )
    assert services.analysis_recover_stale() == (0, 1)
    analysis.refresh_from_db()
    assert analysis.status == JobStatus.FAILED and "died" in analysis.error
    # a fresh running job is left alone
    other = queued(demo, seed=99)
    Analysis.objects.filter(pk=other.pk).update(
        status=JobStatus.RUNNING, heartbeat_at=timezone.now()
    )
    assert services.analysis_recover_stale() == (0, 0)


def test_looking_at_a_stale_job_recovers_it(demo, monkeypatch):
    monkeypatch.setattr(services, "enqueue", lambda pk: None)
    analysis = queued(demo)
    long_ago = timezone.now() - STALE_AFTER - timedelta(minutes=1)
    Analysis.objects.filter(pk=analysis.pk).update(
        status=JobStatus.RUNNING, heartbeat_at=long_ago, attempts=1
    )
    detail = demo.api.get(demo.url(analysis)).json()
    assert detail["status"] == "queued"


def test_recover_command(demo, capsys):
    from django.core.management import call_command

    call_command("recover_analyses")
    assert "0 analysis(es) queued again, 0 failed." in capsys.readouterr().out


# --- slices ----------------------------------------------------------------------------


def slice_by_slice(analysis):
    """Run an analysis one play a slice, each slice in a "new process" (no sampled
    tables kept in memory). Returns the number of slices."""
    slices = 0
    while True:
        slices += 1
        transitions._cache.clear()
        if services.analysis_run(analysis.pk) is None:
            return slices


def opponent_book(demo):
    return playbook_write(
        team=demo.team,
        data={"name": "Their offense"},
        entries=[{"play": p, "call_number": str(i)} for i, p in enumerate(demo.plays[1:])],
    )


@pytest.mark.parametrize("kind", ["expected_points", "season"])
def test_an_analysis_in_slices_answers_as_in_one_go(demo, monkeypatch, kind):
    extra = {"opponent_playbook": opponent_book(demo).pk, "games": 10} if kind == "season" else {}
    whole, sliced = queued(demo, kind, **extra), queued(demo, kind, **extra)
    transitions._cache.clear()
    services.analysis_run(whole.pk)
    monkeypatch.setattr(services, "SLICE_SECONDS", 0)
    plays = 3 + (2 if kind == "season" else 0)  # ours, then the opponent's against us
    assert slice_by_slice(sliced) == plays  # one play a slice
    whole.refresh_from_db(), sliced.refresh_from_db()
    assert sliced.status == whole.status == JobStatus.SUCCEEDED
    assert sliced.result == whole.result and sliced.cached_from is None
    assert sliced.attempts == 1 and not AnalysisSample.objects.exists()


def test_between_slices_it_waits_in_the_queue_with_what_it_sampled(demo, monkeypatch):
    from strategy import tasks

    analysis = queued(demo)
    enqueued = []
    monkeypatch.setattr(services, "enqueue", enqueued.append)
    monkeypatch.setattr(services, "SLICE_SECONDS", 0)
    transitions._cache.clear()
    tasks.run_analysis_task.func(analysis.pk)
    assert enqueued == [analysis.pk]  # the next slice, behind what was queued meanwhile
    analysis.refresh_from_db()
    assert analysis.status == JobStatus.QUEUED and 10 < analysis.progress < 80
    assert analysis.attempts == 0 and analysis.started_at and analysis.result is None
    assert list(analysis.samples.values_list("table", "play")) == [(0, str(demo.plays[0].pk))]


def test_an_edit_between_slices_fails_it_with_the_reason(demo, monkeypatch):
    analysis = queued(demo)
    monkeypatch.setattr(services, "SLICE_SECONDS", 0)
    assert services.analysis_run(analysis.pk) is not None
    ScenarioDefender.objects.filter(scenario=demo.defenses[0]).update(y=F("y") + 2)
    assert services.analysis_run(analysis.pk) is None
    analysis.refresh_from_db()
    assert analysis.status == JobStatus.FAILED and "changed while it ran" in analysis.error
    assert not AnalysisSample.objects.exists()


def test_cancelled_between_slices_it_drops_what_it_sampled(demo, monkeypatch):
    analysis = queued(demo)
    monkeypatch.setattr(services, "SLICE_SECONDS", 0)
    assert services.analysis_run(analysis.pk) is not None
    assert AnalysisSample.objects.filter(analysis=analysis).count() == 1
    assert services.analysis_cancel(analysis)
    assert services.analysis_run(analysis.pk) is None  # the queued slice finds it cancelled
    analysis.refresh_from_db()
    assert analysis.status == JobStatus.CANCELLED and not AnalysisSample.objects.exists()
