"""The coach's editor: build objects through the admin forms, break rules, read the
messages, run the actions, stay inside the team, and keep changelists at fixed queries."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext

from playbook import services
from playbook.admin.setup import RulesetAdmin
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
from teams.models import Role
from tests.support import admin as make
from tests.support.admin import (
    COVER2,
    PLAY_FIELDS,
    SLANT,
    TRIPS,
    admin_url,
    errors,
    inline_post,
    staff,
)
from tests.support.factories import UserFactory


@pytest.fixture
def superuser(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def staff_coach(team):
    return staff(team)


@pytest.fixture(params=["superuser", "coach"])
def editor(request, team):
    if request.param == "superuser":
        return UserFactory(is_staff=True, is_superuser=True)
    return staff(team, Role.OWNER)


def inline_forms(response, prefix):
    return next(
        i.formset for i in response.context["inline_admin_formsets"] if i.formset.prefix == prefix
    )


def run_action(client, model, action, *objects):
    data = {"action": action, "_selected_action": [o.pk for o in objects]}
    return client.post(admin_url(model, "changelist"), data, follow=True)


def page(client, model, view, *args):
    response = client.get(admin_url(model, view, *args))
    assert response.status_code == 200
    return response.content.decode()


def formation_post(team, slots=TRIPS, name="Trips Right"):
    return {
        "team": team.pk,
        "name": name,
        "external_id": "",
        "ruleset": "",
        **inline_post("slots", slots),
    }


# --- building a play from scratch ---------------------------------------------------------


def test_editor_builds_formation_route_and_play(client, editor, team):
    client.force_login(editor)
    response = client.post(admin_url(Formation, "add"), formation_post(team))
    assert response.status_code == 302, errors(response)
    formation = Formation.objects.get(team=team, name="Trips Right")
    assert formation.slot_data() == TRIPS
    assert formation.warnings == []

    breakpoints = [{"x": 2.0, "y": 0.0, "time_ms": 400}, {"x": 8.0, "y": -3.0, "time_ms": 1400}]
    route_data = {"team": team.pk, "name": "Slant", "external_id": ""}
    response = client.post(
        admin_url(Route, "add"), {**route_data, **inline_post("breakpoints", breakpoints)}
    )
    assert response.status_code == 302, errors(response)
    route = Route.objects.get(team=team, name="Slant")
    assert route.breakpoint_data() == breakpoints
    assert route.settle is False

    rows = [{"role": r, "route": route.pk if r == "WR2" else ""} for r in ("QB", "CENTER", "WR1")]
    rows += [{"role": "WR2", "route": route.pk}, {"role": "WR3", "route": ""}]
    data = {
        **PLAY_FIELDS,
        "team": team.pk,
        "name": "Trips Slant",
        "formation": formation.pk,
        "tags": "quick, Man beater, quick",
        "progression": "wr2",
        "scramble_allowed": "on",
        **inline_post("assignments", rows),
    }
    response = client.post(admin_url(Play, "add"), data)
    assert response.status_code == 302, errors(response)
    play = Play.objects.get(team=team, name="Trips Slant")
    assert play.tags == ["quick", "Man beater"]
    assert play.progression == ["WR2"]
    assert play.scramble_allowed is True
    assert {a.role: a.route for a in play.assignments.all()} == {
        "QB": None,
        "CENTER": None,
        "WR1": None,
        "WR2": route,
        "WR3": None,
    }
    assert play.warnings == []


def test_add_pages_prefill_roles_and_the_coachs_team(client, staff_coach, team):
    client.force_login(staff_coach)
    response = client.get(admin_url(Formation, "add"))
    assert response.context["adminform"].form.initial["team"] == team.pk
    slots = inline_forms(response, "slots")
    assert [f.initial["role"] for f in slots.forms] == ["QB", "CENTER", "WR1", "WR2", "WR3"]
    assert slots.forms[0].initial["x"] < 0
    assert "x is downfield from the line of scrimmage" in response.content.decode()
    assignments = inline_forms(client.get(admin_url(Play, "add")), "assignments")
    assert [f.initial["role"] for f in assignments.forms] == ["QB", "CENTER", "WR1", "WR2", "WR3"]


# --- rules: the API's messages, next to the field, nothing saved ---------------------------


def test_qb_past_the_line_is_refused_next_to_its_x(client, editor, team):
    client.force_login(editor)
    slots = [{**TRIPS[0], "x": 1.0}, *TRIPS[1:]]
    response = client.post(admin_url(Formation, "add"), formation_post(team, slots))
    assert response.status_code == 200
    assert "the QB lines up behind the line of scrimmage" in response.content.decode()
    qb_row = inline_forms(response, "slots").forms[0]
    assert "the QB lines up behind the line of scrimmage (x &lt; 0)" in str(qb_row.errors["x"])
    assert not Formation.objects.exists()


def test_wrong_number_of_players_is_an_error_above_the_rows(client, editor, team):
    client.force_login(editor)
    response = client.post(admin_url(Formation, "add"), formation_post(team, TRIPS[:4]))
    formset = inline_forms(response, "slots")
    assert "slots: 4 players — a formation has exactly 5" in formset.non_form_errors()[0]
    assert not Formation.objects.exists()


def test_breakpoint_time_not_increasing_is_refused(client, editor, team):
    client.force_login(editor)
    breakpoints = [{"x": 10.0, "y": 0.0, "time_ms": 1800}, {"x": 14.0, "y": 6.0, "time_ms": 1500}]
    data = {"team": team.pk, "name": "Corner", "external_id": ""}
    response = client.post(
        admin_url(Route, "add"), {**data, **inline_post("breakpoints", breakpoints)}
    )
    assert response.status_code == 200
    assert "1500 must be later than 1800 (breakpoints[0])" in response.content.decode()
    assert inline_forms(response, "breakpoints").forms[1].errors["time_ms"]
    assert not Route.objects.exists()


def test_deleted_rows_do_not_count_in_the_error_index(client, staff_coach, team):
    route = make.route(team, SLANT)
    first, second = route.breakpoints.all()
    stored = [
        {"id": first.pk, "route": route.pk, "x": 2.0, "y": 0.0, "time_ms": 400, "DELETE": "on"},
        {"id": second.pk, "route": route.pk, "x": 8.0, "y": -3.0, "time_ms": 1400},
        {"x": 9.0, "y": -3.0, "time_ms": 1000},
    ]
    client.force_login(staff_coach)
    data = {"team": team.pk, "name": route.name, "external_id": ""}
    response = client.post(
        admin_url(Route, "change", route.pk), {**data, **inline_post("breakpoints", stored, 2)}
    )
    assert response.status_code == 200
    new_row = inline_forms(response, "breakpoints").forms[2]
    assert "1000 must be later than 1400 (breakpoints[0])" in str(new_row.errors["time_ms"])
    assert route.breakpoint_data() == SLANT


def test_progression_role_without_route_is_refused(client, editor, team):
    formation = make.formation(team)
    route = make.route(team)
    client.force_login(editor)
    rows = [{"role": s["role"], "route": route.pk if s["role"] == "WR1" else ""} for s in TRIPS]
    data = {
        **PLAY_FIELDS,
        "team": team.pk,
        "name": "Broken",
        "formation": formation.pk,
        "progression": "WR1, WR3",
        **inline_post("assignments", rows),
    }
    response = client.post(admin_url(Play, "add"), data)
    assert response.status_code == 200
    text = response.content.decode()
    assert "progression[1]: &#x27;WR3&#x27; has no route to run" in text
    assert not Play.objects.filter(name="Broken").exists()


def test_play_time_to_throw_beyond_the_pass_clock_is_refused(client, staff_coach, team):
    play = make.play(team)
    client.force_login(staff_coach)
    rows = [
        {"id": a.pk, "play": play.pk, "role": a.role, "route": a.route_id or ""}
        for a in play.assignments.all()
    ]
    data = {
        **PLAY_FIELDS,
        "team": team.pk,
        "name": play.name,
        "formation": play.formation_id,
        "progression": ", ".join(play.progression),
        "max_time_to_throw_ms": "9000",
        **inline_post("assignments", rows, len(rows)),
    }
    response = client.post(admin_url(Play, "change", play.pk), data)
    # next to the field it is about, not above the rows
    assert "9000 — must be between 500 and the pass clock" in str(
        response.context["adminform"].form.errors["max_time_to_throw_ms"]
    )
    play.refresh_from_db()
    assert play.max_time_to_throw_ms == 3000


def test_scenario_with_two_rushers_is_refused(client, editor, team):
    client.force_login(editor)
    defenders = [dict(d) for d in COVER2]
    defenders[1].update(duty="RUSH", x=7.0, y=-5.0)
    data = {
        "team": team.pk,
        "name": "Double rush",
        "external_id": "",
        "ruleset": "",
        "coverage": "ZONE",
        "shell": "COVER2",
        "situation_tags": "",
        "notes": "",
        "position_jitter_yards": "0.5",
        "reaction_jitter_ms": "50",
        **inline_post("defenders", defenders),
    }
    response = client.post(admin_url(Scenario, "add"), data)
    assert "2 rushers — NFL FLAG 5v5 allows at most 1" in response.content.decode()
    assert not Scenario.objects.exists()

    defenders[1].update(COVER2[1])
    response = client.post(
        admin_url(Scenario, "add"), {**data, **inline_post("defenders", defenders)}
    )
    assert response.status_code == 302, errors(response)
    scenario = Scenario.objects.get(name="Double rush")
    assert scenario.defenders.count() == 5
    assert scenario.defenders.get(slot="D5").man_target == "auto"


def test_lineup_refuses_a_defender_at_quarterback(client, staff_coach, team):
    defender = make.player(team, side="DEFENSE", role="D1")
    client.force_login(staff_coach)
    data = {"team": team.pk, "name": "Wrong", "external_id": ""}
    spots = [{"role": "QB", "player": defender.pk}]
    response = client.post(admin_url(Lineup, "add"), {**data, **inline_post("spots", spots)})
    assert "QB needs an offense player" in str(inline_forms(response, "spots").forms[0].errors)
    assert not Lineup.objects.exists()


def test_playbook_entries_keep_call_order_and_unique_calls(client, staff_coach, team):
    first, second = make.play(team), make.play(team)
    client.force_login(staff_coach)
    data = {"team": team.pk, "name": "Game plan", "external_id": "", "description": ""}
    entries = [
        {"order": "", "call_number": "7", "play": first.pk, "situations": "3RD_SHORT"},
        {"order": "", "call_number": "7", "play": second.pk},
    ]
    response = client.post(admin_url(Playbook, "add"), {**data, **inline_post("entries", entries)})
    assert response.status_code == 200
    second_row = inline_forms(response, "entries").forms[1]
    assert "&#x27;7&#x27; is already used by entries[0]" in str(second_row.errors["call_number"])
    assert not Playbook.objects.exists()

    entries[1]["call_number"] = "12"
    response = client.post(admin_url(Playbook, "add"), {**data, **inline_post("entries", entries)})
    assert response.status_code == 302, errors(response)
    playbook = Playbook.objects.get(name="Game plan")
    assert [(e.order, e.call_number, e.situations) for e in playbook.entries.all()] == [
        (0, "7", ["3RD_SHORT"]),
        (1, "12", []),
    ]


def test_another_teams_objects_are_refused_even_for_a_superuser(
    client, superuser, team, other_team
):
    theirs = make.formation(other_team)
    their_route = make.route(other_team)
    client.force_login(superuser)
    rows = [
        {"role": s["role"], "route": their_route.pk if s["role"] == "WR1" else ""} for s in TRIPS
    ]
    data = {**PLAY_FIELDS, "team": team.pk, "name": "Mixed", "formation": theirs.pk}
    response = client.post(admin_url(Play, "add"), {**data, **inline_post("assignments", rows)})
    assert "belongs to another team" in str(response.context["adminform"].form.errors["formation"])
    assert not Play.objects.filter(name="Mixed").exists()

    data["formation"] = make.formation(team).pk
    response = client.post(admin_url(Play, "add"), {**data, **inline_post("assignments", rows)})
    wr1 = inline_forms(response, "assignments").forms[2]
    assert "belongs to another team" in str(wr1.errors["route"])
    assert not Play.objects.filter(name="Mixed").exists()


# --- warnings ---------------------------------------------------------------------------------


def test_warnings_are_stored_and_shown(client, staff_coach, team):
    client.force_login(staff_coach)
    slots = [*TRIPS[:4], {"role": "WR3", "x": 0.5, "y": 4.0}]
    response = client.post(admin_url(Formation, "add"), formation_post(team, slots, "Bunch"))
    assert response.status_code == 302, errors(response)
    formation = Formation.objects.get(name="Bunch")
    assert formation.warnings == [
        "slots[4].x: 0.5 — WR3 is past the line of scrimmage (offside in NFL FLAG)"
    ]
    change = page(client, Formation, "change", formation.pk)
    assert "Coaching warnings" in change
    assert "WR3 is past the line of scrimmage" in change
    assert "#e09400" in change  # the amber box
    assert "⚠ 1" in page(client, Formation, "changelist")


def test_editing_a_route_refreshes_its_plays_warnings(client, staff_coach, team):
    corner = make.route(team)  # WR1 at y 10 + 6 = 16: out of bounds on a 30-yd field
    play = make.play(team, routes={"WR1": corner})
    assert "out of bounds" in play.warnings[0]
    client.force_login(staff_coach)
    change = page(client, Play, "change", play.pk)
    assert "reaches y 16.0 at breakpoint 2, out of bounds" in change
    rows = [
        {"id": b.pk, "route": corner.pk, "x": b.x, "y": min(b.y, 2.0), "time_ms": b.time_ms}
        for b in corner.breakpoints.all()
    ]
    data = {"team": team.pk, "name": corner.name, "external_id": ""}
    response = client.post(
        admin_url(Route, "change", corner.pk), {**data, **inline_post("breakpoints", rows, 2)}
    )
    assert response.status_code == 302, errors(response)
    play.refresh_from_db()
    assert play.warnings == []


def test_route_changelist_shows_leg_speeds_with_fast_legs_marked(client, staff_coach, team):
    make.route(team, [{"x": 15.0, "y": 0.0, "time_ms": 1000}], name="Burner")
    client.force_login(staff_coach)
    changelist = page(client, Route, "changelist")
    assert "15.0</span>" in changelist
    assert "faster than anyone runs" in changelist  # the warning in the badge's title


# --- actions ---------------------------------------------------------------------------------


def test_mirror_and_duplicate_plays(client, staff_coach, team):
    play = make.play(team, name="Trips Flood", tags=["quick"])
    client.force_login(staff_coach)
    response = run_action(client, Play, "mirror", play)
    assert "Mirrored: Trips Flood → Trips Flood (mirror)." in response.content.decode()
    mirror = Play.objects.get(name="Trips Flood (mirror)")
    assert [s["y"] for s in mirror.formation.slot_data()] == [-s["y"] for s in TRIPS]
    assert mirror.tags == ["quick"]

    response = run_action(client, Play, "duplicate", play)
    assert "Duplicated: Trips Flood → Trips Flood (copy)." in response.content.decode()
    copy = Play.objects.get(name="Trips Flood (copy)")
    assert copy.formation == play.formation
    assert [a.route for a in copy.assignments.all()] == [a.route for a in play.assignments.all()]


def test_a_refused_action_is_a_message_not_a_500(client, staff_coach, team):
    services.ruleset_create_default(team)
    play = make.play(team, name="Long look", max_time_to_throw_ms=6000)
    Ruleset.objects.filter(team=team).update(pass_clock_ms=4000)
    client.force_login(staff_coach)
    response = run_action(client, Play, "duplicate", play)
    assert response.status_code == 200
    assert "Long look: max_time_to_throw_ms: 6000 — must be between 500" in (
        response.content.decode()
    )
    assert Play.objects.count() == 1


def test_mirror_formations_and_routes(client, staff_coach, team):
    formation = make.formation(team, name="Trips Right")
    go = make.route(team, [{"x": 20.0, "y": 0.0, "time_ms": 2500}], name="Go")
    out = make.route(team, name="Corner")
    client.force_login(staff_coach)
    response = run_action(client, Formation, "mirror", formation)
    assert "Trips Right → Trips Right (mirror)" in response.content.decode()
    response = run_action(client, Route, "mirror", go, out)
    text = response.content.decode()
    assert "Go is its own mirror" in text and "Corner → Corner (mirror)" in text
    assert Route.objects.get(name="Corner (mirror)").breakpoint_data()[1]["y"] == -6.0


def test_ruleset_make_default_and_lineup_rebuild(client, staff_coach, team):
    nfl = services.ruleset_create_default(team)
    big = Ruleset.objects.create(team=team, name="Standard 5v5", field_width=40.0)
    lineup = make.lineup(team)
    make.player(team, role="WR1")
    client.force_login(staff_coach)
    response = run_action(client, Ruleset, "make_default", big)
    assert "Standard 5v5 is now the default" in response.content.decode()
    nfl.refresh_from_db()
    big.refresh_from_db()
    assert big.is_default and not nfl.is_default

    response = run_action(client, Lineup, "rebuild_default", lineup)
    assert "rebuilt" in response.content.decode()
    default = Lineup.objects.get(team=team, is_default=True)
    assert set(default.spots.values_list("role", flat=True)) == {"QB", "WR1"}


def test_renaming_onto_a_taken_name_is_a_field_error(client, staff_coach, team):
    make.formation(team, name="Trips Right")
    other = make.formation(team, slots=[{**s, "y": -s["y"] + 0.0} for s in TRIPS], name="Left")
    rows = [{"id": s.pk, "formation": other.pk, **s.__dict__} for s in other.slots.all()]
    rows = [{k: r[k] for k in ("id", "formation", "role", "x", "y")} for r in rows]
    client.force_login(staff_coach)
    data = {"name": "Trips Right", "external_id": "", "ruleset": ""}
    response = client.post(
        admin_url(Formation, "change", other.pk), {**data, **inline_post("slots", rows, 5)}
    )
    assert "A formation called &#x27;Trips Right&#x27; already exists in this team." in (
        str(response.context["adminform"].form.errors["name"])
    )
    other.refresh_from_db()
    assert other.name == "Left"


def test_members_read_but_cannot_change_or_run_actions(client, team):
    play = make.play(team)
    client.force_login(staff(team, Role.MEMBER))
    assert client.get(admin_url(Play, "change", play.pk)).status_code == 200
    response = run_action(client, Play, "duplicate", play)
    assert response.status_code == 200
    assert Play.objects.count() == 1
    assert client.post(admin_url(Play, "change", play.pk), {"name": "x"}).status_code == 403


# --- deleting something in use --------------------------------------------------------------------


def test_deleting_a_route_in_use_shows_who_uses_it(client, staff_coach, team):
    play = make.play(team, name="Uses it")
    route = play.assignments.exclude(route=None).first().route
    client.force_login(staff_coach)
    text = page(client, Route, "delete", route.pk)
    assert "would require deleting the following protected related objects" in text
    assert "Uses it" in text
    response = client.post(admin_url(Route, "delete", route.pk), {"post": "yes"})
    assert response.status_code == 200
    assert Route.objects.filter(pk=route.pk).exists()


def test_bulk_delete_of_unused_formations(client, staff_coach, team):
    unused = make.formation(team)
    client.force_login(staff_coach)
    data = {"action": "delete_selected", "_selected_action": [unused.pk], "post": "yes"}
    response = client.post(admin_url(Formation, "changelist"), data)
    assert response.status_code == 302
    assert not Formation.objects.filter(pk=unused.pk).exists()


def test_default_ruleset_cannot_be_deleted(client, staff_coach, team):
    ruleset = services.ruleset_create_default(team)
    client.force_login(staff_coach)
    assert client.get(admin_url(Ruleset, "delete", ruleset.pk)).status_code == 403


# --- team isolation -------------------------------------------------------------------------------


def test_coach_sees_and_picks_only_own_teams_objects(client, staff_coach, team, other_team):
    mine = make.play(team, name="Alpha Play")
    make.play(
        other_team,
        name="Bravo Play",
        form=make.formation(other_team, name="Bravo Formation"),
        routes={"WR1": make.route(other_team, name="Bravo Route")},
    )
    theirs = Play.objects.get(name="Bravo Play")
    client.force_login(staff_coach)
    for model in (Play, Formation, Route):
        assert "Bravo" not in page(client, model, "changelist")
    assert "Alpha Play" in page(client, Play, "changelist")
    assert client.get(admin_url(Play, "change", theirs.pk)).status_code == 302
    assert client.get(admin_url(Formation, "change", theirs.formation_id)).status_code == 302

    add = client.get(admin_url(Play, "add"))
    form = add.context["adminform"].form
    assert set(form.fields["formation"].queryset) == {mine.formation}
    assert other_team.name not in str(form["team"])
    route_choices = inline_forms(add, "assignments").forms[0].fields["route"].queryset
    assert route_choices.exists() and not route_choices.filter(team=other_team).exists()
    assert "Bravo" not in add.content.decode()


def test_change_page_offers_only_the_objects_team(client, superuser, team, other_team):
    play = make.play(team)
    make.route(other_team, name="Bravo Route")
    client.force_login(superuser)
    response = client.get(admin_url(Play, "change", play.pk))
    route_choices = inline_forms(response, "assignments").forms[0].fields["route"].queryset
    assert not route_choices.filter(team=other_team).exists()
    assert "team" not in response.context["adminform"].form.fields  # read-only once stored


# --- lists: filters, search, columns, fixed queries ------------------------------------


def test_play_filters_and_search(client, staff_coach, team):
    flood = make.play(team, name="Flood", tags=["quick"], notes="beats cover 2")
    mesh = make.play(team, name="Mesh", tags=["man beater"])
    make.playbook(team, [flood, mesh]).entries.filter(play=mesh).update(situations=["3RD_SHORT"])
    client.force_login(staff_coach)

    def names(query):
        response = client.get(admin_url(Play, "changelist") + query)
        assert response.status_code == 200
        return {p.name for p in response.context["cl"].result_list}

    assert names("?tag=quick") == {"Flood"}
    assert names("?situation=3RD_SHORT") == {"Mesh"}
    assert names(f"?formation={flood.formation_id}") == {"Flood"}
    assert names("?q=cover+2") == {"Flood"}
    assert names(f"?team={team.pk}") == {"Flood", "Mesh"}
    listing = page(client, Play, "changelist")
    assert "man beater" in listing and "WR1 → WR2" in listing


def test_player_ratings_are_grouped_by_skill(client, staff_coach, team):
    qb = make.player(team, role="QB", throw_power=88.0)
    make.player(team, side="DEFENSE", role="D1", name="Rusher")
    client.force_login(staff_coach)
    change = page(client, Player, "change", qb.pk)
    for heading in ("Movement", "Receiving", "Passing (QB)", "Defending"):
        assert f">{heading}<" in change
    response = client.get(admin_url(Player, "changelist") + "?side__exact=DEFENSE")
    assert [p.name for p in response.context["cl"].result_list] == ["Rusher"]


def test_ruleset_fieldsets_cover_every_rule():
    fields = {f for _, opts in RulesetAdmin.fieldsets for f in opts["fields"]}
    assert set(Ruleset.RULE_FIELDS) <= fields


def build_row(team):
    """One of every playbook object, each with child rows."""
    play = make.play(team)
    make.scenario(team)
    make.lineup(team)
    make.playbook(team, [play])
    Ruleset.objects.create(team=team, name=make.unique("Ruleset"))


PLAYBOOK_MODELS = [m for m in admin.site._registry if m._meta.app_label == "playbook"]


@pytest.mark.parametrize("model", PLAYBOOK_MODELS, ids=lambda m: m.__name__)
def test_changelist_queries_do_not_grow_with_rows(client, staff_coach, team, model):
    client.force_login(staff_coach)
    url = admin_url(model, "changelist")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    build_row(team)
    one = count()
    for _ in range(9):
        build_row(team)
    assert model.objects.count() >= 10
    assert count() == one


# --- one write path: the admin saves through the same services as the API --------------


def _motion_play(team):
    """A play whose WR3 motions to x = -1: fine while WR3 lines up on the line (x = 0),
    against the lateral-only motion rule once WR3 starts behind it."""
    return make.play(
        team,
        motion_role="WR3",
        motion_x=-1.0,
        motion_y=2.0,
        motion_duration_ms=800,
    )


def _slots_post(formation, moved):
    rows = [
        {"id": s.pk, "formation": formation.pk, "role": s.role, "x": s.x, "y": s.y}
        for s in formation.slots.order_by("id")
    ]
    for row in rows:
        row.update(moved.get(row["role"], {}))
    return inline_post("slots", rows, len(rows))


def test_formation_edit_that_breaks_a_play_is_refused_in_the_admin_as_in_the_api(
    client, staff_coach, team, api
):
    play = _motion_play(team)
    formation = play.formation
    version = formation.version
    client.force_login(staff_coach)
    data = {
        "name": formation.name,
        "external_id": "",
        "ruleset": "",
        "loaded_version": version,
        **_slots_post(formation, {"WR3": {"x": -3.0}}),
    }
    response = client.post(admin_url(Formation, "change", formation.pk), data)
    assert response.status_code == 200, "the admin stored an edit that breaks a play"
    top = response.context["adminform"].form.non_field_errors()
    assert any("would break 1 rule(s) of the plays that use it" in m for m in top), errors(response)
    assert any("motion.x" in m and "lateral or backward" in m for m in top), errors(response)
    formation.refresh_from_db()
    assert formation.version == version
    assert dict(formation.slots.values_list("role", "x"))["WR3"] == 0.0
    play.refresh_from_db()
    assert play.check_rules().ok

    api.force_authenticate(staff_coach)
    slots = [{**s, "x": -3.0} if s["role"] == "WR3" else s for s in formation.slot_data()]
    url = f"/api/teams/{team.pk}/formations/{formation.pk}/"
    response = api.patch(url, {"slots": slots}, format="json")
    assert response.status_code == 400
    api_top = response.json()["errors"]["non_field_errors"]
    assert api_top == list(top), "admin and API give the same reasons"


def test_players_list_fits_and_shows_numbers_and_whole_ratings(client, staff_coach, team):
    make.player(team, name="Tyrell Davis", role="WR1", jersey_number=1, speed=95.0, hands=92.0)
    make.player(team, side="DEFENSE", role="D3", name="Dante Williams", pass_rush=90.0)
    make.player(team, role="QB", name="Marcus Riley", jersey_number=7, throw_power=85.5)
    client.force_login(staff_coach)
    text = client.get(admin_url(Player, "changelist")).content.decode()
    assert "95.0" not in text and "92.0" not in text
    assert "speed <strong>95</strong>" in text and "hands <strong>92</strong>" in text
    assert "rush <strong>90</strong>" in text  # a defender's own ratings
    assert "arm <strong>85.5</strong>" in text  # a QB's
    assert "WR1 (offense)" in text
    # a compact list: number, name, role, key ratings (and the team), not 12 columns
    head = text[text.index('<table id="result_list">') :].split("</thead>")[0]
    assert head.count('<th scope="col"') <= 6  # the tick-box column included
    qb = Player.objects.get(name="Marcus Riley")
    form = client.get(admin_url(Player, "change", qb.pk)).content.decode()
    assert 'name="throw_power" value="85.5"' in form and 'name="speed" value="70"' in form


def test_the_man_target_is_picked_from_the_roles_not_typed(client, staff_coach, team):
    scenario = make.scenario(team)
    client.force_login(staff_coach)
    text = client.get(admin_url(Scenario, "change", scenario.pk)).content.decode()
    assert '<select name="defenders-0-man_target"' in text
    assert '<input type="text" name="defenders-0-man_target"' not in text
    assert '<option value="auto">auto (matched at the snap)</option>' in text
    assert '<option value="WR2">WR2</option>' in text


def test_a_route_from_the_tree_fits_the_receivers_side(client, staff_coach, team):
    from django.urls import reverse

    tree = reverse("admin:playbook_route_tree")
    client.force_login(staff_coach)
    assert tree in client.get(admin_url(Route, "changelist")).content.decode()
    form = {"team": team.pk, "route": "out", "side": "left", "depth": "8", "speed": "7"}
    response = client.post(tree, form)
    route = Route.objects.get(name="Out 8 (left)")
    assert response["Location"] == admin_url(Route, "change", route.pk)
    assert route.breakpoint_data()[-1]["y"] == -6.0 and not route.settle
    client.post(tree, {**form, "side": "right", "route": "hitch", "depth": ""})
    hitch = Route.objects.get(name="Hitch 5 (right)")
    assert hitch.settle and hitch.breakpoint_data()[0]["x"] == 5.0
    taken = client.post(tree, form)  # the name is taken: said on the form, nothing made
    assert taken.status_code == 200 and Route.objects.filter(name="Out 8 (left)").count() == 1
    assert "already" in taken.content.decode()
    client.force_login(staff(team, Role.MEMBER))
    assert client.get(tree).status_code == 403
