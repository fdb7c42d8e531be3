"""How long a large import keeps other writers out of the SQLite database.

Imports the import benchmark's generated 1,000-play file into a fresh team while a
second connection (another request, in effect) writes a row every 20 ms; prints one
JSON line: the import's seconds (wall clock and CPU), the longest and the median wait
of the other connection's writes, and how many of them got in while the import ran.
SQLite has one writer at a time: a write waits until the import's current transaction
(one chunk, playbook/interchange/journal.py) commits.

Run from the project root: .venv/bin/python benchmarks/import_lock_bench.py"""

import json
import sqlite3
import statistics
import threading
import time

from _setup import ROOT, django_with_scratch_db
from import_bench import generate


def other_writer(path, stop, waits, during):
    connection = sqlite3.connect(path, timeout=60, isolation_level=None)
    connection.execute("CREATE TABLE IF NOT EXISTS bench_other (at REAL)")
    while not stop.is_set():
        started = time.perf_counter()
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("INSERT INTO bench_other VALUES (?)", (started,))
        connection.execute("COMMIT")
        waits.append(time.perf_counter() - started)
        during.append(time.perf_counter())
        time.sleep(0.02)
    connection.close()


def main():
    path = django_with_scratch_db()
    from playbook.interchange import fieldos_import, sources_from_paths
    from playbook.services import ruleset_create_default
    from teams.models import Team

    team = Team.objects.create(name="Bench", slug="bench")
    ruleset_create_default(team)
    plays = path.parent / "plays.json"
    plays.write_text(json.dumps(generate(ROOT / "fixtures" / "fieldos-demo")))
    sources = sources_from_paths([plays])

    stop, waits, during = threading.Event(), [], []
    thread = threading.Thread(target=other_writer, args=(str(path), stop, waits, during))
    thread.start()
    time.sleep(0.2)
    before = len(waits)
    started, cpu = time.perf_counter(), time.process_time()
    fieldos_import(team=team, sources=sources)
    ended, cpu = time.perf_counter(), time.process_time() - cpu
    time.sleep(0.2)
    stop.set()
    thread.join()
    inside = [w for w, at in zip(waits[before:], during[before:], strict=True) if at <= ended]
    print(
        json.dumps(
            {
                "name": "import_1000_plays_lock",
                "import_seconds": round(ended - started, 3),
                "import_cpu_seconds": round(cpu, 3),  # the machine's load aside
                "other_write_longest_wait_s": round(max(waits[before:]), 3),
                "other_write_median_wait_s": round(statistics.median(waits[before:]), 4),
                "other_writes_during_import": len(inside),
            }
        )
    )


if __name__ == "__main__":
    main()
