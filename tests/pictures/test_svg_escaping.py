"""Every user text drawn into an SVG picture is escaped: names with markup, ampersands,
quotes and unicode come out as text, and characters XML cannot hold (stored before
input refused them, or loaded raw) never make a picture malformed."""

import xml.etree.ElementTree as ET

import pytest

from pictures import charts, diagrams
from playbook.models import Formation, Play, Route, Scenario
from simulation import services
from tests.support import builders as b

pytestmark = pytest.mark.django_db

HOSTILE = [
    "<script>alert(1)</script>",
    "O'Brien & <b>Sons</b>",
    '" onload="alert(1)',
    "Zoë Ωmega 名前 🏈",
    "]]><svg onload=alert(1)>",
]
NOT_XML = ["bell\x07name", "nonchar\ufffename", "esc\x1b[31m"]


def check_svg(svg, name):
    root = ET.fromstring(svg)  # well-formed XML, whatever the name held
    assert "<script" not in svg and "<b>" not in svg and "<svg onload" not in svg
    assert not any(el.tag.endswith("script") for el in root.iter())
    assert not any(k.startswith("on") for el in root.iter() for k in el.attrib)
    texts = "".join(t for el in root.iter() for t in (el.text or "",))
    return texts


def named(team, name):
    """A play vs a scenario whose names (and formation and route names) are `name`,
    stored as they are (no input check), as old data could be."""
    play, scenario = b.play(team), b.scenario(team)
    Play.objects.filter(pk=play.pk).update(name=name)
    Scenario.objects.filter(pk=scenario.pk).update(name=name)
    Formation.objects.filter(pk=play.formation_id).update(name=name)
    for i, route in enumerate(Route.objects.filter(team=team)):
        Route.objects.filter(pk=route.pk).update(name=f"{name} {i}")
    return Play.objects.get(pk=play.pk), Scenario.objects.get(pk=scenario.pk)


@pytest.mark.parametrize("name", HOSTILE + NOT_XML)
def test_play_and_scenario_diagrams(team, name):
    play, scenario = named(team, name)
    for picture in (
        diagrams.play_picture(play),
        diagrams.play_picture(play, scenario),
        diagrams.scenario_picture(scenario),
        diagrams.scenario_picture(scenario, play),
    ):
        texts = check_svg(diagrams.to_svg(picture), name)
        if name in HOSTILE:
            assert name in texts  # drawn as text, verbatim
        else:
            assert "\ufffd" in texts


@pytest.mark.parametrize("name", HOSTILE + NOT_XML)
def test_heat_map_and_run_charts(team, name):
    play, scenario = named(team, name)
    run = services.simulation_run_start(
        team=team, user=None, plays=[play], scenarios=[scenario], episodes=50, seed=3
    )
    texts = check_svg(diagrams.to_svg(charts.heatmap_picture(run)), name)
    if name in HOSTILE:
        assert name in texts
    for _title, svg in charts.run_charts(run):
        check_svg(svg, name)


def test_xml_text_escapes_markup_quotes_and_illegal_characters():
    assert diagrams.xml_text("a<b>&\"'") == "a&lt;b&gt;&amp;&quot;&#x27;"
    assert diagrams.xml_text("x\x00y\ufffez\ud800") == "x\ufffdy\ufffdz\ufffd"
    assert diagrams.xml_text("tab\tnew\nline é 🏈") == "tab\tnew\nline é 🏈"
