"""Other teams' ids in every id field, and who may see what: nothing of another team
is visible or reachable."""

import pytest
from django.urls import reverse

from playbook.models import (
    Play,
    PlaybookEntry,
)
from simulation.models import SimulationRun
from teams.models import Membership, Role
from tests.support.clients import client_for
from tests.support.probe import (
    KINDS,
    counts,
    error,
    field_error,
    payload,
    raw,
    set_path,
    url,
)

pytestmark = pytest.mark.django_db


# --- other teams' ids in every id field -------------------------------------------------


FOREIGN_FIELDS = [
    # (kind, path in the body, key of the other team's object)
    ("formation", "ruleset", "ruleset"),
    ("play", "formation", "formation"),
    ("play", "ruleset", "ruleset"),
    ("play", "assignments[2].route", "route"),
    ("scenario", "ruleset", "ruleset"),
    ("scenario", "defenders[0].player", "defender"),
    ("lineup", "spots[0].player", "player"),
    ("playbook", "entries[0].play", "play"),
]


class TestForeignIds:
    @pytest.mark.parametrize(("kind", "path", "key"), FOREIGN_FIELDS)
    def test_other_teams_id_is_a_400_like_a_missing_id(
        self, coach_client, team, team_objects, other_team_objects, kind, path, key
    ):
        before = counts(team)
        foreign_id = other_team_objects[key].pk
        foreign = coach_client.post(
            url(team, kind), set_path(payload(kind, team_objects), path, foreign_id), format="json"
        )
        missing = coach_client.post(
            url(team, kind), set_path(payload(kind, team_objects), path, 987_654_321), format="json"
        )
        field_error(foreign, path, "in this team")
        field_error(missing, path, "in this team")
        # Same message, only the echoed id differs: nothing tells the id exists elsewhere.
        assert foreign.json()["errors"][path] == [
            m.replace("987654321", str(foreign_id)) for m in missing.json()["errors"][path]
        ]
        assert counts(team) == before

    @pytest.mark.parametrize(("kind", "path", "key"), FOREIGN_FIELDS)
    def test_other_teams_id_in_a_patch_changes_nothing(
        self, coach_client, team, team_objects, other_team_objects, kind, path, key
    ):
        obj = {
            "formation": team_objects["formation"],
            "play": team_objects["play"],
            "scenario": team_objects["scenario"],
            "lineup": team_objects["lineup"],
            "playbook": team_objects["playbook"],
        }[kind]
        body = set_path(payload(kind, team_objects), path, other_team_objects[key].pk)
        body["name"] = "renamed"
        field_error(coach_client.patch(url(team, kind, obj.pk), body, format="json"), path)
        obj.refresh_from_db()
        assert obj.name != "renamed"

    def test_other_teams_playbook_entry_ids(
        self, coach_client, team, team_objects, other_team_objects
    ):
        playbook = team_objects["playbook"]
        order = list(playbook.entries.values_list("pk", flat=True))
        response = coach_client.post(
            url(team, "playbook", playbook.pk, "reorder"),
            {"entries": [other_team_objects["entry"].pk, *order[1:]]},
            format="json",
        )
        field_error(response, "entries", "List every entry")
        response = coach_client.delete(
            url(
                team,
                "playbook",
                playbook.pk,
                "remove-entry",
                entry_id=other_team_objects["entry"].pk,
            )
        )
        error(response, 404, "not_found")
        assert PlaybookEntry.objects.filter(pk=other_team_objects["entry"].pk).exists()
        assert list(playbook.entries.values_list("pk", flat=True)) == order

    def test_other_teams_member_id(self, owner_client, team, outsider):
        membership = Membership.objects.get(user=outsider)
        path = reverse("membership-detail", kwargs={"team_id": team.pk, "pk": membership.pk})
        error(owner_client.get(path), 404, "not_found")
        error(owner_client.patch(path, {"role": "member"}), 404, "not_found")
        error(owner_client.delete(path), 404, "not_found")
        membership.refresh_from_db()
        assert membership.role == Role.COACH

    @pytest.mark.parametrize(
        ("field", "key"),
        [
            ("plays", "play"),
            ("scenarios", "scenario"),
            ("ruleset", "ruleset"),
            ("lineup", "lineup"),
        ],
    )
    def test_other_teams_ids_in_a_simulation(
        self, coach_client, team, team_objects, other_team_objects, field, key
    ):
        body = {
            "plays": [team_objects["play"].pk],
            "scenarios": [team_objects["scenario"].pk],
            "episodes": 10,
        }
        value = other_team_objects[key].pk
        body[field] = [value] if field in ("plays", "scenarios") else value
        field_error(
            coach_client.post(url(team, "simulation"), body, format="json"), field, "in this team"
        )
        assert not SimulationRun.objects.exists()

    @pytest.mark.parametrize("param", ["formation", "route", "ruleset"])
    def test_filtering_by_another_teams_id_shows_nothing(
        self, coach_client, team, team_objects, other_team_objects, param
    ):
        response = coach_client.get(url(team, "play"), {param: other_team_objects[param].pk})
        assert response.status_code == 200
        assert response.json()["count"] == 0


