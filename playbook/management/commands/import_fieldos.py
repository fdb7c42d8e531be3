from django.core.management.base import BaseCommand, CommandError

from playbook.interchange import (
    ON_CONFLICT,
    FieldOSImportError,
    fieldos_import,
    sources_from_paths,
)
from teams.models import Team


def team_by_slug(slug):
    team = Team.objects.filter(slug=slug).first()
    if team is None:
        known = ", ".join(Team.objects.order_by("slug").values_list("slug", flat=True)[:20])
        raise CommandError(f"No team with slug '{slug}'. Teams: {known or 'none yet'}.")
    return team


class Command(BaseCommand):
    help = (
        "Import FieldOS engine JSON (players, formations, routes, rules, scenarios, plays, "
        "lineups, playbooks) into a team: files or directories of *.json. All or nothing; "
        "see docs/import-export.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--team", required=True, help="The team's slug.")
        parser.add_argument("paths", nargs="+", help="JSON files, or directories of them.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; write nothing."
        )
        parser.add_argument(
            "--on-conflict",
            choices=ON_CONFLICT,
            default="rename",
            help=(
                "An object named like another of the team's objects with different content: "
                "rename (import it as 'Name (2)', the default), skip (keep the team's object "
                "and use it in its place) or fail. Identical content is always reused."
            ),
        )

    def handle(self, *args, team, paths, dry_run, on_conflict, **options):
        team = team_by_slug(team)
        try:
            summary = fieldos_import(
                team=team,
                sources=sources_from_paths(paths),
                dry_run=dry_run,
                on_conflict=on_conflict,
            )
        except FieldOSImportError as exc:
            lines = exc.lines()
            raise CommandError(
                f"Import refused, nothing was written ({len(lines)} error(s)):\n  "
                + "\n  ".join(lines)
            ) from None
        self.stdout.write(f"Team '{team.name}' ({team.slug})")
        for line in summary.lines():
            self.stdout.write(line)
