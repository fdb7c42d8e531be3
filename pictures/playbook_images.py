"""The playbook's pictures as `pictures.serving.Image`s: what each shows (its content key)
and how to render it. The API and the admin serve them through `pictures.serving.serve`.

Keys are hashes of the drawing primitives (`Picture.digest`) plus whatever the picture
depends on that the primitives don't show (route timing for animations, notes and call
numbers for the call sheet), so an edit anywhere a picture looks changes its key.
"""

from django.db.models import Prefetch
from django.utils import timezone

from pictures import diagrams
from pictures.serving import Image, content_key, safe_filename
from playbook.models import Play

CALL_SHEET_LAYOUTS = ("sheet", "wristband")


def with_drawing_data(plays):
    """Prefetch everything a play's picture reads (a queryset of plays)."""
    return plays.select_related("formation", "ruleset").prefetch_related(
        "formation__slots", "assignments__route__breakpoints"
    )


def _timing(play):
    return [
        (a.role, a.route.settle, [b.time_ms for b in a.route.breakpoints.all()])
        for a in play.assignments.all()
        if a.route is not None
    ] + [play.motion_duration_ms]


def roster_for(team_id, labels):
    """role or defender slot → the team's player there (its default lineup, else the first
    player of the role), when the labels need players."""
    if labels in ("roles", "dots"):
        return None
    from simulation.adapter import roster

    return roster(team_id)


def play_diagram(play, ext, scenario=None, labels="roles") -> Image:
    """`labels`: roles, numbers (jersey numbers), names (numbers and surnames) or dots
    (the list's thumbnail: no text)."""
    picture = diagrams.play_picture(play, scenario, roster_for(play.team_id, labels), labels)
    render = diagrams.to_svg if ext == "svg" else diagrams.to_png
    return Image(picture.digest, ext, lambda: render(picture), safe_filename(play.name, ext))


def scenario_preview(scenario, ext, play=None) -> Image:
    picture = diagrams.scenario_picture(scenario, play)
    render = diagrams.to_svg if ext == "svg" else diagrams.to_png
    return Image(picture.digest, ext, lambda: render(picture), safe_filename(scenario.name, ext))


def play_animation(play, scenario=None) -> Image:
    """The play run from the snap (before any simulation), optionally with defenders."""
    from pictures.animations import preview_gif

    key = content_key("preview", diagrams.play_picture(play, scenario).digest, _timing(play))
    return Image(key, "gif", lambda: preview_gif(play, scenario), safe_filename(play.name, "gif"))


def _entry_key(entry):
    play = entry.play
    digest = diagrams.play_picture(play).digest
    fields = (entry.call_number, entry.situations, play.name, play.formation.name, play.notes)
    return [*fields, play.tags, digest]


def call_sheet(playbook, layout="sheet") -> Image:
    """The print-ready call sheet (or wristband card) of a playbook as a PDF."""
    from pictures.callsheet_pdf import call_sheet_pdf

    if layout not in CALL_SHEET_LAYOUTS:
        raise ValueError(f"Unknown layout '{layout}': use one of {', '.join(CALL_SHEET_LAYOUTS)}.")
    entries = list(
        playbook.entries.prefetch_related(
            Prefetch("play", queryset=with_drawing_data(Play.objects.all()))
        )
    )
    day = timezone.localdate()  # printed on the sheet
    key = content_key(
        "call-sheet",
        layout,
        day.isoformat(),
        playbook.name,
        playbook.description,
        playbook.team.name,
        [_entry_key(e) for e in entries],
    )
    name = f"{playbook.name} {layout}"
    return Image(
        key,
        "pdf",
        lambda: call_sheet_pdf(playbook, layout, printed_on=day),
        safe_filename(name, "pdf"),
    )
