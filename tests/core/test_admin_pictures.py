"""Pictures in the coach's admin (docs/pictures.md): play thumbnails and diagram, scenario
preview, call sheet PDFs, and a run's charts, heat map and replays — served by the
admin's own picture URLs, scoped like every admin page."""

import io
import itertools
import math
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from PIL import Image

from playbook import services
from playbook.models import Play, Playbook, Scenario
from simulation import services as sim
from simulation.models import SimulationRun
from tests.support import builders as b
from tests.support.admin import staff

pytestmark = pytest.mark.django_db


def picture(model, obj, name, ext):
    info = model._meta.app_label, model._meta.model_name
    return reverse("admin:{}_{}_picture".format(*info), args=[obj.pk, name, ext])


@pytest.fixture
def coach_client(client, team):
    client.force_login(staff(team))
    return client


def test_play_list_has_thumbnails_and_the_page_the_diagram(coach_client, team):
    play = b.play(team, name="Flood")
    listing = coach_client.get(reverse("admin:playbook_play_changelist")).content.decode()
    assert f'src="{picture(Play, play, "thumbnail", "svg")}"' in listing
    svg_url = picture(Play, play, "diagram", "svg")
    page = coach_client.get(reverse("admin:playbook_play_change", args=[play.pk])).content.decode()
    assert svg_url in page and picture(Play, play, "animation", "gif") in page
    response = coach_client.get(svg_url)
    assert response.status_code == 200 and b"Flood" in response.content
    assert "no-store" not in response["Cache-Control"]  # so the ETag can save a download
    assert coach_client.get(svg_url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    gif = coach_client.get(picture(Play, play, "animation", "gif"))
    assert Image.open(io.BytesIO(gif.content)).n_frames > 5
    scenario = b.scenario(team)
    against = coach_client.get(svg_url + f"?scenario={scenario.pk}")
    assert against.status_code == 200 and b"D1" in against.content


def test_a_bunch_stays_separate_players_in_the_list_thumbnail(coach_client, team):
    """The demo's Bunch Tight (three receivers a yard or less apart beside the center):
    at the list's thumbnail width every player is a dot at least 2 px across with at
    least half a pixel of grass between any two."""
    bunch = b.formation(
        team,
        slots=[
            {"role": "QB", "x": -5.0, "y": 0.0},
            {"role": "CENTER", "x": 0.0, "y": 0.0},
            {"role": "WR1", "x": 0.0, "y": 2.0},
            {"role": "WR2", "x": 0.0, "y": 1.0},
            {"role": "WR3", "x": 0.5, "y": 1.5},
        ],
    )
    routes = {role: b.route(team, b.SLANT) for role in ("WR1", "WR2", "WR3")}
    b.play(team, form=bunch, routes=routes, name="Bunch Mesh")
    listing = coach_client.get(reverse("admin:playbook_play_changelist")).content.decode()
    src, shown = re.search(r'<img src="([^"]+)" width="(\d+)"', listing).groups()
    svg = ET.fromstring(coach_client.get(src).content)
    scale = int(shown) / float(svg.get("width"))  # thumbnail pixels per SVG pixel
    dots = [
        (
            float(c.get("cx")),
            float(c.get("cy")),
            float(c.get("r")) + float(c.get("stroke-width")) / 2,
        )
        for c in svg.iter("{http://www.w3.org/2000/svg}circle")
        if c.get("class") == "player"
    ]
    assert len(dots) == 5
    assert all(2 * r * scale >= 2.0 for _, _, r in dots)
    for (ax, ay, ar), (bx, by, br) in itertools.combinations(dots, 2):
        assert (math.dist((ax, ay), (bx, by)) - ar - br) * scale >= 0.5


def test_scenario_preview_and_call_sheets(coach_client, team):
    scenario = b.scenario(team, name="Cover 2")
    page = coach_client.get(reverse("admin:playbook_scenario_change", args=[scenario.pk]))
    assert picture(Scenario, scenario, "preview", "svg") in page.content.decode()
    png = coach_client.get(picture(Scenario, scenario, "preview", "png"))
    assert Image.open(io.BytesIO(png.content)).size[0] > 100
    book = services.playbook_write(
        team=team, data={"name": "Game 1"}, entries=[{"play": b.play(team), "call_number": "7"}]
    )
    page = coach_client.get(reverse("admin:playbook_playbook_change", args=[book.pk]))
    for layout in ("sheet", "wristband"):
        url = picture(Playbook, book, layout, "pdf")
        assert url in page.content.decode()
        response = coach_client.get(url)
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")


def test_pictures_of_another_team_or_unknown_names_are_404(coach_client, team, other_team):
    theirs = b.play(other_team)
    assert coach_client.get(picture(Play, theirs, "diagram", "svg")).status_code == 404
    mine = b.play(team)
    assert coach_client.get(picture(Play, mine, "nonsense", "svg")).status_code == 404
    their_scenario = b.scenario(other_team)
    url = picture(Play, mine, "diagram", "svg") + f"?scenario={their_scenario.pk}"
    assert coach_client.get(url).status_code == 404


def test_run_page_shows_charts_heatmap_and_replays(coach_client, team):
    run = sim.simulation_run_start(
        team=team,
        user=None,
        plays=[b.play(team, name="Flood"), b.play(team, name="Slant")],
        scenarios=[b.scenario(team, name="Cover 2")],
        episodes=300,
        seed=3,
        situation={"down": 1, "distance": 10, "yardline": 35},
        traces=1,
    )
    page = coach_client.get(reverse("admin:simulation_simulationrun_change", args=[run.pk]))
    text = page.content.decode()
    for title in ("Outcome mix", "Charts", "Plays × defenses", "Replays"):
        assert title in text, title
    assert text.count("<svg") >= 4
    heatmap = picture(SimulationRun, run, "heatmap", "svg")
    assert heatmap in text
    assert coach_client.get(heatmap).status_code == 200
    replay = picture(SimulationRun, run, "replay-0", "gif")
    assert replay in text
    gif = Image.open(io.BytesIO(coach_client.get(replay).content))
    assert gif.n_frames == len(run.traces.get(index=0).data["frames"])
    assert coach_client.get(picture(SimulationRun, run, "replay-99", "gif")).status_code == 404
