"""A route from the route tree in the coach's admin: pick the route, the receiver's
side and a depth; the route is made (playbook.route_tree) and opened in the field
editor to adjust."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from playbook import route_tree, services
from playbook.admin.display import describe
from teams.models import EDITOR_ROLES, Team


class TreeForm(forms.Form):
    team = forms.ModelChoiceField(queryset=Team.objects.none())
    route = forms.ChoiceField(
        choices=[(n, f"{n} ({route_tree.TREE[n][0]} yd)") for n in route_tree.NAMES],
        help_text="The stem depth in brackets is the route's usual one.",
    )
    side = forms.ChoiceField(
        choices=[("left", "left of the ball"), ("right", "right of the ball")],
        widget=forms.RadioSelect,
        initial="right",
        label="Receiver lines up",
        help_text="Outs, corners and wheels break towards his sideline, ins and drags inside.",
    )
    depth = forms.FloatField(
        required=False,
        min_value=route_tree.MIN_DEPTH,
        max_value=route_tree.MAX_DEPTH,
        help_text="Yards of the stem; empty: the usual depth.",
    )
    speed = forms.FloatField(
        initial=route_tree.DEFAULT_SPEED, min_value=1, max_value=11, help_text="yd/s."
    )
    name = forms.CharField(required=False, max_length=120, help_text="Empty: e.g. “Out 8 (left)”.")

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        if teams.count() == 1:
            self.fields["team"].initial = teams.first()


class RouteTreePage:
    """Mix into the route admin: …/tree/."""

    tree_template = "admin/playbook/route/tree.html"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view(self.tree_view)
        return [path("tree/", view, name="{}_{}_tree".format(*info)), *super().get_urls()]

    def tree_view(self, request):
        teams = self._scope(request, Team.objects.order_by("name"), path="", roles=EDITOR_ROLES)
        if not teams.exists():
            raise PermissionDenied
        form = TreeForm(request.POST or None, teams=teams)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            settle, points = route_tree.tree_route(
                data["route"], data["side"], data["depth"], data["speed"]
            )
            name = data["name"] or route_tree.tree_name(data["route"], data["side"], data["depth"])
            try:
                route = services.route_write(
                    team=data["team"],
                    data={"name": name, "settle": settle},
                    breakpoints=points,
                )
            except ValidationError as error:
                form.add_error(
                    "name" if "name" in getattr(error, "error_dict", {}) else None, describe(error)
                )
            else:
                self.message_user(
                    request, f"{route.name}: made from the route tree; adjust it here."
                )
                return HttpResponseRedirect(reverse("admin:playbook_route_change", args=[route.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "New route from the route tree",
            "form": form,
        }
        return TemplateResponse(request, self.tree_template, context)
