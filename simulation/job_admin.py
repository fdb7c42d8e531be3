"""Admin columns every job list shares (runs, trainings, analyses): the status badge,
the progress bar, read-only pages and the team column only for those who see several
teams. Outside simulation.admin so that another app's admin (strategy's analyses) may use
it: admin modules never import each other."""

from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.utils.html import format_html

from simulation.models import JobStatus
from teams.scoping import user_team_ids

NONE = "—"
STATUS_COLOURS = {
    JobStatus.QUEUED: "#6b7280",
    JobStatus.RUNNING: "#1d4ed8",
    JobStatus.SUCCEEDED: "#15803d",
    JobStatus.FAILED: "#b91c1c",
    JobStatus.CANCELLED: "#b45309",
}


def job_fieldsets(job, status, title, fields):
    """A finished or running job's page: its status (and error, when there is one), what
    it was asked, then who started it and when — the same frame for every kind of job."""
    return (
        (None, {"fields": [*status, *(["error"] if job.error else [])]}),
        (title, {"fields": tuple(fields)}),
        ("Who and when", {"fields": ("created_by", "created_at", "started_at", "finished_at")}),
    )


class JobColumns:
    """Status badge and progress bar for anything with a JobStatus (runs, policies,
    analyses), and the team column only for those who see several teams."""

    def get_readonly_fields(self, request, obj=None):
        """Jobs are made by services, never edited: every field on the page is read-only."""
        return flatten_fieldsets(self.get_fieldsets(request, obj))

    def get_list_display(self, request):
        """The team column only for those who see several teams."""
        columns = super().get_list_display(request)
        if request.user.is_superuser or user_team_ids(request.user)[:2].count() > 1:
            return columns
        return [c for c in columns if c != "team"]

    @admin.display(description="status", ordering="status")
    def status_badge(self, job):
        return format_html(
            '<span style="color:#fff;background:{};padding:1px 6px;border-radius:9px;'
            'font-weight:bold;white-space:nowrap">{}</span>',
            STATUS_COLOURS.get(job.status, "#6b7280"),
            job.get_status_display(),
        )

    @admin.display(description="progress", ordering="progress")
    def progress_bar(self, job):
        return format_html(
            '<span style="white-space:nowrap"><progress value="{}" max="100" '
            'style="width:2.5em;vertical-align:middle"></progress> {} %</span>',
            job.progress,
            job.progress,
        )
