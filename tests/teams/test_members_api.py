import pytest
from django.urls import reverse

from teams.models import Membership, Role
from tests.api_base import TeamScopedAPITests
from tests.conftest import client_for
from tests.factories import MembershipFactory, UserFactory


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


def members_url(team):
    return reverse("membership-list", kwargs={"team_id": team.pk})


def member_url(membership):
    return reverse("membership-detail", kwargs={"team_id": membership.team_id, "pk": membership.pk})


@pytest.mark.django_db
class TestMembershipRules:
    def test_owner_adds_by_email_case_insensitively(self, team, owner):
        newcomer = UserFactory(email="new.player@example.com")
        response = client_for(owner).post(
            members_url(team), {"email": "New.Player@Example.com"}, format="json"
        )
        assert response.status_code == 201, response.json()
        assert response.json()["role"] == "member"
        assert response.json()["user"]["email"] == newcomer.email

    def test_unknown_email_is_400(self, team, owner):
        response = client_for(owner).post(
            members_url(team), {"email": "nobody@example.com"}, format="json"
        )
        assert response.status_code == 400
        assert "register" in response.json()["errors"]["email"][0]

    def test_adding_twice_is_400(self, team, owner, coach):
        response = client_for(owner).post(members_url(team), {"email": coach.email}, format="json")
        assert response.status_code == 400
        assert "already a member" in response.json()["errors"]["email"][0]

    def test_coach_cannot_add_members(self, team, coach):
        response = client_for(coach).post(
            members_url(team), {"email": UserFactory().email}, format="json"
        )
        assert response.status_code == 403

    def test_member_cannot_add_members(self, team, member):
        response = client_for(member).post(
            members_url(team), {"email": UserFactory().email}, format="json"
        )
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
