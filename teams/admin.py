from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count

from accounts.models import User
from accounts.validation import EmailAddressFormField
from teams import services
from teams.models import Invitation, Membership, Role, Team
from teams.scoping import TeamScopedAdmin, TeamScopedInline, user_team_ids
from teams.services import is_last_owner, team_created


def _refused(request, exc):
    messages.error(request, " ".join(exc.messages))


class MembershipForm(forms.ModelForm):
    """Add people by email rather than from a list of every account. Only superusers
    add members directly; owners invite (Invitations), and the invitee accepts."""

    email = EmailAddressFormField(help_text="Email of an existing FieldOS account.")

    class Meta:
        model = Membership
        fields = ["email", "role"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["email"].initial = self.instance.user.email
            self.fields["email"].disabled = True

    def clean_email(self):
        if self.instance.pk:
            return self.instance.user.email
        user = User.objects.filter(email__iexact=self.cleaned_data["email"]).first()
        if user is None:
            raise forms.ValidationError("No FieldOS account uses this email address.")
        self.instance.user = user
        return user.email

    def clean_role(self):
        role = self.cleaned_data["role"]
        if self.instance.pk and role != Role.OWNER and is_last_owner(self.instance):
            raise forms.ValidationError("The team's last owner cannot be demoted.")
        return role


def _save_memberships(request, formset):
    """The inline's and the changelist's writes go through the services, which lock the
    team's memberships: two owners demoting or removing each other at once cannot leave
    the team without an owner."""
    instances = formset.save(commit=False)
    for membership in formset.deleted_objects:
        try:
            services.membership_remove(membership=membership)
        except ValidationError as exc:
            _refused(request, exc)
    for membership in instances:
        if membership.pk is None:
            membership.save()
            continue
        try:
            services.membership_set_role(membership=membership, role=membership.role)
        except ValidationError as exc:
            _refused(request, exc)


class MembershipInline(TeamScopedInline, admin.TabularInline):
    model = Membership
    form = MembershipForm
    extra = 0
    write_roles = (Role.OWNER,)

    def has_add_permission(self, request, obj=None):
        return request.user.is_superuser  # owners invite instead


@admin.register(Team)
class TeamAdmin(TeamScopedAdmin):
    team_path = ""
    list_display = ("name", "slug", "member_count", "created_at")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [MembershipInline]
    write_roles = (Role.OWNER,)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_total=Count("memberships"))

    @admin.display(description="members", ordering="member_total")
    def member_count(self, team):
        return team.member_total

    def _obj_team_id(self, obj):
        return obj.pk

    def has_add_permission(self, request):
        return request.user.is_superuser

    def save_formset(self, request, form, formset, change):
        if formset.model is Membership and change:
            _save_memberships(request, formset)
            formset.save_m2m()
        else:
            super().save_formset(request, form, formset, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change:
            return
        if not form.instance.memberships.filter(role=Role.OWNER).exists():
            Membership.objects.get_or_create(
                user=request.user, team=form.instance, defaults={"role": Role.OWNER}
            )
        team_created.send(sender=Team, team=form.instance)  # defaults, as team_create gives


@admin.register(Membership)
class MembershipAdmin(TeamScopedAdmin):
    form = MembershipForm
    list_display = ("user", "team", "role", "created_at")
    list_filter = ("role", "team")
    search_fields = ("user__email", "user__display_name", "team__name")
    list_select_related = ("user", "team")
    write_roles = (Role.OWNER,)

    def has_add_permission(self, request):
        return request.user.is_superuser  # owners invite instead

    def has_delete_permission(self, request, obj=None):
        if obj is not None and is_last_owner(obj):
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        try:
            services.membership_set_role(membership=obj, role=obj.role)
        except ValidationError as exc:
            _refused(request, exc)

    def delete_model(self, request, obj):
        try:
            services.membership_remove(membership=obj)
        except ValidationError as exc:
            _refused(request, exc)

    def delete_queryset(self, request, queryset):
        for membership in queryset:
            self.delete_model(request, membership)

    def get_fields(self, request, obj=None):
        return ["email", "team", "role"] if obj is None else ["email", "role"]

    def get_form(self, request, obj=None, **kwargs):
        kwargs["fields"] = self.get_fields(request, obj)
        return super().get_form(request, obj, **kwargs)


class InvitationForm(forms.ModelForm):
    email = EmailAddressFormField(max_length=254)

    class Meta:
        model = Invitation
        fields = ["email", "team", "role"]

    def clean(self):
        cleaned = super().clean()
        team, email = cleaned.get("team"), cleaned.get("email")
        if team and email and team.memberships.filter(user__email__iexact=email).exists():
            self.add_error("email", "This person is already a member of the team.")
        return cleaned

    def validate_constraints(self, exclude=None):
        pass  # inviting a pending address again updates that invitation (save_model)


@admin.register(Invitation)
class InvitationAdmin(TeamScopedAdmin):
    """Owners invite people by email (nothing says whether an account uses it) and
    revoke pending invitations (delete); the invitee accepts through the API."""

    form = InvitationForm
    list_display = ("email", "team", "role", "status", "invited_by", "created_at")
    list_filter = ("status", "role", "team")
    search_fields = ("email", "team__name")
    list_select_related = ("team", "invited_by")
    write_roles = (Role.OWNER,)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(team__in=user_team_ids(request.user, [Role.OWNER]))

    def has_view_permission(self, request, obj=None):
        return self._can(request, obj, [Role.OWNER])

    def has_change_permission(self, request, obj=None):
        return False  # role changes: delete and invite again

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "team" and not request.user.is_superuser:
            field.queryset = field.queryset.filter(id__in=user_team_ids(request.user, [Role.OWNER]))
        return field

    def save_model(self, request, obj, form, change):
        try:
            invitation = services.invitation_create(
                team=obj.team, invited_by=request.user, email=obj.email, role=obj.role
            )
        except ValidationError as exc:
            _refused(request, exc)
            return
        obj.pk, obj.created_at, obj.status = invitation.pk, invitation.created_at, invitation.status
