"""Helpers of the bad-input probes: URLs by kind, the API's error shape, valid
create bodies of every kind, and one of everything in a team (`team_objects`) and in
another team (`other_team_objects`), built through the services."""

import pytest
from django.urls import reverse

from playbook import services
from playbook.models import (
    Formation,
    Lineup,
    Play,
    Playbook,
    Player,
    Route,
    Ruleset,
    Scenario,
)
from tests.support import builders as b

HUGE = "99999999999999999999"  # beyond 64 bits


def url(team, kind, pk=None, action=None, **extra):
    team_id = team if isinstance(team, int | str) else team.pk
    if pk is None:
        name = f"{kind}-{action}" if action else f"{kind}-list"
        return reverse(name, kwargs={"team_id": team_id, **extra})
    name = f"{kind}-{action}" if action else f"{kind}-detail"
    return reverse(name, kwargs={"team_id": team_id, "pk": pk, **extra})


def error(response, status, code=None):
    """The one error shape of docs/api.md; returns the parsed body."""
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) >= {"status", "code", "detail", "errors"}, body
    assert body["status"] == status
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["errors"], dict)
    if code is not None:
        assert body["code"] == code, body
    return body


def field_error(response, field, text=None):
    """A 400 whose `errors` names `field` (a flattened path such as `slots[0].x`)."""
    body = error(response, 400, "invalid")
    assert field in body["errors"], body["errors"]
    messages = body["errors"][field]
    assert messages and all(isinstance(m, str) and m for m in messages)
    if text is not None:
        assert any(text in m for m in messages), messages
    return body


def player(team, **kw):
    return Player.objects.create(
        team=team, **{"name": b.name("Player"), "side": "OFFENSE", "role": "QB", **kw}
    )


def raw(client, method, path, body, content_type="application/json"):
    return client.generic(method, path, body, content_type=content_type)


def counts(team):
    return {
        model.__name__: model.objects.filter(team=team).count()
        for model in (Ruleset, Player, Lineup, Formation, Route, Play, Scenario, Playbook)
    }


@pytest.fixture
def team_objects(team):
    """One of everything in `team`, built through the services."""
    form = b.formation(team)
    out, slant = b.route(team), b.route(team, b.SLANT)
    play = b.play(team, form=form, routes={"WR1": out, "WR2": slant})
    other_play = b.play(team, form=form, routes={"WR1": slant})
    qb = player(team)
    defender = player(team, side="DEFENSE", role="D1")
    lineup = services.lineup_write(
        team=team, data={"name": b.name("Lineup")}, spots=[{"role": "QB", "player": qb}]
    )
    playbook = services.playbook_write(
        team=team,
        data={"name": b.name("Playbook")},
        entries=[
            {"play": play, "call_number": "10", "situations": ["REDZONE"]},
            {"play": other_play, "call_number": "11", "situations": []},
        ],
    )
    return {
        "ruleset": Ruleset.objects.get(team=team, is_default=True),
        "extra_ruleset": Ruleset.objects.create(team=team, name=b.name("Rules")),
        "formation": form,
        "route": out,
        "slant": slant,
        "play": play,
        "other_play": other_play,
        "scenario": b.scenario(team),
        "player": qb,
        "defender": defender,
        "lineup": lineup,
        "playbook": playbook,
    }


@pytest.fixture
def other_team_objects(other_team):
    """The same kinds of objects in another team, for foreign-id probes."""
    form = b.formation(other_team)
    play = b.play(other_team, form=form)
    qb = player(other_team)
    playbook = services.playbook_write(
        team=other_team,
        data={"name": b.name("Playbook")},
        entries=[{"play": play, "call_number": "1", "situations": []}],
    )
    return {
        "ruleset": Ruleset.objects.create(team=other_team, name=b.name("Rules")),
        "formation": form,
        "route": b.route(other_team),
        "play": play,
        "scenario": b.scenario(other_team),
        "player": qb,
        "defender": player(other_team, side="DEFENSE", role="D1"),
        "lineup": services.lineup_write(
            team=other_team, data={"name": b.name("Lineup")}, spots=[{"role": "QB", "player": qb}]
        ),
        "playbook": playbook,
        "entry": playbook.entries.get(),
    }


def payload(kind, team_objects):
    """A valid create body of each kind (fresh name each call)."""
    assignments = [
        {"role": s["role"], "route": team_objects["route"].pk if s["role"] == "WR1" else None}
        for s in b.TRIPS
    ]
    bodies = {
        "ruleset": {"field_width": 30},
        "player": {"side": "OFFENSE", "role": "WR1", "jersey_number": 7, "speed": 80},
        "formation": {"slots": [dict(s) for s in b.TRIPS]},
        "route": {"breakpoints": [dict(p) for p in b.OUT], "settle": False},
        "play": {
            "formation": team_objects["formation"].pk,
            "assignments": assignments,
            "qb_plan": {"progression": ["WR1"], "max_time_to_throw_ms": 3000},
            "motion": None,
            "tags": ["probe"],
        },
        "scenario": {"defenders": [dict(d) for d in b.COVER2], "coverage": "ZONE"},
        "lineup": {"spots": [{"role": "QB", "player": team_objects["player"].pk}]},
        "playbook": {"entries": [{"play": team_objects["play"].pk, "call_number": "1"}]},
    }
    return {"name": b.name(kind.capitalize()), **bodies[kind]}


MODELS = {
    "ruleset": Ruleset,
    "player": Player,
    "formation": Formation,
    "route": Route,
    "play": Play,
    "scenario": Scenario,
    "lineup": Lineup,
    "playbook": Playbook,
}
KINDS = list(MODELS)


def set_path(body, path, value):
    """set_path(body, "slots[0].x", 1) — the same paths the API reports errors under."""
    parts = path.replace("[", ".").replace("]", "").split(".")
    target = body
    for part in parts[:-1]:
        target = target[int(part)] if part.isdigit() else target[part]
    last = parts[-1]
    target[int(last) if last.isdigit() else last] = value
    return body
