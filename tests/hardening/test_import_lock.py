"""A long import on the default SQLite setup, with real processes: other writers get in
between its chunks, an import that fails at its end leaves the database exactly as it
was, and a dry run writes nothing (docs/import-export.md, "The write lock").

Each test copies the migrated demo database of tests/support/children.py and imports in a
child process (`manage.py import_fieldos` or a script), while the test process looks at
the file through the stdlib sqlite3 module."""

import json
import shutil
import sqlite3
import subprocess
import sys
import time

import pytest

from tests.support.children import (
    DEMO,
    ROOT,
    child_env,
    demo_db,  # noqa: F401 (a fixture)
    rows,
    script,
)

PLAYS = 1000  # the benchmark's size (benchmarks/import_lock_bench.py)
WAIT_LIMIT = 1.5  # seconds another write may wait during the import (it used to wait the import)


@pytest.fixture
def sqlite_file(demo_db, tmp_path):  # noqa: F811
    copy = tmp_path / "db.sqlite3"
    shutil.copy(demo_db, copy)
    return copy


def big_plays(n, prefix="bulk"):
    """`n` distinct plays on the demo's formations and routes, every tenth with a route of
    its own (what benchmarks/import_bench.py generates)."""
    demo = json.loads((DEMO / "plays.json").read_text())
    plays = []
    for i in range(n):
        play = json.loads(json.dumps(demo[i % len(demo)]))
        play["id"], play["name"] = f"play_{prefix}_{i}", f"{play['name']} {prefix} {i}"
        if i % 10 == 0:
            play["assignments"]["WR3"] = {
                "id": f"route_{prefix}_{i}",
                "name": f"Route {prefix} {i}",
                "breakpoints": [
                    {"x_yards": 3 + i % 10, "y_yards": 0.0, "time_ms": 900},
                    {"x_yards": 5 + i % 10, "y_yards": 3.0, "time_ms": 1500},
                ],
            }
        plays.append(play)
    return plays


def database(db):
    """Every row of every table (SQLite's autoincrement counters aside)."""
    connection = sqlite3.connect(db, timeout=10)
    try:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
            if name != "sqlite_sequence"
        ]
        return {
            t: connection.execute(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall() for t in tables
        }
    finally:
        connection.close()


def demo_team(db):
    return rows(db, "SELECT id FROM teams_team WHERE slug = 'demo'")[0][0]


def test_other_writes_get_in_while_a_large_import_runs(sqlite_file, tmp_path):
    db = sqlite_file
    team = demo_team(db)
    before = rows(db, "SELECT COUNT(*) FROM playbook_play WHERE team_id = ?", team)[0][0]
    source = tmp_path / "plays.json"
    source.write_text(json.dumps(big_plays(PLAYS)))
    other = sqlite3.connect(db, timeout=60, isolation_level=None)
    other.execute("CREATE TABLE other_writes (at REAL)")
    waits, seen = [], set()
    child = subprocess.Popen(
        [sys.executable, "manage.py", "import_fieldos", "--team", "demo", str(source)],
        cwd=ROOT,
        env=child_env(db),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # Another connection writes every 20 ms while the import runs, as requests do.
        while child.poll() is None:
            started = time.monotonic()
            other.execute("BEGIN IMMEDIATE")
            other.execute("INSERT INTO other_writes VALUES (?)", (started,))
            other.execute("COMMIT")
            waits.append(time.monotonic() - started)
            seen.add(
                other.execute(
                    "SELECT COUNT(*) FROM playbook_play WHERE team_id = ?", (team,)
                ).fetchone()[0]
            )
            time.sleep(0.02)
        out, err = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
        other.close()
    assert child.returncode == 0, err[-3000:]
    after = rows(db, "SELECT COUNT(*) FROM playbook_play WHERE team_id = ?", team)[0][0]
    assert after == before + PLAYS, out[-2000:]
    # The import committed chunk by chunk (the other connection saw it half-way, many
    # times) and no write waited for more than about one chunk.
    halfway = {n for n in seen if before < n < after}
    assert len(halfway) >= 5, sorted(seen)
    assert max(waits) < WAIT_LIMIT, (round(max(waits), 2), len(waits))
    assert rows(db, "SELECT COUNT(*) FROM playbook_importjournal") == [(0,)]


FAILING_IMPORT = """
from playbook.interchange import FieldOSImportError, fieldos_export, fieldos_import, journal
from playbook.interchange import sources_from_data
team = Team.objects.get(slug="demo")
doc = fieldos_export(team)
# Objects the team has, changed: a route its plays use (their warnings are rechecked), a
# play, a lineup; a new ruleset becomes the default (the old default's flag is unset).
route = doc["routes"][0]
route["breakpoints"][-1]["time_ms"] += 100
doc["plays"][0]["notes"] = "changed by an import that fails"
doc["lineups"][0]["name"] = "Renamed by an import that fails"
rules = dict(doc["rules"][0], id="rules_from_the_import", name="From the import", default=True)
doc["rules"].append(rules)
doc["plays"] += json.loads(open(PLAYS_FILE).read())
doc["plays"][-1]["assignments"]["WR1"] = "route_nobody_has"  # the last play fails
# chunks by count, not by time: on a fast machine 300 plays fit in a few 0.5-s chunks
journal.CHUNK_OBJECTS = 25
commits = []
commit = journal.Journal.commit
def counting(self, last=False):
    commits.append(last)
    return commit(self, last)
journal.Journal.commit = counting
try:
    fieldos_import(team=team, sources=sources_from_data("", doc))
    print(json.dumps({"imported": True}))
except FieldOSImportError as exc:
    print(json.dumps({"refused": exc.lines(), "commits": len(commits)}))
"""


def plays_file(tmp_path, n):
    path = tmp_path / "plays.json"
    path.write_text(json.dumps(big_plays(n)))
    return str(path)


def test_an_import_that_fails_at_its_end_leaves_the_database_as_it_was(sqlite_file, tmp_path):
    db = sqlite_file
    before = database(db)
    # 300 plays in chunks of 25: a dozen chunks, within script()'s minute on a loaded machine
    done = script(db, FAILING_IMPORT, demo=False, PLAYS_FILE=plays_file(tmp_path, 300))
    assert "refused" in done, done
    assert any("route_nobody_has" in line for line in done["refused"]), done["refused"]
    assert done["commits"] >= 5, done  # chunks were committed before it failed
    after = database(db)
    assert after.keys() == before.keys()
    differ = [t for t in before if before[t] != after[t]]
    assert not differ, {t: (len(before[t]), len(after[t])) for t in differ}


DRY_RUN = """
from playbook.interchange import fieldos_import, sources_from_data
team = Team.objects.get(slug="demo")
plays = json.loads(open(PLAYS_FILE).read())
summary = fieldos_import(team=team, sources=sources_from_data("", {"plays": plays}), dry_run=True)
print(json.dumps({"created": summary.kinds["plays"]["created"]}))
"""


def test_a_dry_run_writes_nothing(sqlite_file, tmp_path):
    db = sqlite_file
    before = database(db)
    done = script(db, DRY_RUN, demo=False, PLAYS_FILE=plays_file(tmp_path, 200))
    assert done == {"created": 200}
    assert database(db) == before
