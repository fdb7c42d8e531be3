"""Pictures through the API (issue #8): diagrams, previews, animations, call-sheet PDFs,
replays and heat maps — content types, sizes, ETags, team scoping."""

import io
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from PIL import Image

from playbook import services
from simulation.models import SimulationRun
from tests.conftest import client_for
from tests.playbook import builders as b

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(coach):
    return client_for(coach)


def diagram_url(play, ext="svg"):
    return reverse("play-diagram", kwargs={"team_id": play.team_id, "pk": play.pk, "ext": ext})


def preview_url(scenario, ext="svg"):
    kwargs = {"team_id": scenario.team_id, "pk": scenario.pk, "ext": ext}
    return reverse("scenario-preview-image", kwargs=kwargs)


def png(response):
    image = Image.open(io.BytesIO(response.content))
    image.load()
    return image


class TestPlayDiagram:
    def test_svg_and_png(self, api, team):
        play = b.play(team, name="Flood")
        svg = api.get(diagram_url(play))
        assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
        root = ET.fromstring(svg.content)
        assert root.tag.endswith("svg") and b"Flood" in svg.content
        image = api.get(diagram_url(play, "png"))
        assert image["Content-Type"] == "image/png"
        width, height = png(image).size
        assert (int(root.get("width")), int(root.get("height"))) == (width, height)

    def test_etag_304_and_a_change_changes_the_picture(self, api, team):
        play = b.play(team)
        first = api.get(diagram_url(play))
        etag = first["ETag"]
        assert etag and "private" in first["Cache-Control"]
        again = api.get(diagram_url(play), HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304 and again["ETag"] == etag and not again.content
        slot = play.formation.slots.get(role="WR1")
        slot.y = 12.0
        slot.save()
        changed = api.get(diagram_url(play), HTTP_IF_NONE_MATCH=etag)
        assert changed.status_code == 200 and changed["ETag"] != etag

    def test_png_and_svg_of_the_same_play_share_the_content_key(self, api, team):
        play = b.play(team)
        assert api.get(diagram_url(play))["ETag"] == api.get(diagram_url(play, "png"))["ETag"]

    def test_mirrored_play_is_a_different_picture(self, api, team):
        play = b.play(team)
        mirror = services.play_mirror(play)
        assert api.get(diagram_url(play))["ETag"] != api.get(diagram_url(mirror))["ETag"]

    def test_against_a_scenario(self, api, team):
        play, scenario = b.play(team), b.scenario(team)
        alone = api.get(diagram_url(play))
        both = api.get(diagram_url(play) + f"?scenario={scenario.pk}")
        assert both.status_code == 200 and both["ETag"] != alone["ETag"]
        assert b"D1" in both.content and b"D1" not in alone.content

    @pytest.mark.parametrize("query", ["?scenario=999999", "?scenario=abc", "?scenario=-1"])
    def test_bad_scenario_is_404(self, api, team, query):
        response = api.get(diagram_url(b.play(team)) + query)
        assert response.status_code == 404 and response["Content-Type"] == "application/json"

    def test_other_teams_ids_are_404_in_json_even_when_asking_for_an_image(
        self, api, team, other_team
    ):
        theirs = b.play(other_team)
        response = api.get(diagram_url(theirs, "png"), HTTP_ACCEPT="image/png")
        assert response.status_code == 404
        assert response.json()["status"] == 404
        mine = b.play(team)
        their_scenario = b.scenario(other_team)
        url = diagram_url(mine) + f"?scenario={their_scenario.pk}"
        assert api.get(url).status_code == 404

    def test_outsider_and_anonymous(self, team, outsider):
        play = b.play(team)
        assert client_for(outsider).get(diagram_url(play)).status_code == 404
        from rest_framework.test import APIClient

        assert APIClient().get(diagram_url(play)).status_code == 401

    def test_unknown_extension_is_404(self, api, team):
        play = b.play(team)
        assert api.get(diagram_url(play).replace(".svg", ".bmp")).status_code == 404

    def test_html_in_names_is_escaped(self, api, team):
        play = b.play(team, name="<script>alert(1)</script>")
        content = api.get(diagram_url(play)).content
        assert b"<script>" not in content and b"&lt;script&gt;" in content


class TestScenarioPreview:
    def test_svg_png_and_the_plan_path(self, api, team):
        scenario = b.scenario(team)
        svg = api.get(preview_url(scenario))
        assert svg.status_code == 200 and b"D1" in svg.content
        assert png(api.get(preview_url(scenario, "png"))).size[0] > 100
        plan = api.get(reverse("scenario-preview", kwargs={"team_id": team.pk, "pk": scenario.pk}))
        assert plan.status_code == 200 and plan["Content-Type"] == "image/png"

    def test_against_a_play(self, api, team):
        scenario, play = b.scenario(team), b.play(team, name="Flood")
        response = api.get(preview_url(scenario) + f"?play={play.pk}")
        assert response.status_code == 200
        assert response["ETag"] != api.get(preview_url(scenario))["ETag"]

    def test_other_teams_scenario_is_404(self, api, other_team):
        assert api.get(preview_url(b.scenario(other_team))).status_code == 404
