"""Games in the admin: snaps inline (following on when left blank), the report page
and the actions."""

import pytest
from django.urls import reverse

from gameday.models import Game, Snap
from gameday.services import snap_record
from teams.models import Role
from tests.support.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(sideline):
    user = UserFactory(is_staff=True)
    MembershipFactory(user=user, team=sideline.team, role=Role.COACH)
    return user


def inline_row(i, **values):
    return {f"snaps-{i}-{k}": v for k, v in values.items()}


def test_adding_snaps_inline_follows_on(client, staff, sideline):
    client.force_login(staff)
    flood = sideline.plays[0]
    data = {
        "team": sideline.team.pk,
        "opponent": "Hawks",
        "date": "2026-10-03",
        "snaps-TOTAL_FORMS": "3",
        "snaps-INITIAL_FORMS": "0",
        "snaps-MIN_NUM_FORMS": "0",
        "snaps-MAX_NUM_FORMS": "1000",
        **inline_row(0, sequence=1, play=flood.pk, result="complete", yards=8),
        **inline_row(1, sequence=2, play=flood.pk, result="sack", yards=3),
        **inline_row(
            2,
            sequence=3,
            down=4,
            distance=2,
            yards_to_goal=27,
            play=flood.pk,
            result="run",
            yards=3,
        ),
    }
    response = client.post(reverse("admin:gameday_game_add"), data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    game = Game.objects.get(opponent="Hawks")
    snaps = list(game.snaps.order_by("sequence"))
    assert [(s.down, s.distance, s.yards_to_goal, s.yards, s.entered) for s in snaps] == [
        (1, 20, 45, 8, False),
        (2, 12, 37, -3, False),  # a sack loses yards
        (4, 2, 27, 3, True),
    ]
    assert {s.team_id for s in snaps} == {sideline.team.pk}


def test_report_page_and_actions(client, staff, sideline):
    flood, mesh, _ = sideline.plays
    for i, (play, result, yards) in enumerate(
        [(flood, "complete", 8), (mesh, "incomplete", 0), (flood, "run", 40)]
    ):
        snap_record(
            game=sideline.game, data={"play": play, "result": result, "yards": yards}, key=str(i)
        )
    client.force_login(staff)
    change = client.get(reverse("admin:gameday_game_change", args=[sideline.game.pk]))
    assert change.status_code == 200
    page = change.content.decode()
    assert (
        reverse("gameday-chart", kwargs={"team_id": sideline.team.pk, "game_id": sideline.game.pk})
        in page
    )
    report = client.get(reverse("admin:gameday_game_report", args=[sideline.game.pk]))
    html = report.content.decode()
    assert report.status_code == 200 and "<svg" in html and 'id="drive-chart"' in html
    assert "touchdown" in html and "Flood" in html
    changelist = reverse("admin:gameday_game_changelist")
    for name, marker in [
        ("self_scout", 'id="predictability"'),
        ("scout_opponents", "defenses by situation"),
        ("simulated_vs_real", 'id="corrections"'),
    ]:
        answer = client.post(changelist, {"action": name, "_selected_action": [sideline.game.pk]})
        assert answer.status_code == 200 and marker in answer.content.decode(), name
    pdf = client.post(
        changelist, {"action": "self_scout_pdf", "_selected_action": [sideline.game.pk]}
    )
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    csv = client.post(changelist, {"action": "snaps_csv", "_selected_action": [sideline.game.pk]})
    assert csv.content.decode().count("\n") == 4  # header + 3 snaps
    listing = client.get(changelist).content.decode()
    assert "Eagles" in listing
    snaps = client.get(reverse("admin:gameday_snap_changelist") + "?result=complete")
    assert snaps.status_code == 200 and "Flood" in snaps.content.decode()
    assert Snap.objects.count() == 3
