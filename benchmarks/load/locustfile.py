"""Locust users for `make load` (scripts/load.sh, docs/load.md).

Before the users start (locust's init event, outside the timed run) the demo coach logs
in, looks up the demo team's plays and scenarios, and trains a small play-calling policy
through the API (the db_worker runs it); the users need it for recommendations.

Each user is a coach of the demo team: logs in (JWT), then browses plays (list, detail,
search), edits a play's notes, runs small simulations (computed in the request), now and
then a larger one that goes to the worker (polled until it finishes), and asks for
recommendations. Requests are named "read …", "write …" or "login"; at the end a summary
per group (requests/s, p50/p95/p99, errors) is printed and written to $LOAD_SUMMARY."""

import json
import math
import os
import random
import sys
import time

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

demo = {}  # team, plays, scenarios, policy: filled once by prepare()
samples = []  # (time sent, group, response ms, failed)
window = {}  # start, last_login, conflicts


def _ok(response, *codes):
    if response.status_code not in codes:
        raise RuntimeError(
            f"{response.request.method} {response.url}: {response.status_code} "
            f"{response.text[:300]}"
        )
    return response.json()


def prepare(host, timeout=180):
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
        return [o["id"] for o in _ok(s.get(f"{base}/{kind}/?page_size=500"), 200)["results"]]

    plays, scenarios, playbooks = ids("plays"), ids("scenarios"), ids("playbooks")
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
    demo.update(team=team, plays=plays, scenarios=scenarios, policy=policy)
    print(
        f"prepared: team {team}, {len(plays)} plays, {len(scenarios)} scenarios, "
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


@events.request.add_listener
def _on_request(name, response_time, exception, **kwargs):
    group = name.split(" ", 1)[0]
    if group in GROUPS:
        sent = time.monotonic() - response_time / 1000
        samples.append((sent, group, response_time, exception is not None))
        if group == "login":
            window["last_login"] = time.monotonic()


def _percentile(values, q):
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)] if ordered else None


def _table(start, end):
    rows = {}
    chosen = [s for s in samples if start <= s[0] <= end]
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


@events.quitting.add_listener
def _on_quit(environment, **kwargs):
    """Two tables: the whole run, and the steady state: requests sent after every user
    had logged in (password hashing is deliberately slow, so on a small machine the
    login burst of the ramp-up queues the other requests behind it)."""
    end = time.monotonic()
    start = window.get("start", end)
    users = environment.parsed_options.num_users if environment.parsed_options else None
    whole = _table(start, end)
    steady = _table(window.get("last_login", start), end)
    _print(f"== whole run: {users} users, {whole['seconds']:.0f} s (ramp-up included)", whole)
    _print(f"== steady state: sent after the last login, {steady['seconds']:.0f} s", steady)
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
            summary = {"users": users, "whole_run": whole, "steady_state": steady}
            json.dump(
                {**summary, "edit_conflicts": window.get("conflicts", 0), "load_average": load},
                out,
            )


class Coach(HttpUser):
    wait_time = between(1, 3)

    def on_start(self):
        response = self.client.post(
            "/api/auth/login/", json={"email": EMAIL, "password": PASSWORD}, name="login"
        )
        if response.status_code != 200:
            raise StopUser()
        self.client.headers["Authorization"] = f"Bearer {response.json()['access']}"
        self.base = f"/api/teams/{demo['team']}"
        self.n = 0

    @task(6)
    def list_plays(self):
        self.client.get(f"{self.base}/plays/", name="read plays list")

    @task(6)
    def play_detail(self):
        play = random.choice(demo["plays"])
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
        self.client.get(
            f"{self.base}/policies/{demo['policy']}/recommend/?situation={situation}",
            name="read recommend",
        )

    @task(2)
    def edit_play(self):
        """Read the play, then save new notes (If-Match / version sent back when the API
        offers them; a conflict with another coach's save is retried on a fresh read)."""
        play = random.choice(demo["plays"])
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
            "plays": [random.choice(demo["plays"])],
            "scenarios": [random.choice(demo["scenarios"])],
            "episodes": SMALL_EPISODES,
            "situation": {"down": 3, "distance": 2, "yardline": 30},
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
            "plays": random.sample(demo["plays"], 2),
            "scenarios": [random.choice(demo["scenarios"])],
            "episodes": LARGE_EPISODES,
            "situation": {"down": 1, "distance": 10, "yardline": 35},
        }
        response = self.client.post(
            f"{self.base}/simulations/", json=body, name="write simulation background"
        )
        if response.status_code != 202:
            return
        run = response.json()["id"]
        deadline = time.monotonic() + 30
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
                if status not in ("queued", "running"):
                    return
