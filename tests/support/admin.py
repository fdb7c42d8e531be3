"""Valid playbook objects (built through playbook.services), admin POST helpers, staff users
and the errors an admin page shows."""

import itertools

from django.urls import reverse

from playbook import services
from playbook.models import Player
from teams.models import Role
from tests.support.factories import MembershipFactory, UserFactory

_n = itertools.count(1)

TRIPS = [
    {"role": "QB", "x": -5.0, "y": 0.0},
    {"role": "CENTER", "x": 0.0, "y": 0.0},
    {"role": "WR1", "x": 0.0, "y": 10.0},
    {"role": "WR2", "x": 0.0, "y": 7.0},
    {"role": "WR3", "x": 0.0, "y": 4.0},
]
CORNER = [{"x": 10.0, "y": 0.0, "time_ms": 1800}, {"x": 14.0, "y": 6.0, "time_ms": 2600}]
SLANT = [{"x": 2.0, "y": 0.0, "time_ms": 400}, {"x": 8.0, "y": -3.0, "time_ms": 1400}]
ZONE = {"duty": "ZONE", "zone_radius": 6.0}
COVER2 = [
    {"slot": "D1", "x": 5.0, "y": -10.0, **ZONE, "zone_x": 5.0, "zone_y": -10.0},
    {"slot": "D2", "x": 12.0, "y": -8.0, **ZONE, "zone_x": 12.0, "zone_y": -8.0},
    {"slot": "D3", "x": 7.0, "y": 0.0, "duty": "RUSH"},
    {"slot": "D4", "x": 12.0, "y": 8.0, **ZONE, "zone_x": 12.0, "zone_y": 8.0},
    {"slot": "D5", "x": 2.0, "y": 10.0, "duty": "MAN", "man_target": "auto"},
]


def unique(prefix):
    return f"{prefix} {next(_n)}"


def formation(team, slots=TRIPS, **data):
    return services.formation_write(
        team=team, data={"name": unique("Formation"), **data}, slots=[dict(s) for s in slots]
    )


def route(team, breakpoints=CORNER, **data):
    return services.route_write(
        team=team,
        data={"name": unique("Route"), **data},
        breakpoints=[dict(b) for b in breakpoints],
    )


def play(team, form=None, routes=None, **data):
    form = form or formation(team)
    routes = routes or {"WR1": route(team), "WR2": route(team, SLANT)}
    return services.play_write(
        team=team,
        data={"name": unique("Play"), "formation": form, "progression": list(routes), **data},
        assignments=[{"role": s.role, "route": routes.get(s.role)} for s in form.slots.all()],
    )


def scenario(team, defenders=COVER2, **data):
    return services.scenario_write(
        team=team,
        data={"name": unique("Scenario"), **data},
        defenders=[dict(d) for d in defenders],
    )


def player(team, side="OFFENSE", role="WR1", **data):
    data = {"name": unique("Player"), **data}
    return Player.objects.create(team=team, side=side, role=role, **data)


def lineup(team):
    spots = [{"role": "QB", "player": player(team, role="QB")}]
    return services.lineup_write(team=team, data={"name": unique("Lineup")}, spots=spots)


def playbook(team, plays=()):
    entries = [{"play": p, "call_number": str(i + 1)} for i, p in enumerate(plays)]
    return services.playbook_write(team=team, data={"name": unique("Playbook")}, entries=entries)


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def inline_post(prefix, rows, initial=0):
    """Inline formset POST data: the management form plus one form per row."""
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{i}-{key}"] = "" if value is None else value
    return data


# The optional fields of the play add form, blank (max_time_to_throw_ms at its default).
PLAY_FIELDS = {
    "external_id": "",
    "ruleset": "",
    "notes": "",
    "tags": "",
    "progression": "",
    "max_time_to_throw_ms": "3000",
    "motion_role": "",
    "motion_x": "",
    "motion_y": "",
    "motion_duration_ms": "",
}


def staff(team, role=Role.COACH):
    """A staff user (may open the admin) with `role` in `team`."""
    user = UserFactory(is_staff=True)
    MembershipFactory(user=user, team=team, role=role)
    return user


def errors(response):
    """Everything the admin page complains about, for assertion messages."""
    if response.context is None:
        return response.status_code
    found = {"form": response.context["adminform"].form.errors}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        found[formset.prefix] = [formset.errors, formset.non_form_errors()]
    return found
