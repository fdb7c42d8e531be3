import pytest
from django.urls import reverse

from teams.models import Membership, Role
from tests.support.api import TeamScopedAPITests
from tests.support.clients import client_for
from tests.support.factories import MembershipFactory, UserFactory


def join(team, owner_client, email, role="member"):
    """Invite `email` as an owner, accept as its user: the way into a team."""
    invited = owner_client.post(invitations_url(team), {"email": email, "role": role})
    assert invited.status_code == 201, invited.json()
    user = UserFactory._meta.model.objects.get(email__iexact=email)
    accepted = client_for(user).post(f"/api/invitations/{invited.json()['id']}/accept/")
    assert accepted.status_code == 200, accepted.json()
    return Membership.objects.get(team=team, user=user)


class TestMembershipEndpoint(TeamScopedAPITests):
    basename = "membership"
    model = Membership
    writer_role = Role.OWNER

    def make(self, team):
        return MembershipFactory(team=team, role=Role.MEMBER)

    def payload(self, team):
        return {"email": UserFactory().email, "role": "coach"}

    def update(self, obj):
        return {"role": "coach"}

    # People join by invitation: POST …/members/ is gone, the rest of CRUD stays.

    def test_writer_crud(self, team):
        client = self.writer(team)
        assert client.post(self.list_url(team), self.payload(team)).status_code == 405
        obj = join(team, client, UserFactory().email, role="coach")
        assert client.get(self.detail_url(obj)).json()["role"] == "coach"
        updated = client.patch(self.detail_url(obj), {"role": "member"}, format="json")
        assert updated.status_code == 200, updated.json()
        assert client.delete(self.detail_url(obj)).status_code == 204
        assert not self.model.objects.filter(pk=obj.pk).exists()

    def test_team_is_set_from_url_not_body(self, team, other_team):
        email = UserFactory().email
        client = self.writer(team)
        body = {"email": email, "team": other_team.pk}
        invited = client.post(invitations_url(team), body, format="json")
        assert invited.status_code == 201, invited.json()
        user = UserFactory._meta.model.objects.get(email=email)
        client_for(user).post(f"/api/invitations/{invited.json()['id']}/accept/")
        assert Membership.objects.get(user=user).team_id == team.pk


def invitations_url(team):
    return reverse("invitation-list", kwargs={"team_id": team.pk})


def members_url(team):
    return reverse("membership-list", kwargs={"team_id": team.pk})


def member_url(membership):
    return reverse("membership-detail", kwargs={"team_id": membership.team_id, "pk": membership.pk})


@pytest.mark.django_db
class TestMembershipRules:
    def test_owner_adds_by_email_case_insensitively(self, team, owner):
        newcomer = UserFactory(email="new.player@example.com")
        membership = join(team, client_for(owner), "New.Player@Example.com")
        assert membership.user == newcomer and membership.role == Role.MEMBER
        listed = client_for(owner).get(members_url(team)).json()["results"]
        assert newcomer.email in [row["user"]["email"] for row in listed]

    def test_unknown_email_is_invited_like_a_known_one(self, team, owner):
        # Adding by email no longer says whether an account uses it (it was a 400 naming
        # registration): the invitation waits for whoever registers with the address.
        response = client_for(owner).post(
            invitations_url(team), {"email": "nobody@example.com"}, format="json"
        )
        assert response.status_code == 201
        assert "register" not in response.content.decode()
        assert not Membership.objects.filter(team=team, user__email="nobody@example.com")

    def test_adding_twice_is_400(self, team, owner, coach):
        response = client_for(owner).post(
            invitations_url(team), {"email": coach.email}, format="json"
        )
        assert response.status_code == 400
        assert "already a member" in response.json()["errors"]["email"][0]

    def test_members_are_no_longer_added_directly(self, team, owner):
        response = client_for(owner).post(
            members_url(team), {"email": UserFactory().email}, format="json"
        )
        assert response.status_code == 405
        assert Membership.objects.filter(team=team).count() == 1

    def test_coach_cannot_add_members(self, team, coach):
        for url in (members_url(team), invitations_url(team)):
            response = client_for(coach).post(url, {"email": UserFactory().email}, format="json")
            assert response.status_code == 403

    def test_member_cannot_add_members(self, team, member):
        for url in (members_url(team), invitations_url(team)):
            response = client_for(member).post(url, {"email": UserFactory().email}, format="json")
            assert response.status_code == 403

    def test_last_owner_cannot_be_demoted(self, team, owner):
        mine = Membership.objects.get(team=team, user=owner)
        response = client_for(owner).patch(member_url(mine), {"role": "coach"}, format="json")
        assert response.status_code == 400
        assert "last owner" in response.json()["errors"]["role"][0]
        mine.refresh_from_db()
        assert mine.role == Role.OWNER

    def test_last_owner_cannot_be_removed(self, team, owner):
        mine = Membership.objects.get(team=team, user=owner)
        response = client_for(owner).delete(member_url(mine))
        assert response.status_code == 400
        assert "last owner" in response.json()["detail"]
        assert Membership.objects.filter(pk=mine.pk).exists()

    def test_owner_can_step_down_when_another_owner_exists(self, team, owner):
        MembershipFactory(team=team, role=Role.OWNER)
        mine = Membership.objects.get(team=team, user=owner)
        response = client_for(owner).patch(member_url(mine), {"role": "coach"}, format="json")
        assert response.status_code == 200
        assert response.json()["role"] == "coach"

    def test_owner_changes_role_and_removes(self, team, owner, member):
        theirs = Membership.objects.get(team=team, user=member)
        client = client_for(owner)
        assert (
            client.patch(member_url(theirs), {"role": "coach"}, format="json").json()["role"]
            == "coach"
        )
        assert client.delete(member_url(theirs)).status_code == 204
        assert not Membership.objects.filter(pk=theirs.pk).exists()

    def test_member_may_leave_but_not_remove_others(self, team, member, coach):
        mine = Membership.objects.get(team=team, user=member)
        theirs = Membership.objects.get(team=team, user=coach)
        client = client_for(member)
        assert client.delete(member_url(theirs)).status_code == 403
        assert client.delete(member_url(mine)).status_code == 204

    def test_bad_role_is_400(self, team, owner, member):
        theirs = Membership.objects.get(team=team, user=member)
        response = client_for(owner).patch(member_url(theirs), {"role": "king"}, format="json")
        assert response.status_code == 400
        assert "role" in response.json()["errors"]

    def test_email_cannot_be_changed_on_update(self, team, owner, member):
        theirs = Membership.objects.get(team=team, user=member)
        response = client_for(owner).patch(
            member_url(theirs), {"email": owner.email, "role": "member"}, format="json"
        )
        assert response.status_code == 200
        theirs.refresh_from_db()
        assert theirs.user == member
