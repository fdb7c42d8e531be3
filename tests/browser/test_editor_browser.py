"""The field editor in a real browser: drag a receiver, add a route breakpoint, save and
read the database; an invalid drag shows the rule at once; the play page draws routes
and a defense and runs Simulate now. Runs against pytest-django's live server."""

import importlib.util
import os
import re
from pathlib import Path

import pytest

if importlib.util.find_spec("selenium") is None and os.environ.get("CI") != "true":
    pytest.skip("selenium is not installed (pip install -e '.[dev]')", allow_module_level=True)

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from playbook.models import Formation, Play, Route, Scenario
from simulation.models import SimulationRun
from teams.models import Role
from tests.support import admin as make
from tests.support.admin import admin_url
from tests.support.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def coach(team):
    user = UserFactory(is_staff=True)
    MembershipFactory(user=user, team=team, role=Role.COACH)
    return user


def wait(browser, condition, timeout=10):
    waiting = WebDriverWait(browser, timeout, ignored_exceptions=[StaleElementReferenceException])
    return waiting.until(lambda _: condition())


def texts(browser, selector, attribute=None):
    """Text (or an attribute) of every match, read at once: redraws replace elements."""
    return browser.execute_script(
        """return [...document.querySelectorAll(arguments[0])].map(
            (e) => arguments[1] ? e.getAttribute(arguments[1]) : e.textContent);""",
        selector,
        attribute,
    )


def settled(browser):
    """Every request the editor started has answered and every image has loaded."""
    idle = (
        "return window.fieldEditorIdle() && [...document.images].every((image) => image.complete)"
    )
    wait(browser, lambda: browser.execute_script(idle), timeout=20)


def css(browser, selector):
    return browser.find_elements(By.CSS_SELECTOR, selector)


def open_editor(browser, live_server, model, pk):
    browser.get(live_server.url + admin_url(model, "change", pk))
    wait(browser, lambda: css(browser, "#field-editor:not([hidden]) svg.fe-field g"))
    wait(browser, lambda: css(browser, ".fe-messages > *") or model is Play)
    return browser


def point(browser, x, y):
    """Field point (x, y) in viewport pixels, with the whole field scrolled into view."""
    return browser.execute_script(
        """const v = window.fieldEditor.view;
        v.node.scrollIntoView({block: "center", behavior: "instant"});
        const r = v.node.getBoundingClientRect(), k = r.width / (v.yMax - v.yMin);
        return [Math.round(r.left + (arguments[1] - v.yMin) * k),
                Math.round(r.top + (v.xMax - arguments[0]) * k)];""",
        x,
        y,
    )


def center(browser, selector):
    """The middle of an element's body (a player's circle, a defender's triangle), in
    viewport pixels, read in one go (a redraw may replace the element at any time)."""
    return browser.execute_script(
        """const el = document.querySelector(arguments[0]);
        const r = (el.querySelector(".fe-body") || el).getBoundingClientRect();
        return [Math.round(r.left + r.width / 2), Math.round(r.top + r.height / 2)];""",
        selector,
    )


def drag_to(browser, selector, x, y):
    """Press on the element, move to field point (x, y) in two steps, release. (Element
    origins would make the driver scroll the page; viewport pixels keep it still.)"""
    left, top = point(browser, x, y)
    actions = ActionBuilder(browser, duration=50)
    actions.pointer_action.move_to_location(*center(browser, selector)).pointer_down()
    actions.pointer_action.move_by(3, 3).move_to_location(left, top).pointer_up()
    actions.perform()


def click_at(browser, x, y):
    actions = ActionBuilder(browser, duration=50)
    actions.pointer_action.move_to_location(*point(browser, x, y)).click()
    actions.perform()


def click_on(browser, selector):
    point(browser, 0, 0)  # the field in view
    actions = ActionBuilder(browser, duration=50)
    actions.pointer_action.move_to_location(*center(browser, selector)).click()
    actions.perform()


def value(browser, element_id):
    return browser.find_element(By.ID, element_id).get_attribute("value")


def save(browser):
    """Press Save and wait for the page it leads to (the changelist): the POST is done."""
    settled(browser)  # the live server shares one SQLite connection: one request at a time
    form_page = browser.current_url  # …/add/ or …/<id>/change/
    browser.find_element(By.NAME, "_save").click()
    wait(browser, lambda: browser.current_url != form_page)
    wait(browser, lambda: browser.execute_script("return document.readyState") == "complete")


