from pathlib import Path

from django.core.management.base import BaseCommand

from playbook.interchange import export_json, fieldos_export
from playbook.management.commands.import_fieldos import team_by_slug


class Command(BaseCommand):
    help = (
        "Export a team as FieldOS JSON, one file per kind (rules.json, players.json, …), "
        "the format import_fieldos reads; see docs/import-export.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--team", required=True, help="The team's slug.")
        parser.add_argument("out_dir", help="Directory to write into (created if missing).")

    def handle(self, *args, team, out_dir, **options):
        team = team_by_slug(team)
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        for kind, items in fieldos_export(team).items():
            (out / f"{kind}.json").write_text(export_json(items), encoding="utf-8")
            self.stdout.write(f"  {kind + '.json':<16} {len(items):>4} object(s)")
        self.stdout.write(f"Exported team '{team.name}' ({team.slug}) to {out}")
