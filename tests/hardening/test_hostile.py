"""Hostile requests, one table: each row is a request a careless or malicious client
could send, with the status and error code the API must answer (config/api.py's
{"status", "code", "detail", "errors"} shape on every error)."""

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib import admin
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from pictures import diagrams
from playbook import services
from playbook.models import Play, Player
from simulation.services import simulation_run_start
from teams.models import Role
from tests.support import builders as b
from tests.support.factories import MembershipFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

BIG = 2**70  # past any database integer
MB = 2**20


@dataclass
class Hostile:
    name: str
    method: str
    path: str  # formatted with the world's ids
    expect: int
    code: str | None = None  # the error body's code (None for a success)
    body: object = None  # JSON-encoded
    raw: bytes | None = None  # sent as is, with content_type
    content_type: str = "application/json"
    auth: str = "coach"  # coach | none | expired | tampered | unsigned | garbage
    count: int | None = None  # for a 200 list: how many rows it must have

    def __str__(self):
        return self.name


def player(**extra):
    return {"name": "Tyrell", "side": "OFFENSE", "role": "WR1", **extra}


def run(**extra):
    return {
        "plays": ["{play}"],
        "scenarios": ["{scenario}"],
        "episodes": 100,
        "seed": 1,
        "situation": {"down": 3, "distance": 2, "yardline": 30},
        **extra,
    }


