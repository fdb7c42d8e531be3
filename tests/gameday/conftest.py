"""A team ready for game day: three plays in a playbook with call numbers, two
scenarios (a Cover 2 zone with one rusher, a Cover 0 man with one rusher) and a game."""

import datetime
from dataclasses import dataclass

import pytest

from gameday.models import Game
from playbook import services
from tests.support import builders as b

COVER0 = [
    {"slot": "D1", "x": 5.0, "y": -10.0, "duty": "MAN", "man_target": "WR1"},
    {"slot": "D2", "x": 5.0, "y": 7.0, "duty": "MAN", "man_target": "WR2"},
    {"slot": "D3", "x": 7.0, "y": 0.0, "duty": "RUSH"},
    {"slot": "D4", "x": 5.0, "y": 4.0, "duty": "MAN", "man_target": "WR3"},
    {"slot": "D5", "x": 9.0, "y": 0.0, "duty": "MAN", "man_target": "CENTER"},
]


@dataclass
class Sideline:
    team: object
    plays: list
    scenarios: list
    playbook: object
    game: object


def sideline_for(team, opponent="Eagles"):
    formation = b.formation(team, name=b.name("Trips"))
    plays = [b.play(team, form=formation, name=name) for name in ("Flood", "Mesh", "Jet Sweep")]
    cover2 = b.scenario(team, name=b.name("Cover 2"), shell="COVER2", coverage="ZONE")
    cover0 = b.scenario(
        team, defenders=COVER0, name=b.name("Cover 0"), shell="COVER0", coverage="MAN"
    )
    book = services.playbook_write(
        team=team,
        data={"name": b.name("Game plan")},
        entries=[{"play": p, "call_number": str(10 + i)} for i, p in enumerate(plays)],
    )
    game = Game.objects.create(
        team=team, opponent=opponent, date=datetime.date(2026, 9, 12), playbook=book
    )
    return Sideline(team, plays, [cover2, cover0], book, game)


@pytest.fixture
def sideline(team):
    return sideline_for(team)
