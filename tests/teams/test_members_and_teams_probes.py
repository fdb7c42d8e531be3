"""Members and teams under bad input: roles, the last owner, unknown users."""

import pytest
from django.urls import reverse

from teams.models import Membership, Role
from tests.support.clients import client_for
from tests.support.probe import error, field_error

pytestmark = pytest.mark.django_db


# --- members and teams ------------------------------------------------------------------


class TestMembersAndTeams:
    def members(self, team):
        return reverse("membership-list", kwargs={"team_id": team.pk})

    def test_last_owner_can_be_neither_demoted_nor_removed(self, owner_client, team, owner):
        membership = Membership.objects.get(user=owner)
        path = reverse("membership-detail", kwargs={"team_id": team.pk, "pk": membership.pk})
        field_error(owner_client.patch(path, {"role": "coach"}), "role", "last owner")
        body = error(owner_client.delete(path), 400, "invalid")
        assert "last owner" in body["detail"]
        membership.refresh_from_db()
        assert membership.role == Role.OWNER

    def invitations(self, team):
        return reverse("invitation-list", kwargs={"team_id": team.pk})

    def test_unknown_emails_are_invited_like_known_ones(self, owner_client, team):
        # Adding by email used to answer "register first" for an unknown address (an
        # account oracle); people join by invitation now, whatever the address.
        response = owner_client.post(self.invitations(team), {"email": "nobody@example.com"})
        assert response.status_code == 201
        assert owner_client.post(self.members(team), {"email": "x@example.com"}).status_code == 405

    @pytest.mark.parametrize(
        ("body", "field", "text"),
        [
            ({"email": "not an email"}, "email", "valid email"),
            ({"email": None}, "email", "may not be null"),
            ({"role": "owner"}, "email", "required"),
            ({"email": "EXISTING", "role": "captain"}, "role", "valid choice"),
            ({"email": "EXISTING", "role": ["owner"]}, "role", "valid choice"),
        ],
    )
    def test_bad_member_additions(self, owner_client, team, user, body, field, text):
        if body.get("email") == "EXISTING":
            body = {**body, "email": user.email}
        field_error(owner_client.post(self.invitations(team), body, format="json"), field, text)
        assert not Membership.objects.filter(user=user).exists()

    def test_adding_a_member_twice_in_any_case_is_refused(self, owner_client, team, user):
        response = owner_client.post(
            self.invitations(team), {"email": user.email, "role": "member"}
        )
        assert response.status_code == 201
        accepted = client_for(user).post(f"/api/invitations/{response.json()['id']}/accept/")
        assert accepted.status_code == 200
        response = owner_client.post(self.invitations(team), {"email": user.email.upper()})
        field_error(response, "email", "already a member")
        assert Membership.objects.filter(user=user, team=team).count() == 1

    def test_member_may_leave(self, team, member):
        membership = Membership.objects.get(user=member)
        path = reverse("membership-detail", kwargs={"team_id": team.pk, "pk": membership.pk})
        assert client_for(member).delete(path).status_code == 204

    @pytest.mark.parametrize(
        ("body", "field", "text"),
        [
            ({"name": "T", "slug": "Bad Slug!"}, "slug", "valid"),
            ({"name": "T", "slug": ""}, "slug", "blank"),
            ({"name": "T", "slug": "s" * 61}, "slug", "60"),
            ({"name": "T", "slug": None}, "slug", "null"),
            ({"name": "n" * 121}, "name", "120"),
            ({"slug": "only-slug"}, "name", "required"),
        ],
    )
    def test_bad_team_bodies(self, coach_client, body, field, text):
        field_error(coach_client.post(reverse("team-list"), body, format="json"), field, text)

    def test_taken_slug_suggests_another(self, coach_client, team):
        response = coach_client.post(reverse("team-list"), {"name": "T", "slug": team.slug})
        field_error(response, "slug", f"try '{team.slug}-2'")

    def test_creating_teams_with_the_same_name_gets_distinct_slugs(self, coach_client):
        first = coach_client.post(reverse("team-list"), {"name": "Tigers"}).json()
        second = coach_client.post(reverse("team-list"), {"name": "Tigers"}).json()
        assert (first["slug"], second["slug"]) == ("tigers", "tigers-2")
        assert first["role"] == second["role"] == "owner"
