"""Import and export in the admin: upload FieldOS files (dry run, name conflicts,
refusals with nothing written), download the team's export; only the team's coaches
import, and only into their own teams."""

import json

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from playbook.models import Play, Player, Route
from teams.models import Role
from tests.support.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

DEMO = settings.BASE_DIR / "fixtures" / "fieldos-demo"
IMPORT = reverse("admin:playbook_playbook_import")
EXPORT = reverse("admin:playbook_playbook_export")


def staff(team, role=Role.COACH):
    user = UserFactory(is_staff=True)
    MembershipFactory(user=user, team=team, role=role)
    return user


def demo_files(*names):
    return [SimpleUploadedFile(n, (DEMO / n).read_bytes(), "application/json") for n in names]


def post(client, team, files, dry_run=False, on_conflict="rename"):
    data = {"team": team.pk, "files": files, "on_conflict": on_conflict}
    if dry_run:
        data["dry_run"] = "on"
    return client.post(IMPORT, data)


def test_a_dry_run_writes_nothing_then_the_import_does(client, team):
    client.force_login(staff(team))
    page = client.get(IMPORT).content.decode()
    assert 'type="file"' in page and "multiple" in page and "import-summary" not in page
    response = post(client, team, demo_files("players.json", "routes.json"), dry_run=True)
    text = response.content.decode()
    assert "Dry run: nothing was written" in text and not Player.objects.filter(team=team)
    response = post(client, team, demo_files("players.json", "routes.json"))
    assert "Imported:" in response.content.decode()
    assert Player.objects.filter(team=team).count() == 10
    assert Route.objects.filter(team=team).exists()


def test_a_refused_import_names_the_error_and_writes_nothing(client, team):
    client.force_login(staff(team))
    bad = SimpleUploadedFile("plays.json", b'[{"id": "p", "name": "X"}]', "application/json")
    text = post(client, team, [bad]).content.decode()
    assert 'id="import-errors"' in text and "nothing was written" in text
    assert not Play.objects.filter(team=team).exists()


def test_the_export_downloads_what_the_import_reads(client, team, other_team):
    client.force_login(staff(team))
    post(client, team, demo_files("players.json"))
    response = client.get(EXPORT, {"team": team.pk})
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert len(data["players"]) == 10
    assert client.get(EXPORT, {"team": other_team.pk}).status_code == 403
    listing = client.get(reverse("admin:playbook_playbook_changelist")).content.decode()
    assert IMPORT in listing and f"{EXPORT}?team={team.pk}" in listing


def test_members_export_but_do_not_import_and_never_into_another_team(client, team, other_team):
    client.force_login(staff(team, Role.MEMBER))
    assert client.get(IMPORT).status_code == 403
    assert client.get(EXPORT, {"team": team.pk}).status_code == 200
    client.force_login(staff(team))
    response = post(client, other_team, demo_files("players.json"))
    assert "team" in response.context["form"].errors
    assert not Player.objects.filter(team=other_team).exists()
