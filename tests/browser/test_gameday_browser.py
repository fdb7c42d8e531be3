"""The sideline charting page on a phone: a 40-snap game charted tap by tap, with an
offline gap, an undo on each side of it and a resend of a snap already stored."""

import importlib.util
import json
import os
from pathlib import Path

import pytest

if importlib.util.find_spec("selenium") is None and os.environ.get("CI") != "true":
    pytest.skip("selenium is not installed", allow_module_level=True)

from django.urls import reverse
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from gameday import progression as pg
from gameday import selectors
from gameday.models import Snap
from gameday.services import rules_of
from teams.models import Role
from tests.gameday.conftest import sideline_for
from tests.support.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SHOOT = bool(os.environ.get("GAMEDAY_SCREENSHOTS"))
PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True}

# (call, defense button, result, yards): a game's worth of our snaps — touchdowns, an
# interception, a turnover on downs, sacks and penalties.
GAME = [
    (0, 0, "complete", 8),
    (1, 0, "complete", 13),
    (2, 1, "run", 4),
    (0, 0, "complete", 21),
    (1, 2, "incomplete", 0),
    (0, 2, "sack", 3),
    (2, 0, "complete", 9),
    (1, 1, "complete", 12),
    (0, 0, "incomplete", 0),
    (0, 3, "penalty", 5),
    (2, 0, "run", 6),
    (1, 0, "complete", 15),
    (0, 1, "interception", 0),
    (1, 0, "complete", 5),
    (0, 0, "incomplete", 0),
    (2, 2, "run", 3),
    (1, 0, "incomplete", 0),
    (0, 1, "complete", 18),
    (0, 0, "complete", 2),
    (1, 0, "run", 25),
    (2, 0, "complete", 7),
    (0, 3, "incomplete", 0),
    (1, 1, "complete", 10),
    (0, 0, "complete", 6),
    (2, 0, "sack", 2),
    (1, 0, "complete", 11),
    (0, 2, "complete", 12),
    (0, 0, "incomplete", 0),
    (1, 0, "complete", 9),
    (2, 1, "run", 14),
    (0, 0, "penalty", -5),
    (1, 0, "complete", 20),
    (0, 0, "incomplete", 0),
    (1, 2, "incomplete", 0),
    (2, 0, "complete", 3),
    (0, 1, "run", 4),
    (1, 0, "complete", 30),
    (0, 0, "complete", 7),
    (2, 0, "incomplete", 0),
    (1, 1, "complete", 16),
]
assert len(GAME) == 40


def wait(browser, condition, timeout=15):
    return WebDriverWait(browser, timeout, poll_frequency=0.05).until(lambda b: condition())