def test_drag_a_receiver_and_save(login, live_server, team, coach):
    formation = make.formation(team)
    browser = open_editor(login(coach), live_server, Formation, formation.pk)
    index = next(i for i in range(5) if value(browser, f"id_slots-{i}-role") == "WR1")
    drag_to(browser, 'g.fe-player[data-role="WR1"]', -1.2, 12.3)
    assert value(browser, f"id_slots-{index}-x") == "-1"  # snapped to half yards
    assert value(browser, f"id_slots-{index}-y") == "12.5"
    wait(browser, lambda: "Every rule passes" in texts(browser, ".fe-messages")[0])
    save(browser)
    wr1 = formation.slots.get(role="WR1")  # the writer stores the rows anew, as the API does
    assert (wr1.x, wr1.y) == (-1.0, 12.5)


def test_new_formation_starts_spread_and_is_saved(login, live_server, team, coach):
    browser = login(coach)
    browser.get(live_server.url + admin_url(Formation, "add"))
    wait(browser, lambda: len(css(browser, "g.fe-player")) == 5)  # WR1-3 spread on the line
    browser.find_element(By.ID, "id_name").send_keys("Drawn Spread")
    drag_to(browser, 'g.fe-player[data-role="WR3"]', -1, 2.5)
    wait(browser, lambda: "Every rule passes" in texts(browser, ".fe-messages")[0])
    save(browser)
    slots = {s["role"]: (s["x"], s["y"]) for s in Formation.objects.get().slot_data()}
    assert slots == {
        "QB": (-5.0, 0.0),
        "CENTER": (0.0, 0.0),
        "WR1": (0.0, -12.0),
        "WR2": (0.0, 12.0),
        "WR3": (-1.0, 2.5),
    }


def test_invalid_drag_shows_the_rule_at_once(login, live_server, team, coach):
    formation = make.formation(team)
    browser = open_editor(login(coach), live_server, Formation, formation.pk)
    drag_to(browser, 'g.fe-player[data-role="WR1"]', 0, 17)  # past the right sideline
    wait(browser, lambda: texts(browser, ".fe-messages .fe-errors"))
    settled(browser)
    message = "WR1 (y): 17.0 — off the field: |y| must be at most 15.0"
    assert message in texts(browser, ".fe-errors")[0]
    assert css(browser, 'g.fe-player.fe-error[data-role="WR1"]')
    drag_to(browser, 'g.fe-player[data-role="QB"]', 2, 0)  # the QB past the line
    wait(browser, lambda: "QB lines up behind the line" in "".join(texts(browser, ".fe-errors")))
    settled(browser)
    assert formation.slots.get(role="WR1").y == 10.0  # nothing saved


def test_click_a_breakpoint_onto_a_route_and_save(login, live_server, team, coach):
    route = make.route(team, make.SLANT)  # (2, 0) @ 400 ms, (8, -3) @ 1400 ms
    browser = open_editor(login(coach), live_server, Route, route.pk)
    click_at(browser, 12, -6)
    wait(browser, lambda: len(css(browser, "g.fe-breakpoint")) == 3)
    # 5 yd from (8, -3) at the default 7 yd/s: 714 ms, kept to 10 ms
    assert [value(browser, f"id_breakpoints-2-{k}") for k in ("x", "y", "time_ms")] == [
        "12",
        "-6",
        "2110",
    ]
    assert texts(browser, "text.fe-speed") == ["5.0 yd/s", "6.7 yd/s", "7.0 yd/s"]
    settled(browser)
    browser.find_element(By.ID, "fe-settle").click()
    save(browser)
    route.refresh_from_db()
    assert route.settle is True
    assert route.breakpoint_data()[-1] == {"x": 12.0, "y": -6.0, "time_ms": 2110}


def test_draw_a_new_route_by_clicking(login, live_server, team, coach):
    browser = login(coach)
    browser.get(live_server.url + admin_url(Route, "add"))  # three blank rows to fill
    # nothing drawn yet is nothing wrong yet: a hint, not an error
    wait(browser, lambda: "draw the first breakpoint" in "".join(texts(browser, ".fe-hint")))
    assert not css(browser, ".fe-errors li")
    browser.find_element(By.ID, "id_name").send_keys("Drawn Out")
    click_at(browser, 5, 0)  # 5 yd at 7 yd/s: 710 ms
    click_at(browser, 5, 4)  # 4 yd more: 570 ms
    wait(browser, lambda: len(css(browser, "g.fe-breakpoint")) == 2)
    wait(browser, lambda: "Every rule passes" in texts(browser, ".fe-messages")[0])
    save(browser)
    assert Route.objects.get(name="Drawn Out").breakpoint_data() == [
        {"x": 5.0, "y": 0.0, "time_ms": 710},
        {"x": 5.0, "y": 4.0, "time_ms": 1280},
    ]


