"""Import and export in the coach's admin: upload FieldOS JSON files into a team (a dry
run first, if the coach likes, and what to do with a name already taken), download the
team's export. Both call playbook.interchange, as the API and the commands do."""

import json

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.text import slugify

from config.middleware import own_transactions
from playbook.interchange import (
    ON_CONFLICT,
    FieldOSImportError,
    check_size,
    fieldos_export,
    fieldos_import,
    kind_from_name,
    sources_from_bytes,
)
from teams.models import EDITOR_ROLES, Team

CONFLICT_LABELS = {
    "rename": "Import it under a free name, e.g. “Delay Flat (2)” (with a warning)",
    "skip": "Keep ours, skip theirs (with a warning)",
    "fail": "Refuse the whole import",
}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented recipe): a list when cleaned."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)]


class ImportForm(forms.Form):
    team = forms.ModelChoiceField(queryset=Team.objects.none())
    files = MultipleFileField(
        widget=MultipleFileInput(attrs={"multiple": True, "accept": ".json,application/json"}),
        help_text="One or more FieldOS .json files (players.json, plays.json …) or an export.",
    )
    dry_run = forms.BooleanField(
        required=False, initial=True, help_text="Show what would happen; write nothing."
    )
    on_conflict = forms.ChoiceField(
        choices=[(c, CONFLICT_LABELS.get(c, c)) for c in ON_CONFLICT],
        initial="rename",
        widget=forms.RadioSelect,
        label="A different object whose name the team already uses",
    )

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        if teams.count() == 1:
            self.fields["team"].initial = teams.first()


class ImportExportPages:
    """Mix into the playbook admin: …/import/ and …/export/?team=<id>."""

    import_template = "admin/playbook/playbook/import.html"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="{}_{}_import".format(*info),
            ),
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="{}_{}_export".format(*info),
            ),
            *super().get_urls(),
        ]

    def _teams(self, request, roles=None):
        return self._scope(request, Team.objects.order_by("name"), path="", roles=roles)

    @own_transactions  # the import commits in chunks (playbook/interchange/journal.py)
    def import_view(self, request):
        teams = self._teams(request, EDITOR_ROLES)
        if not teams.exists():
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None, teams=teams)
        summary = errors = None
        if request.method == "POST" and form.is_valid():
            summary, errors = self._import(request, form)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Import FieldOS JSON",
            "form": form,
            "summary": summary,
            "import_errors": errors,
        }
        return TemplateResponse(request, self.import_template, context)

    def _import(self, request, form):
        """(summary lines, None) or (None, error lines); nothing is written on an error."""
        data = form.cleaned_data
        try:
            sources = []
            for upload in data["files"]:
                check_size(upload.name, upload.size)
                sources.extend(
                    sources_from_bytes(upload.name, upload.read(), kind_from_name(upload.name))
                )
            summary = fieldos_import(
                team=data["team"],
                sources=sources,
                dry_run=data["dry_run"],
                on_conflict=data["on_conflict"],
            )
        except FieldOSImportError as exc:
            lines = exc.lines()
            self.message_user(
                request,
                f"Import refused, nothing was written: {len(lines)} error(s).",
                messages.ERROR,
            )
            return None, lines
        if data["dry_run"]:
            self.message_user(request, "Dry run: nothing was written.", messages.INFO)
        elif summary.changed:
            self.message_user(request, f"Imported into {data['team']}.", messages.SUCCESS)
        return summary.lines(), None

    def export_view(self, request):
        """The team's FieldOS JSON as a download (any member may read it)."""
        teams = self._teams(request)
        team_id = request.GET.get("team", "")
        team = (
            teams.filter(pk=int(team_id)).first()
            if team_id.isascii() and team_id.isdigit() and len(team_id) < 12
            else (teams.first() if teams.count() == 1 else None)
        )
        if team is None:
            raise PermissionDenied
        body = json.dumps(fieldos_export(team), indent=2, ensure_ascii=False)
        response = HttpResponse(body + "\n", content_type="application/json; charset=utf-8")
        name = slugify(team.name) or f"team-{team.pk}"
        response["Content-Disposition"] = f'attachment; filename="{name}-fieldos.json"'
        return response

    def changelist_view(self, request, extra_context=None):
        teams = list(self._teams(request).values_list("pk", "name"))
        extra = {
            "export_teams": teams,
            "can_import": self._teams(request, EDITOR_ROLES).exists(),
        }
        return super().changelist_view(request, {**extra, **(extra_context or {})})
