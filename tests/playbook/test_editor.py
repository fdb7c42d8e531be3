"""The field editor's server side (playbook/editor.py): the change pages carry the editor
and its data, the JSON views stay inside the user's teams, and what the editor writes
into the inline inputs goes through the admin's own validation."""

import json

import pytest

from playbook.models import Formation, Play, Route, Ruleset, Scenario
from teams.models import Role
from tests.support import admin as make
from tests.support.admin import admin_url
from tests.support.factories import MembershipFactory, UserFactory


def staff(team, role=Role.COACH):
    user = UserFactory(is_staff=True)
    MembershipFactory(user=user, team=team, role=role)
    return user


@pytest.fixture
def coach_client(client, team):
    client.force_login(staff(team))
    return client


def editor_config(response):
    return response.context["editor_config"]


def form_data(response):
    """The change form as the browser would submit it untouched: every field's value."""
    context = response.context
    forms = [context["adminform"].form]
    for inline in context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            key = form.add_prefix(name)
            if isinstance(value, bool):
                if value:
                    data[key] = "on"
            elif value is not None:
                data[key] = value
    return data


def row_index(data, prefix, key, value):
    return next(
        int(k.split("-")[1])
        for k, v in data.items()
        if k.startswith(f"{prefix}-") and k.endswith(f"-{key}") and v == value
    )


