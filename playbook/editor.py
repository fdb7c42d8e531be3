"""The coach's field editor on the admin change pages (docs/editor.md).

An SVG field above the inline rows, driven by the ES modules in
playbook/static/playbook/editor/ (main.js picks the editor),
which reads and writes the inline formset's own inputs (`slots-0-x`, `breakpoints-2-time_ms`,
`defenders-1-zone_radius`, the play's `progression`). Saving is the ordinary admin POST,
so the formsets' rules and the history apply; without JavaScript the plain form works.

The mixins add what the page lacks as JSON: the field size and limits in the page
(`editor_config`, json_script) and two small admin views, both team-scoped (another
team's object or id → 404):
- `editor/check/` (POST) runs playbook.validation's check on rows the editor sends;
- `<play id>/editor/overlay/<scenario id>/` (GET) the scenario's defenders against the
  play as the diagrams draw them (zones, man lines with `auto` resolved, rushers).
"""

import json

from django import forms
from django.contrib.admin.utils import unquote
from django.http import Http404, JsonResponse
from django.urls import path, reverse

from football.roles import offense_roles
from pictures import diagrams
from playbook import validation
from playbook.constants import Duty
from playbook.models import Formation, Route, Ruleset, Scenario, default_ruleset, rules_for
from teams.models import Team
from teams.scoping import MAX_ID, user_team_ids

SNAP_YD = 0.5
QUICK_EPISODES = 2000  # "Simulate now": a quick run, answered inside the request
COLOURS = {
    "grass": diagrams.GRASS,
    "chalk": diagrams.CHALK,
    "los": diagrams.LOS_COLOUR,
    "offense_fill": diagrams.OFFENSE_FILL,
    "offense_stroke": diagrams.OFFENSE_STROKE,
    "defense_fill": diagrams.DEFENSE_FILL,
    "zone": diagrams.ZONE_COLOUR,
    "man": diagrams.MAN_COLOUR,
    "rush": diagrams.RUSH_COLOUR,
    "routes": diagrams.ROUTE_COLOURS,
}


def rules_data(rules):
    return {
        "name": rules.name,
        "half_width": rules.half_width,
        "field_width": rules.field_width,
        "min_x": rules.min_x,
        "max_x": rules.max_x,
        "rush_distance": rules.rush_distance,
    }


def url_template(name, argument, placeholder, **kwargs):
    """A URL reversed with "{placeholder}" in place of `argument`, an id known only later
    (the run a simulation starts): the editor fills it in and builds no path itself."""
    marker = "9" * 12  # a number every id converter accepts and no other part holds
    url = reverse(name, kwargs={**kwargs, argument: marker})
    return url.replace(marker, "{" + placeholder + "}")


def number_or_none(value):
    text = str(value)
    return int(text) if text.isascii() and text.isdigit() and int(text) <= MAX_ID else None


lined_up = diagrams.lined_up  # the engine's line-up, asked through the pictures


