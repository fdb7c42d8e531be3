"""Locust users for `make load` (scripts/load.sh, docs/load.md).

Before the users start (locust's init event, outside the timed run) the demo coach logs
in, copies the demo team into LOAD_TEAMS - 1 more teams (export, then import), looks up
each team's plays and scenarios, and trains a small play-calling policy through the API
(the db_worker runs it); the users need it for recommendations.

Each user is a coach of one of the teams (round robin): logs in (JWT), then browses plays
(list, detail, search), edits a play's notes, runs small simulations (computed in the
request), now and then a larger one that goes to the worker (polled until it finishes),
and asks for recommendations. Requests are named "read …", "write …" or "login".

Three windows: the whole run; the steady state (requests sent after the last login,
before the mixed phase); the mixed phase, from LOAD_MIXED_AT seconds (and at least
LOAD_STEADY_MIN seconds after the last login) to the end, when LOAD_HEAVY_TEAMS teams
each start a large background simulation while every user keeps browsing. A summary per
window and group (requests/s, p50/p95/p99, errors) is printed and written as JSON to
$LOAD_SUMMARY."""

import itertools
import json
import math
import os
import random
import sys
import time

import gevent
import requests
from locust import HttpUser, between, events, task
from locust.exception import StopUser

EMAIL, PASSWORD = "coach@fieldos.dev", "fieldos-demo"
SEARCH_WORDS = ["flood", "slant", "bunch", "mesh", "wheel", "trips", "quick", "zzz-none"]
SITUATIONS = ["3RD_SHORT", "1ST_ANY"]
POLICY_EPISODES = 20_000
SMALL_EPISODES = 500  # 1 play × 1 defense: computed inside the request
LARGE_EPISODES = 12_000  # × 2 pairs = 24,000 > 20,000: a background job (202)
GROUPS = ("read", "write", "login")
TEAMS = int(os.environ.get("LOAD_TEAMS", "5"))  # the demo team and copies of it
HEAVY_TEAMS = int(os.environ.get("LOAD_HEAVY_TEAMS", "2"))  # the last ones of the list
MIXED_AT = float(os.environ.get("LOAD_MIXED_AT", "90"))  # s after the start, at the earliest
STEADY_MIN = float(os.environ.get("LOAD_STEADY_MIN", "30"))  # s of steady state before it
# A heavy team's job: every play × every defense, 50,000 episodes each (3.2 million
# episodes, 200 slices: minutes of the worker, longer than the phase).
HEAVY_EPISODES = 50_000

demo = {}  # team, teams [{id, plays, scenarios}], policy: filled once by prepare()
samples = []  # (time sent, group, response ms, failed, team index)
window = {}  # start, last_login, logins, mixed_start, conflicts
heavy = []  # the heavy jobs: {team, run, started, ...}
background = []  # users' background runs: (time posted, seconds to finish or None, team)
_user_numbers = itertools.count()


def _ok(response, *codes):
    if response.status_code not in codes:
        raise RuntimeError(
            f"{response.request.method} {response.url}: {response.status_code} "
            f"{response.text[:300]}"
        )
    return response.json()


def ids_of(session, base, kind):
    return [o["id"] for o in _ok(session.get(f"{base}/{kind}/?page_size=500"), 200)["results"]]


