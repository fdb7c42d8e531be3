"""Hostile input of the second round: non-ASCII digits as ids, searches with very many
words, characters that break XML (or PostgreSQL) in text, and `make run`'s secret."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from config.middleware import MAX_SEARCH_TERMS
from playbook.models import Play, Player
from tests.support.clients import client_for

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(team_a):
    """Team A's coach client and objects (tests/hardening/conftest.py)."""
    return client_for(team_a.coach), team_a


SUPERSCRIPT_TWO = "\u00b2"  # str.isdigit() says yes, int() says no
ARABIC_THREE = "\u0663"  # int() takes it, but no id is written this way


def test_non_ascii_digits_are_never_a_500(seeded):
    client, a = seeded
    t, play, scenario = a.team.pk, a["play"].pk, a["scenario"].pk
    run, policy = a["simulation"].pk, a["policy"].pk
    urls = [
        f"/api/teams/{SUPERSCRIPT_TWO}/plays/",
        f"/api/teams/{t}/plays/{SUPERSCRIPT_TWO}/",
        f"/api/teams/{t}/plays/{ARABIC_THREE}/",
        f"/api/teams/{t}/plays/{SUPERSCRIPT_TWO}/diagram.svg",
        f"/api/teams/{t}/plays/{play}/diagram.svg?scenario={SUPERSCRIPT_TWO}",
        f"/api/teams/{t}/plays/{play}/diagram.png?scenario={SUPERSCRIPT_TWO}",
        f"/api/teams/{t}/scenarios/{scenario}/preview/?play={SUPERSCRIPT_TWO}",
        f"/api/teams/{t}/scenarios/{scenario}/preview.svg?play={SUPERSCRIPT_TWO}",
        f"/api/teams/{t}/policies/{policy}/recommend/?situation=3RD_SHORT&scenario={SUPERSCRIPT_TWO}",
        f"/api/teams/{t}/simulations/{run}/traces/{SUPERSCRIPT_TWO}/",
        f"/api/teams/{t}/simulations/{run}/traces/{SUPERSCRIPT_TWO}/replay.gif",
    ]
    answers = {url: client.get(url).status_code for url in urls}
    assert all(status in (400, 404) for status in answers.values()), answers
    response = client.patch(
        f"/api/teams/{t}/plays/{play}/", {"name": "x", "version": SUPERSCRIPT_TWO}, format="json"
    )
    assert response.status_code == 400, response.content
    response = client.patch(
        f"/api/teams/{t}/plays/{play}/",
        {"name": "x"},
        format="json",
        HTTP_IF_MATCH=f'"{SUPERSCRIPT_TWO}"',
    )
    assert response.status_code == 412


def test_the_admin_picture_and_editor_take_non_ascii_digits(seeded, client):
    _, a = seeded
    a.coach.is_staff = True
    a.coach.save()
    client.force_login(a.coach)
    url = reverse("admin:playbook_play_picture", args=[a["play"].pk, "diagram", "svg"])
    assert client.get(f"{url}?scenario={SUPERSCRIPT_TWO}").status_code == 200
    from playbook.editor import number_or_none

    assert number_or_none(SUPERSCRIPT_TWO) is None and number_or_none("12") == 12


def test_a_search_with_very_many_words_is_a_400(seeded, client):
    api, a = seeded
    words = " ".join(f"w{i}" for i in range(1100))
    response = api.get(f"/api/teams/{a.team.pk}/plays/", {"search": words})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and "at most 20 words" in body["errors"]["search"][0]
    few = " ".join(f"w{i}" for i in range(MAX_SEARCH_TERMS))
    assert api.get(f"/api/teams/{a.team.pk}/plays/", {"search": few}).status_code == 200
    a.coach.is_staff = True
    a.coach.save()
    client.force_login(a.coach)
    admin_url = reverse("admin:playbook_play_changelist")
    assert client.get(admin_url, {"q": words}).status_code == 400
    assert client.get(admin_url, {"q": few}).status_code == 200


BAD = {
    "bell": "Trips\x07Flood",
    "escape": "Trips\x1b[31m",
    "U+FFFE": "Trips\ufffe",
    "U+FFFF": "Trips\uffff",
    "NUL": "Trips\x00",
    "C1": "Trips\x85",
}


@pytest.mark.parametrize("what", list(BAD))
def test_control_characters_in_names_notes_and_tags_are_refused_in_the_api(seeded, what):
    client, a = seeded
    url = f"/api/teams/{a.team.pk}/plays/{a['play'].pk}/"
    for field, value in (("name", BAD[what]), ("notes", BAD[what]), ("tags", ["ok", BAD[what]])):
        response = client.patch(url, {field: value}, format="json")
        assert response.status_code == 400, (field, response.content)
        body = response.json()
        assert body["code"] == "invalid"
        assert "not allowed" in str(body["errors"]) and "U+" in body["detail"], body
    play = Play.objects.get(pk=a["play"].pk)
    assert BAD[what] not in (play.name, play.notes) and BAD[what] not in play.tags


def test_a_lone_surrogate_is_refused(seeded):
    client, a = seeded
    body = b'{"name": "Trips \\ud800", "side": "OFFENSE", "role": "WR1"}'
    response = client.post(
        f"/api/teams/{a.team.pk}/players/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert "surrogate" in response.content.decode().lower()


def test_tabs_and_newlines_in_notes_are_fine(seeded):
    client, a = seeded
    response = client.patch(
        f"/api/teams/{a.team.pk}/plays/{a['play'].pk}/",
        {"notes": "line one\n\tline two\r\n", "name": "Crème brûlée ✓"},
        format="json",
    )
    assert response.status_code == 200, response.json()


def test_control_characters_are_refused_in_the_admin(seeded, client):
    _, a = seeded
    a.coach.is_staff = True
    a.coach.save()
    client.force_login(a.coach)
    player = a["player"] if "player" in a.objects else Player.objects.filter(team=a.team).first()
    url = reverse("admin:playbook_player_change", args=[player.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    data.update({"team": a.team.pk, "name": "Bad\x07Name", "version": player.version})
    response = client.post(url, data)
    assert response.status_code == 200  # the form again, with the error on the field
    assert "U+0007" in response.content.decode()
    player.refresh_from_db()
    assert player.name != "Bad\x07Name"


def test_make_run_uses_a_secret_of_its_own(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("DEBUG=true")  # no newline at the end: kept as it is
    subprocess.run(["bash", "scripts/dev-secret.sh", str(env_file)], cwd=ROOT, check=True)
    first = env_file.read_text()
    assert first.startswith("DEBUG=true\nSECRET_KEY=")
    assert oct(env_file.stat().st_mode & 0o777) == "0o600"
    subprocess.run(["bash", "scripts/dev-secret.sh", str(env_file)], cwd=ROOT, check=True)
    assert env_file.read_text() == first  # generated once
    key = first.split("SECRET_KEY=")[1].strip()
    assert len(key) >= 64
    # the dev settings read it from there
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DATABASE_URL")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.dev", FIELDOS_ENV_FILE=str(env_file))
    seen = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.SECRET_KEY)"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert seen.stdout.strip() == key
    # and `make run` writes it before it starts anything
    dry = subprocess.run(
        ["make", "-n", "run"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert dry.index("scripts/dev-secret.sh .env") < dry.index("runserver")
    assert "run_worker --supervise" in dry