def test_too_fast_leg_is_coloured_and_refused(login, live_server, team, coach):
    route = make.route(team, make.SLANT)  # (2, 0) @ 400 ms, (8, -3) @ 1400 ms
    browser = open_editor(login(coach), live_server, Route, route.pk)
    drag_to(browser, 'g.fe-breakpoint[data-drag="0"]', 12, 0)  # 12 yd in 0.4 s
    wait(browser, lambda: texts(browser, ".fe-messages .fe-errors"))
    settled(browser)
    message = "leg 1 needs 30.0 yd/s; no one runs faster than 25.0 yd/s"
    assert message in texts(browser, ".fe-errors")[0]
    assert texts(browser, "text.fe-speed") == ["30.0 yd/s", "5.0 yd/s"]
    assert texts(browser, "text.fe-speed", "fill") == ["#d0021b", "#fff"]
    assert route.breakpoints.first().x == 2.0  # nothing saved


def test_play_routes_overlay_progression_and_simulate(login, live_server, team, coach):
    play = make.play(team)  # WR1 corner, WR2 slant, reads WR1 then WR2
    scenario = make.scenario(team)
    browser = open_editor(login(coach), live_server, Play, play.pk)
    assert sorted(texts(browser, "polyline.fe-route", "data-role")) == ["WR1", "WR2"]
    assert texts(browser, "text.fe-read") == ["1", "2"]

    Select(browser.find_element(By.ID, "fe-scenario")).select_by_value(str(scenario.pk))
    wait(browser, lambda: len(css(browser, "g.fe-defender")) == 5)
    assert len(css(browser, "circle.fe-zone")) == 3
    assert len(css(browser, "polyline.fe-man")) == 1 and len(css(browser, "polyline.fe-rush")) == 1

    click_on(browser, 'g.fe-player[data-role="WR1"]')  # drop WR1 from the reads
    assert value(browser, "id_progression") == "WR2"
    click_on(browser, 'g.fe-player[data-role="WR1"]')  # and read him second
    assert value(browser, "id_progression") == "WR2, WR1"

    browser.execute_script("window.fieldEditor.config.episodes = 200")
    browser.find_element(By.ID, "fe-simulate").click()
    table = wait(browser, lambda: css(browser, "#fe-sim table.fe-numbers"), timeout=20)[0]
    assert re.search(r"Completion\s+\d+\.\d %", table.text), table.text
    assert re.search(r"Mean yards\s+-?\d+\.\d", table.text), table.text
    assert re.search(r"Success\s+\d+\.\d %", table.text), table.text
    run = SimulationRun.objects.get()
    assert run.episodes == 200 and list(run.scenarios.all()) == [scenario]
    replay = css(browser, "#fe-sim img.fe-replay")[0]
    assert replay.get_attribute("src").endswith(
        f"/api/teams/{team.pk}/simulations/{run.pk}/traces/0/replay.gif"
    )
    save(browser)
    play.refresh_from_db()
    assert play.progression == ["WR2", "WR1"]


def test_scenario_duty_and_drag(login, live_server, team, coach):
    scenario = make.scenario(team)
    browser = open_editor(login(coach), live_server, Scenario, scenario.pk)
    drag_to(browser, 'g.fe-defender[data-slot="D5"]', 4, 6)
    click_on(browser, 'g.fe-defender[data-slot="D5"]')
    browser.find_element(By.ID, "fe-duty-ZONE").click()
    wait(browser, lambda: css(browser, 'circle.fe-zone[data-slot="D5"]'))
    drag_to(browser, 'circle.fe-radius[data-slot="D5"]', 4, 13)  # radius 7
    wait(browser, lambda: "Every rule passes" in texts(browser, ".fe-messages")[0])
    save(browser)
    d5 = scenario.defenders.get(slot="D5")
    assert (d5.x, d5.y, d5.duty) == (4.0, 6.0, "ZONE")
    assert (d5.zone_x, d5.zone_y, d5.zone_radius) == (4.0, 6.0, 7.0)