class EditorMixin:
    """Mix in before TeamOwnedAdmin; subclasses name their `editor` and its check."""

    editor = ""
    checks = True  # the page has rows to check as they are drawn

    @property
    def media(self):
        return super().media + forms.Media(
            js=[forms.Script("playbook/editor/main.js", type="module")],
            css={"all": ["playbook/editor/editor.css"]},
        )

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_editor"
        view = self.admin_site.admin_view
        check = [path("editor/check/", view(self.editor_check), name=f"{name}_check")]
        return [*(check if self.checks else []), *self.editor_urls(name), *super().get_urls()]

    def editor_urls(self, name):
        return []

    # --- the page's data ----------------------------------------------------------------

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        team_id = obj.team_id if obj is not None else self._only_team_id(request)
        rules = rules_for(obj) if obj is not None else self._default_rules(team_id)
        context["editor_config"] = {
            "kind": self.editor,
            "team": team_id,
            "object": obj.pk if obj is not None else None,
            "rules": rules_data(rules),
            "snap": SNAP_YD,
            "human_speed": validation.HUMAN_TOP_SPEED,
            "impossible_speed": validation.IMPOSSIBLE_SPEED,
            "colours": COLOURS,
            "check_url": self.checks
            and reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_editor_check"),
            **self.editor_data(request, obj, team_id),
        }
        return super().render_change_form(request, context, add, change, form_url, obj)

    def editor_data(self, request, obj, team_id):
        return {}

    def _only_team_id(self, request):
        teams = list(user_team_ids(request.user)[:2])
        return teams[0]["team_id"] if len(teams) == 1 else None

    def _default_rules(self, team_id):
        return validation.Rules.of(default_ruleset(team_id) if team_id else None)

    # --- the check view -----------------------------------------------------------------

    def _team(self, request, team_id):
        teams = Team.objects.all()
        if not request.user.is_superuser:
            teams = teams.filter(id__in=user_team_ids(request.user))
        team = teams.filter(pk=number_or_none(team_id)).first() if number_or_none(team_id) else None
        if team is None:
            raise Http404("No such team.")
        return team

    def _rules(self, team, ruleset_id):
        if ruleset_id in (None, ""):
            return validation.Rules.of(default_ruleset(team))
        ruleset = Ruleset.objects.filter(team=team, pk=number_or_none(ruleset_id)).first()
        if ruleset is None:
            raise Http404("No such ruleset.")
        return validation.Rules.of(ruleset)

    def editor_check(self, request):
        """POST {"team", "ruleset", "rows"} → {"errors": {path: [...]}, "warnings": [...]}."""
        if request.method != "POST":
            return JsonResponse({"detail": "POST the rows."}, status=405)
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            return JsonResponse({"detail": "The body is not JSON."}, status=400)
        if not isinstance(body, dict) or not isinstance(body.get("rows"), list):
            return JsonResponse({"detail": "Send {team, ruleset, rows: [...]}."}, status=400)
        rows = [row for row in body["rows"] if isinstance(row, dict)]
        rules = self._rules(self._team(request, body.get("team")), body.get("ruleset"))
        report, extra = self.check_rows(rows, rules)
        return JsonResponse({"errors": report.errors, "warnings": report.warnings, **extra})

    def check_rows(self, rows, rules):
        """(validation.Report, extra answer fields) for the rows the editor sent."""
        raise TypeError(f"{type(self).__name__} must define check_rows(rows, rules)")


class FormationEditor(EditorMixin):
    editor = "formation"

    def check_rows(self, rows, rules):
        slots = [{k: row.get(k) for k in ("role", "x", "y")} for row in rows]
        return validation.check_formation(slots, rules), {}


class RouteEditor(EditorMixin):
    editor = "route"

    def check_rows(self, rows, rules):
        breakpoints = [{k: row.get(k) for k in ("x", "y", "time_ms")} for row in rows]
        return validation.check_route(breakpoints, rules), {}

    def editor_data(self, request, obj, team_id):
        """Where the runner lines up: his spot in the first play that uses the route."""
        align = {"role": "", "play": "", "y": 0.0}
        assignment = obj and obj.assignments.select_related("play__formation").first()
        slot = assignment and assignment.play.formation.slots.filter(role=assignment.role).first()
        if not slot:
            return {"align": align}
        align = {"role": assignment.role, "play": assignment.play.name, "y": slot.y}
        return {"align": align, "rules": rules_data(rules_for(assignment.play))}


