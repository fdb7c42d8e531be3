"""Team isolation, proved by walking every path of the OpenAPI schema and every
registered ModelAdmin as a user of team A (a coach for reads, an owner for writes and
the admin, so that no missing role hides a leak), with team A and team B fully
populated (team B's names carry MARKER)."""

import re
from functools import cache

import pytest
from django.contrib import admin
from django.db import transaction
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from teams.models import Role
from tests.hardening.conftest import ID_KINDS, MARKER, first_version, kind_of
from tests.support import builders as b
from tests.support.clients import client_for
from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")
# Paths outside /api/teams/{team_id}/: not team-owned, checked for leaks by GET only.
UNSCOPED = {
    "/api/auth/login/",
    "/api/auth/logout/",
    "/api/auth/me/",
    "/api/auth/password/",
    "/api/auth/refresh/",
    "/api/auth/register/",
    "/api/health/",
    "/api/invitations/",  # the caller's own, by email: tests/teams/test_invitations_api.py
    "/api/invitations/{id}/",
    "/api/invitations/{id}/accept/",
    "/api/invitations/{id}/decline/",
    "/api/teams/",
}
SCOPED = "/api/teams/{team_id}/"
FILLED = {"team_id", "id", "entry_id", "n", "history_id", "ext"}  # what fill() knows


@cache
def schema_paths():
    return SchemaGenerator().get_schema(request=None, public=True)["paths"]


def operations():
    for path, item in sorted(schema_paths().items()):
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def enum_params(operation):
    return {
        p["name"]: p["schema"]["enum"][0]
        for p in operation.get("parameters", [])
        if p.get("in") == "path" and "enum" in p.get("schema", {})
    }


def fill(path, operation, team, objects, entry=None, version=None):
    """The URL of `path` with team `team` and the ids of `objects` (a Seeded)."""
    values = {"team_id": team.team.pk, "n": 0, "ext": "svg"}
    kind = kind_of(path)
    if kind:
        values["id"] = objects[kind].pk
        if "{history_id}" in path:
            values["history_id"] = version or first_version(objects[kind])
    values["entry_id"] = (entry or objects["entry"]).pk
    values.update(enum_params(operation))
    return re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), path)


def call(client, method, url, data=None):
    """One request in a savepoint that is rolled back: nothing a request does (even a
    wrong success) changes what the next one sees."""
    with transaction.atomic():
        response = getattr(client, method)(url, data if data is not None else {}, format="json")
        transaction.set_rollback(True)
    return response


def test_the_sweep_knows_every_path():
    """A new path fails here until fill() (or UNSCOPED) knows how to reach it."""
    for path, item in schema_paths().items():
        if path in UNSCOPED:
            continue
        assert path.startswith(SCOPED), f"{path}: add it to UNSCOPED or scope it to a team"
        params = set(re.findall(r"\{(\w+)\}", path))
        enums = {name for op in item.values() if isinstance(op, dict) for name in enum_params(op)}
        assert params <= FILLED | enums, f"{path}: teach fill() {params - FILLED - enums}"
        assert "{id}" not in path or kind_of(path), f"{path}: add its prefix to ID_KINDS"
    assert set(ID_KINDS) <= {p.split("/")[4] for p in schema_paths() if p.startswith(SCOPED)}


@pytest.fixture
def owner_a(team_a):
    """The strongest role in team A, so that only team scoping (not a missing role) can
    keep team B out of reach."""
    user = UserFactory()
    team_a.team.memberships.create(user=user, role=Role.OWNER)
    return user


