"""Writes for teams and memberships. Views and the admin call these."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.http import Http404
from django.utils import timezone
from django.utils.text import slugify

from teams.models import Invitation, Membership, Role, Team

# Sent after a team is created so other apps can give it defaults (the playbook
# app adds the NFL FLAG ruleset) without teams importing them.
team_created = Signal()


def unique_slug(name, exclude_pk=None):
    base = slugify(name)[:50] or "team"
    slug, n = base, 2
    taken = Team.objects.exclude(pk=exclude_pk)
    while taken.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def team_create(*, user, name, slug=""):
    team = Team.objects.create(name=name, slug=slug or unique_slug(name))
    Membership.objects.create(user=user, team=team, role=Role.OWNER)
    team_created.send(sender=Team, team=team)
    return team


def is_last_owner(membership):
    return (
        membership.role == Role.OWNER
        and not Membership.objects.filter(team_id=membership.team_id, role=Role.OWNER)
        .exclude(pk=membership.pk)
        .exists()
    )


@transaction.atomic
def membership_add(*, team, user, role=Role.MEMBER):
    if Membership.objects.filter(team=team, user=user).exists():
        raise ValidationError({"email": ["This person is already a member of the team."]})
    return Membership.objects.create(team=team, user=user, role=role)


def _lock_memberships(membership):
    """Lock every membership of the team (in pk order, so two writers cannot deadlock)
    and return this one as stored now. A write that may take away an owner holds these
    locks through its check and its write: two owners demoting or removing each other at
    once are serialized, and the second sees the first's change (on SQLite the write
    transaction already excludes every other writer)."""
    locked = list(
        Membership.objects.select_for_update().filter(team_id=membership.team_id).order_by("pk")
    )
    for candidate in locked:
        if candidate.pk == membership.pk:
            return candidate
    raise Http404("This person is no longer a member of the team.")


@transaction.atomic
def membership_set_role(*, membership, role):
    membership = _lock_memberships(membership)
    if role != Role.OWNER and is_last_owner(membership):
        raise ValidationError(
            {"role": ["The team's last owner cannot be demoted; make someone else owner first."]}
        )
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_remove(*, membership):
    membership = _lock_memberships(membership)
    if is_last_owner(membership):
        raise ValidationError("The team's last owner cannot be removed.")
    membership.delete()


# --- invitations ---------------------------------------------------------------------


def _invitation_email(email):
    from accounts.models import UserManager

    return UserManager.normalize_email_address(email)


@transaction.atomic
def invitation_create(*, team, invited_by, email, role=Role.MEMBER):
    """Invite `email` to `team` with `role`. The answer is the same whether or not an
    account uses the address (inviting it again updates the pending invitation's role);
    only a person who is already a member of this team, whom the owner sees anyway, is
    refused."""
    email = _invitation_email(email)
    if Membership.objects.filter(team=team, user__email__iexact=email).exists():
        raise ValidationError({"email": ["This person is already a member of the team."]})
    invitation, created = Invitation.objects.select_for_update().get_or_create(
        team=team,
        email=email,
        status=Invitation.Status.PENDING,
        defaults={"role": role, "invited_by": invited_by},
    )
    if not created and (invitation.role, invitation.invited_by_id) != (role, invited_by.pk):
        invitation.role, invitation.invited_by = role, invited_by
        invitation.save(update_fields=["role", "invited_by"])
    return invitation


def invitations_for(user):
    """The pending invitations addressed to `user`'s email."""
    return Invitation.objects.filter(
        email__iexact=user.email, status=Invitation.Status.PENDING
    ).select_related("team", "invited_by")


def _locked_pending(invitation, user):
    found = (
        Invitation.objects.select_for_update()
        .filter(pk=invitation.pk, email__iexact=user.email, status=Invitation.Status.PENDING)
        .first()
    )
    if found is None:
        raise Http404("No such invitation.")
    return found


@transaction.atomic
def invitation_accept(*, invitation, user):
    """The invitee joins the team with the invited role (a member already keeps their
    role); the invitation is used up."""
    invitation = _locked_pending(invitation, user)
    membership, _ = Membership.objects.get_or_create(
        team_id=invitation.team_id, user=user, defaults={"role": invitation.role}
    )
    invitation.status = Invitation.Status.ACCEPTED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    return membership


@transaction.atomic
def invitation_decline(*, invitation, user):
    invitation = _locked_pending(invitation, user)
    invitation.status = Invitation.Status.DECLINED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    return invitation
