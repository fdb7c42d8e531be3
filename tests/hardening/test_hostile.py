"""Hostile requests, one table: each row is a request a careless or malicious client
could send, with the status and error code the API must answer (config/api.py's
{"status", "code", "detail", "errors"} shape on every error), the field a 400 must name
and the models it must leave untouched. The cases a row cannot say (a setup of their own,
a message to read, a lowered setting) are plain tests below the table."""

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib import admin
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from pictures import diagrams
from playbook import services
from playbook.models import Formation, Play, Player, Route, Ruleset, Scenario
from simulation.models import SimulationRun
from simulation.services import simulation_run_start
from teams.models import Role
from tests.support import builders as b
from tests.support import probe
from tests.support.factories import MembershipFactory, TeamFactory, UserFactory
from tests.support.probe import HUGE, error, field_error

pytestmark = pytest.mark.django_db

BIG = 2**70  # past any database integer
MB = 2**20
DEEP = b'{"name": ' + b"[" * 1000 + b"]" * 1000 + b"}"  # 1,000 lists deep


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
    # the caller: coach | owner | member (a valid token of that user), or a bad token of
    # the coach: none | expired | tampered | unsigned | garbage
    auth: str = "coach"
    count: int | None = None  # for a 200 list: how many rows it must have
    field: str | None = None  # for a 400: the field its errors must name
    untouched: tuple = ()  # models whose row count the request must not change

    def __str__(self):
        return self.name


T = "/api/teams/{team}"


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


def start(**extra):
    """The smallest valid run a coach can start: no seed, no situation."""
    return {"plays": ["{play}"], "scenarios": ["{scenario}"], "episodes": 10, **extra}


