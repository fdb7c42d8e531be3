"""The admin: the start form (every kind), the change pages with their reports and
pictures, the list with its filters, cancel."""

import pytest
from django.urls import reverse

from playbook.services import playbook_write
from simulation.models import JobStatus
from strategy import services
from strategy.models import Analysis
from teams.models import Role
from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(demo):
    user = UserFactory(is_staff=True)
    demo.team.memberships.create(user=user, role=Role.COACH)
    return user


def finished(demo, kind, **extra):
    body = {**demo.body(kind, episodes=16), **extra}
    body.pop("kind")
    analysis = services.analysis_start(team=demo.team, kind=kind, name=f"{kind} demo", **body)
    services.analysis_run(analysis.pk)
    analysis.refresh_from_db()
    assert analysis.status == JobStatus.SUCCEEDED, analysis.error
    return analysis


def change_url(analysis):
    return reverse("admin:strategy_analysis_change", args=[analysis.pk])


def test_change_pages_show_each_report(client, demo, staff):
    client.force_login(staff)
    book = playbook_write(
        team=demo.team,
        data={"name": "Their offense"},
        entries=[{"play": p, "call_number": str(i)} for i, p in enumerate(demo.plays)],
    )
    opponent = {"opponent_playbook": book.pk, "games": 6, "drives_per_team": 3}
    pages = {
        "expected_points": (finished(demo, "expected_points"), ["Expected points", "ep-chart.svg"]),
        "call_mix": (
            finished(demo, "call_mix", situation={"down": 3, "distance": 2, "yards_to_goal": 25}),
            [
                "3rd &amp; 2 at midfield",
                "Unexploitable call mix",
                "wristband.pdf",
                "Exploitability",
            ],
        ),
        "season": (finished(demo, "season", **opponent), ["Drive chart", "Key moments"]),
        "stress_test": (
            finished(demo, "stress_test", **opponent),
            ["Adaptive defense stress test", "equilibrium", "fictitious"],
        ),
    }
    for kind, (analysis, words) in pages.items():
        page = client.get(change_url(analysis))
        assert page.status_code == 200, kind
        text = page.content.decode()
        for word in words:
            assert word in text, (kind, word)
    ep = pages["expected_points"][0]
    chart = client.get(reverse("admin:strategy_analysis_picture", args=[ep.pk, "ep-chart", "svg"]))
    assert chart.status_code == 200 and chart.content.startswith(b"<svg")
    band = pages["call_mix"][0]
    pdf = client.get(reverse("admin:strategy_analysis_picture", args=[band.pk, "wristband", "pdf"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    wrong = reverse("admin:strategy_analysis_picture", args=[ep.pk, "wristband", "pdf"])
    assert client.get(wrong).status_code == 404
    listed = client.get(reverse("admin:strategy_analysis_changelist"), {"kind__exact": "season"})
    assert listed.status_code == 200
    assert "season demo" in listed.content.decode()
    assert "call_mix demo" not in listed.content.decode()


def test_the_add_form_starts_an_analysis(client, demo, staff, capture):
    client.force_login(staff)
    url = reverse("admin:strategy_analysis_add")
    assert client.get(url).status_code == 200
    form = {
        "team": demo.team.pk,
        "kind": "call_mix",
        "name": "From the admin",
        "plays": [p.pk for p in demo.plays],
        "scenarios": [s.pk for s in demo.defenses],
        "weights": "",
        "down": 3,
        "distance": 2,
        "yards_to_goal": 25,
        "dice": 6,
        "drives_per_team": 8,
        "coordinator": "fictitious",
        "ruleset": demo.ruleset.pk,
        "episodes": 16,
        "seed": 4,
    }
    with capture(execute=True):
        response = client.post(url, form)
    analysis = Analysis.objects.get(name="From the admin")
    assert response.status_code == 302 and response.url == change_url(analysis)
    analysis.refresh_from_db()
    assert analysis.status == JobStatus.SUCCEEDED
    assert analysis.params == {"down": 3, "distance": 2, "yards_to_goal": 25, "dice": 6}
    # the services' words, on the form's fields
    bad = {**form, "plays": [demo.plays[0].pk], "down": 7, "weights": "1, 0"}
    response = client.post(url, bad)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "At least 2 different plays" in errors["plays"][0]
    assert "every weight must be a number above 0" in errors["scenarios"][0]
    assert "down 7" in errors["down"][0]


def test_cancel_action(client, demo, staff):
    client.force_login(staff)
    body = demo.body("expected_points", episodes=16)
    body.pop("kind")
    analysis = services.analysis_start(team=demo.team, kind="expected_points", **body)
    response = client.post(
        reverse("admin:strategy_analysis_changelist"),
        {"action": "cancel_analyses", "_selected_action": [analysis.pk]},
    )
    assert response.status_code == 302
    analysis.refresh_from_db()
    assert analysis.status == JobStatus.CANCELLED
    page = client.get(change_url(analysis)).content.decode()
    assert "Cancelled" in page


def test_an_analysis_between_slices_says_it_waits_for_a_worker(client, demo, staff):
    body = demo.body("expected_points", episodes=16)
    body.pop("kind")
    analysis = services.analysis_start(team=demo.team, kind="expected_points", **body)
    client.force_login(staff)
    text = client.get(change_url(analysis)).content.decode()
    assert "queued in the background" in text and "next plays" not in text  # not started
    Analysis.objects.filter(pk=analysis.pk).update(progress=45)  # paused after a slice
    text = client.get(change_url(analysis)).content.decode()
    assert "45 % done" in text and "waits for a worker to sample its next plays" in text