# --- the pages -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["formation", "route", "play", "scenario"])
def test_change_page_has_the_editor_and_its_data(coach_client, team, kind):
    play = make.play(team)
    scenario = make.scenario(team)
    obj = {
        "formation": play.formation,
        "route": play.assignments.exclude(route=None).first().route,
        "play": play,
        "scenario": scenario,
    }[kind]
    response = coach_client.get(admin_url(type(obj), "change", obj.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="field-editor"' in html and f'data-kind="{kind}"' in html
    assert 'id="field-editor-config"' in html
    assert '<script src="/static/playbook/editor/main.js" type="module">' in html
    config = editor_config(response)
    assert config["kind"] == kind and config["team"] == team.pk and config["object"] == obj.pk
    assert config["rules"]["half_width"] == 15.0 and config["snap"] == 0.5
    assert json.loads(json.dumps(config)) == json.loads(json.dumps(config, default=str))


def test_play_page_lists_the_teams_scenarios_formations_and_routes(coach_client, team, other_team):
    play = make.play(team)
    scenario = make.scenario(team, name="Cover 2 Sky")
    make.scenario(other_team, name="Not Ours")
    response = coach_client.get(admin_url(Play, "change", play.pk))
    html = response.content.decode()
    assert f'<option value="{scenario.pk}">Cover 2 Sky</option>' in html
    assert "Not Ours" not in html and 'id="fe-simulate"' in html
    config = editor_config(response)
    formation = config["formations"][play.formation_id]
    assert formation["slots"] == play.formation.slot_data()
    assert formation["url"] == f"/api/teams/{team.pk}/formations/{play.formation_id}/"
    wr1 = play.assignments.get(role="WR1").route
    assert config["routes"][wr1.pk]["breakpoints"] == wr1.breakpoint_data()
    assert config["routes"][wr1.pk]["url"] == f"/api/teams/{team.pk}/routes/{wr1.pk}/"
    assert config["simulate_url"] == f"/api/teams/{team.pk}/simulate/"
    assert config["replay_url"] == f"/api/teams/{team.pk}/simulations/{{run}}/traces/0/replay.gif"
    assert config["run_url"] == "/admin/simulation/simulationrun/{run}/change/"
    [listed] = config["scenarios"]
    assert listed["overlay_url"] == (
        f"/admin/playbook/play/{play.pk}/editor/overlay/{scenario.pk}/"
    )


def test_route_page_places_the_runner_where_a_play_lines_him_up(coach_client, team):
    play = make.play(team)
    route = play.assignments.get(role="WR1").route
    response = coach_client.get(admin_url(Route, "change", route.pk))
    align = editor_config(response)["align"]
    assert align == {"role": "WR1", "play": play.name, "y": 10.0}


def test_add_page_has_the_editor_too(coach_client, team):
    response = coach_client.get(admin_url(Formation, "add"))
    assert response.status_code == 200
    config = editor_config(response)
    assert config["object"] is None and config["team"] == team.pk


# --- the check view ------------------------------------------------------------------


def check(client, model, body):
    return client.post(
        admin_url(model, "editor_check"), json.dumps(body), content_type="application/json"
    )


def test_check_formation_names_the_rule_at_once(coach_client, team):
    slots = [dict(s) for s in make.TRIPS]
    slots[2]["y"] = 16.5  # WR1 out of bounds
    slots[4]["x"] = 0.5  # WR3 past the line: a warning
    response = check(coach_client, Formation, {"team": team.pk, "ruleset": "", "rows": slots})
    assert response.status_code == 200
    data = response.json()
    assert list(data["errors"]) == ["slots[2].y"]
    assert "off the field" in data["errors"]["slots[2].y"][0]
    assert data["warnings"] == [
        "slots[4].x: 0.5 — WR3 is past the line of scrimmage (offside in NFL FLAG)"
    ]


def test_check_route_and_scenario(coach_client, team):
    fast = [{"x": 10.0, "y": 0.0, "time_ms": 300}]
    data = check(coach_client, Route, {"team": team.pk, "rows": fast}).json()
    assert "no one runs faster" in data["errors"]["breakpoints[0]"][0]

    data = check(coach_client, Scenario, {"team": team.pk, "rows": make.COVER2}).json()
    assert data["errors"] == {}
    assert data["man"] == {"D5": "WR2"}  # auto: the receiver closest to (2, 10)
    assert {p["role"] for p in data["offense"]} == {"QB", "CENTER", "WR1", "WR2", "WR3"}


def test_check_is_team_scoped(coach_client, team, other_team):
    rows = make.TRIPS
    assert check(coach_client, Formation, {"team": other_team.pk, "rows": rows}).status_code == 404
    assert check(coach_client, Formation, {"team": "x", "rows": rows}).status_code == 404
    foreign = Ruleset.objects.create(team=other_team, name="Theirs")
    body = {"team": team.pk, "ruleset": foreign.pk, "rows": rows}
    assert check(coach_client, Formation, body).status_code == 404
    own = Ruleset.objects.create(team=team, name="Ours", field_width=40.0)
    body = {"team": team.pk, "ruleset": own.pk, "rows": rows}
    assert check(coach_client, Formation, body).status_code == 200


def test_check_refuses_what_is_not_rows(coach_client, team):
    url = admin_url(Formation, "editor_check")
    assert coach_client.get(url).status_code == 405
    bad = coach_client.post(url, "nope", content_type="application/json")
    assert bad.status_code == 400
    assert check(coach_client, Formation, {"team": team.pk}).status_code == 400


def test_check_needs_staff(client, team):
    client.force_login(UserFactory())
    response = check(client, Formation, {"team": team.pk, "rows": make.TRIPS})
    assert response.status_code == 302  # to the admin login


# --- the overlay view ----------------------------------------------------------------


def overlay(client, play, scenario_id):
    return client.get(admin_url(Play, "editor_overlay", play.pk, scenario_id))


def test_overlay_draws_the_scenario_against_the_play(coach_client, team):
    play = make.play(team)
    scenario = make.scenario(team)
    data = overlay(coach_client, play, scenario.pk).json()
    assert data["scenario"] == scenario.name and data["qb"] == [-5.0, 0.0]
    duties = {d["slot"]: d for d in data["defenders"]}
    assert duties["D3"]["duty"] == "RUSH"
    assert duties["D1"]["zone_radius"] == 6.0
    man = duties["D5"]
    assert man["target"] in {"WR1", "WR2"} and man["target_at"] is not None
    assert data["rules"]["half_width"] == 15.0  # the play's (the team default)


def test_overlay_uses_the_scenarios_ruleset(coach_client, team):
    wide = Ruleset.objects.create(team=team, name="Wide", field_width=40.0)
    play = make.play(team)
    scenario = make.scenario(team, ruleset=wide)
    assert overlay(coach_client, play, scenario.pk).json()["rules"]["half_width"] == 20.0


def test_overlay_is_team_scoped(client, team, other_team):
    play = make.play(team)
    theirs = make.scenario(other_team)
    client.force_login(staff(team))
    assert overlay(client, play, theirs.pk).status_code == 404
    client.force_login(staff(other_team))
    assert overlay(client, play, theirs.pk).status_code == 404


# --- the round trip: the inputs the editor writes, saved by the admin -------------------


def test_moved_player_is_saved(coach_client, team):
    formation = make.formation(team)
    url = admin_url(Formation, "change", formation.pk)
    data = form_data(coach_client.get(url))
    i = row_index(data, "slots", "role", "WR1")
    data[f"slots-{i}-x"], data[f"slots-{i}-y"] = "-1.5", "12.5"  # as the editor writes them
    response = coach_client.post(url, data)
    assert response.status_code == 302
    assert formation.slots.get(role="WR1").x == -1.5
    assert formation.slots.get(role="WR1").y == 12.5


def test_invalid_spot_shows_the_message_and_saves_nothing(coach_client, team):
    formation = make.formation(team)
    url = admin_url(Formation, "change", formation.pk)
    data = form_data(coach_client.get(url))
    i = row_index(data, "slots", "role", "WR1")
    data[f"slots-{i}-y"] = "16.5"
    response = coach_client.post(url, data)
    assert response.status_code == 200
    assert "16.5 — off the field: |y| must be at most 15.0" in response.content.decode()
    assert 'id="field-editor"' in response.content.decode()  # the editor shows it again
    assert formation.slots.get(role="WR1").y == 10.0


def test_added_breakpoint_and_settle_are_saved(coach_client, team):
    route = make.route(team, make.SLANT)
    url = admin_url(Route, "change", route.pk)
    data = form_data(coach_client.get(url))
    n = int(data["breakpoints-TOTAL_FORMS"])
    data["breakpoints-TOTAL_FORMS"] = str(n + 1)  # what the "Add another" link does
    data.update(
        {f"breakpoints-{n}-x": "10", f"breakpoints-{n}-y": "-6", f"breakpoints-{n}-time_ms": "2000"}
    )
    data["settle"] = "on"
    response = coach_client.post(url, data)
    assert response.status_code == 302
    route.refresh_from_db()
    assert route.settle is True
    assert route.breakpoint_data()[-1] == {"x": 10.0, "y": -6.0, "time_ms": 2000}


def test_progression_clicked_in_order_is_saved(coach_client, team):
    play = make.play(team)
    url = admin_url(Play, "change", play.pk)
    data = form_data(coach_client.get(url))
    data["progression"] = "WR2, WR1"
    response = coach_client.post(url, data)
    assert response.status_code == 302
    play.refresh_from_db()
    assert play.progression == ["WR2", "WR1"]


def test_defender_duty_change_is_saved(coach_client, team):
    scenario = make.scenario(team)
    url = admin_url(Scenario, "change", scenario.pk)
    data = form_data(coach_client.get(url))
    i = row_index(data, "defenders", "slot", "D1")
    data.update(
        {
            f"defenders-{i}-duty": "MAN",
            f"defenders-{i}-man_target": "WR3",
            f"defenders-{i}-zone_x": "",
            f"defenders-{i}-zone_y": "",
            f"defenders-{i}-zone_radius": "",
        }
    )
    response = coach_client.post(url, data)
    assert response.status_code == 302
    d1 = scenario.defenders.get(slot="D1")
    assert (d1.duty, d1.man_target, d1.zone_radius) == ("MAN", "WR3", None)