class ScenarioEditor(EditorMixin):
    editor = "scenario"

    def check_rows(self, rows, rules):
        keys = ("slot", "x", "y", "duty", "man_target", "zone_x", "zone_y", "zone_radius")
        defenders = [{k: row.get(k) for k in keys} for row in rows]
        report = validation.check_scenario(defenders, rules)
        return report, {"offense": self._spread(rules), "man": self._man(defenders, rules)}

    def _spread(self, rules):
        return [{"role": role, "x": x, "y": y} for role, (x, y) in diagrams.spread(rules).items()]

    def _man(self, defenders, rules):
        """Whom each MAN defender covers against the plain spread; {} while the rows do
        not make a valid defense."""
        if not validation.check_scenario(defenders, rules).ok:
            return {}
        start = diagrams.spread(rules)
        eligible = [role for role in start if role != "QB"]
        return {
            a.name: a.target for a in lined_up(defenders, start, eligible) if a.duty == Duty.MAN
        }

    def editor_data(self, request, obj, team_id):
        rules = rules_for(obj) if obj is not None else self._default_rules(team_id)
        return {"offense": self._spread(rules), "roles": offense_roles(rules.players_per_side)}


class PlayEditor(EditorMixin):
    editor = "play"
    checks = False  # the play's rules run when it is saved

    def editor_urls(self, name):
        return [
            path(
                "<path:object_id>/editor/overlay/<int:scenario_id>/",
                self.admin_site.admin_view(self.editor_overlay),
                name=f"{name}_overlay",
            )
        ]

    def editor_data(self, request, obj, team_id):
        formations = Formation.objects.filter(team_id=team_id).prefetch_related("slots")
        routes = Route.objects.filter(team_id=team_id).prefetch_related("breakpoints")
        scenarios = Scenario.objects.filter(team_id=team_id).order_by("name")
        api = {"team_id": team_id}
        return {
            "formations": {
                f.pk: {
                    "slots": f.slot_data(),
                    "url": reverse("formation-detail", kwargs={**api, "pk": f.pk}),
                }
                for f in formations
            },
            "routes": {
                r.pk: {
                    "name": r.name,
                    "settle": r.settle,
                    "breakpoints": r.breakpoint_data(),
                    "url": reverse("route-detail", kwargs={**api, "pk": r.pk}),
                }
                for r in routes
            },
            "scenarios": [
                {
                    "id": s.pk,
                    "name": s.name,
                    "overlay_url": obj
                    and reverse("admin:playbook_play_editor_overlay", args=[obj.pk, s.pk]),
                }
                for s in scenarios
            ],
            "simulate_url": team_id and reverse("simulate", kwargs=api),
            "replay_url": team_id and url_template("simulation-replay", "pk", "run", **api, n=0),
            "run_url": url_template("admin:simulation_simulationrun_change", "object_id", "run"),
            "episodes": QUICK_EPISODES,
        }

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        team_id = obj.team_id if obj is not None else self._only_team_id(request)
        context["editor_scenarios"] = Scenario.objects.filter(team_id=team_id).order_by("name")
        return super().render_change_form(request, context, add, change, form_url, obj)

    def editor_overlay(self, request, object_id, scenario_id):
        """GET: the scenario's defenders against the stored play, as the diagram draws them."""
        play = self.get_object(request, unquote(object_id))
        if play is None or not self.has_view_permission(request, play):
            raise Http404("No such play.")
        scenario = Scenario.objects.filter(team_id=play.team_id, pk=scenario_id).first()
        if scenario is None:
            raise Http404("No such scenario.")
        offense = diagrams.offense_of(play)
        eligible = [r for r in offense.start if r in offense.routes] or [
            r for r in offense.start if r != "QB"
        ]
        defenders = [
            {
                "slot": a.name,
                "x": a.x,
                "y": a.y,
                "duty": a.duty,
                "target": a.target,
                "target_at": offense.start.get(a.target),
                "zone_x": a.zone_x,
                "zone_y": a.zone_y,
                "zone_radius": a.zone_radius,
            }
            for a in lined_up(scenario.defender_data(), offense.start, eligible)
        ]
        rules = validation.Rules.of(scenario.ruleset) if scenario.ruleset_id else rules_for(play)
        return JsonResponse(
            {
                "scenario": scenario.name,
                "rules": rules_data(rules),
                "qb": offense.start.get("QB"),
                "defenders": defenders,
            }
        )
