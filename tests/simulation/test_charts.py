"""Result charts (pictures/charts.py): the heat map and the run charts."""

import io
import re
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

from pictures import charts, diagrams
from playbook.models import Ruleset
from simulation import services
from simulation.engine import DEPTH_KEYS
from tests.support import builders as b

pytestmark = pytest.mark.django_db


def start(team, plays, scenarios, episodes=200):
    return services.simulation_run_start(
        team=team,
        user=None,
        plays=plays,
        scenarios=scenarios,
        episodes=episodes,
        seed=5,
        situation={"down": 2, "distance": 6.0, "yardline": 35.0},
    )


@pytest.fixture
def run(team):
    plays = [b.play(team), b.play(team, name="<script>alert(1)</script>"), b.play(team)]
    scenarios = [b.scenario(team), b.scenario(team)]
    return start(team, plays, scenarios)


def cell_texts(svg):
    return re.findall(r'<text class="cell-value"[^>]*>([^<]*)</text>', svg)


@pytest.mark.parametrize("value", ["mean_reward", "success_rate"])
def test_heatmap_has_a_cell_per_pair_with_the_metric_in_it(run, value):
    picture = charts.heatmap_picture(run, value)
    assert sum(i["cls"] == "cell" for i in picture.items) == 3 * 2
    svg = diagrams.to_svg(picture)
    ET.fromstring(svg)
    assert svg.count('class="cell"') == 6
    fmt = charts.HEATMAP_VALUES[value][1]
    pairs = sorted(run.metrics["pairs"], key=lambda p: (p["play"], p["scenario"]))
    assert cell_texts(svg) == [fmt(p[value]) for p in pairs]  # rows plays, columns defenses
    image = Image.open(io.BytesIO(diagrams.to_png(picture)))
    assert image.size == (picture.width_px, picture.height_px)


def test_heatmap_colours_follow_the_scale(run):
    picture = charts.heatmap_picture(run, "success_rate")
    cells = [i for i in picture.items if i["cls"] == "cell"]
    pairs = sorted(run.metrics["pairs"], key=lambda p: (p["play"], p["scenario"]))
    for cell, pair in zip(cells, pairs, strict=True):
        assert cell["fill"] == charts.heatmap_colour("success_rate", pair["success_rate"], 1)
    assert charts.heatmap_colour("mean_reward", 0.0, 5) == charts._hex(charts.NEUTRAL)
    assert charts.heatmap_colour("mean_reward", 5.0, 5) == charts._hex(charts.POSITIVE)
    assert charts.heatmap_colour("mean_reward", -9.0, 5) == charts._hex(charts.NEGATIVE)
    assert charts.heatmap_colour("success_rate", 1.0, 1) == charts._hex(charts.SEQ_HIGH)


def field_texts(picture):
    return [i["text"] for i in picture.items if i["cls"] == "field"]


def test_heatmap_says_which_field_its_results_are_on(team, run):
    default = Ruleset.objects.get(team=team, is_default=True)
    assert field_texts(charts.heatmap_picture(run)) == [f"On {default.name}, 30 × 70 yd"]
    wide = Ruleset.objects.create(team=team, name="Wide", field_width=40.0, field_length=80.0)
    plain, own = b.scenario(team, name="Cover 2"), b.scenario(team, name="Cover 3", ruleset=wide)
    mixed = start(team, [b.play(team)], [plain, own])
    assert " ".join(field_texts(charts.heatmap_picture(mixed, "success_rate"))) == (
        f"On {default.name}, 30 × 70 yd vs Cover 2; Wide, 40 × 80 yd vs Cover 3"
    )


def test_names_are_escaped(run):
    svg = diagrams.to_svg(charts.heatmap_picture(run))
    assert "<script>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg


def test_unknown_value_is_refused(run):
    with pytest.raises(ValueError, match="Unknown heat-map value 'yards'"):
        charts.heatmap_picture(run, "yards")


def test_one_pair_is_a_one_by_one_map_and_deleted_plays_are_labelled(team):
    play = b.play(team)
    run = start(team, [play], [b.scenario(team)])
    play_id = play.pk
    play.delete()
    picture = charts.heatmap_picture(run)
    assert sum(i["cls"] == "cell" for i in picture.items) == 1
    rows = [i["text"] for i in picture.items if i["cls"] == "row"]
    assert rows == [f"play #{play_id} (deleted)"]


def test_another_teams_play_with_the_same_id_is_not_named(team, other_team):
    run = start(team, [b.play(team)], [b.scenario(team)])
    foreign = b.play(other_team, name="Foreign")
    run.metrics["pairs"][0]["play"] = foreign.pk
    rows = [i["text"] for i in charts.heatmap_picture(run).items if i["cls"] == "row"]
    assert rows == [f"play #{foreign.pk} (deleted)"]


def test_an_unfinished_run_has_no_charts_yet(team):
    run = services.simulation_run_create(
        team=team,
        user=None,
        plays=[b.play(team)],
        scenarios=[b.scenario(team)],
        episodes=100,
        seed=1,
        situation={"down": 1, "distance": 10.0, "yardline": 35.0},
    )
    assert charts.run_charts(run) == []
    picture = charts.heatmap_picture(run)
    assert not any(i["cls"] == "cell" for i in picture.items)
    assert "No results yet" in diagrams.to_svg(picture)


def test_run_charts(run):
    result = charts.run_charts(run)
    assert [title for title, _ in result] == [
        "Outcome mix",
        "Yards distribution",
        "Completion by depth (air yards)",
        "Target share",
    ]
    for _, svg in result:
        ET.fromstring(svg)
    outcome, yards, depth, targets = (svg for _, svg in result)
    overall = run.metrics["overall"]
    counts = [int(n) for n in re.findall(r'class="value"[^>]*>\d+% \((\d+)\)<', outcome)]
    assert len(counts) == 4 and sum(counts) == overall["episodes"] == 1200
    assert f"{overall['completion_rate'] * overall['attempts']:.0f}" == str(counts[0])
    assert yards.count('class="bar"') > 3
    shares = re.findall(r'class="value"[^>]*>(\d+)% \(\d+\)<', targets)
    # jsonb (PostgreSQL) does not keep key order: compare in the charts' order.
    share = overall["target_share"]
    expected = [f"{share[role]:.0%}"[:-1] for role in sorted(share)]
    assert shares == expected
    rates = re.findall(r'class="value"[^>]*>([^<]*) \(n=\d+\)<', depth)
    by_depth = overall["completion_rate_by_depth"]
    expected = ["—" if by_depth[k] is None else f"{by_depth[k]:.0%}" for k in DEPTH_KEYS]
    assert rates == expected