def bad_start(name, field, **change):
    """A run refused naming `field`, before anything runs."""
    return Hostile(
        name,
        "post",
        f"{T}/simulations/",
        400,
        "invalid",
        start(**change),
        field=field,
        untouched=(SimulationRun,),
    )


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
        field="situation.yardline",
        untouched=(SimulationRun,),
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
    Hostile(
        "zero episodes",
        "post",
        f"{T}/simulations/",
        400,
        "invalid",
        run(episodes=0),
        field="episodes",
        untouched=(SimulationRun,),
    ),
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
    Hostile("id filter 0", "get", f"{T}/plays/?formation=0", 400, "invalid", auth="owner"),
    Hostile(
        "ruleset filter 10**20",
        "get",
        f"{T}/plays/?ruleset={10**20}",
        400,
        "invalid",
        auth="owner",
    ),
    *[
        Hostile(
            f"boolean filter {param}={value} on {kind}",
            "get",
            f"{T}/{kind}/?{param}={value}",
            expect,
            code,
            auth="owner",
        )
        for kind, param in [
            ("plays", "has_warnings"),
            ("routes", "settle"),
            ("lineups", "is_default"),
            ("rulesets", "is_default"),
        ]
        for value, expect, code in [("maybe", 400, "invalid"), ("true", 200, None)]
    ],
    # more huge ids and deep bodies
    Hostile("team id 10**20", "get", f"/api/teams/{10**20}/plays/", 404, "not_found", auth="owner"),
    Hostile(
        "JSON nested 1,000 deep at login",
        "post",
        "/api/auth/login/",
        400,
        "parse_error",
        raw=DEEP,
        auth="owner",
    ),
    Hostile(
        "JSON nested 1,000 deep in a play",
        "post",
        f"{T}/plays/",
        400,
        "parse_error",
        raw=DEEP,
        auth="owner",
    ),
    Hostile(
        "JSON nested 1,000 deep in an import",
        "post",
        f"{T}/imports/",
        400,
        "parse_error",
        raw=DEEP,
        auth="owner",
    ),
    Hostile(
        "entry position 10**20 (appends)",
        "post",
        f"{T}/playbooks/{{empty_book}}/entries/",
        201,
        None,
        {"play": "{spare_play}", "call_number": "1", "position": 10**20},
        auth="owner",
    ),
    # flags and limits of the playbook
    Hostile(
        "unknown dry_run value",
        "post",
        f"{T}/imports/?dry_run=on",
        400,
        "invalid",
        {
            "routes": [
                {
                    "id": "r1",
                    "name": "Stop",
                    "breakpoints": [{"x_yards": 5, "y_yards": 0, "time_ms": 1000}],
                }
            ]
        },
        auth="owner",
        untouched=(Route,),
    ),
    Hostile(
        "notes of 5,001 characters",
        "patch",
        f"{T}/plays/{{play}}/",
        400,
        "invalid",
        {"notes": "n" * 5001},
        auth="owner",
        field="notes",
    ),
    *[
        Hostile(
            f"ruleset {field} out of line",
            "post",
            f"{T}/rulesets/",
            400,
            "invalid",
            {"name": "Odd", **change},
            auth="owner",
            field=field,
        )
        for change, field in [
            ({"field_length": 30, "endzone_depth": 10}, "endzone_depth"),
            ({"line_to_gain": 100}, "line_to_gain"),
            ({"players_per_side": 4, "max_rushers": 5}, "max_rushers"),
            ({"pat1_distance": -1}, "pat1_distance"),
        ]
    ],
    # starting a simulation: refused naming the field, before anything runs
    bad_start("run: plays empty", "plays", plays=[]),
    bad_start("run: plays null", "plays", plays=None),
    bad_start("run: plays as text", "plays", plays="abc"),
    bad_start("run: play id 10**20", "plays", plays=[10**20]),
    bad_start("run: unknown scenario", "scenarios", scenarios=[987_654_321]),
    bad_start("run: episodes 10**20", "episodes", episodes=10**20),
    bad_start("run: episodes as text", "episodes", episodes="many"),
    bad_start("run: episodes 1.5", "episodes", episodes=1.5),
    bad_start("run: negative seed", "seed", seed=-1),
    bad_start("run: seed 2**63", "seed", seed=2**63),
    bad_start("run: 21 traces", "traces", traces=21),
    bad_start("run: situation null", "situation", situation=None),
    bad_start("run: situation as text", "situation", situation="3rd and long"),
    bad_start("run: down 0", "situation.down", situation={"down": 0}),
    bad_start("run: down 10**20", "situation.down", situation={"down": 10**20}),
    bad_start("run: yardline -1", "situation.yardline", situation={"yardline": -1}),
    bad_start("run: distance 0", "situation.distance", situation={"distance": 0}),
    Hostile(
        "member starts a run",
        "post",
        f"{T}/simulations/",
        403,
        "permission_denied",
        start(),
        auth="member",
        untouched=(SimulationRun,),
    ),
    *[
        Hostile(f"run id {pk} {action}", method, f"{T}/simulations/{pk}/{suffix}", 404, "not_found")
        for pk in ["abc", HUGE, "0"]
        for action, method, suffix in [("read", "get", ""), ("cancelled", "post", "cancel/")]
    ],
]


