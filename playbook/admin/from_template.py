"""A new play from a template in the coach's admin: pick a concept (Flood, Mesh …); its
formation, tree routes and play are written by playbook.services.play_from_template and
the play opens in the editor to adjust."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from config.admin_text import describe
from playbook import play_templates, services
from teams.models import EDITOR_ROLES, Team


class FromTemplateForm(forms.Form):
    team = forms.ModelChoiceField(queryset=Team.objects.none())
    template = forms.ChoiceField(
        choices=[(k, f"{t.name} — {t.summary}") for k, t in play_templates.TEMPLATES.items()],
        widget=forms.RadioSelect,
        initial=play_templates.NAMES[0],
    )
    name = forms.CharField(
        required=False, max_length=120, help_text="Empty: the concept's name, e.g. “Flood”."
    )

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        if teams.count() == 1:
            self.fields["team"].initial = teams.first()


class PlayTemplatePage:
    """Mix into the play admin: …/from-template/."""

    template_page = "admin/playbook/play/from_template.html"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view(self.from_template_view)
        return [
            path("from-template/", view, name="{}_{}_from_template".format(*info)),
            *super().get_urls(),
        ]

    def from_template_view(self, request):
        teams = self._scope(request, Team.objects.order_by("name"), path="", roles=EDITOR_ROLES)
        if not teams.exists():
            raise PermissionDenied
        form = FromTemplateForm(request.POST or None, teams=teams)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                play = services.play_from_template(
                    team=data["team"], template=data["template"], name=data["name"]
                )
            except ValidationError as error:
                form.add_error(
                    "name" if "name" in getattr(error, "error_dict", {}) else None, describe(error)
                )
            else:
                self.message_user(
                    request,
                    f"{play.name}: made from the {play_templates.TEMPLATES[data['template']].name} "
                    "template (formation, routes from the route tree, reads); adjust it here.",
                )
                return HttpResponseRedirect(reverse("admin:playbook_play_change", args=[play.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "New play from a template",
            "form": form,
        }
        return TemplateResponse(request, self.template_page, context)
