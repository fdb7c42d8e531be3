"""The sideline charting page: server-rendered, for a coach's phone.

The page is a DRF view so the team scoping is the API's own (teams.scoping): a
non-member gets a 404, and only the team's coaches and owners may chart (a member
a 403). It uses the browser's session; the snaps go to the API with the CSRF token."""

from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import urlencode
from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import NotAuthenticated
from rest_framework.renderers import TemplateHTMLRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from playbook.constants import Coverage, Shell
from playbook.models import Play, Scenario
from teams.scoping import TeamScopedMixin

from .models import Game, Result
from .selectors import drive_chart
from .services import rules_of


class CoachesOnly(permissions.BasePermission):
    message = "Only the team's coaches and owners chart games."

    def has_permission(self, request, view):
        return view.membership.role in view.write_roles  # non-members: 404 from the mixin


@extend_schema(exclude=True)
class ChartPage(TeamScopedMixin, APIView):
    authentication_classes = [SessionAuthentication]
    permission_classes = [permissions.IsAuthenticated, CoachesOnly]
    renderer_classes = [TemplateHTMLRenderer]
    template_name = "gameday/chart.html"

    def handle_exception(self, exc):
        if isinstance(exc, NotAuthenticated):
            login = reverse("admin:login")
            return HttpResponseRedirect(f"{login}?{urlencode({'next': self.request.path})}")
        response = super().handle_exception(exc)
        response.template_name = "gameday/refused.html"
        response.data = {"status": response.status_code, "detail": str(getattr(exc, "detail", exc))}
        return response

    def get(self, request, team_id, game_id):
        game = get_object_or_404(
            Game.objects.select_related("playbook"), team=self.team, pk=game_id
        )
        rules = rules_of(game)
        if game.playbook_id:
            calls = [
                {"id": e.play_id, "call": e.call_number, "name": e.play.name}
                for e in game.playbook.entries.select_related("play").order_by("order", "id")
            ]
        else:
            calls = [
                {"id": p.pk, "call": "", "name": p.name}
                for p in Play.objects.filter(team=self.team).order_by("name")
            ]
        defenses = [
            {"scenario": s.pk, "label": s.name}
            for s in Scenario.objects.filter(team=self.team).order_by("name")
        ] + [
            {"shell": value, "coverage": coverage, "label": f"{label} {coverage.lower()}"}
            for value, label in Shell.choices
            if value != Shell.OTHER
            for coverage in (Coverage.MAN, Coverage.ZONE)
        ]
        snaps = [
            {
                "id": s.pk,
                "key": s.idempotency_key,
                "drive": s.drive,
                "down": s.down,
                "distance": s.distance,
                "yards_to_goal": s.yards_to_goal,
                "try_points": s.try_points,
                "result": s.result,
                "yards": s.yards,
                "touchdown": s.touchdown,
                "call": s.call_label,
            }
            for s in game.snaps.select_related("play").order_by("sequence", "id")
        ]
        config = {
            "team": self.team.pk,
            "game": game.pk,
            "snapsUrl": reverse("snap-list", kwargs={"team_id": self.team.pk}),
            "rules": {
                "playing_length": rules.playing_length,
                "midfield_to_goal": rules.midfield_to_goal,
                "downs": rules.downs,
                "start": rules.start,
                "try_distances": list(rules.try_distances),
            },
            "calls": calls,
            "defenses": defenses,
            "results": [{"value": v, "label": label} for v, label in Result.choices],
            "snaps": snaps,
        }
        return Response(
            {"game": game, "config": config, "drives": drive_chart(game)["drives"]},
            template_name=self.template_name,
        )
