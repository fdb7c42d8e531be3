"""What an import did (or, in a dry run, would do), per kind."""

from dataclasses import dataclass, field

from playbook.interchange.format import KINDS


def _counts():
    return {"created": 0, "updated": 0, "unchanged": 0, "warnings": []}


@dataclass
class ImportSummary:
    dry_run: bool = False
    kinds: dict = field(default_factory=lambda: {kind: _counts() for kind in KINDS})
    warnings: list = field(default_factory=list)  # about files rather than objects

    @property
    def changed(self):
        return any(c["created"] or c["updated"] for c in self.kinds.values())

    def as_dict(self):
        return {
            "dry_run": self.dry_run,
            "written": self.changed and not self.dry_run,
            "kinds": self.kinds,
            "warnings": self.warnings,
        }

    def lines(self):
        if self.dry_run:
            lines = ["Dry run: nothing was written. It would give:"]
        else:
            lines = ["Imported:" if self.changed else "Nothing to change:"]
        for kind, c in self.kinds.items():
            lines.append(
                f"  {kind:<10} created {c['created']:>4}  updated {c['updated']:>4}  "
                f"unchanged {c['unchanged']:>4}  warnings {len(c['warnings'])}"
            )
        warnings = [*self.warnings, *(w for c in self.kinds.values() for w in c["warnings"])]
        if warnings:
            lines.append(f"Warnings ({len(warnings)}):")
            lines.extend(f"  {w}" for w in warnings)
        return lines
