"""Every playbook endpoint: the generic isolation/CRUD/query-count checks plus the
behaviour a coach and a frontend rely on."""

from playbook.models import (
    Formation,
    Lineup,
    Play,
    Playbook,
    Player,
    Route,
    Ruleset,
    Scenario,
)
from tests.support import builders as b
from tests.support.api import TeamScopedAPITests
from tests.support.builders import player

# --- the generic checks, once per endpoint ------------------------------------------


class TestRulesetEndpoint(TeamScopedAPITests):
    basename, model = "ruleset", Ruleset

    def make(self, team):
        return Ruleset.objects.create(team=team, name=b.name("Rules"))

    def payload(self, team):
        return {"name": b.name("Standard 5v5"), "field_width": 40, "field_length": 80}


class TestPlayerEndpoint(TeamScopedAPITests):
    basename, model = "player", Player

    def make(self, team):
        return player(team)

    def payload(self, team):
        return {"name": b.name("Tyrell"), "side": "OFFENSE", "role": "WR1", "speed": 95}


class TestLineupEndpoint(TeamScopedAPITests):
    basename, model = "lineup", Lineup

    def make(self, team):
        from playbook import services

        return services.lineup_write(
            team=team,
            data={"name": b.name("Lineup")},
            spots=[{"role": "WR1", "player": player(team)}],
        )

    def payload(self, team):
        return {"name": b.name("Lineup"), "spots": [{"role": "WR1", "player": player(team).pk}]}

    def foreign_payload(self, team, other_team):
        return {"name": "X", "spots": [{"role": "WR1", "player": player(other_team).pk}]}


class TestFormationEndpoint(TeamScopedAPITests):
    basename, model = "formation", Formation

    def make(self, team):
        return b.formation(team)

    def payload(self, team):
        return {"name": b.name("Trips"), "slots": b.TRIPS}

    def foreign_payload(self, team, other_team):
        theirs = Ruleset.objects.get(team=other_team, is_default=True)
        return {**self.payload(team), "ruleset": theirs.pk}


class TestRouteEndpoint(TeamScopedAPITests):
    basename, model = "route", Route

    def make(self, team):
        return b.route(team)

    def payload(self, team):
        return {"name": b.name("Out"), "breakpoints": b.OUT}


class TestPlayEndpoint(TeamScopedAPITests):
    basename, model = "play", Play

    def make(self, team):
        return b.play(team)

    def payload(self, team, form=None, route=None):
        form = form or b.formation(team)
        route = route or b.route(team)
        return {
            "name": b.name("Flood"),
            "formation": form.pk,
            "assignments": [
                {"role": "QB", "route": None},
                {"role": "WR1", "route": route.pk},
            ],
            "qb_plan": {"progression": ["WR1"], "max_time_to_throw_ms": 2500},
            "tags": ["flood"],
        }

    def foreign_payload(self, team, other_team):
        return self.payload(team, route=b.route(other_team))


class TestScenarioEndpoint(TeamScopedAPITests):
    basename, model = "scenario", Scenario

    def make(self, team):
        return b.scenario(team)

    def payload(self, team):
        return {
            "name": b.name("Cover 2"),
            "coverage": "ZONE",
            "shell": "COVER2",
            "defenders": b.COVER2,
        }

    def foreign_payload(self, team, other_team):
        defenders = [dict(d) for d in b.COVER2]
        defenders[0]["player"] = player(other_team, side="DEFENSE", role="D1").pk
        return {**self.payload(team), "defenders": defenders}


class TestPlaybookEndpoint(TeamScopedAPITests):
    basename, model = "playbook", Playbook

    def make(self, team):
        from playbook import services

        return services.playbook_write(
            team=team,
            data={"name": b.name("Book")},
            entries=[{"play": b.play(team), "call_number": "1"}],
        )

    def payload(self, team):
        return {"name": b.name("Book"), "entries": [{"play": b.play(team).pk, "call_number": "21"}]}

    def foreign_payload(self, team, other_team):
        return {"name": "X", "entries": [{"play": b.play(other_team).pk, "call_number": "1"}]}
