/* Sideline charting: one snap in three taps (call, defense seen, result with yards).
 *
 * Snaps are queued in localStorage before anything is sent and leave the queue only
 * when the server has answered for them, so a flaky connection loses nothing. Each
 * snap carries an idempotency key: a resend (an answer lost on the way back) is
 * stored once by the server. Down, distance and yard line follow the same rules as
 * gameday/progression.py; the server works them out again from its own last snap.
 * After a touchdown the next snap is the try: the 1-point try unless the coach taps
 * the 2-point one (sent as try_points, which the server follows too). */
(function () {
  "use strict";
  const cfg = JSON.parse(document.getElementById("gameday-config").textContent);
  const rules = cfg.rules;
  const QUEUE = `fieldos.gameday.${cfg.team}.${cfg.game}.queue`;
  const ORD = { 1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 5: "5th", 6: "6th" };
  const $ = (id) => document.getElementById(id);

  // --- the rules (a port of gameday/progression.py) ---------------------------------
  const yd = (v) => Math.round(v * 10) / 10;
  function series(drive, ytg) {
    const mid = rules.midfield_to_goal;
    const target = mid !== null && ytg > mid ? mid : 0;
    return { drive, down: 1, distance: yd(ytg - target), yards_to_goal: yd(ytg) };
  }
  const driveStart = (drive) => series(drive, rules.playing_length - rules.start);
  function tryState(drive, points) {
    const spot = yd(rules.try_distances[points - 1]);
    return { drive, down: 1, distance: spot, yards_to_goal: spot, try_points: points };
  }
  function advance(s, result, yards, touchdown) {
    if (s.try_points) {
      const scored = touchdown || (result !== "incomplete" && result !== "interception" && yards >= s.yards_to_goal);
      return { event: scored ? "try_good" : "try_failed", next: driveStart(s.drive + 1) };
    }
    if (result === "interception") return { event: "interception", next: driveStart(s.drive + 1) };
    if (result === "incomplete") yards = 0;
    const spot = s.yards_to_goal - yards;
    if (touchdown || spot <= 0) return { event: "touchdown", next: tryState(s.drive, 1) };
    if (spot >= rules.playing_length) return { event: "safety", next: driveStart(s.drive + 1) };
    const line = Math.max(0, s.yards_to_goal - s.distance);
    if (spot <= line && line > 0) return { event: "first_down", next: series(s.drive, spot) };
    const down = result === "penalty" ? s.down : s.down + 1;
    if (down > rules.downs) return { event: "turnover_on_downs", next: driveStart(s.drive + 1) };
    return { event: null, next: { drive: s.drive, down, distance: yd(spot - line), yards_to_goal: yd(spot) } };
  }
  function normalisedYards(result, yards) {
    if (result === "incomplete" || result === "interception") return 0;
    if (result === "sack") return -Math.abs(yards);
    return yards;
  }

  // --- state: the server's snaps, then what is still queued ---------------------------
  let queue = [];
  try { queue = JSON.parse(localStorage.getItem(QUEUE) || "[]"); } catch (e) { queue = []; }
  const saveQueue = () => localStorage.setItem(QUEUE, JSON.stringify(queue));
  let snaps = cfg.snaps.map((s) => ({ ...s, pending: false }));
  const ids = Object.fromEntries(cfg.snaps.map((s) => [s.key, s.id])); // key → server id
  for (const op of queue) {
    if (op.op === "create" && !snaps.some((s) => s.key === op.key)) snaps.push({ ...op.local, pending: true });
    if (op.op === "delete") snaps = snaps.filter((s) => s.key !== op.key);
  }
  const pick = { call: null, defense: null, tryPoints: null }; // tryPoints: the coach's try
  let step = "call";
  let busy = false;

  function followed() {
    if (!snaps.length) return driveStart(1);
    const last = snaps[snaps.length - 1];
    return advance(last, last.result, last.yards, last.touchdown).next;
  }
  function current() {
    const s = followed();
    if (s.try_points && pick.tryPoints && pick.tryPoints !== s.try_points) return tryState(s.drive, pick.tryPoints);
    return s;
  }

  function spotText(ytg) {
    const half = rules.playing_length / 2;
    if (ytg > half) return `on our ${yd(rules.playing_length - ytg)}`;
    if (ytg === half) return "at midfield";
    return `on their ${yd(ytg)}`;
  }

  // --- drawing --------------------------------------------------------------------------
  function button(html, attrs, onTap) {
    const b = document.createElement("button");
    b.type = "button";
    b.innerHTML = html;
    for (const [k, v] of Object.entries(attrs)) b.setAttribute(k, v);
    b.addEventListener("click", onTap);
    return b;
  }
  const esc = (t) => String(t).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

  cfg.calls.forEach((c) => {
    const label = c.call ? `${esc(c.call)}<small>${esc(c.name)}</small>` : esc(c.name);
    $("calls").appendChild(button(label, { "data-call": c.id }, () => { pick.call = c; show("defense"); }));
  });
  cfg.defenses.forEach((d, i) => {
    $("defenses").appendChild(button(esc(d.label), { "data-defense": i }, () => { pick.defense = d; show("result"); }));
  });
  cfg.results.forEach((r) => {
    $("results").appendChild(button(esc(r.label), { "data-result": r.value }, () => record(r.value)));
  });
  document.querySelectorAll("[data-yards-add]").forEach((b) =>
    b.addEventListener("click", () => {
      $("yards").value = (parseInt($("yards").value || "0", 10) || 0) + parseInt(b.dataset.yardsAdd, 10);
    }),
  );
  document.querySelectorAll("[data-back]").forEach((b) =>
    b.addEventListener("click", () => show(step === "result" ? "defense" : "call")),
  );
  $("undo").addEventListener("click", undo);
  document.querySelectorAll("[data-try]").forEach((b) =>
    b.addEventListener("click", () => { pick.tryPoints = parseInt(b.dataset.try, 10); render(); }),
  );

  function show(name) {
    step = name;
    document.querySelectorAll("[data-step]").forEach((s) => { s.hidden = s.dataset.step !== name; });
    document.querySelectorAll("[data-step-label]").forEach((s) => s.classList.toggle("on", s.dataset.stepLabel === name));
    if (name === "result") {
      $("yards").value = 0;
      $("picked").textContent = `${pick.call.call ? pick.call.call + " " : ""}${pick.call.name} vs ${pick.defense.label}`;
    }
    render();
  }

  function render() {
    const s = current();
    $("down-distance").textContent = s.try_points
      ? `${s.try_points}-pt try`
      : `${ORD[s.down] || s.down} & ${s.distance === s.yards_to_goal ? "goal" : s.distance}`;
    $("down-distance").dataset.tryPoints = s.try_points || "";
    $("try").hidden = !s.try_points;
    document.querySelectorAll("[data-try]").forEach((b) => {
      const on = parseInt(b.dataset.try, 10) === s.try_points;
      b.classList.toggle("on", on);
      b.setAttribute("aria-pressed", on ? "true" : "false");
    });
    $("down-distance").dataset.down = s.down;
    $("down-distance").dataset.distance = s.distance;
    $("down-distance").dataset.yardsToGoal = s.yards_to_goal;
    $("field-position").textContent = s.try_points
      ? `Drive ${s.drive} · try from the ${s.yards_to_goal}`
      : `Drive ${s.drive} · ball ${spotText(s.yards_to_goal)} (${s.yards_to_goal} to goal)`;
    const waiting = queue.length;
    const net = $("net");
    net.className = "net " + (waiting ? "waiting" : "ok");
    net.textContent = waiting ? `${waiting} waiting for the network — kept on this phone` : "All snaps saved";
    net.dataset.waiting = waiting;
    $("snap-count").textContent = snaps.length;
    const list = $("recent");
    list.innerHTML = "";
    snaps.slice(-6).reverse().forEach((snap) => {
      const li = document.createElement("li");
      li.className = snap.pending ? "pending" : "saved";
      const where = snap.try_points ? `${snap.try_points}-pt try` : `${ORD[snap.down] || snap.down} & ${snap.distance}`;
      li.textContent = `${where}: ${snap.call} — ${snap.result} ${snap.yards} yd${snap.pending ? " (waiting)" : ""}`;
      list.appendChild(li);
    });
    list.start = snaps.length;
  }

  function say(text) {
    const m = $("message");
    m.textContent = text;
    m.hidden = false;
    clearTimeout(say.timer);
    say.timer = setTimeout(() => { m.hidden = true; }, 3500);
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return `k-${Date.now()}-${Math.random().toString(16).slice(2)}`;
  }

  // --- charting ---------------------------------------------------------------------------
  function record(result) {
    const raw = parseFloat($("yards").value || "0");
    const yards = normalisedYards(result, isNaN(raw) ? 0 : raw);
    const s = current();
    const touchdown = result !== "incomplete" && result !== "interception" && yards >= s.yards_to_goal;
    const key = newKey();
    const d = pick.defense;
    const body = {
      game: cfg.game, idempotency_key: key, play: pick.call.id, call: pick.call.call || pick.call.name,
      result, yards, touchdown,
    };
    if (s.try_points) body.try_points = s.try_points;
    if (d.scenario) body.defense = d.scenario;
    if (d.shell) { body.defense_shell = d.shell; body.defense_coverage = d.coverage; }
    const local = { ...s, key, result, yards, touchdown, call: pick.call.name, pending: true };
    queue.push({ op: "create", key, body, local });
    saveQueue();
    snaps.push(local);
    const outcome = advance(s, result, yards, touchdown);
    if (outcome.event) say(outcome.event.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase()) + "!");
    pick.call = pick.defense = pick.tryPoints = null;
    show("call");
    flush();
  }

  function undo() {
    const last = snaps[snaps.length - 1];
    if (!last) return;
    snaps.pop();
    const queued = queue.findIndex((op) => op.op === "create" && op.key === last.key);
    // A create on its way to the server can't be called back: delete it once it lands.
    if (queued > 0 || (queued === 0 && !busy)) queue.splice(queued, 1);
    else queue.push({ op: "delete", key: last.key, id: last.id || ids[last.key] });
    saveQueue();
    say(`Undone: ${last.call}, ${last.result}`);
    render();
    flush();
  }

  function csrf() {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  async function send(op) {
    const headers = { "Content-Type": "application/json", "X-CSRFToken": csrf(), Accept: "application/json" };
    if (op.op === "create") {
      return fetch(cfg.snapsUrl, { method: "POST", headers, body: JSON.stringify(op.body), credentials: "same-origin" });
    }
    if (!op.id) return new Response("{}", { status: 404 }); // its create was refused
    return fetch(`${cfg.snapsUrl}${op.id}/`, { method: "DELETE", headers, credentials: "same-origin" });
  }

  async function flush() {
    if (busy || !queue.length) { render(); return; }
    busy = true;
    try {
      while (queue.length) {
        const op = queue[0];
        let response;
        try {
          response = await send(op);
        } catch (e) {
          break; // offline: keep the queue, try again later
        }
        if (response.status >= 500 || response.status === 429 || response.status === 0) break;
        const answer = await response.json().catch(() => ({}));
        const at = queue.indexOf(op);
        if (at >= 0) queue.splice(at, 1);
        if (op.op === "create" && response.ok) ids[op.key] = answer.id;
        for (const later of queue) {
          if (later.op === "delete" && !later.id && ids[later.key]) later.id = ids[later.key];
        }
        saveQueue();
        if (op.op === "create") {
          const snap = snaps.find((s) => s.key === op.key);
          if (response.ok && snap) Object.assign(snap, {
            id: answer.id, drive: answer.drive, down: answer.down, distance: answer.distance,
            yards_to_goal: answer.yards_to_goal, try_points: answer.try_points, yards: answer.yards,
            touchdown: answer.touchdown, pending: false,
          });
          if (!response.ok) {
            snaps = snaps.filter((s) => s.key !== op.key);
            say(`Not saved: ${answer.detail || response.status}`);
          }
        } else if (op.op === "delete" && !response.ok && response.status !== 404) {
          say(`Undo not saved: ${answer.detail || response.status}`);
        }
      }
    } finally {
      busy = false;
      render();
    }
  }

  window.addEventListener("online", flush);
  setInterval(flush, 2000);
  window.gamedayIdle = () => !busy && queue.length === 0;
  show("call");
  flush();
})();