T = "/api/teams/{team}"
TABLE = [
    # wrong types
    Hostile("name as a list", "post", f"{T}/players/", 400, "invalid", player(name=["x"])),
    Hostile("name as an object", "post", f"{T}/players/", 400, "invalid", player(name={"a": 1})),
    Hostile("rating as text", "post", f"{T}/players/", 400, "invalid", player(speed="fast")),
    Hostile("side not a choice", "post", f"{T}/players/", 400, "invalid", player(side="BOTH")),
    Hostile("null name", "post", f"{T}/players/", 400, "invalid", player(name=None)),
    Hostile("episodes as a boolean", "post", f"{T}/simulate/", 400, "invalid", run(episodes=True)),
    Hostile("plays not a list", "post", f"{T}/simulations/", 400, "invalid", run(plays="{play}")),
    Hostile("body is a list", "post", f"{T}/players/", 400, "invalid", [player()]),
    # huge numbers
    Hostile("rating 1e308", "post", f"{T}/players/", 400, "invalid", player(speed=1e308)),
    Hostile("jersey 2**70", "post", f"{T}/players/", 400, "invalid", player(jersey_number=BIG)),
    Hostile("episodes 1e308", "post", f"{T}/simulations/", 400, "invalid", run(episodes=1e308)),
    Hostile("seed 2**70", "post", f"{T}/simulations/", 400, "invalid", run(seed=BIG)),
    Hostile("play id 2**70 in a body", "post", f"{T}/simulate/", 400, "invalid", run(plays=[BIG])),
    Hostile("object id 2**70", "get", f"{T}/plays/{BIG}/", 404, "not_found"),
    Hostile("team id 2**70", "get", f"/api/teams/{BIG}/plays/", 404, "not_found"),
    Hostile("entry id 2**70", "delete", f"{T}/playbooks/{{book}}/entries/{BIG}/", 404, "not_found"),
    Hostile("trace 2**70", "get", f"{T}/simulations/{{run}}/traces/{BIG}/", 404, "not_found"),
    Hostile("negative object id", "get", f"{T}/plays/-1/", 404, "not_found"),
    Hostile(
        "yardline 1e308",
        "post",
        f"{T}/simulations/",
        400,
        "invalid",
        run(situation={"down": 3, "distance": 2, "yardline": 1e308}),
    ),
    Hostile(
        "NaN in JSON",
        "post",
        f"{T}/players/",
        400,
        "parse_error",
        raw=b'{"name": "x", "side": "OFFENSE", "role": "WR1", "speed": NaN}',
    ),
    # negative episodes and other out-of-range jobs
    Hostile("negative episodes", "post", f"{T}/simulations/", 400, "invalid", run(episodes=-5)),
    Hostile("zero episodes", "post", f"{T}/simulations/", 400, "invalid", run(episodes=0)),
    Hostile(
        "negative training episodes",
        "post",
        f"{T}/policies/train/",
        400,
        "invalid",
        {"playbook": "{book}", "scenarios": [{"scenario": "{scenario}"}], "episodes": -1},
    ),
    Hostile("negative traces", "post", f"{T}/simulations/", 400, "invalid", run(traces=-1)),
    # big and malformed bodies
    Hostile(
        "10 MB name",
        "post",
        f"{T}/players/",
        400,
        "invalid",
        raw=b'{"name": "' + b"x" * (10 * MB) + b'", "side": "OFFENSE", "role": "WR1"}',
    ),
    Hostile(
        "26 MB body (over the 25 MB limit)",
        "post",
        f"{T}/players/",
        413,
        "too_large",
        raw=b'{"name": "' + b"x" * (26 * MB) + b'"}',
    ),
    Hostile(
        "JSON nested 100,000 deep",
        "post",
        f"{T}/players/",
        400,
        "parse_error",
        raw=b"[" * 100_000 + b"]" * 100_000,
    ),
    Hostile("truncated JSON", "post", f"{T}/players/", 400, "parse_error", raw=b'{"name": '),
    Hostile("not UTF-8", "post", f"{T}/players/", 400, "parse_error", raw=b'{"name": "\xff\xfe"}'),
    Hostile(
        "XML body",
        "post",
        f"{T}/players/",
        415,
        "unsupported_media_type",
        raw=b"<player/>",
        content_type="application/xml",
    ),
    # names: stored verbatim
    Hostile("unicode name", "post", f"{T}/players/", 201, None, player(name="Zoë Ωmega 名前 🏈")),
    Hostile(
        "SQL in a name",
        "post",
        f"{T}/players/",
        201,
        None,
        player(name="Robert'); DROP TABLE playbook_player;--"),
    ),
    Hostile(
        "HTML in a name",
        "post",
        f"{T}/players/",
        201,
        None,
        player(name="<script>alert(1)</script>"),
    ),
    Hostile("NUL in a name", "post", f"{T}/players/", 400, "invalid", player(name="a\x00b")),
    Hostile("bell in a name", "post", f"{T}/players/", 400, "invalid", player(name="a\x07b")),
    Hostile("U+FFFE in a name", "post", f"{T}/players/", 400, "invalid", player(name="a\ufffe")),
    Hostile(
        "search of 1,100 words",
        "get",
        f"{T}/plays/?search=" + "+".join(f"w{i}" for i in range(1100)),
        400,
        "invalid",
    ),
    Hostile(
        "inline run larger than a request allows",
        "post",
        f"{T}/simulations/",
        400,
        "invalid",
        run(episodes=30_000, inline=True),
    ),
    # other teams
    Hostile("other team's URL", "get", "/api/teams/{other}/plays/", 404, "not_found"),
    Hostile("other team's play", "get", f"{T}/plays/{{their_play}}/", 404, "not_found"),
    Hostile("other team's play deleted", "delete", f"{T}/plays/{{their_play}}/", 404, "not_found"),
    Hostile(
        "other team's play in a body",
        "post",
        f"{T}/simulations/",
        400,
        "invalid",
        run(plays=["{their_play}"]),
    ),
    Hostile(
        "other team's formation in a filter",
        "get",
        f"{T}/plays/?formation={{their_form}}",
        200,
        count=0,
    ),
    # tokens
    Hostile("no credentials", "get", f"{T}/plays/", 401, "not_authenticated", auth="none"),
    Hostile("expired token", "get", f"{T}/plays/", 401, "token_not_valid", auth="expired"),
    Hostile("tampered token", "get", f"{T}/plays/", 401, "token_not_valid", auth="tampered"),
    Hostile(
        "unsigned token (alg none)", "get", f"{T}/plays/", 401, "token_not_valid", auth="unsigned"
    ),
    Hostile("garbage bearer", "get", f"{T}/plays/", 401, "token_not_valid", auth="garbage"),
    # methods
    Hostile("DELETE a list", "delete", f"{T}/plays/", 405, "method_not_allowed"),
    Hostile("PUT on login", "put", "/api/auth/login/", 405, "method_not_allowed", auth="none"),
    Hostile("POST a detail", "post", f"{T}/plays/{{play}}/", 405, "method_not_allowed", {}),
    # query filters
    Hostile("unknown choice filter", "get", f"{T}/players/?side=SIDEWAYS", 400, "invalid"),
    Hostile("boolean filter 'maybe'", "get", f"{T}/formations/?has_warnings=maybe", 400, "invalid"),
    Hostile("id filter 2**70", "get", f"{T}/plays/?formation={BIG}", 400, "invalid"),
    Hostile("number filter NaN", "get", f"{T}/players/?speed__gte=nan", 400, "invalid"),
    Hostile("NUL in a search", "get", f"{T}/plays/?search=%00", 400, "invalid"),
    Hostile("page 2**70", "get", f"{T}/plays/?page={BIG}", 404, "not_found"),
]


