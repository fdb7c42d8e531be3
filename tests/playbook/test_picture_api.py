"""Pictures through the API (docs/pictures.md): diagrams, previews, animations, call-sheet PDFs,
replays and heat maps — content types, sizes, ETags, team scoping."""

import io
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from PIL import Image

from playbook import services
from simulation.models import SimulationRun
from tests.support import builders as b
from tests.support.clients import client_for

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
    def test_labels_put_numbers_and_names_on_the_players(self, api, team):
        from playbook.models import Player

        Player.objects.create(
            team=team, side="OFFENSE", role="WR1", name="Tyrell Davis", jersey_number=1
        )
        play = b.play(team, name="Flood")
        names = api.get(diagram_url(play) + "?labels=names")
        assert names.status_code == 200 and b">Davis<" in names.content
        assert b">Davis<" not in api.get(diagram_url(play)).content
        wrong = api.get(diagram_url(play) + "?labels=faces")
        assert wrong.status_code == 400 and "labels" in wrong.json()["errors"]

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

    def test_png_and_svg_have_their_own_etags_and_any_name_downloads(self, api, team):
        play = b.play(team, name="战术 Café Ωmega")
        svg, png_ = api.get(diagram_url(play)), api.get(diagram_url(play, "png"))
        assert svg["ETag"] != png_["ETag"]
        again = api.get(diagram_url(play, "png"), HTTP_IF_NONE_MATCH=svg["ETag"])
        assert again.status_code == 200  # the SVG's tag is not the PNG's
        assert api.get(diagram_url(play), HTTP_IF_NONE_MATCH="*").status_code == 304
        disposition = png_["Content-Disposition"]
        assert disposition.startswith("inline; filename*=utf-8''") and "Caf%C3%A9" in disposition

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
        assert "No scenario" in response.json()["detail"]

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


class TestCallSheetPdf:
    def pdf_url(self, book):
        return reverse("playbook-call-sheet-pdf", kwargs={"team_id": book.team_id, "pk": book.pk})

    def test_sheet_and_wristband(self, api, team):
        play = b.play(team, name="Flood")
        book = services.playbook_write(
            team=team, data={"name": "Game 1"}, entries=[{"play": play, "call_number": "21"}]
        )
        sheet = api.get(self.pdf_url(book))
        assert sheet.status_code == 200 and sheet["Content-Type"] == "application/pdf"
        assert sheet.content.startswith(b"%PDF") and b"Flood" in sheet.content
        band = api.get(self.pdf_url(book) + "?layout=wristband")
        assert band.status_code == 200 and band["ETag"] != sheet["ETag"]
        assert api.get(self.pdf_url(book), HTTP_IF_NONE_MATCH=sheet["ETag"]).status_code == 304
        play.notes = "Hit the flat early."
        play.save()
        assert api.get(self.pdf_url(book))["ETag"] != sheet["ETag"]

    def test_bad_layout_and_other_team(self, api, team, other_team):
        book = services.playbook_write(team=team, data={"name": "B"}, entries=[])
        response = api.get(self.pdf_url(book) + "?layout=poster")
        assert response.status_code == 400 and "layout" in response.json()["errors"]
        theirs = services.playbook_write(team=other_team, data={"name": "T"}, entries=[])
        assert api.get(self.pdf_url(theirs)).status_code == 404


class TestRunPictures:
    @pytest.fixture
    def run(self, api, team):
        body = {
            "plays": [b.play(team, name="Flood").pk, b.play(team, name="Slant").pk],
            "scenarios": [b.scenario(team, name="Cover 2").pk],
            "episodes": 300,
            "seed": 5,
            "traces": 1,
        }
        response = api.post(reverse("simulation-list", kwargs={"team_id": team.pk}), body)
        assert response.status_code == 201, response.json()
        return SimulationRun.objects.get(pk=response.json()["id"])

    def replay_url(self, run, n=0):
        return reverse("simulation-replay", kwargs={"team_id": run.team_id, "pk": run.pk, "n": n})

    def heatmap_url(self, run, ext="svg"):
        kwargs = {"team_id": run.team_id, "pk": run.pk, "ext": ext}
        return reverse("simulation-heatmap", kwargs=kwargs)

    def test_replay_gif_has_one_frame_per_trace_frame(self, api, run):
        response = api.get(self.replay_url(run))
        assert response.status_code == 200 and response["Content-Type"] == "image/gif"
        gif = Image.open(io.BytesIO(response.content))
        assert gif.n_frames == len(run.traces.get(index=0).data["frames"])
        assert api.get(self.replay_url(run), HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304

    def test_missing_trace_and_other_teams_run_are_404(self, api, run, other_team, outsider):
        assert api.get(self.replay_url(run, 99)).status_code == 404
        assert client_for(outsider).get(self.replay_url(run)).status_code == 404

    def test_heatmap_svg_png_and_values(self, api, run):
        svg = api.get(self.heatmap_url(run))
        assert svg.status_code == 200 and b"Flood" in svg.content and b"Cover 2" in svg.content
        ET.fromstring(svg.content)
        assert png(api.get(self.heatmap_url(run, "png"))).size[0] > 200
        rate = api.get(self.heatmap_url(run) + "?value=success_rate")
        assert rate.status_code == 200 and rate["ETag"] != svg["ETag"]
        bad = api.get(self.heatmap_url(run) + "?value=vibes")
        assert bad.status_code == 400 and "value" in bad.json()["errors"]

    def test_heatmap_of_a_run_without_results_is_409(self, api, run):
        SimulationRun.objects.filter(pk=run.pk).update(metrics=None, status="queued")
        response = api.get(self.heatmap_url(run))
        assert response.status_code == 409 and response.json()["code"] == "no_results"


class TestPlayAnimation:
    def test_visualize_gif_alone_and_against_a_scenario(self, api, team):
        from pictures.animations import preview_frame_count

        play, scenario = b.play(team), b.scenario(team)
        url = reverse("play-visualize", kwargs={"team_id": team.pk, "pk": play.pk})
        response = api.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "image/gif"
        assert Image.open(io.BytesIO(response.content)).n_frames == preview_frame_count(play)
        against = api.get(url + f"?scenario={scenario.pk}")
        assert against.status_code == 200 and against["ETag"] != response["ETag"]

    def test_route_timing_changes_the_animation_key(self, api, team):
        play = b.play(team)
        url = reverse("play-visualize", kwargs={"team_id": team.pk, "pk": play.pk})
        before = api.get(url)["ETag"]
        breakpoint_ = play.assignments.exclude(route=None).first().route.breakpoints.last()
        breakpoint_.time_ms += 300
        breakpoint_.save()
        assert api.get(url)["ETag"] != before
