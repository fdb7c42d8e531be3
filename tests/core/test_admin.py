"""Every registered admin renders; non-superusers see only their teams."""

import pytest
from django.contrib import admin
from django.urls import reverse

from teams.models import Invitation, Membership, Role
from tests.support.clients import client_for
from tests.support.factories import MembershipFactory, TeamFactory, UserFactory

MODEL_ADMINS = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def superuser(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def staff_coach(team):
    user = UserFactory(is_staff=True)
    MembershipFactory(user=user, team=team, role=Role.OWNER)
    return user


@pytest.mark.parametrize("model", [m for m, _ in MODEL_ADMINS], ids=lambda m: m._meta.label)
def test_changelist_and_add_render_for_superuser(client, superuser, model):
    client.force_login(superuser)
    assert client.get(admin_url(model, "changelist")).status_code == 200
    add = client.get(admin_url(model, "add"))
    assert add.status_code in (200, 403)  # some models are only created through services


def test_admin_is_branded(client, superuser):
    client.force_login(superuser)
    assert b"FieldOS" in client.get("/admin/").content


def test_coach_sees_only_own_teams(client, staff_coach, team, other_team):
    MembershipFactory(team=other_team)
    client.force_login(staff_coach)
    teams_page = client.get(admin_url(type(team), "changelist")).content.decode()
    assert team.name in teams_page
    assert other_team.name not in teams_page
    members_page = client.get(admin_url(Membership, "changelist")).content.decode()
    assert other_team.name not in members_page
    assert client.get(admin_url(type(team), "change", other_team.pk)).status_code == 302
    # people are invited, not added: the invitation's add page offers only own teams
    add_page = client.get(admin_url(Invitation, "add")).content.decode()
    assert team.name in add_page and other_team.name not in add_page


def test_coach_adds_member_by_email_in_admin(client, staff_coach, team):
    newcomer = UserFactory(email="newbie@example.com")
    client.force_login(staff_coach)
    assert client.get(admin_url(Membership, "add")).status_code == 403  # invite instead
    response = client.post(
        admin_url(Invitation, "add"),
        {"email": "NEWBIE@example.com", "team": team.pk, "role": "member"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    invitation = Invitation.objects.get(team=team, email="newbie@example.com")
    accepted = client_for(newcomer).post(f"/api/invitations/{invitation.pk}/accept/")
    assert accepted.status_code == 200
    assert Membership.objects.get(team=team, user=newcomer).role == Role.MEMBER


def test_last_owner_cannot_be_demoted_in_admin(client, staff_coach, team):
    mine = Membership.objects.get(user=staff_coach, team=team)
    client.force_login(staff_coach)
    response = client.post(admin_url(Membership, "change", mine.pk), {"role": "coach"})
    assert response.status_code == 200
    assert "last owner" in response.content.decode()
    mine.refresh_from_db()
    assert mine.role == Role.OWNER
    assert client.get(admin_url(Membership, "delete", mine.pk)).status_code == 403


def test_user_without_membership_sees_no_team_models(client, db):
    lonely = UserFactory(is_staff=True)
    client.force_login(lonely)
    assert client.get(admin_url(Membership, "changelist")).status_code == 403
    assert client.get(admin_url(type(TeamFactory()), "changelist")).status_code == 403


def test_team_added_in_admin_gets_the_default_ruleset(client, superuser):
    from playbook.models import Ruleset

    client.force_login(superuser)
    response = client.post(
        admin_url(type(TeamFactory.build()), "add"),
        {
            "name": "Admin Made",
            "slug": "admin-made",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    assert Ruleset.objects.get(team__slug="admin-made").is_default


def test_admin_index_follows_the_coach_s_work_order(client, superuser):
    client.force_login(superuser)
    apps = client.get("/admin/").context["app_list"]
    models = [(app["app_label"], m["object_name"]) for app in apps for m in app["models"]]
    coach_order = [
        ("playbook", "Player"),
        ("playbook", "Formation"),
        ("playbook", "Route"),
        ("playbook", "Play"),
        ("playbook", "Scenario"),
        ("playbook", "Playbook"),
        ("simulation", "SimulationRun"),
        ("simulation", "Policy"),
    ]
    assert [m for m in models if m in coach_order] == coach_order
    assert models.index(("simulation", "Policy")) < models.index(("teams", "Team"))
    assert apps[0]["app_label"] == "playbook"
