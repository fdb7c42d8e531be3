"""What the importer refuses before it writes anything: text no database can store
(a NUL, a lone surrogate), a JSON key given twice, an upload too big in total."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from playbook.interchange import (
    FieldOSImportError,
    fieldos_export,
    fieldos_import,
    sources_from_bytes,
    sources_from_data,
)
from playbook.interchange import sources as interchange_sources
from playbook.models import Play, Route
from tests.support.clients import client_for

ROUTE = {"id": "route_slant", "name": "Slant", "breakpoints": []}
ROUTE["breakpoints"] = [
    {"x_yards": 2.0, "y_yards": 0.0, "time_ms": 400},
    {"x_yards": 8.0, "y_yards": 3.0, "time_ms": 1400},
]
PLAY = {
    "id": "play_mesh",
    "name": "Mesh",
    "formation": {
        "id": "form_spread",
        "name": "Spread",
        "slots": [
            {"role": "QB", "position": {"x": -5.0, "y": 0.0}},
            {"role": "CENTER", "position": {"x": 0.0, "y": 0.0}},
            {"role": "WR1", "position": {"x": 0.0, "y": 10.0}},
            {"role": "WR2", "position": {"x": 0.0, "y": 6.0}},
            {"role": "WR3", "position": {"x": 0.0, "y": -10.0}},
        ],
    },
    "assignments": {"QB": None, "CENTER": None, "WR1": ROUTE, "WR2": None, "WR3": None},
    "qb_plan": {"progression_roles": ["WR1"]},
    "tags": ["quick"],
    "notes": "",
}


def play(**changes):
    return json.loads(json.dumps({**PLAY, **changes}))


def import_url(team, query=""):
    return reverse("team-import", kwargs={"team_id": team.pk}) + query


def refused(team, name, data):
    before = fieldos_export(team)
    with pytest.raises(FieldOSImportError) as exc:
        fieldos_import(team=team, sources=sources_from_data(name, data))
    assert fieldos_export(team) == before
    return exc.value.message_dict


@pytest.mark.django_db
class TestUnstorableText:
    """On SQLite a NUL was stored, on PostgreSQL it was a 500; a lone surrogate was a
    500 on both. Now each is refused, naming file, object and field."""

    @pytest.mark.parametrize(
        ("changes", "key", "reason"),
        [
            ({"name": "Mesh\x00"}, "plays.json[0] (play_mesh): name", "NUL character (U+0000)"),
            ({"notes": "go \ud800"}, "plays.json[0] (play_mesh): notes", "lone surrogate (U+D800)"),
            ({"tags": ["ok", "bad\udfff"]}, "plays.json[0] (play_mesh): tags[1]", "U+DFFF"),
            ({"id": "play\x00mesh"}, "plays.json[0]: id", "NUL character"),
        ],
    )
    def test_in_a_play(self, team, changes, key, reason):
        errors = refused(team, "plays.json", [play(**changes)])
        assert any(reason in m and "refused" in m for m in errors[key]), errors

    def test_in_an_embedded_route_and_a_key(self, team):
        data = play()
        data["assignments"]["WR1"] = {**ROUTE, "name": "Slant\x00"}
        data["qb_plan"]["\udc80x"] = 1
        errors = refused(team, "plays.json", [data])
        assert "NUL" in errors["plays.json[0] (play_mesh): assignments.WR1.name"][0]
        assert (
            "the key contains a lone surrogate (U+DC80)"
            in (errors["plays.json[0] (play_mesh): qb_plan.'\\udc80x'"][0])
        )

    def test_through_the_api_nothing_is_written(self, team, coach):
        body = json.dumps({"plays": [play(name="Mesh\x00")], "routes": [ROUTE]})
        response = client_for(coach).post(import_url(team), body, content_type="application/json")
        assert response.status_code == 400, response.content
        errors = response.json()["errors"]
        assert "NUL character" in errors["plays[0] (play_mesh): name"][0]
        assert not Play.objects.filter(team=team).exists()
        assert not Route.objects.filter(team=team).exists()
        surrogate = '{"routes": [{"id": "r", "name": "S\\ud83d", "breakpoints": []}]}'
        response = client_for(coach).post(
            import_url(team), surrogate, content_type="application/json"
        )
        assert response.status_code == 400, response.content
        assert "lone surrogate (U+D83D)" in response.json()["errors"]["routes[0] (r): name"][0]

    def test_a_valid_astral_character_is_kept(self, team):
        """A surrogate pair in the JSON is one character (an emoji), not a lone half."""
        [source] = sources_from_bytes(
            "routes.json",
            b'[{"id": "r", "name": "Slant \\ud83c\\udfc8", '
            b'"breakpoints": [{"x_yards": 2, "y_yards": 0, "time_ms": 400}]}]',
        )
        fieldos_import(team=team, sources=[source])
        assert Route.objects.get(team=team).name == "Slant \U0001f3c8"


@pytest.mark.django_db
class TestDuplicateKeys:
    def test_a_kind_twice_in_a_file(self):
        text = b'{"players": [], "routes": [], "players": []}'
        with pytest.raises(FieldOSImportError) as exc:
            sources_from_bytes("team.json", text)
        [message] = exc.value.message_dict["team.json"]
        assert message.startswith("the key 'players' appears twice at the top level")

    def test_a_key_twice_inside_an_object(self):
        text = b'[{"id": "r", "name": "A", "name": "B", "breakpoints": []}]'
        with pytest.raises(FieldOSImportError, match="the key 'name' appears twice in one object"):
            sources_from_bytes("routes.json", text)

    def test_in_an_api_body(self, team, coach):
        body = '{"routes": [], "players": [], "players": []}'
        response = client_for(coach).post(import_url(team), body, content_type="application/json")
        assert response.status_code == 400, response.content
        assert response.json()["errors"]["body"][0].startswith(
            "the key 'players' appears twice at the top level"
        )

    def test_other_bad_json_keeps_its_answer(self, team, coach):
        response = client_for(coach).post(
            import_url(team), '{"routes": [NaN]}', content_type="application/json"
        )
        assert (response.status_code, response.json()["code"]) == (400, "parse_error")


@pytest.mark.django_db
class TestUploadSize:
    def test_many_files_together_are_refused_before_reading(self, team, coach, monkeypatch):
        """Each file under the per-file limit, together over the per-request limit."""
        monkeypatch.setattr(interchange_sources, "MAX_FILE_BYTES", 1000)
        monkeypatch.setattr(interchange_sources, "MAX_UPLOAD_BYTES", 2000)
        read = []
        monkeypatch.setattr(
            "playbook.api.io.sources_from_bytes", lambda *a, **k: read.append(a) or []
        )
        files = [SimpleUploadedFile(f"routes{i}.json", b"[" + b" " * 900 + b"]") for i in range(3)]
        response = client_for(coach).post(import_url(team), {"files": files}, format="multipart")
        assert response.status_code == 413, response.content
        body = response.json()
        assert body["code"] == "too_large"
        assert "all the files of one request together" in body["errors"]["files"][0]
        assert read == []
        # one of them fits
        response = client_for(coach).post(
            import_url(team), {"files": files[:1]}, format="multipart"
        )
        assert response.status_code == 200, response.content

    def test_the_default_limits(self, team, coach):
        """Three 9 MB files: each under the 10 MB per file, together over 25 MB."""
        files = [
            SimpleUploadedFile(f"routes{i}.json", b"[" + b" " * (9 * 2**20) + b"]")
            for i in range(3)
        ]
        response = client_for(coach).post(import_url(team), {"files": files}, format="multipart")
        assert response.status_code == 413, response.content
        assert response.json()["detail"].startswith("27.0 MB in one upload;")
        assert "at most 25.0 MB" in response.json()["detail"]