@pytest.mark.skipif(
    not os.environ.get("EDITOR_SCREENSHOTS"),
    reason="docs/editor.md's screenshots: EDITOR_SCREENSHOTS=1 pytest tests/browser -k screenshots",
)
def test_screenshots_of_the_demo(login, live_server):
    from django.core.management import call_command

    from accounts.models import User

    call_command("setup_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    coach = User.objects.get(email="coach@fieldos.dev")
    browser = login(coach)
    play = Play.objects.get(name="Trips Flood")
    pages = [
        ("formation", Formation, play.formation.pk, None),
        ("route", Route, play.assignments.get(role="WR1").route_id, None),
        ("play", Play, play.pk, "Cover 2"),
        ("scenario", Scenario, Scenario.objects.get(name__startswith="Cover 2").pk, None),
    ]
    for name, model, pk, against in pages:
        open_editor(browser, live_server, model, pk)
        if against:
            option = next(
                o for o in css(browser, "#fe-scenario option") if o.text.startswith(against)
            )
            Select(browser.find_element(By.ID, "fe-scenario")).select_by_value(
                option.get_attribute("value")
            )
            wait(browser, lambda: css(browser, "g.fe-defender"))
            browser.find_element(By.ID, "fe-simulate").click()
            wait(browser, lambda: css(browser, "#fe-sim table.fe-numbers"), timeout=30)
        if name == "scenario":  # one defender picked: the duty panel beside the field
            click_on(browser, 'g.fe-defender[data-slot="D5"]')
        settled(browser)  # the replay GIF loaded, nothing left running on the server
        browser.execute_script("document.getElementById('field-editor').scrollIntoView()")
        browser.save_screenshot(str(SCREENSHOTS / f"editor-{name}.png"))


def test_play_redraws_after_its_formation_is_edited_elsewhere(login, live_server, team, coach):
    """The formation is edited in the admin's pop-up (the pencil): when the play's window
    gets the focus back, its editor reads the formation again and redraws."""
    play = make.play(team)
    browser = open_editor(login(coach), live_server, Play, play.pk)
    wr1 = 'g.fe-player[data-role="WR1"] circle'

    def wr1_x():
        return float(css(browser, wr1)[0].get_attribute("cx"))

    before = wr1_x()
    slot = play.formation.slots.get(role="WR1")
    slot.y -= 4.0  # as the pop-up would save it
    slot.save()
    browser.execute_script("window.dispatchEvent(new Event('focus'))")
    wait(browser, lambda: abs(wr1_x() - before) > 1)
    settled(browser)


def test_a_run_on_stops_at_the_sideline_as_in_the_diagrams(login, live_server, team, coach):
    """WR1 (lined up at y 10 on the 30-yd field) ends his route on the sideline (y 15),
    running outward: no run-on is drawn past it; WR2's slant keeps its run-on."""
    to_sideline = make.route(
        team,
        [{"x": 5.0, "y": 0.0, "time_ms": 800}, {"x": 8.0, "y": 5.0, "time_ms": 1400}],
    )
    play = make.play(team, routes={"WR1": to_sideline, "WR2": make.route(team, make.SLANT)})
    browser = open_editor(login(coach), live_server, Play, play.pk)

    def points(role):
        line = css(browser, f'polyline.fe-route[data-role="{role}"]')[0]
        return len(line.get_attribute("points").split())

    assert points("WR1") == 3  # start + 2 breakpoints, nothing past the sideline
    assert points("WR2") == 4  # start + 2 breakpoints + the run-on
    settled(browser)


def double_click(browser, left, top):
    """Two presses and releases at one spot, as fast as a coach double-clicks."""
    actions = ActionBuilder(browser, duration=30)
    actions.pointer_action.move_to_location(left, top).click().click()
    actions.perform()


def test_double_click_a_breakpoint_removes_it(login, live_server, team, coach):
    """The press lands on the breakpoint and the release on the redrawn field, so
    Chromium fires no dblclick there: the editor counts presses on the breakpoint."""
    route = make.route(team, make.SLANT)  # (2, 0) @ 400 ms, (8, -3) @ 1400 ms
    browser = open_editor(login(coach), live_server, Route, route.pk)
    point(browser, 0, 0)  # the field in view
    double_click(browser, *center(browser, 'g.fe-breakpoint[data-drag="1"]'))
    wait(browser, lambda: len(css(browser, "g.fe-breakpoint")) == 1)
    assert browser.find_element(By.ID, "id_breakpoints-1-DELETE").is_selected()
    assert not browser.find_element(By.ID, "id_breakpoints-0-DELETE").is_selected()
    save(browser)
    assert route.breakpoint_data() == [{"x": 2.0, "y": 0.0, "time_ms": 400}]


def test_double_click_on_the_field_adds_one_breakpoint(login, live_server, team, coach):
    route = make.route(team, make.SLANT)
    browser = open_editor(login(coach), live_server, Route, route.pk)
    double_click(browser, *point(browser, 12, -6))
    wait(browser, lambda: len(css(browser, "g.fe-breakpoint")) >= 3)
    settled(browser)
    assert len(css(browser, "g.fe-breakpoint")) == 3
    assert value(browser, "id_breakpoints-2-x") == "12"
    save(browser)
    assert len(route.breakpoint_data()) == 3


def test_the_pencil_by_a_route_edits_it_in_a_pop_up(login, live_server, team, coach):
    """docs/editor.md: the pencil next to a route in the assignment rows opens the route's
    editor in a pop-up; after Save the play's editor redraws the new route."""
    play = make.play(team)
    wr1 = play.assignments.get(role="WR1")
    browser = open_editor(login(coach), live_server, Play, play.pk)
    index = next(i for i in range(5) if value(browser, f"id_assignments-{i}-role") == "WR1")
    pencil = browser.find_element(By.ID, f"change_id_assignments-{index}-route")
    href = pencil.get_attribute("href") or ""
    assert f"/admin/playbook/route/{wr1.route_id}/change/" in href and "_popup=1" in href

    def wr1_line():
        return texts(browser, 'polyline.fe-route[data-role="WR1"]', "points")

    def breakpoints_drawn():
        return browser.execute_script(
            "return window.fieldEditor.config.routes[arguments[0]].breakpoints.length",
            str(wr1.route_id),
        )

    before = wr1_line()
    assert breakpoints_drawn() == 2
    play_window = browser.current_window_handle
    settled(browser)
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", pencil)
    pencil.click()
    wait(browser, lambda: len(browser.window_handles) == 2)
    browser.switch_to.window(next(h for h in browser.window_handles if h != play_window))
    wait(browser, lambda: css(browser, "#field-editor:not([hidden]) g.fe-breakpoint"))
    wait(browser, lambda: css(browser, ".fe-messages > *"))
    click_at(browser, 14, 14)  # a third breakpoint for WR1's route
    wait(browser, lambda: len(css(browser, "g.fe-breakpoint")) == 3)
    settled(browser)
    browser.find_element(By.NAME, "_save").click()
    wait(browser, lambda: len(browser.window_handles) == 1)  # the pop-up closes itself
    browser.switch_to.window(play_window)
    assert len(wr1.route.breakpoints.all()) == 3
    browser.execute_script("window.dispatchEvent(new Event('focus'))")
    wait(browser, lambda: breakpoints_drawn() == 3)
    wait(browser, lambda: wr1_line() != before)
    settled(browser)


def test_the_runners_spot_is_kept_when_the_route_reopens(login, live_server, team, coach):
    route = make.route(team)  # no play uses it: the runner starts at y 0
    browser = open_editor(login(coach), live_server, Route, route.pk)
    field = browser.find_element(By.ID, "fe-align")
    assert field.get_attribute("value") == "0"
    field.clear()
    field.send_keys("6")
    wait(browser, lambda: browser.execute_script("return window.fieldEditor.y0") == 6)
    settled(browser)
    open_editor(browser, live_server, Route, route.pk)
    assert value(browser, "fe-align") == "6"
    assert browser.execute_script("return window.fieldEditor.y0") == 6
    browser.execute_script("localStorage.clear()")


def test_a_spot_typed_off_the_field_is_drawn_where_it_is(login, live_server, team, coach):
    formation = make.formation(team)
    browser = open_editor(login(coach), live_server, Formation, formation.pk)
    row = next(
        i
        for i in range(10)
        if browser.find_element(By.NAME, f"slots-{i}-role").get_attribute("value") == "WR1"
    )
    field = browser.find_element(By.NAME, f"slots-{row}-y")
    field.clear()
    field.send_keys("-20")
    wait(browser, lambda: browser.execute_script("return window.fieldEditor.view.yMin") <= -21)
    settled(browser)
    inside = browser.execute_script(
        """const field = document.querySelector("svg.fe-field").getBoundingClientRect();
        const body = document.querySelector('g.fe-player[data-role="WR1"] .fe-body')
            .getBoundingClientRect();
        return body.left >= field.left && body.right <= field.right;"""
    )
    assert inside
    assert any("off the field" in t for t in texts(browser, ".fe-errors li"))
