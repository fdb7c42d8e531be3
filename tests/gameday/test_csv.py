"""CSV in and out in Hudl breakdown columns: a round trip keeps every snap, a bad row
is a 400 naming the row and the column, and nothing is written."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gameday import csv_io
from gameday.models import Game, Snap
from gameday.services import snap_record
from teams.models import Role
from tests.support.clients import client_for
from tests.support.factories import MembershipFactory

pytestmark = pytest.mark.django_db

KEPT = (
    "sequence",
    "drive",
    "down",
    "distance",
    "yards_to_goal",
    "play_id",
    "defense_id",
    "defense_shell",
    "defense_coverage",
    "defense_rushers",
    "result",
    "yards",
    "touchdown",
    "flag_puller",
    "target",
    "notes",
    "idempotency_key",
)


@pytest.fixture
def coach(sideline):
    return client_for(MembershipFactory(team=sideline.team, role=Role.COACH).user)


def csv_url(game):
    return reverse("game-snaps-csv", kwargs={"team_id": game.team_id, "pk": game.pk})


def chart_some(s):
    flood, mesh, jet = s.plays
    cover2, _ = s.scenarios
    rows = [
        {
            "play": flood,
            "result": "complete",
            "yards": 8,
            "defense": cover2,
            "target": "WR1",
            "flag_puller": "#23",
        },
        {
            "play": mesh,
            "result": "incomplete",
            "defense_shell": "COVER0",
            "defense_coverage": "MAN",
            "defense_rushers": 1,
            "notes": 'tipped, "late"',
        },
        {"play": jet, "result": "run", "yards": 16, "target": "WR3"},
        {"play": flood, "result": "sack", "yards": -3},
        {"play": mesh, "result": "penalty", "yards": 5, "notes": "offside"},
        {"play": flood, "result": "complete", "yards": 30},  # touchdown
        {"play": mesh, "result": "interception", "defense": cover2},
    ]
    for i, data in enumerate(rows):
        snap_record(game=s.game, data=data, key=f"live-{i}")


def test_round_trip(sideline, coach):
    chart_some(sideline)
    exported = coach.get(csv_url(sideline.game))
    assert exported["Content-Type"].startswith("text/csv")
    assert "attachment" not in exported["Content-Disposition"]  # inline, with a name
    text = exported.content.decode()
    assert text.splitlines()[0] == ",".join(csv_io.COLUMNS)
    assert text.splitlines()[1].startswith("1,O,1,1,20,-5,Pass,Complete,8,Flood,")
    copy = Game.objects.create(
        team=sideline.team, opponent="Copy", date=sideline.game.date, playbook=sideline.playbook
    )
    answer = coach.post(csv_url(copy), {"text": text}, format="json")
    assert answer.status_code == 200, answer.json()
    assert answer.json() == {"created": 7, "unchanged": 0, "rows": 7}

    def rows(game):
        return list(Snap.objects.filter(game=game).order_by("sequence").values(*KEPT))

    assert rows(copy) == rows(sideline.game)
    again = coach.post(csv_url(copy), {"text": text}, format="json").json()
    assert again == {"created": 0, "unchanged": 7, "rows": 7}  # same keys: nothing added
    assert coach.get(csv_url(copy)).content.decode() == text


HUDL = """PLAY #,ODK,DN,DIST,YARD LN,PLAY TYPE,RESULT,GN/LS,OFF PLAY,DEF FRONT,COVERAGE
1,O,1,20,-5,Pass,Complete,6,10,Cover 2,Zone
2,D,1,20,-5,Pass,Complete,12,,,
3,O,2,14,-11,Run,Rush,9,Jet Sweep,,
4,O,3,5,-20,Pass,Complete TD,30,11,Cover 0,Man
"""


def test_a_hudl_breakdown_imports(sideline, coach):
    upload = SimpleUploadedFile("breakdown.csv", HUDL.encode("utf-8-sig"), "text/csv")
    answer = coach.post(csv_url(sideline.game), {"file": upload}, format="multipart")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["created"] == 3  # the defense's row (ODK D) is not ours
    snaps = list(sideline.game.snaps.order_by("sequence"))
    assert [(s.down, s.distance, s.yards_to_goal) for s in snaps] == [
        (1, 20, 45),
        (2, 14, 39),
        (3, 5, 30),
    ]
    flood, mesh, jet = sideline.plays
    assert [s.play_id for s in snaps] == [flood.pk, jet.pk, mesh.pk]  # call numbers, names
    assert snaps[0].defense_shell == "COVER2" and snaps[0].defense_coverage == "ZONE"
    assert snaps[1].result == "run" and snaps[2].touchdown
    upload = SimpleUploadedFile("breakdown.csv", HUDL.encode(), "text/csv")
    again = coach.post(csv_url(sideline.game), {"file": upload}, format="multipart").json()
    assert again["unchanged"] == 3 and sideline.game.snaps.count() == 3


@pytest.mark.parametrize(
    ("bad_row", "where", "words"),
    [
        ("3,O,2,10,-10,Pass,Fumble,0,10,,", "row 3.RESULT", "'Fumble' is not a result"),
        ("3,O,7,10,-10,Pass,Complete,0,10,,", "row 3.DN", "between 1 and 3"),
        ("3,O,2,ten,-10,Pass,Complete,0,10,,", "row 3.DIST", "'ten' is not a number"),
        ("3,O,2,10,-60,Pass,Complete,0,10,,", "row 3.YARD LN", "off the 50-yd field"),
        ("3,O,2,10,-10,Pass,Complete,0,10,Prevent,", "row 3.DEF FRONT", "'Prevent'"),
        ("3,O,2,10,-10,Pass,Complete,0,10,,Both", "row 3.COVERAGE", "Man or Zone"),
        ("3,O,2,30,+20,Pass,Complete,0,10,,", "row 3.DIST", "more than the 20 yd"),
    ],
)
def test_a_bad_row_names_row_and_column_and_writes_nothing(sideline, coach, bad_row, where, words):
    header, good = HUDL.splitlines()[:2]
    text = "\n".join([header, good, bad_row, good.replace("1,O", "4,O")]) + "\n"
    answer = coach.post(csv_url(sideline.game), {"text": text}, format="json")
    assert answer.status_code == 400, answer.json()
    body = answer.json()
    assert list(body["errors"]) == [where]
    assert words in body["errors"][where][0]
    assert (
        body["detail"].startswith(where.replace(".", ", column "))
        and "Nothing was written" in body["detail"]
    )
    assert sideline.game.snaps.count() == 0


def test_files_that_are_not_csv(sideline, coach):
    url = csv_url(sideline.game)
    assert coach.post(url, {}, format="json").status_code == 400
    no_result = coach.post(url, {"text": "DN,DIST\n1,20\n"}, format="json")
    assert "row 1.RESULT" in no_result.json()["errors"]
    binary = SimpleUploadedFile("x.csv", b"\xff\xfe\x00bad", "text/csv")
    assert coach.post(url, {"file": binary}, format="multipart").status_code == 400
    member = client_for(MembershipFactory(team=sideline.team, role=Role.MEMBER).user)
    assert member.post(url, {"text": HUDL}, format="json").status_code == 403
    assert member.get(url).status_code == 200