def prepare(host, timeout=600):
    """Fill `demo`: the demo team's ids, and a small policy trained through the API."""
    s = requests.Session()
    token = _ok(
        s.post(f"{host}/api/auth/login/", json={"email": EMAIL, "password": PASSWORD}), 200
    )["access"]
    s.headers["Authorization"] = f"Bearer {token}"
    teams = _ok(s.get(f"{host}/api/teams/"), 200)
    teams = teams["results"] if isinstance(teams, dict) else teams
    team = next(t["id"] for t in teams if t["slug"] == "demo")
    base = f"{host}/api/teams/{team}"

    def ids(kind):
        return ids_of(s, base, kind)

    plays, scenarios, playbooks = ids("plays"), ids("scenarios"), ids("playbooks")
    copies = [{"id": team, "plays": plays, "scenarios": scenarios}]
    exported = _ok(s.get(f"{base}/export/"), 200)
    for n in range(2, TEAMS + 1):
        copy = _ok(s.post(f"{host}/api/teams/", json={"name": f"Load team {n}"}), 201)["id"]
        _ok(s.post(f"{host}/api/teams/{copy}/imports/", json=exported), 201)
        copies.append(
            {
                "id": copy,
                "plays": ids_of(s, f"{host}/api/teams/{copy}", "plays"),
                "scenarios": ids_of(s, f"{host}/api/teams/{copy}", "scenarios"),
            }
        )
    body = {
        "name": "Load test policy",
        "playbook": playbooks[0],
        "scenarios": [{"scenario": sid, "weight": 1.0} for sid in scenarios],
        "buckets": SITUATIONS,
        "algorithm": "thompson",
        "episodes": POLICY_EPISODES,
        "seed": 7,
    }
    policy = _ok(s.post(f"{base}/policies/train/", json=body), 202)["id"]
    deadline = time.monotonic() + timeout
    while True:
        state = _ok(s.get(f"{base}/policies/{policy}/"), 200)
        if state["status"] == "succeeded":
            break
        if state["status"] in ("failed", "cancelled") or time.monotonic() > deadline:
            raise RuntimeError(
                f"policy training did not succeed: {state['status']} {state.get('error')}"
            )
        time.sleep(0.5)
    demo.update(
        team=team, teams=copies, policy=policy, host=host, token=token, session=s, base=base
    )
    print(
        f"prepared: {len(copies)} teams of {len(plays)} plays and {len(scenarios)} scenarios, "
        f"policy {policy} trained ({POLICY_EPISODES} episodes)",
        flush=True,
    )


@events.init.add_listener
def _on_init(environment, **kwargs):
    if environment.host and not demo:
        try:
            prepare(environment.host.rstrip("/"))
        except Exception as exc:  # no point starting users without the demo data
            print(f"!!! preparing the load test failed: {exc}", file=sys.stderr, flush=True)
            os._exit(2)


@events.test_start.add_listener
def _on_start(environment, **kwargs):
    window["start"] = time.monotonic()
    window["load_before"] = os.getloadavg()[0]
    gevent.spawn(_mixed_phase, environment)


def _mixed_phase(environment):
    """From MIXED_AT (and STEADY_MIN after the last login) to the end: the last
    HEAVY_TEAMS teams each start a large background run; the users go on browsing."""
    users = environment.parsed_options.num_users if environment.parsed_options else 0
    while True:
        now = time.monotonic()
        logged_in = window.get("logins", 0) >= users
        if logged_in and now >= max(window["start"] + MIXED_AT, window["last_login"] + STEADY_MIN):
            break
        gevent.sleep(0.5)
    window["mixed_start"] = time.monotonic()
    s, host = demo["session"], demo["host"]
    for index in range(len(demo["teams"]) - HEAVY_TEAMS, len(demo["teams"])):
        team = demo["teams"][index]
        body = {
            "plays": team["plays"],
            "scenarios": team["scenarios"],
            "episodes": HEAVY_EPISODES,
            "situation": {"down": 2, "distance": 6, "yardline": 40},
            "inline": False,
        }
        response = s.post(f"{host}/api/teams/{team['id']}/simulations/", json=body)
        run = _ok(response, 202)
        heavy.append(
            {
                "team": index,
                "run": run["id"],
                "episodes": HEAVY_EPISODES * len(team["plays"]) * len(team["scenarios"]),
                "started": round(window["mixed_start"] - window["start"], 1),
            }
        )
    print(
        f"mixed phase from {window['mixed_start'] - window['start']:.0f} s: teams "
        f"{[h['team'] for h in heavy]} started runs of {heavy[0]['episodes']:,} episodes each",
        flush=True,
    )


