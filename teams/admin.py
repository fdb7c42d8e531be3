from django import forms
from django.contrib import admin
from django.db.models import Count

from accounts.models import User
from teams.models import Membership, Role, Team
from teams.scoping import TeamScopedAdmin, TeamScopedInline
from teams.services import is_last_owner, team_created


class MembershipForm(forms.ModelForm):
    """Add people by email rather than from a list of every account."""

    email = forms.EmailField(help_text="Email of an existing FieldOS account.")

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


class MembershipInline(TeamScopedInline, admin.TabularInline):
    model = Membership
    form = MembershipForm
    extra = 0
    write_roles = (Role.OWNER,)


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

    def has_delete_permission(self, request, obj=None):
        if obj is not None and is_last_owner(obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_fields(self, request, obj=None):
        return ["email", "team", "role"] if obj is None else ["email", "role"]

    def get_form(self, request, obj=None, **kwargs):
        kwargs["fields"] = self.get_fields(request, obj)
        return super().get_form(request, obj, **kwargs)
