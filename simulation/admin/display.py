"""What the job pages (runs and trainings) share: formatting, links to what a job used
(deleted objects by id), the status badge and progress bar."""

from django.contrib import admin
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime

from playbook.constants import Bucket
from simulation.engine import constants as C
from simulation.job_admin import NONE
from simulation.job_admin import JobColumns as BaseJobColumns

DOWNS = {1: "1st", 2: "2nd", 3: "3rd"}
SHORT_BUCKETS = {  # the list's column; the full label is its tooltip
    Bucket.GOALLINE: "Goal line",
    Bucket.REDZONE: "Red zone",
    Bucket.FIRST_ANY: "1st down",
    Bucket.SECOND_SHORT: "2nd & short",
    Bucket.SECOND_LONG: "2nd & long",
    Bucket.THIRD_SHORT: "3rd & short",
    Bucket.THIRD_LONG: "3rd & long",
}
REFRESH_SECONDS = 3
# What a reward number means, in coach words (simulation.engine.reward is the rule).
REWARD_HELP = (
    f"Reward is in points worth a yard each: the yards the play gained (counted from "
    f"−{-C.REWARD_YARDS_MIN:g} to {C.REWARD_YARDS_MAX:g} only), plus {C.REWARD_CONVERT:g} "
    f"when it moves the chains or scores, minus {-C.REWARD_SACK:g} for a sack and minus "
    f"{-C.REWARD_INTERCEPTION:g} for an interception."
)


# --- formatting ------------------------------------------------------------------------


def pct(value):
    """A fraction as a percentage: 0.6421 → '64.2 %'."""
    return NONE if value is None else f"{value * 100:.1f} %"


def yards(value):
    return NONE if value is None else f"{value:.1f}"


def number(value, places=2):
    return NONE if value is None else f"{value:.{places}f}"


def seconds(ms):
    return NONE if ms is None else f"{ms / 1000:.2f} s"


def count(value):
    return NONE if value is None else f"{value:,}"


def when(moment):
    """A short local date and time for the list: 'Nov 23, 13:01'."""
    if moment is None:
        return NONE
    shown = date_format(localtime(moment), "M j, H:i")
    return format_html('<span style="white-space:nowrap">{}</span>', shown)


def down_label(down):
    return DOWNS.get(down, f"{down}th")


def situation_label(run):
    return (
        f"{down_label(run.down)} and {run.distance:g}, {run.yardline:g} yd to the goal "
        f"({run.get_bucket_display()})"
    )


def linked(model_name, obj):
    url = reverse(f"admin:playbook_{model_name}_change", args=[obj.pk])
    return format_html('<a href="{}">{}</a>', url, obj.name)


def gone(kind, pk):
    return format_html('<span class="sim-muted">{} #{} (deleted)</span>', kind, pk)


def as_simulated(objects, ids, kind):
    """Links to the objects a run simulated, by name; deleted ones by id."""
    by_id = {o.pk: o for o in objects}
    found = sorted((o for pk in ids if (o := by_id.get(pk))), key=lambda o: o.name)
    parts = [linked(kind, o) for o in found] + [gone(kind, pk) for pk in ids if pk not in by_id]
    return format_html_join(", ", "{}", ((p,) for p in parts)) or NONE


class JobColumns(BaseJobColumns):
    """The job columns (simulation.job_admin) and the lineup a run or training used."""

    @admin.display(description="lineup")
    def lineup_label(self, job):
        if job.lineup_id:
            return linked("lineup", job.lineup)
        return "The team's default lineup"