# --- who may see what -------------------------------------------------------------------


def _team_urls(team, team_objects):
    pb, play = team_objects["playbook"], team_objects["play"]
    entry = pb.entries.first()
    return [
        ("GET", url(team, "play")),
        ("GET", url(team, "play", play.pk)),
        ("PATCH", url(team, "play", play.pk)),
        ("DELETE", url(team, "play", play.pk)),
        ("POST", url(team, "play", play.pk, "mirror")),
        ("POST", url(team, "play", play.pk, "duplicate")),
        ("POST", url(team, "formation", team_objects["formation"].pk, "mirror")),
        ("POST", url(team, "route", team_objects["route"].pk, "mirror")),
        ("POST", url(team, "ruleset", team_objects["extra_ruleset"].pk, "make-default")),
        ("POST", url(team, "lineup", action="build-default")),
        ("GET", url(team, "playbook", pb.pk, "call-sheet")),
        ("POST", url(team, "playbook", pb.pk, "add-entry")),
        ("POST", url(team, "playbook", pb.pk, "reorder")),
        ("DELETE", url(team, "playbook", pb.pk, "remove-entry", entry_id=entry.pk)),
        ("GET", reverse("team-export", kwargs={"team_id": team.pk})),
        ("POST", reverse("team-import", kwargs={"team_id": team.pk})),
        ("GET", reverse("membership-list", kwargs={"team_id": team.pk})),
        ("GET", reverse("team-detail", kwargs={"team_id": team.pk})),
        ("PATCH", reverse("team-detail", kwargs={"team_id": team.pk})),
        ("DELETE", reverse("team-detail", kwargs={"team_id": team.pk})),
        ("GET", url(team, "simulation")),
    ]


class TestIsolation:
    def test_outsider_gets_404_everywhere_and_changes_nothing(self, team, team_objects, outsider):
        client = client_for(outsider)
        before = counts(team)
        names = {k: v.name for k, v in team_objects.items()}
        for method, path in _team_urls(team, team_objects):
            response = raw(client, method, path, '{"name": "hijack", "entries": []}')
            error(response, 404, "not_found")
        assert counts(team) == before
        for key, obj in team_objects.items():
            obj.refresh_from_db()
            assert obj.name == names[key]
        assert team_objects["playbook"].entries.count() == 2
        assert not team_objects["extra_ruleset"].is_default

    def test_anonymous_gets_401_everywhere(self, coach_client, team, team_objects):
        anonymous = client_for(None)
        for method, path in _team_urls(team, team_objects):
            error(raw(anonymous, method, path, "{}"), 401, "not_authenticated")

    @pytest.mark.parametrize("kind", KINDS)
    def test_other_teams_object_under_own_team_is_404(
        self, coach_client, team, other_team_objects, kind
    ):
        key = {"ruleset": "ruleset"}.get(kind, kind)
        obj = other_team_objects["defender"] if kind == "player" else other_team_objects[key]
        path = url(team, kind, obj.pk)
        error(coach_client.get(path), 404, "not_found")
        error(coach_client.patch(path, {"name": "hijack"}), 404, "not_found")
        error(coach_client.delete(path + "?force=true"), 404, "not_found")
        obj.refresh_from_db()
        assert obj.name != "hijack"

    def test_member_writes_are_403_and_change_nothing(self, team, team_objects, member):
        client = client_for(member)
        play = team_objects["play"]
        error(client.patch(url(team, "play", play.pk), {"name": "x"}), 403, "permission_denied")
        error(client.delete(url(team, "play", play.pk)), 403, "permission_denied")
        error(client.post(url(team, "play", play.pk, "mirror")), 403, "permission_denied")
        response = client.post(reverse("team-import", kwargs={"team_id": team.pk}), {"plays": []})
        error(response, 403, "permission_denied")
        play.refresh_from_db()
        assert Play.objects.filter(team=team).count() == 2
        assert client.get(reverse("team-export", kwargs={"team_id": team.pk})).status_code == 200

    def test_coach_cannot_manage_members_or_the_team(self, coach_client, team, owner, user):
        members = reverse("membership-list", kwargs={"team_id": team.pk})
        error(coach_client.post(members, {"email": user.email, "role": "owner"}), 403)
        owner_membership = Membership.objects.get(user=owner)
        path = reverse("membership-detail", kwargs={"team_id": team.pk, "pk": owner_membership.pk})
        error(coach_client.patch(path, {"role": "member"}), 403)
        error(coach_client.delete(path), 403)
        detail = reverse("team-detail", kwargs={"team_id": team.pk})
        error(coach_client.patch(detail, {"name": "hijack"}), 403)
        error(coach_client.delete(detail), 403)
        team.refresh_from_db()
        assert team.name != "hijack"
        assert not Membership.objects.filter(user=user).exists()