@pytest.fixture
def world(db):
    team, other = TeamFactory(), TeamFactory()
    coach = MembershipFactory(team=team, role=Role.COACH).user
    owner = MembershipFactory(team=team, role=Role.OWNER).user
    member = MembershipFactory(team=team, role=Role.MEMBER).user
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
    empty_book = services.playbook_write(team=team, data={"name": "Empty"}, entries=[])
    return {
        "coach": coach,
        "owner": owner,
        "member": member,
        "ids": {
            "team": team.pk,
            "other": other.pk,
            "play": play.pk,
            "scenario": run_.scenarios.get().pk,
            "book": book.pk,
            "run": run_.pk,
            "their_play": b.play(other).pk,
            "their_form": Play.objects.filter(team=other).get().formation_id,
            "empty_book": empty_book.pk,
            "spare_play": b.play(team).pk,  # in no playbook
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
        user = world[row.auth] if row.auth in ("owner", "member") else world["coach"]
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token(user, row.auth)}")
    ids = world["ids"]
    method = getattr(client, row.method)
    if row.raw is None and row.body is None:
        return method(fill(row.path, ids))
    data = row.raw if row.raw is not None else json.dumps(fill(row.body, ids))
    return method(fill(row.path, ids), data, content_type=row.content_type)


def test_the_table_is_large_enough():
    assert len(TABLE) >= 30
    assert len({row.name for row in TABLE}) == len(TABLE)
    assert all(row.expect == 400 and row.code == "invalid" for row in TABLE if row.field)


@pytest.mark.parametrize("row", TABLE, ids=str)
def test_hostile_request(row, world):
    before = {model: model.objects.count() for model in row.untouched}
    response = send(row, world)
    if row.code is None:
        assert response.status_code == row.expect, response.content[:500]
        body = response.json()
        if row.count is not None:
            assert body["count"] == row.count, body
    elif row.field is None:
        error(response, row.expect, row.code)
    else:
        field_error(response, row.field)
    assert {model: model.objects.count() for model in row.untouched} == before


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


# --- the playbook's own limits, each with a setup of its own ---------------------------


def test_ruleset_in_use_is_never_force_deleted(owner_client, team):
    wide = Ruleset.objects.create(team=team, name="Wide", field_width=40)
    scenario = b.scenario(team, ruleset=wide)
    response = owner_client.delete(probe.url(team, "ruleset", wide.pk) + "?force=true")
    assert response.status_code == 409
    assert "force" not in response.json()["detail"]
    assert Scenario.objects.filter(pk=scenario.pk).exists()


def test_formation_edit_that_breaks_a_play_is_refused(owner_client, team):
    form = b.formation(team)
    play = b.play(
        team,
        form=form,
        name="Motion Flood",
        motion_role="WR3",
        motion_x=-1.0,
        motion_y=2.0,
        motion_duration_ms=500,
    )
    slots = [dict(s) for s in b.TRIPS]
    slots[4]["x"] = -3.0  # the motion to x -1 would now go toward the line
    response = owner_client.patch(
        probe.url(team, "formation", form.pk), {"slots": slots}, format="json"
    )
    assert response.status_code == 400
    assert "play 'Motion Flood': motion.x" in " ".join(
        response.json()["errors"]["non_field_errors"]
    )
    assert {s.role: s.x for s in Formation.objects.get(pk=form.pk).slots.all()}["WR3"] == 0.0
    assert Play.objects.get(pk=play.pk).motion["x"] == -1.0


def test_player_in_a_lineup_cannot_change_side(owner_client, team):
    qb = probe.player(team, role="QB", name="Marcus")
    services.lineup_write(team=team, data={"name": "Main"}, spots=[{"role": "QB", "player": qb}])
    response = owner_client.patch(
        probe.url(team, "player", qb.pk), {"side": "DEFENSE", "role": "D1"}, format="json"
    )
    assert response.status_code == 400
    assert "Main as QB" in response.json()["errors"]["side"][0]
    assert Player.objects.get(pk=qb.pk).side == "OFFENSE"


def test_long_row_lists_are_refused_quickly(owner_client, team):
    slots = [{"role": "WR1", "x": 0.0, "y": float(i % 15)} for i in range(10_000)]
    response = owner_client.post(
        probe.url(team, "formation"), {"name": "Huge", "slots": slots}, format="json"
    )
    assert response.status_code == 400
    assert len(response.content) < 2000


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_too_large_body_is_a_json_413_under_a_lowered_limit(owner_client, team):
    response = owner_client.post(
        probe.url(team, "play"), {"name": "x", "notes": "y" * 5000}, format="json"
    )
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"


def test_copies_of_long_names_fit(owner_client, team):
    play = b.play(team, name="L" * 120)
    for action in ("duplicate", "mirror", "duplicate"):
        response = owner_client.post(probe.url(team, "play", play.pk, action))
        assert response.status_code == 201, response.json()
        assert len(response.json()["name"]) <= 120
    names = [p.name for p in Play.objects.filter(team=team)]
    assert len(set(names)) == 4
    assert any(n.endswith("(copy 2)") for n in names)
