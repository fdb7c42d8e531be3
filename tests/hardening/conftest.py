"""Two fully populated teams for the hardening tests: one object of every kind each,
team B's names carrying a marker that must never reach a team A user."""

import datetime
from dataclasses import dataclass, field

import pytest

from gameday.models import Game
from gameday.services import snap_record
from playbook import services
from playbook.models import Player, Ruleset
from simulation import policies
from simulation.models import PolicyAlgorithm
from simulation.services import simulation_run_start
from strategy.services import analysis_start
from teams.models import Invitation, Membership, Role
from tests.support import builders as b
from tests.support.factories import MembershipFactory, TeamFactory, UserFactory

MARKER = "ZZLEAKZZ"  # in every name of team B; never in a response to team A

# /api/teams/{team_id}/<prefix>/{id}/…: the kind of object whose id fills {id}
ID_KINDS = {
    "analyses": "analysis",
    "formations": "formation",
    "games": "game",
    "invitations": "invitation",
    "lineups": "lineup",
    "members": "membership",
    "playbooks": "playbook",
    "players": "player",
    "plays": "play",
    "policies": "policy",
    "routes": "route",
    "rulesets": "ruleset",
    "scenarios": "scenario",
    "simulations": "simulation",
    "snaps": "snap",
}


def kind_of(path):
    """The kind behind `{id}` in a schema path, None when the path has no {id}."""
    parts = path.split("/")
    if parts[2] == "invitations":  # /api/invitations/{id}/…: the caller's own invitations
        return "invitation" if len(parts) > 3 and parts[3] == "{id}" else None
    return ID_KINDS.get(parts[4]) if len(parts) > 5 and parts[5] == "{id}" else None


def first_version(obj):
    """The id of the first history row (simple-history) of a playbook object."""
    return obj.history.order_by("history_id").first().history_id


@dataclass
class Seeded:
    team: object
    coach: object
    objects: dict = field(default_factory=dict)  # kind → object

    def __getitem__(self, kind):
        return self.objects[kind]


def populate(prefix="", user=None):
    """A team with one object of every kind (and a finished run with traces, a trained
    policy and an adoption). `prefix` starts every name."""
    team = TeamFactory(name=f"{prefix} Team") if prefix else TeamFactory()
    coach = user or UserFactory(display_name=f"{prefix}Coach")
    Membership.objects.create(team=team, user=coach, role=Role.COACH)
    MembershipFactory(team=team, role=Role.MEMBER, user__display_name=f"{prefix}Member")

    def n(kind):
        return f"{prefix}{b.name(kind)}"

    ruleset = Ruleset.objects.create(team=team, name=n("Rules"))
    offense = Player.objects.create(team=team, name=n("Player"), side="OFFENSE", role="WR1")
    defender = Player.objects.create(team=team, name=n("Defender"), side="DEFENSE", role="D1")
    lineup = services.lineup_write(
        team=team, data={"name": n("Lineup")}, spots=[{"role": "WR1", "player": offense}]
    )
    formation = b.formation(team, name=n("Formation"), ruleset=ruleset)
    out, slant = b.route(team, name=n("Route")), b.route(team, b.SLANT, name=n("Route"))
    play = b.play(team, form=formation, routes={"WR1": out, "WR2": slant}, name=n("Play"))
    play2 = b.play(team, form=formation, routes={"WR3": out}, name=n("Play"))
    defenders = [dict(d) for d in b.COVER2]
    defenders[0]["player"] = defender
    scenario = b.scenario(team, defenders=defenders, name=n("Scenario"))
    book = services.playbook_write(
        team=team,
        data={"name": n("Playbook")},
        entries=[{"play": play, "call_number": "1"}, {"play": play2, "call_number": "2"}],
    )
    situation = {"down": 3, "distance": 2, "yardline": 30}
    run = simulation_run_start(
        team=team,
        user=coach,
        plays=[play, play2],
        scenarios=[scenario],
        episodes=200,
        seed=7,
        situation=situation,
        traces=2,
    )
    policy = policies.policy_train_start(
        team=team,
        user=coach,
        plays=[play, play2],
        mix=[(scenario, 1.0)],
        buckets=["3RD_SHORT"],
        algorithm=PolicyAlgorithm.THOMPSON,
        params={},
        episodes=400,
        seed=11,
        playbook=book,
        name=n("Policy"),
    )
    policies.policy_train(policy.pk, whole=True)
    policy.refresh_from_db()
    adoption = policies.policy_adopt(
        policy=policy, bucket="3RD_SHORT", play=play, playbook=book, user=coach
    )
    game = Game.objects.create(
        team=team, opponent=n("Opponent"), date=datetime.date(2026, 9, 12), playbook=book
    )
    snap, _ = snap_record(
        game=game,
        data={
            "play": play,
            "defense": scenario,
            "result": "complete",
            "yards": 6,
            "notes": n("Snap"),
        },
        key="k1",
    )
    analysis = analysis_start(  # queued: its task runs only at a commit
        team=team,
        user=coach,
        kind="call_mix",
        name=n("Analysis"),
        plays=[play, play2],
        mix=[{"scenario": scenario.pk, "weight": 1.0}],
        situation={"down": 3, "distance": 2, "yards_to_goal": 30},
        episodes=16,
        seed=3,
    )
    objects = {
        "team": team,
        "game": game,
        "snap": snap,
        "analysis": analysis,
        "ruleset": ruleset,
        "player": offense,
        "defender": defender,
        "lineup": lineup,
        "formation": formation,
        "route": out,
        "play": play,
        "scenario": scenario,
        "playbook": book,
        "entry": book.entries.order_by("id").first(),
        "simulation": run,
        "trace": run.traces.order_by("id").first(),
        "policy": policy,
        "adoption": adoption,
        "membership": Membership.objects.filter(team=team).exclude(user=coach).first(),
        "invitation": Invitation.objects.create(
            team=team, email=f"{prefix.lower()}invitee@example.com", invited_by=coach
        ),
    }
    return Seeded(team=team, coach=coach, objects=objects)


@pytest.fixture
def team_a(db):
    return populate()


@pytest.fixture
def team_b(db):
    return populate(prefix=MARKER)
