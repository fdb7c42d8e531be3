"""The drawing module (playbook/diagrams.py): one set of primitives → SVG and PNG.
Endpoints, admin thumbnails and the rest of issue #8 come later."""

import io
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

from playbook import diagrams, services
from tests.playbook import builders as b

pytestmark = pytest.mark.django_db


def test_play_picture_renders_to_svg_and_png(team):
    play = b.play(team)
    picture = diagrams.play_picture(play)
    svg = diagrams.to_svg(picture)
    ET.fromstring(svg)  # well-formed
    for label in ("QB", "WR1", "WR2"):
        assert label in svg
    image = Image.open(io.BytesIO(diagrams.to_png(picture)))
    assert image.size[0] > 100 and image.size[1] > 100


def test_mirror_and_changes_change_the_digest(team):
    play = b.play(team)
    mirrored = services.play_mirror(play)
    assert diagrams.play_picture(play).digest != diagrams.play_picture(mirrored).digest
    assert diagrams.play_picture(play).digest == diagrams.play_picture(play).digest


def test_scenario_over_a_play_and_alone(team):
    play, scenario = b.play(team), b.scenario(team)
    ET.fromstring(diagrams.to_svg(diagrams.play_picture(play, scenario)))
    svg = diagrams.to_svg(diagrams.scenario_picture(scenario))
    ET.fromstring(svg)
    assert "D1" in svg
    Image.open(io.BytesIO(diagrams.to_png(diagrams.scenario_picture(scenario, play))))
