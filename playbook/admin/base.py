"""The base of every playbook admin: team scoping, saving through the writers,
history and restore, per-object actions that call a service."""

from django.contrib import admin, messages
from django.contrib.admin.templatetags.admin_urls import admin_urlname
from django.contrib.admin.utils import NestedObjects, unquote
from django.core.exceptions import ValidationError
from django.db import IntegrityError, router, transaction
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import re_path, reverse
from django.utils.html import format_html, format_html_join

from pictures.serving import AdminPictures
from playbook import history, services
from playbook.admin.display import AMBER_BOX, STORED_ONLY, describe, only_team, show, used_by
from playbook.admin.forms import TeamOwnedForm
from teams.models import EDITOR_ROLES
from teams.scoping import TeamScopedAdmin, user_team_ids


class WriteRefused(Exception):
    """The writer refused what the form and its inlines hold (carries its error)."""

    def __init__(self, error):
        super().__init__(error)
        self.error = error


class TeamOwnedAdmin(AdminPictures, TeamScopedAdmin):
    form = TeamOwnedForm
    list_select_related = ("team",)
    search_fields = ("name", "external_id")
    list_per_page = 50

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        teams = list(user_team_ids(request.user, EDITOR_ROLES)[:2])
        if "team" not in initial and len(teams) == 1:
            initial["team"] = teams[0]["team_id"]
        return initial

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None:  # the version the page shows, sent back on save
            (title, opts), *rest = fieldsets
            fieldsets = [(title, {**opts, "fields": [*opts["fields"], "loaded_version"]}), *rest]
        if obj is None:  # nothing stored yet: no warnings or leg speeds to show
            fieldsets = [
                (title, {**opts, "fields": [f for f in opts["fields"] if f not in STORED_ONLY]})
                for title, opts in fieldsets
            ]
            fieldsets = [fs for fs in fieldsets if fs[1]["fields"]]
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        return readonly if obj is None else ("team", *readonly)  # objects stay in their team

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is not None:
            only_team(form.base_fields, obj.team_id)
        form.rows = services.KINDS[self.model].rows
        form.refusal = getattr(request, "write_refusal", None)
        return form

    # --- saving: one call to the object's writer, with the rows of its inline -----------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except WriteRefused as refused:
            # The first pass rolled back (the view is atomic). The same POST once more, with
            # the writer's errors put next to their fields: nothing is saved, the coach sees
            # why and keeps what they typed.
            request.write_refusal = refused.error
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except WriteRefused as refused:  # an error no field claimed: say it on the page
            self.message_user(request, f"Not saved: {describe(refused.error)}", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        """Nothing yet: save_related stores the object and its rows in one write."""

    def save_related(self, request, form, formsets, change):
        kind = services.KINDS[self.model]
        fields = {f.name for f in self.model._meta.concrete_fields} - {"id", "team"}
        data = {k: v for k, v in form.cleaned_data.items() if k in fields}
        rows = {}
        for formset in formsets:
            if kind.rows and getattr(formset, "rows", None) == kind.rows:
                rows[kind.rows] = formset.write_rows()
        try:
            kind.write(team=form.instance.team, data=data, instance=form.instance, **rows)
        except ValidationError as error:
            raise WriteRefused(error) from error
        except IntegrityError as error:  # the database's backstop: two saves raced
            raise WriteRefused(ValidationError(describe(error))) from error
        for formset in formsets:
            formset.written()

    def picture_block(self, obj, name, links):
        """The saved picture `name` (SVG) at full size with links to other formats."""
        if obj.pk is None:
            return f"Shown once the {self.opts.verbose_name} is saved."
        return format_html(
            '<img src="{}" alt="{} of {}" style="max-width:100%;width:384px"><p>{}</p>',
            self.picture_url(obj, name, "svg"),
            name.capitalize(),
            obj.name,
            format_html_join(
                " · ", '<a href="{}">{}</a>', ((self.picture_url(obj, *p), t) for t, *p in links)
            ),
        )

    # --- history: every version, who and where from; restore an earlier one ---------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            re_path(
                r"^(?P<object_id>.+)/history/(?P<history_id>\d+)/restore/$",
                self.admin_site.admin_view(self.restore_view),
                name="{}_{}_restore".format(*info),
            ),
            *super().get_urls(),
        ]

    def history_view(self, request, object_id, extra_context=None):
        """The object's versions from the audit history (admin, API and imports alike)."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_view_permission(request, obj):
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        info = self.opts.app_label, self.opts.model_name
        versions = history.named(type(obj), history.versions(obj.history.all()))
        for v in versions:
            v["changes"] = [
                {**c, "old": show(c["old"]), "new": show(c["new"])} for c in v["changes"]
            ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "object": obj,
            "title": f"History: {obj}",
            "versions": versions,
            "can_restore": bool(self.editable(request, type(obj).objects.filter(pk=obj.pk))),
            "restore_url": "admin:{}_{}_restore".format(*info),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/playbook/history.html", context)

    def restore_view(self, request, object_id, history_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        back = reverse(admin_urlname(self.opts, "change"), args=[obj.pk])
        if request.method != "POST" or not self.editable(
            request, type(obj).objects.filter(pk=obj.pk)
        ):
            return HttpResponseRedirect(back)
        wanted = obj.history.filter(history_id=history_id).values_list("version", flat=True)
        try:
            with transaction.atomic():
                restored = services.version_restore(obj, int(history_id))
        except (ValidationError, IntegrityError) as error:
            self.message_user(request, f"Not restored: {describe(error)}", messages.ERROR)
            return HttpResponseRedirect(reverse(admin_urlname(self.opts, "history"), args=[obj.pk]))
        self.message_user(
            request,
            f"Restored {restored} as it was in version {wanted.first()} (saved as version "
            f"{restored.version}).",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(back)

    def get_deleted_objects(self, objs, request):
        """Name the plays, lineups and playbooks that block a delete, not their rows."""
        deleted, counts, perms, protected = super().get_deleted_objects(objs, request)
        if protected:
            collector = NestedObjects(using=router.db_for_write(self.model))
            collector.collect(objs)
            protected = [used_by(row) for row in collector.protected]
        for obj in objs:
            jobs = services.delete_blocking_jobs(obj)
            if jobs:
                protected = [*protected, services.in_use_by_jobs_message(obj, jobs)]
        return deleted, counts, perms, protected

    def editable(self, request, queryset):
        """The selected objects the user may change (a member of a team only reads)."""
        return self._scope(request, queryset, roles=EDITOR_ROLES)

    def run_each(self, request, queryset, service, summary):
        """Call a service on each object; refusals become error messages, never a 500."""
        done = []
        for obj in self.editable(request, queryset):
            try:
                done.append((obj, service(obj)))
            except (ValidationError, IntegrityError) as error:
                self.message_user(request, f"{obj}: {describe(error)}", messages.ERROR)
        if done:
            self.message_user(request, summary(done), messages.SUCCESS)

    def mirror_each(self, request, queryset, service):
        def summary(done):
            parts = [f"{a} is its own mirror" if a.pk == b.pk else f"{a} → {b}" for a, b in done]
            return "Mirrored: " + "; ".join(parts) + "."

        self.run_each(request, queryset, service, summary)

    @admin.display(description="warnings")
    def warnings_badge(self, obj):
        if not obj.warnings:
            return format_html('<span style="color:{}" title="No warnings">✓</span>', "#2e7d32")
        return format_html(
            '<span style="color:#b36b00;font-weight:bold" title="{}">⚠ {}</span>',
            "\n".join(obj.warnings),
            len(obj.warnings),
        )

    @admin.display(description="found at the last save")
    def warnings_list(self, obj):
        if not obj.warnings:
            return "None: every coaching check passes."
        items = (w.split(": ", 1) if ": " in w else ("", w) for w in obj.warnings)
        return format_html(
            '<ul style="{}">{}</ul>',
            AMBER_BOX,
            format_html_join("", "<li><code>{}</code> {}</li>", items),
        )
