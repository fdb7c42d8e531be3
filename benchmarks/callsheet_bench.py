"""Render the demo playbook (8 plays, fixtures/demo.json) as a printable call sheet PDF, the
sheet and the wristband layout, in a throwaway SQLite database. Prints one JSON line per
layout: median / max wall milliseconds over repeated renders (diagrams included), the median
CPU milliseconds (steadier on a busy machine) and the size.

Run from the project root: .venv/bin/python benchmarks/callsheet_bench.py (or `make bench`)."""

import datetime
import json
import statistics
import time

from _setup import ROOT, django_with_scratch_db

REPEATS = 10


def main():
    django_with_scratch_db()
    from django.core.management import call_command

    from pictures.callsheet_pdf import call_sheet_pdf
    from playbook.models import Playbook

    call_command("loaddata", str(ROOT / "fixtures" / "demo.json"), verbosity=0)
    playbook = Playbook.objects.get(external_id="playbook_demo")
    day = datetime.date(2026, 1, 1)
    for layout in ("sheet", "wristband"):
        call_sheet_pdf(playbook, layout, printed_on=day)  # warm-up: imports, fonts
        timings, cpu = [], []
        for _ in range(REPEATS):
            start, start_cpu = time.perf_counter(), time.process_time()
            pdf = call_sheet_pdf(playbook, layout, printed_on=day)
            timings.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        print(
            json.dumps(
                {
                    "name": f"callsheet_pdf_{layout}",
                    "plays": playbook.entries.count(),
                    "median_ms": round(statistics.median(timings), 1),
                    "max_ms": round(max(timings), 1),
                    "cpu_median_ms": round(statistics.median(cpu), 1),
                    "bytes": len(pdf),
                }
            )
        )


if __name__ == "__main__":
    main()