def test_every_operation_on_team_b_is_404(team_a, team_b, owner_a):
    client = client_for(owner_a)
    wrong = []
    for path, method, operation in operations():
        if path in UNSCOPED:
            continue
        for team, objects in ((team_b, team_b), (team_a, team_b)):
            if team is team_a and "{id}" not in path:
                continue  # team A's own collection: nothing of team B to address
            url = fill(path, operation, team, objects)
            status = call(client, method, url).status_code
            if status != 404:
                wrong.append(f"{method.upper()} {url}: {status}")
    # team A's objects with team B's rows: a playbook entry, a version of a play
    url = fill(SCOPED + "playbooks/{id}/entries/{entry_id}/", {}, team_a, team_a, team_b["entry"])
    if call(client, "delete", url).status_code != 404:
        wrong.append(f"DELETE {url}")
    restore = SCOPED + "plays/{id}/history/{history_id}/restore/"
    url = fill(restore, {}, team_a, team_a, version=first_version(team_b["play"]))
    response = call(client, "post", url)  # "no such version of this object": 400 or 404
    if response.status_code not in (400, 404) or MARKER.encode() in response.content:
        wrong.append(f"POST {url}: {response.status_code}")
    assert not wrong, "\n".join(wrong)


def test_reads_of_team_a_show_nothing_of_team_b(team_a, team_b):
    client = client_for(team_a.coach)
    leaks, checked = [], 0
    for path, method, operation in operations():
        if method != "get" or (path in UNSCOPED and "{" in path):
            continue  # the caller's own invitations by id: tests/teams
        url = fill(path, operation, team_a, team_a)
        response = call(client, "get", url)
        assert response.status_code < 500, f"GET {url}: {response.status_code}"
        if MARKER.encode() in response.content:
            leaks.append(f"GET {url} shows team B")
        if response.status_code == 200 and "json" in response.get("Content-Type", ""):
            checked += 1
            prefix = path.split("/")[4] if path.startswith(SCOPED) else ""
            if prefix in ID_KINDS and path.endswith(f"/{prefix}/"):
                ids = {row["id"] for row in response.json()["results"]}
                theirs = team_b[ID_KINDS[prefix]].pk
                mine = team_a[ID_KINDS[prefix]].pk
                assert mine in ids, f"GET {url} misses team A's own object"
                if theirs in ids and theirs != mine:
                    leaks.append(f"GET {url} lists team B's {prefix} {theirs}")
    assert checked >= 30
    assert not leaks, "\n".join(leaks)


