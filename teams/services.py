"""Writes for teams and memberships. Views and the admin call these."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils.text import slugify

from teams.models import Membership, Role, Team

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


@transaction.atomic
def membership_set_role(*, membership, role):
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if role != Role.OWNER and is_last_owner(membership):
        raise ValidationError(
            {"role": ["The team's last owner cannot be demoted; make someone else owner first."]}
        )
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_remove(*, membership):
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if is_last_owner(membership):
        raise ValidationError("The team's last owner cannot be removed.")
    membership.delete()