@pytest.fixture
def world(db):
    team, other = TeamFactory(), TeamFactory()
    coach = MembershipFactory(team=team, role=Role.COACH).user
    play = b.play(team)
    book = services.playbook_write(
        team=team, data={"name": "Book"}, entries=[{"play": play, "call_number": "1"}]
    )
    sim = {"down": 3, "distance": 2, "yardline": 30}
    run_ = simulation_run_start(
        team=team,
        user=coach,
        plays=[play],
        scenarios=[b.scenario(team)],
        episodes=50,
        seed=1,
        situation=sim,
        traces=1,
    )
    return {
        "coach": coach,
        "ids": {
            "team": team.pk,
            "other": other.pk,
            "play": play.pk,
            "scenario": run_.scenarios.get().pk,
            "book": book.pk,
            "run": run_.pk,
            "their_play": b.play(other).pk,
            "their_form": Play.objects.filter(team=other).get().formation_id,
        },
    }


def fill(value, ids):
    """Put the world's ids into a path or a JSON body ("{play}" → 12)."""
    if isinstance(value, str):
        if value.startswith("{") and value.endswith("}") and value[1:-1] in ids:
            return ids[value[1:-1]]
        return value.format(**ids)
    if isinstance(value, list):
        return [fill(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: fill(v, ids) for k, v in value.items()}
    return value


def token(user, kind):
    access = AccessToken.for_user(user)
    if kind == "expired":
        access.set_exp(lifetime=-timedelta(seconds=1))
    text = str(access)
    if kind == "tampered":
        head, payload, signature = text.split(".")
        signature = ("A" if signature[0] != "A" else "B") + signature[1:]
        return f"{head}.{payload}.{signature}"
    if kind == "unsigned":
        import base64

        head = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b"=").decode()
        return f"{head}.{text.split('.')[1]}."
    if kind == "garbage":
        return "not-a-token"
    return text


def send(row, world):
    client = APIClient()
    if row.auth != "none":
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token(world['coach'], row.auth)}")
    ids = world["ids"]
    method = getattr(client, row.method)
    if row.raw is None and row.body is None:
        return method(fill(row.path, ids))
    data = row.raw if row.raw is not None else json.dumps(fill(row.body, ids))
    return method(fill(row.path, ids), data, content_type=row.content_type)


def test_the_table_is_large_enough():
    assert len(TABLE) >= 30
    assert len({row.name for row in TABLE}) == len(TABLE)


@pytest.mark.parametrize("row", TABLE, ids=str)
def test_hostile_request(row, world):
    response = send(row, world)
    assert response.status_code == row.expect, response.content[:500]
    body = response.json()
    if row.count is not None:
        assert body["count"] == row.count, body
    if row.code is None:
        return
    assert body["status"] == row.expect
    assert body["code"] == row.code, body
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["errors"], dict)


# --- names are stored verbatim and escaped wherever they are drawn -------------------------

NAMES = [
    "Zoë Ωmega 名前 🏈",
    "Robert'); DROP TABLE playbook_play;--",
    "<script>alert(1)</script>",
    '" onmouseover="alert(1)',
    "O'Brien & <b>Sons</b>",
]


@pytest.mark.parametrize("name", NAMES)
def test_names_round_trip_verbatim(world, name):
    row = Hostile("round trip", "post", f"{T}/players/", 201, body=player(name=name))
    created = send(row, world)
    assert created.status_code == 201, created.json()
    assert created.json()["name"] == name
    assert Player.objects.get(pk=created.json()["id"]).name == name
    listed = send(Hostile("list", "get", f"{T}/players/?search={name[:3]}", 200), world)
    assert name in [p["name"] for p in listed.json()["results"]]


HTML = "<script>alert('x')</script> & <img src=x onerror=alert(1)>"


def test_html_names_are_escaped_in_the_admin(client, world):
    staff = UserFactory(is_staff=True)
    team_id = world["ids"]["team"]
    MembershipFactory(user=staff, team_id=team_id, role=Role.OWNER)
    play = Play.objects.get(pk=world["ids"]["play"])
    play.name = HTML
    play.save(update_fields=["name"])
    Player.objects.create(team_id=team_id, name=HTML, side="OFFENSE", role="WR1")
    client.force_login(staff)
    for model in (Play, Player):
        assert model in admin.site._registry
        opts = model._meta
        for url in (
            reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
            reverse(
                f"admin:{opts.app_label}_{opts.model_name}_change",
                args=(model.objects.get(name=HTML).pk,),
            ),
        ):
            page = client.get(url).content.decode()
            assert "<script>alert('x')" not in page and "<img src=x" not in page, url
            assert "&lt;script&gt;alert(" in page, url


def test_html_names_are_escaped_in_svg(world):
    """Titles of drawings carry the play's name."""
    play = Play.objects.get(pk=world["ids"]["play"])
    play.name = HTML
    play.save(update_fields=["name"])
    svg = diagrams.to_svg(diagrams.play_picture(play))
    ET.fromstring(svg)  # still well-formed XML
    assert "<script" not in svg and "<img" not in svg
    assert "&lt;script&gt;" in svg