def foreign_writes(a, theirs):
    """(method, path, body) that point a team A write at one of team B's objects."""
    play_body = {
        "name": "Flood",
        "formation": a["formation"].pk,
        "assignments": [{"role": "QB", "route": None}, {"role": "WR1", "route": a["route"].pk}],
        "qb_plan": {"progression": ["WR1"], "max_time_to_throw_ms": 2500},
    }
    run = {
        "plays": [a["play"].pk],
        "scenarios": [a["scenario"].pk],
        "episodes": 100,
        "seed": 1,
        "situation": {"down": 3, "distance": 2, "yardline": 30},
    }
    plays = list(a["playbook"].entries.values_list("play_id", flat=True))
    policy = {
        "plays": plays,
        "scenarios": [{"scenario": a["scenario"].pk, "weight": 1.0}],
        "buckets": ["3RD_SHORT"],
        "episodes": 200,
        "seed": 1,
    }
    adopt = {"bucket": "3RD_SHORT", "play": a["play"].pk, "playbook": a["playbook"].pk}
    defenders = [dict(d) for d in b.COVER2]
    defenders[0]["player"] = theirs["defender"].pk
    spots = [{"role": "WR1", "player": theirs["player"].pk}]
    entry = {"play": theirs["play"].pk, "call_number": "9"}
    p, t = "playbooks", "/api/teams/{team_id}/"
    return [
        ("post", "formations/", {"name": "F", "slots": b.TRIPS, "ruleset": theirs["ruleset"].pk}),
        ("patch", "formations/{formation}/", {"ruleset": theirs["ruleset"].pk}),
        ("post", "plays/", {**play_body, "formation": theirs["formation"].pk}),
        (
            "post",
            "plays/",
            {**play_body, "assignments": [{"role": "WR1", "route": theirs["route"].pk}]},
        ),
        ("patch", "plays/{play}/", {"formation": theirs["formation"].pk}),
        ("patch", "plays/{play}/", {"ruleset": theirs["ruleset"].pk}),
        ("post", "scenarios/", {"name": "S", "defenders": defenders}),
        ("patch", "scenarios/{scenario}/", {"ruleset": theirs["ruleset"].pk}),
        ("post", "lineups/", {"name": "L", "spots": spots}),
        ("patch", "lineups/{lineup}/", {"spots": spots}),
        ("post", f"{p}/", {"name": "B", "entries": [entry]}),
        ("post", f"{p}/{{playbook}}/entries/", entry),
        ("post", f"{p}/{{playbook}}/reorder/", {"entries": [theirs["entry"].pk]}),
        ("post", "simulations/", {**run, "plays": [theirs["play"].pk]}),
        ("post", "simulations/", {**run, "scenarios": [theirs["scenario"].pk]}),
        ("post", "simulations/", {**run, "ruleset": theirs["ruleset"].pk}),
        ("post", "simulations/", {**run, "lineup": theirs["lineup"].pk}),
        ("post", "simulate/", {**run, "plays": [theirs["play"].pk, a["play"].pk]}),
        ("post", "policies/train/", {**policy, "plays": [*plays, theirs["play"].pk]}),
        (
            "post",
            "policies/train/",
            {**policy, "scenarios": [{"scenario": theirs["scenario"].pk, "weight": 1}]},
        ),
        ("post", "train/", {**policy, "plays": None, "playbook": theirs["playbook"].pk}),
        ("post", "train/", {**policy, "lineup": theirs["lineup"].pk}),
        ("post", "policies/{policy}/adopt/", {**adopt, "play": theirs["play"].pk}),
        ("post", "policies/{policy}/adopt/", {**adopt, "playbook": theirs["playbook"].pk}),
    ], t


def test_writes_pointing_at_team_b_objects_are_400(team_a, team_b):
    client = client_for(team_a.coach)
    writes, base = foreign_writes(team_a, team_b)
    wrong = []
    for method, tail, body in writes:
        url = base.format(team_id=team_a.team.pk) + re.sub(
            r"\{(\w+)\}", lambda m: str(team_a[m.group(1)].pk), tail
        )
        response = call(client, method, url, body)
        if response.status_code != 400 or response.json()["code"] != "invalid":
            wrong.append(f"{method.upper()} {url} {body}: {response.status_code}")
    assert not wrong, "\n".join(wrong)


def test_query_ids_of_team_b_are_404(team_a, team_b):
    client = client_for(team_a.coach)
    policy = team_a["policy"].pk
    url = f"/api/teams/{team_a.team.pk}/policies/{policy}/recommend/"
    response = call(client, "get", f"{url}?situation=3RD_SHORT&scenario={team_b['scenario'].pk}")
    assert response.status_code == 404


# --- the admin ------------------------------------------------------------------------


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def staff_coach(team_a):
    """The strongest non-superuser: an owner, so only team scoping (not a missing role)
    can keep team B out of sight."""
    user = UserFactory(is_staff=True)
    team_a.team.memberships.create(user=user, role=Role.OWNER)
    return user


def team_b_object(model, team_b):
    """An instance of `model` that belongs to team B, or None."""
    for obj in team_b.objects.values():
        if isinstance(obj, model):
            return obj
    fields = {f.name for f in model._meta.get_fields()}
    if "team" in fields:
        return model._default_manager.filter(team=team_b.team).first()
    for parent in ("formation", "route", "play", "scenario", "lineup", "playbook", "run"):
        if parent in fields:
            owner = model._meta.get_field(parent).related_model
            return model._default_manager.filter(
                **{f"{parent}__in": owner._default_manager.filter(team=team_b.team)}
            ).first()
    return None


ADMIN_URL_VALUES = {"name": "diagram", "ext": "svg"}  # the picture views' other parts


