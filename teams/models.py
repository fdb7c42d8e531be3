from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from config.text import check_text_fields


class TextCheckedModel(models.Model):
    class Meta:
        abstract = True

    def clean_fields(self, exclude=None):
        errors = {}
        try:
            super().clean_fields(exclude)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        for name, messages in check_text_fields(self, exclude).items():
            errors.setdefault(name, []).extend(messages)
        if errors:
            raise ValidationError(errors)


class Role(models.TextChoices):
    OWNER = "owner", "Owner"  # everything, including members and deleting the team
    COACH = "coach", "Coach"  # edit the playbook, run simulations
    MEMBER = "member", "Member"  # read


EDITOR_ROLES = (Role.OWNER, Role.COACH)


class TeamManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Team(TextCheckedModel):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True, help_text="Used in URLs and imports.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TeamManager()

    class Meta:
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["team", "user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "team"],
                name="membership_user_team_unique",
                violation_error_message="This person is already a member of the team.",
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.team} ({self.role})"


class Invitation(models.Model):
    """An owner's offer of a role in a team to whoever logs in with `email`. Nothing
    about that email's account (whether there is one) shows to the team; the invitee
    accepts (becoming a member with `role`) or declines; an owner may revoke it
    (delete) while it is pending."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField("email address", max_length=254)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "email"],
                condition=Q(status="pending"),
                name="invitation_team_email_pending_unique",
                violation_error_message="This email address already has a pending invitation.",
            )
        ]

    def __str__(self):
        return f"{self.email} → {self.team} ({self.role}, {self.status})"


class TeamOwnedManager(models.Manager):
    def get_by_natural_key(self, team_slug, name):
        return self.get(team__slug=team_slug, name=name)


class HistoryExtras(models.Model):
    """Columns every historical record carries besides the object's own fields
    (see playbook/history.py): the child rows at that version and where the change
    came from."""

    rows = models.JSONField(null=True, blank=True)
    source = models.CharField(max_length=20, blank=True, default="")

    class Meta:
        abstract = True


class TeamOwnedModel(TextCheckedModel):
    """Base for every object a team owns: team, name, optional external_id
    (unique per team and kind when set), timestamps, an edit `version` (optimistic
    concurrency) and an audit `history` of every create/update/delete."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=120)
    external_id = models.CharField(
        max_length=120,
        blank=True,
        default="",
        help_text="Id from an imported file (e.g. play_trips_flood); unique per team.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Goes up by one on every save."
    )

    objects = TeamOwnedManager()
    history = HistoricalRecords(
        inherit=True, bases=[HistoryExtras], excluded_fields=["warnings", "search_text"]
    )
    # The related name of the child rows a version includes (slots, assignments …).
    history_rows = None

    class Meta:
        abstract = True
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "name"],
                name="%(app_label)s_%(class)s_team_name_unique",
                violation_error_message="This name is already used in this team.",
            ),
            models.UniqueConstraint(
                fields=["team", "external_id"],
                condition=~Q(external_id=""),
                name="%(app_label)s_%(class)s_team_external_id_unique",
                violation_error_message="This external id is already used in this team.",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self._state.adding and kwargs.get("update_fields") is None:
            self.version += 1
        super().save(*args, **kwargs)

    def natural_key(self):
        """(team slug, name): fixtures load into any database without pk clashes."""
        return (self.team.slug, self.name)

    natural_key.dependencies = ["teams.team"]