@events.request.add_listener
def _on_request(name, response_time, exception, context=None, **kwargs):
    group = name.split(" ", 1)[0]
    if group in GROUPS:
        sent = time.monotonic() - response_time / 1000
        team = (context or {}).get("team")
        samples.append((sent, group, response_time, exception is not None, team))
        if group == "login":
            window["last_login"] = time.monotonic()
            window["logins"] = window.get("logins", 0) + 1


def _percentile(values, q):
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)] if ordered else None


def _table(start, end, teams=None):
    rows = {}
    chosen = [s for s in samples if start <= s[0] <= end and (teams is None or s[4] in teams)]
    seconds = max(end - start, 1e-9)
    for group in (*GROUPS, "all"):
        picked = [s for s in chosen if group in ("all", s[1])]
        times = [s[2] for s in picked]
        errors = sum(s[3] for s in picked)
        rows[group] = {
            "requests": len(times),
            "rps": round(len(times) / seconds, 1),
            "p50_ms": _percentile(times, 50),
            "p95_ms": _percentile(times, 95),
            "p99_ms": _percentile(times, 99),
            "max_ms": max(times) if times else None,
            "errors": errors,
            "error_rate": round(errors / len(times), 4) if times else 0.0,
        }
    return {"seconds": round(seconds, 1), "groups": rows}


def _print(title, table):
    print(f"\n{title}")
    print(
        f"{'group':<6} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'p99 ms':>7} {'max ms':>7} {'errors':>7}"
    )
    for group, r in table["groups"].items():
        cells = " ".join(
            f"{round(r[k]):>7}" if r[k] is not None else f"{'-':>7}"
            for k in ("p50_ms", "p95_ms", "p99_ms", "max_ms")
        )
        print(f"{group:<6} {r['requests']:>8} {r['rps']:>7} {cells} {r['errors']:>7}")


def _turnaround(start, end, teams):
    """The users' background runs posted in [start, end) by `teams`: how long until they
    finished (a run not finished within the 30 s a user polls counts as posted only)."""
    posted = [b for b in background if start <= b[0] < end and b[2] in teams]
    done = [b[1] for b in posted if b[1] is not None]
    return {
        "posted": len(posted),
        "finished": len(done),
        "p50_s": _percentile(done, 50),
        "p95_s": _percentile(done, 95),
        "max_s": max(done) if done else None,
    }


def _heavy_state():
    """Where the heavy runs got to; they are cancelled (the worker stops with the test)."""
    s, host = demo.get("session"), demo.get("host")
    for job in heavy:
        base = f"{host}/api/teams/{demo['teams'][job['team']]['id']}/simulations/{job['run']}"
        try:
            state = _ok(s.get(f"{base}/"), 200)
            job.update(status=state["status"], progress=state["progress"])
            if state["status"] in ("queued", "running"):
                s.post(f"{base}/cancel/")
        except (OSError, RuntimeError) as exc:
            job.update(status=f"unknown ({exc})")
    return heavy


