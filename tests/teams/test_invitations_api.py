import pytest
from django.urls import reverse
from rest_framework.throttling import ScopedRateThrottle

from teams.models import Invitation, Membership, Role
from tests.support.clients import client_for
from tests.support.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def invitations_url(team):
    return reverse("invitation-list", kwargs={"team_id": team.pk})


def invitation_url(invitation):
    return reverse("invitation-detail", kwargs={"team_id": invitation.team_id, "pk": invitation.pk})


def invite(team, owner, email, role="member"):
    return client_for(owner).post(invitations_url(team), {"email": email, "role": role})


def test_the_answer_does_not_say_whether_an_account_uses_the_email(team, owner):
    UserFactory(email="known@example.com", display_name="Secret Name")
    known = invite(team, owner, "known@example.com")
    unknown = invite(team, owner, "unknown@example.com")
    assert known.status_code == unknown.status_code == 201

    def shape(body):
        return {k: v for k, v in body.items() if k not in ("id", "email", "created_at")}

    assert shape(known.json()) == shape(unknown.json())
    assert "Secret Name" not in known.content.decode()
    assert known.json()["status"] == "pending" and known.json()["invited_by"] == owner.email
    assert not Membership.objects.filter(team=team, user__email="known@example.com").exists()


def test_only_owners_see_and_send_invitations(team, owner, coach, member, outsider):
    invitation = Invitation.objects.create(team=team, email="x@example.com", invited_by=owner)
    for user, status in ((coach, 403), (member, 403), (outsider, 404)):
        client = client_for(user)
        assert client.get(invitations_url(team)).status_code == status
        assert client.get(invitation_url(invitation)).status_code == status
        assert client.delete(invitation_url(invitation)).status_code == status
    listed = client_for(owner).get(invitations_url(team)).json()["results"]
    assert [row["id"] for row in listed] == [invitation.pk]


def test_the_invitee_accepts_and_joins_with_the_role(team, owner):
    invitee = UserFactory(email="invitee@example.com")
    invitation_id = invite(team, owner, "INVITEE@example.com", role="coach").json()["id"]
    mine = client_for(invitee).get("/api/invitations/").json()["results"]
    assert [(row["id"], row["team"]["name"], row["role"]) for row in mine] == [
        (invitation_id, team.name, "coach")
    ]
    assert client_for(UserFactory()).get("/api/invitations/").json()["count"] == 0
    accepted = client_for(invitee).post(f"/api/invitations/{invitation_id}/accept/")
    assert accepted.status_code == 200, accepted.json()
    assert accepted.json()["id"] == team.pk and accepted.json()["role"] == "coach"
    assert Membership.objects.get(team=team, user=invitee).role == Role.COACH
    assert Invitation.objects.get(pk=invitation_id).status == "accepted"
    # used up
    again = client_for(invitee).post(f"/api/invitations/{invitation_id}/accept/")
    assert again.status_code == 404
    assert client_for(invitee).get("/api/invitations/").json()["count"] == 0


def test_someone_else_cannot_accept(team, owner):
    UserFactory(email="invitee@example.com")
    invitation_id = invite(team, owner, "invitee@example.com").json()["id"]
    intruder = UserFactory()
    assert client_for(intruder).post(f"/api/invitations/{invitation_id}/accept/").status_code == 404
    assert client_for(intruder).get(f"/api/invitations/{invitation_id}/").status_code == 404
    assert not Membership.objects.filter(team=team, user=intruder).exists()


def test_decline(team, owner):
    invitee = UserFactory(email="invitee@example.com")
    invitation_id = invite(team, owner, "invitee@example.com").json()["id"]
    response = client_for(invitee).post(f"/api/invitations/{invitation_id}/decline/")
    assert response.status_code == 204
    assert Invitation.objects.get(pk=invitation_id).status == "declined"
    assert not Membership.objects.filter(team=team, user=invitee).exists()
    assert client_for(invitee).post(f"/api/invitations/{invitation_id}/accept/").status_code == 404
    # the owner may invite them again
    assert invite(team, owner, "invitee@example.com").status_code == 201


def test_the_owner_revokes_and_changes_the_role(team, owner):
    invitee = UserFactory(email="invitee@example.com")
    first = invite(team, owner, "invitee@example.com").json()
    again = invite(team, owner, "invitee@example.com", role="coach").json()
    assert again["id"] == first["id"] and again["role"] == "coach"  # one pending invitation
    invitation = Invitation.objects.get(pk=first["id"])
    patched = client_for(owner).patch(invitation_url(invitation), {"role": "owner"})
    assert patched.status_code == 200 and patched.json()["role"] == "owner"
    assert client_for(owner).delete(invitation_url(invitation)).status_code == 204
    assert client_for(invitee).post(f"/api/invitations/{first['id']}/accept/").status_code == 404


def test_a_used_invitation_cannot_be_changed(team, owner):
    invitee = UserFactory(email="invitee@example.com")
    invitation_id = invite(team, owner, "invitee@example.com").json()["id"]
    client_for(invitee).post(f"/api/invitations/{invitation_id}/accept/")
    invitation = Invitation.objects.get(pk=invitation_id)
    response = client_for(owner).patch(invitation_url(invitation), {"role": "owner"})
    assert response.status_code == 400
    assert Membership.objects.get(team=team, user=invitee).role == Role.MEMBER


def test_an_existing_member_keeps_their_role_when_accepting(team, owner):
    membership = MembershipFactory(team=team, role=Role.COACH)
    invitation = Invitation.objects.create(
        team=team, email=membership.user.email, role=Role.MEMBER, invited_by=owner
    )
    client_for(membership.user).post(f"/api/invitations/{invitation.pk}/accept/")
    membership.refresh_from_db()
    assert membership.role == Role.COACH


def test_invitations_are_throttled(team, owner, monkeypatch):
    monkeypatch.setattr(
        ScopedRateThrottle, "THROTTLE_RATES", {"invite": "3/minute", "auth": "100/minute"}
    )
    codes = [invite(team, owner, f"person{i}@example.com").status_code for i in range(4)]
    assert codes == [201, 201, 201, 429]
    # reading is not throttled
    assert client_for(owner).get(invitations_url(team)).status_code == 200


@pytest.mark.parametrize(
    "email", ["coach@exa\u200bmple.com", "coach@example\u200d.com", "co\u2060ach@example.com"]
)
def test_invisible_characters_in_the_email_are_refused(team, owner, email):
    response = invite(team, owner, email)
    assert response.status_code == 400
    assert "U+" in response.json()["errors"]["email"][0]
    assert not Invitation.objects.exists()


def test_the_email_is_stored_in_its_normal_form(team, owner):
    response = invite(team, owner, "\uff23oach@Example.com")  # a full-width C
    assert response.status_code == 201, response.json()
    assert response.json()["email"] == "coach@example.com"


def test_the_admin_invites_instead_of_adding(team, owner, client):
    owner.is_staff = True
    owner.save()
    client.force_login(owner)
    assert client.get(reverse("admin:teams_membership_add")).status_code == 403
    UserFactory(email="known@example.com")
    response = client.post(
        reverse("admin:teams_invitation_add"),
        {"email": "Known@Example.com", "team": team.pk, "role": "coach"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    invitation = Invitation.objects.get(team=team)
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "known@example.com",
        "coach",
        owner,
    )
    assert not Membership.objects.filter(team=team, user__email="known@example.com").exists()