def object_views(model_admin, obj, team_a):
    """URLs of every admin view of `obj`: change, delete, history (with its own versions)
    and custom ones (other ids in them, like scenario_id, are team A's)."""
    for pattern in model_admin.get_urls():
        keys = re.findall(r"\(\?P<(\w+)>", pattern.pattern.regex.pattern)
        if "object_id" in keys and pattern.name:
            kwargs = {"object_id": obj.pk}
            for key in keys:
                if key == "history_id":
                    kwargs[key] = first_version(obj)
                elif key.endswith("_id") and key != "object_id":
                    kwargs[key] = team_a[key.removesuffix("_id")].pk
                elif key in ADMIN_URL_VALUES:
                    kwargs[key] = ADMIN_URL_VALUES[key]
            assert set(kwargs) == set(keys), f"{pattern.name}: teach object_views() {keys}"
            yield reverse(f"admin:{pattern.name}", kwargs=kwargs)


NOT_TEAM_MODELS = {
    "accounts.User",
    "auth.Group",
    "django_tasks_database.DBTaskResult",
    "token_blacklist.BlacklistedToken",
    "token_blacklist.OutstandingToken",
}
REGISTRY = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def form_querysets(form):
    """Related-object choices of a form. An inline form's own hidden pk field is left
    out: it renders no choices and the formset binds rows only from the parent's."""
    pk_name = form._meta.model._meta.pk.name if hasattr(form, "_meta") else None
    for name, field in form.fields.items():
        queryset = getattr(field, "queryset", None)
        if queryset is None or (name == pk_name and field.widget.is_hidden):
            continue
        yield name, queryset


def test_admin_shows_and_offers_nothing_of_team_b(client, staff_coach, team_a, team_b):
    client.force_login(staff_coach)
    leaks, walked = [], []
    for model, model_admin in REGISTRY:
        label = model._meta.label
        changelist = client.get(admin_url(model, "changelist"))
        if label in NOT_TEAM_MODELS:
            assert changelist.status_code == 403, label  # coaches have no access at all
            continue
        walked.append(label)
        assert changelist.status_code == 200, label
        if MARKER in changelist.content.decode():
            leaks.append(f"{label} changelist shows team B")
        theirs = team_b_object(model, team_b)
        for url in object_views(model_admin, theirs, team_a) if theirs is not None else ():
            response = client.get(url)
            # Django answers an object outside get_queryset() with a redirect to the
            # admin index and a "doesn't exist" message, never with the object.
            assert response.status_code in (302, 404), (url, response.status_code)
            if response.status_code == 302:
                assert response.url == reverse("admin:index"), (url, response.url)
                page = client.get(response.url).content.decode()
                assert "doesn’t exist" in page, url
                assert MARKER not in page
        mine = team_b_object(model, team_a)
        for view, args in (("add", ()), ("change", (mine.pk,) if mine else None)):
            if args is None:
                continue
            response = client.get(admin_url(model, view, *args))
            if response.status_code != 200:
                continue  # e.g. jobs have no add page
            if MARKER in response.content.decode():
                leaks.append(f"{label} {view} page shows team B")
            forms = [response.context["adminform"].form]
            for formset in response.context.get("inline_admin_formsets", []):
                forms.extend(formset.formset.forms)
                forms.append(formset.formset.empty_form)
            for form in forms:
                for name, queryset in form_querysets(form):
                    if queryset.model is type(team_a.team):
                        bad = queryset.filter(pk=team_b.team.pk).exists()
                    elif any(f.name == "team" for f in queryset.model._meta.get_fields()):
                        bad = queryset.filter(team=team_b.team).exists()
                    else:
                        bad = any(MARKER in str(o) for o in queryset)
                    if bad:
                        leaks.append(f"{label} {view}: {type(form).__name__}.{name} offers team B")
    assert len(walked) == len(REGISTRY) - len(NOT_TEAM_MODELS), walked
    assert not leaks, "\n".join(leaks)