def network(browser, offline):
    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd(
        "Network.emulateNetworkConditions",
        {"offline": offline, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )


@pytest.fixture
def phone(login):
    user = UserFactory()
    side = sideline_for(MembershipFactory(user=user, role=Role.COACH).team)
    browser = login(user)
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    yield browser, side
    network(browser, offline=False)
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def tap(browser, selector):
    browser.find_element(By.CSS_SELECTOR, selector).click()


def chart(browser, side, call, defense, result, yards):
    tap(browser, f'[data-call="{side.plays[call].pk}"]')
    tap(browser, f'[data-defense="{defense}"]')
    field = browser.find_element(By.ID, "yards")
    field.clear()
    field.send_keys(str(yards))
    tap(browser, f'[data-result="{result}"]')


def waiting(browser):
    return int(browser.find_element(By.ID, "net").get_attribute("data-waiting"))


def idle(browser):
    return browser.execute_script("return window.gamedayIdle && window.gamedayIdle()")


def shown(browser):
    dd = browser.find_element(By.ID, "down-distance")
    return tuple(
        float(dd.get_attribute(f"data-{k}")) for k in ("down", "distance", "yards-to-goal")
    )


def test_a_40_snap_game_with_an_offline_gap(phone, live_server):
    browser, side = phone
    game = side.game
    url = reverse("gameday-chart", kwargs={"team_id": side.team.pk, "game_id": game.pk})
    browser.get(live_server.url + url)
    wait(browser, lambda: browser.find_elements(By.CSS_SELECTOR, "[data-call]"))
    assert browser.execute_script("return window.innerWidth") == PHONE["width"]
    buttons = browser.find_elements(By.CSS_SELECTOR, "[data-call], [data-defense]")
    assert min(b.size["height"] for b in buttons if b.is_displayed()) >= 60  # thumb-sized
    rules = rules_of(game)
    expected = [
        s for s, _ in pg.replay(rules, [{"result": g[2], "yards": _yards(g)} for g in GAME])
    ]

    # 1–15 online, with an undo of a stored snap (a mistaken 8th snap, charted again)
    for i, snap in enumerate(GAME[:15]):
        assert shown(browser) == (expected[i].down, expected[i].distance, expected[i].yards_to_goal)
        chart(browser, side, *snap)
        if i == 7:
            wait(browser, lambda: idle(browser))
            tap(browser, "#undo")
            wait(browser, lambda: idle(browser) and Snap.objects.filter(game=game).count() == 7)
            chart(browser, side, *snap)
    wait(browser, lambda: idle(browser) and Snap.objects.filter(game=game).count() == 15)
    if SHOOT:
        browser.save_screenshot(str(SCREENSHOTS / "gameday-phone-call.png"))

    # 16–30 with the network gone: the phone keeps them, the server sees none
    network(browser, offline=True)
    for i, snap in enumerate(GAME[15:30], start=15):
        chart(browser, side, *snap)
        if i == 20:  # undo while offline: the queued snap is simply dropped
            tap(browser, "#undo")
            chart(browser, side, *snap)
        assert shown(browser) == tuple(
            getattr(pg.advance(rules, expected[i], snap[2], _yards(snap)).next, k)
            for k in ("down", "distance", "yards_to_goal")
        )
    assert waiting(browser) == 15
    queued = json.loads(
        browser.execute_script(
            f"return localStorage.getItem('fieldos.gameday.{side.team.pk}.{game.pk}.queue')"
        )
    )
    assert len(queued) == 15 and all(op["op"] == "create" for op in queued)
    tap(browser, f'[data-call="{side.plays[0].pk}"]')
    tap(browser, '[data-defense="0"]')
    if SHOOT:
        browser.save_screenshot(str(SCREENSHOTS / "gameday-phone-offline.png"))
    for _ in range(2):  # back to the call: nothing is charted by changing one's mind
        next(
            b for b in browser.find_elements(By.CSS_SELECTOR, "[data-back]") if b.is_displayed()
        ).click()
    assert browser.find_element(By.ID, "step-call").is_displayed()
    assert Snap.objects.filter(game=game).count() == 15

    # the network returns: the queue drains, each snap once
    network(browser, offline=False)
    wait(browser, lambda: idle(browser) and Snap.objects.filter(game=game).count() == 30, 30)
    assert waiting(browser) == 0
    for snap in GAME[30:]:
        chart(browser, side, *snap)
    wait(browser, lambda: idle(browser) and Snap.objects.filter(game=game).count() == 40)

    # a resend of a stored snap (its answer lost on the way back) adds nothing
    fifth = Snap.objects.get(game=game, sequence=5)
    resend = {
        "op": "create",
        "key": fifth.idempotency_key,
        "body": {
            "game": game.pk,
            "idempotency_key": fifth.idempotency_key,
            "play": fifth.play_id,
            "result": "run",
            "yards": 99,
        },
        "local": {
            "key": fifth.idempotency_key,
            "result": "run",
            "yards": 99,
            "drive": 1,
            "down": 1,
            "distance": 1,
            "yards_to_goal": 1,
            "call": "x",
        },
    }
    browser.execute_script(
        "localStorage.setItem(arguments[0], JSON.stringify([arguments[1]]))",
        f"fieldos.gameday.{side.team.pk}.{game.pk}.queue",
        resend,
    )
    browser.refresh()
    wait(browser, lambda: idle(browser) and waiting(browser) == 0)
    assert browser.find_element(By.ID, "snap-count").text == "40"

    stored = list(Snap.objects.filter(game=game).order_by("sequence"))
    assert len(stored) == 40 and len({s.idempotency_key for s in stored}) == 40
    assert [s.sequence for s in stored] == list(range(1, 41))
    assert [(s.play_id, s.result, s.yards) for s in stored] == [
        (side.plays[c].pk, r, _yards((c, d, r, y))) for c, d, r, y in GAME
    ]
    assert [s.state() for s in stored] == expected
    final = pg.advance(rules, expected[-1], GAME[-1][2], _yards(GAME[-1])).next
    assert shown(browser) == (final.down, final.distance, final.yards_to_goal)
    if SHOOT:
        browser.save_screenshot(str(SCREENSHOTS / "gameday-phone-result.png"))

    # the drive chart and the self-scout report read the same snaps
    drives = selectors.drive_chart(game)
    assert sum(d["plays"] for d in drives["drives"]) == 40
    outcomes = [
        o
        for _, o in pg.replay(
            rules, [{"result": r, "yards": _yards((0, 0, r, y))} for *_, r, y in GAME]
        )
    ]
    assert drives["touchdowns"] == sum(o.event == pg.TOUCHDOWN for o in outcomes)
    ends = [o.event for o in outcomes if o.event in pg.DRIVE_ENDS]
    assert [d["result"] for d in drives["drives"]][: len(ends)] == ends
    report = selectors.self_scout(side.team, selectors.snaps_for(side.team))
    calls = {r["call"]: r["n"] for r in report["results"]}
    assert calls == {p.name: sum(1 for c, *_ in GAME if c == i) for i, p in enumerate(side.plays)}
    by_down = {r["key"]: r["n"] for r in report["by_down"]}
    assert by_down == {
        str(d): sum(1 for s in expected if s.down == d) for d in {s.down for s in expected}
    }


def _yards(snap):
    result, yards = snap[2], snap[3]
    if result in ("incomplete", "interception"):
        return 0.0
    return -abs(yards) if result == "sack" else float(yards)


def test_only_coaches_of_the_team_chart(client, team):
    sideline = sideline_for(team)
    url = reverse(
        "gameday-chart", kwargs={"team_id": sideline.team.pk, "game_id": sideline.game.pk}
    )
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous.url.startswith("/admin/login/")
    outsider = UserFactory()
    MembershipFactory(user=outsider, role=Role.OWNER)
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    member = MembershipFactory(team=sideline.team, role=Role.MEMBER).user
    client.force_login(member)
    assert client.get(url).status_code == 403
    coach = MembershipFactory(team=sideline.team, role=Role.COACH).user
    client.force_login(coach)
    page = client.get(url)
    assert page.status_code == 200 and b"csrfmiddlewaretoken" in page.content
    other = reverse("gameday-chart", kwargs={"team_id": sideline.team.pk, "game_id": 999999})
    assert client.get(other).status_code == 404


@pytest.mark.skipif(
    not SHOOT,
    reason="docs/gameday.md's screenshots: GAMEDAY_SCREENSHOTS=1 pytest tests/browser -k gameday",
)
def test_screenshots_of_the_reports(login, live_server):
    """The admin's game report (drive chart, tendencies) and the simulated-vs-real table
    with a flagged play, for docs/gameday.md."""
    from gameday.services import snap_record
    from simulation.models import JobStatus, SimulationRun

    user = UserFactory(is_staff=True)
    side = sideline_for(MembershipFactory(user=user, role=Role.COACH).team)
    flood, mesh, jet = side.plays
    cover2, cover0 = side.scenarios
    for i, (c, d, r, y) in enumerate(GAME):
        defense = {0: {"defense": cover2}, 1: {"defense": cover0}}.get(
            d, {"defense_shell": "COVER3", "defense_coverage": "ZONE"}
        )
        snap_record(
            game=side.game,
            data={"play": side.plays[c], "result": r, "yards": y, **defense},
            key=f"s{i}",
        )
    SimulationRun.objects.create(
        team=side.team,
        bucket="1ST_ANY",
        episodes=2000,
        seed=1,
        status=JobStatus.SUCCEEDED,
        metrics={
            "overall": {},
            "pairs": [
                {"play": flood.pk, "scenario": cover2.pk, "success_rate": 0.7, "episodes": 2000},
                {"play": mesh.pk, "scenario": cover2.pk, "success_rate": 0.35, "episodes": 2000},
                {"play": jet.pk, "scenario": cover2.pk, "success_rate": 0.3, "episodes": 2000},
            ],
        },
    )
    browser = login(user)
    browser.set_window_size(1300, 1000)
    try:
        browser.get(live_server.url + reverse("admin:gameday_game_report", args=[side.game.pk]))
        browser.save_screenshot(str(SCREENSHOTS / "gameday-report-drives.png"))
        browser.execute_script("document.querySelector('#predictability').scrollIntoView()")
        browser.save_screenshot(str(SCREENSHOTS / "gameday-report-tendencies.png"))
        browser.execute_script("document.querySelector('#corrections').scrollIntoView()")
        browser.save_screenshot(str(SCREENSHOTS / "gameday-report-simulated-vs-real.png"))
        changelist = live_server.url + reverse("admin:gameday_game_changelist")
        browser.get(changelist)
        browser.find_element(By.CSS_SELECTOR, "input.action-select").click()
        browser.find_element(
            By.CSS_SELECTOR, "select[name=action] option[value=scout_opponents]"
        ).click()
        browser.find_element(By.CSS_SELECTOR, "button[name=index]").click()
        wait(browser, lambda: "defenses by situation" in browser.page_source)
        browser.execute_script("document.querySelector('.scouting').scrollIntoView()")
        browser.save_screenshot(str(SCREENSHOTS / "gameday-scouting.png"))
    finally:
        browser.set_window_size(1400, 1000)


def test_the_try_follows_a_touchdown_and_the_coach_picks_2_points(phone, live_server):
    """A touchdown: the page goes to the 1-point try from the 5; the coach taps the
    2-point try from the 10, charts it, and the next snap starts the next drive."""
    browser, side = phone
    game = side.game
    url = reverse("gameday-chart", kwargs={"team_id": side.team.pk, "game_id": game.pk})
    browser.get(live_server.url + url)
    wait(browser, lambda: browser.find_elements(By.CSS_SELECTOR, "[data-call]"))
    assert not browser.find_element(By.ID, "try").is_displayed()
    chart(browser, side, 0, 0, "complete", 45)  # from our 5 to the end zone
    assert shown(browser) == (1.0, 5.0, 5.0)
    assert browser.find_element(By.ID, "down-distance").text == "1-pt try"
    choices = browser.find_elements(By.CSS_SELECTOR, "[data-try]")
    assert [c.is_displayed() for c in choices] == [True, True]
    assert min(c.size["height"] for c in choices) >= 60  # thumb-sized at the phone viewport
    assert choices[0].get_attribute("aria-pressed") == "true"
    tap(browser, '[data-try="2"]')
    assert shown(browser) == (1.0, 10.0, 10.0)
    assert browser.find_element(By.ID, "down-distance").text == "2-pt try"
    assert "try from the 10" in browser.find_element(By.ID, "field-position").text
    chart(browser, side, 1, 0, "complete", 10)
    assert shown(browser) == (1.0, 20.0, 45.0)  # drive 2 from our 5
    assert not browser.find_element(By.ID, "try").is_displayed()
    wait(browser, lambda: idle(browser) and Snap.objects.filter(game=game).count() == 2)
    touchdown, attempt = Snap.objects.filter(game=game).order_by("sequence")
    assert touchdown.touchdown and touchdown.try_points is None
    assert (attempt.drive, attempt.try_points, attempt.yards_to_goal) == (1, 2, 10.0)
    assert attempt.touchdown  # reached the goal: the try is good
    drives = selectors.drive_chart(game)
    assert drives["tries"] == {"attempted": 1, "good": 1, "points": 2}
    assert drives["next"]["drive"] == 2 and drives["next"]["try_points"] is None

    # a reload keeps the try where it was: the server's snaps say so too
    chart(browser, side, 0, 0, "complete", 45)
    wait(browser, lambda: idle(browser) and Snap.objects.filter(game=game).count() == 3)
    browser.refresh()
    wait(browser, lambda: browser.find_elements(By.CSS_SELECTOR, "[data-call]"))
    assert shown(browser) == (1.0, 5.0, 5.0) and browser.find_element(By.ID, "try").is_displayed()