@events.quitting.add_listener
def _on_quit(environment, **kwargs):
    """The whole run; the steady state: requests sent after every user had logged in
    (password hashing is deliberately slow, so on a small machine the login burst of the
    ramp-up queues the other requests behind it) and before the mixed phase; the mixed
    phase, for the teams only browsing and for the teams with a heavy job."""
    end = time.monotonic()
    start = window.get("start", end)
    users = environment.parsed_options.num_users if environment.parsed_options else None
    mixed_start = window.get("mixed_start", end)
    steady_start = min(window.get("last_login", start), mixed_start)
    browsing = set(range(len(demo.get("teams", [])) - HEAVY_TEAMS))
    heavy_teams = set(range(len(browsing), len(demo.get("teams", []))))
    whole = _table(start, end)
    steady = _table(steady_start, mixed_start)
    mixed = _table(mixed_start, end, browsing)
    mixed_heavy = _table(mixed_start, end, heavy_teams)
    _print(f"== whole run: {users} users, {whole['seconds']:.0f} s (ramp-up included)", whole)
    _print(
        f"== steady state: sent after the last login, before the mixed phase, "
        f"{steady['seconds']:.0f} s",
        steady,
    )
    _print(
        f"== mixed phase, the {len(browsing)} teams only browsing (while "
        f"{len(heavy_teams)} teams run large background jobs), {mixed['seconds']:.0f} s",
        mixed,
    )
    _print("== mixed phase, the teams with a large background job", mixed_heavy)
    # A heavy team's own small runs queue behind its large one (a team's oldest run
    # first, docs/scale.md); the other teams' are what fairness is about.
    everyone = browsing | heavy_teams
    runs = {
        "steady_state": _turnaround(steady_start, mixed_start, everyone),
        "mixed_browsing_teams": _turnaround(mixed_start, end, browsing),
        "mixed_heavy_teams": _turnaround(mixed_start, end, heavy_teams),
    }
    for phase, r in runs.items():
        print(
            f"users' background runs posted in {phase}: {r['posted']} posted, "
            f"{r['finished']} finished, p50 / p95 / max seconds to finish: "
            f"{r['p50_s']} / {r['p95_s']} / {r['max_s']}"
        )
    jobs = _heavy_state()
    for job in jobs:
        print(
            f"heavy job of team {job['team']}: run {job['run']}, {job['episodes']:,} episodes, "
            f"{job.get('status')} at {job.get('progress')} when the test ended"
        )
    p95 = steady["groups"]["read"]["p95_ms"]
    met = whole["groups"]["all"]["errors"] == 0 and p95 is not None and p95 < 200
    print(
        f"play edits refused as conflicting (409/412, read again and retried): "
        f"{window.get('conflicts', 0)}"
    )
    load = (window.get("load_before", 0.0), os.getloadavg()[0])
    print(
        f"machine load average (1 min) at start / end: {load[0]:.1f} / {load[1]:.1f} "
        f"on {os.cpu_count()} CPUs (everything else running on the machine included)"
    )
    print(f"target (0 errors, steady-state read p95 < 200 ms): {'met' if met else 'MISSED'}")
    if os.environ.get("LOAD_SUMMARY"):
        with open(os.environ["LOAD_SUMMARY"], "w") as out:
            json.dump(
                {
                    "users": users,
                    "teams": len(demo.get("teams", [])),
                    "heavy_teams": sorted(heavy_teams),
                    "errors": whole["groups"]["all"]["errors"],
                    "target_met": met,
                    "whole_run": whole,
                    "steady_state": steady,
                    "mixed_browsing_teams": mixed,
                    "mixed_heavy_teams": mixed_heavy,
                    "background_runs": runs,
                    "heavy_jobs": jobs,
                    "edit_conflicts": window.get("conflicts", 0),
                    "load_average": load,
                },
                out,
                indent=1,
            )
        print(f"figures (JSON): {os.environ['LOAD_SUMMARY']}")


class Coach(HttpUser):
    wait_time = between(1, 3)

    def on_start(self):
        self.number = next(_user_numbers)
        response = self.client.post(
            "/api/auth/login/", json={"email": EMAIL, "password": PASSWORD}, name="login"
        )
        if response.status_code != 200:
            raise StopUser()
        self.client.headers["Authorization"] = f"Bearer {response.json()['access']}"
        self.team = self.number % len(demo["teams"])
        self.base = f"/api/teams/{demo['teams'][self.team]['id']}"
        self.plays = demo["teams"][self.team]["plays"]
        self.scenarios = demo["teams"][self.team]["scenarios"]
        self.n = 0

    def context(self):
        return {"team": getattr(self, "team", None)}

    @task(6)
    def list_plays(self):
        self.client.get(f"{self.base}/plays/", name="read plays list")

    @task(6)
    def play_detail(self):
        play = random.choice(self.plays)
        self.client.get(f"{self.base}/plays/{play}/", name="read play detail")

    @task(3)
    def search_plays(self):
        word = random.choice(SEARCH_WORDS)
        self.client.get(f"{self.base}/plays/?q={word}", name="read plays search")

    @task(2)
    def list_scenarios(self):
        self.client.get(f"{self.base}/scenarios/", name="read scenarios list")

    @task(3)
    def recommend(self):
        situation = random.choice(SITUATIONS)
        # The policy trained in prepare() is the demo team's: asked for by every user.
        self.client.get(
            f"/api/teams/{demo['team']}/policies/{demo['policy']}/recommend/?situation={situation}",
            name="read recommend",
        )

    @task(2)
    def edit_play(self):
        """Read the play, then save new notes (If-Match / version sent back when the API
        offers them; a conflict with another coach's save is retried on a fresh read)."""
        play = random.choice(self.plays)
        self.n += 1
        for _ in range(3):
            current = self.client.get(f"{self.base}/plays/{play}/", name="read play detail")
            if current.status_code != 200:
                return
            body = {"notes": f"Load test: coach {id(self) % 10_000} save {self.n}."}
            headers = {}
            if current.headers.get("ETag"):
                headers["If-Match"] = current.headers["ETag"]
            if "version" in current.json():
                body["version"] = current.json()["version"]
            with self.client.patch(
                f"{self.base}/plays/{play}/",
                json=body,
                headers=headers,
                name="write play edit",
                catch_response=True,
            ) as response:
                if response.status_code in (409, 412):
                    response.success()  # optimistic concurrency did its job: read again
                    window["conflicts"] = window.get("conflicts", 0) + 1
                    continue
                if response.status_code != 200:
                    response.failure(f"{response.status_code}: {response.text[:200]}")
                return

    @task(1)
    def small_simulation(self):
        body = {
            "plays": [random.choice(self.plays)],
            "scenarios": [random.choice(self.scenarios)],
            "episodes": SMALL_EPISODES,
            # 2nd & 7 at the 32: outside both NFL FLAG no-run zones (5 yd before midfield
            # and before the goal), so any play of the team, runs included, is a legal call.
            "situation": {"down": 2, "distance": 7, "yardline": 32},
        }
        with self.client.post(
            f"{self.base}/simulations/",
            json=body,
            name="write simulation small",
            catch_response=True,
        ) as response:
            if response.status_code != 201:
                response.failure(f"{response.status_code}: {response.text[:200]}")
            elif response.json().get("metrics") is None:
                response.failure(f"201 without metrics: {response.text[:200]}")

    @task(1)
    def background_simulation(self):
        """One try in ten: a run large enough for the worker, polled until it ends."""
        if random.random() > 0.1:
            return
        body = {
            "plays": random.sample(self.plays, 2),
            "scenarios": [random.choice(self.scenarios)],
            "episodes": LARGE_EPISODES,
            "situation": {"down": 1, "distance": 10, "yardline": 35},
        }
        response = self.client.post(
            f"{self.base}/simulations/", json=body, name="write simulation background"
        )
        if response.status_code != 202:
            return
        run = response.json()["id"]
        posted = time.monotonic()
        background.append(record := [posted, None, self.team])
        deadline = posted + 30
        while time.monotonic() < deadline:
            self.wait()
            with self.client.get(
                f"{self.base}/simulations/{run}/", name="read simulation poll", catch_response=True
            ) as state:
                if state.status_code != 200:
                    state.failure(f"{state.status_code}: {state.text[:200]}")
                    return
                status, metrics = state.json()["status"], state.json()["metrics"]
                if status in ("failed", "cancelled") or (status == "succeeded") != bool(metrics):
                    state.failure(f"run {run}: {status}, metrics {state.text[:200]}")
                if status == "succeeded":
                    record[1] = round(time.monotonic() - posted, 1)
                if status not in ("queued", "running"):
                    return
