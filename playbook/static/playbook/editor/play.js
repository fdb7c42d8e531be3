/* Play: routes, the QB's reads, a defense over it, Simulate now. */

import { Editor } from "./base.js";
import { byId, html, num, svg } from "./dom.js";
import { arrowhead, bar, PX, R, runOnEnd, unit, View } from "./geometry.js";
import { Rows } from "./rows.js";
import { fill, post, send } from "./server.js";

export class PlayEditor extends Editor {
  setup() {
    this.rows = new Rows("assignments");
    this.defense = null;
    this.scenarioSelect = byId("fe-scenario");
    this.scenarioSelect.addEventListener("change", () => this.loadDefense());
    const saved = this.config.object !== null;
    if (!saved) {
      this.scenarioSelect.disabled = true;
      this.scenarioSelect.title = "Save the play first to see it against a defense.";
    }
    const button = byId("fe-simulate");
    if (button) button.addEventListener("click", () => this.simulate());
    // The formation and the routes are edited in the admin's pop-ups (the pencils):
    // when this window gets the focus back, read them again and redraw.
    window.addEventListener("focus", () => this.refreshShared());
    this.help.textContent =
      "Click the receivers in the order the QB reads them (click again to drop one); " +
      "the numbers fill the progression box. Routes come from the assignment rows " +
      "below. " +
      (saved
        ? "Pick a defense to see its zones, man lines and rusher; Simulate now runs " +
          `${this.config.episodes} episodes of the saved play against it.`
        : "Save the play once to see it against a defense and to simulate it.");
  }

  async refreshShared() {
    const formation = byId("id_formation");
    const jobs = [];
    const known = formation && this.config.formations[formation.value];
    if (known) {
      jobs.push(
        send(known.url).then(async (r) => {
          if (r.ok) known.slots = (await r.json()).slots;
        }),
      );
    }
    for (const i of this.rows.live()) {
      const route = this.config.routes[this.rows.value(i, "route")];
      if (!route) continue;
      jobs.push(
        send(route.url).then(async (r) => {
          if (!r.ok) return;
          const data = await r.json();
          Object.assign(route, { name: data.name, settle: data.settle, breakpoints: data.breakpoints });
        }),
      );
    }
    await Promise.all(jobs);
    this.redraw();
  }

  offense() {
    const formation = byId("id_formation");
    const known = formation && this.config.formations[formation.value];
    const slots = known ? known.slots : [];
    const alignment = {};
    for (const s of slots) alignment[s.role] = [s.x, s.y];
    const start = { ...alignment };
    const role = byId("id_motion_role") && byId("id_motion_role").value;
    const mx = num(byId("id_motion_x"));
    const my = num(byId("id_motion_y"));
    const motion = role && role in alignment && mx !== null && my !== null ? role : null;
    if (motion) start[role] = [mx, my];
    const routes = {};
    for (const i of this.rows.live()) {
      const r = this.rows.value(i, "role");
      const route = this.config.routes[this.rows.value(i, "route")];
      if (r in start && route && route.breakpoints.length) routes[r] = route;
    }
    return { alignment, start, routes, motion };
  }

  progression() {
    const input = byId("id_progression");
    if (!input) return [];
    return input.value.split(",").map((r) => r.trim().toUpperCase()).filter(Boolean);
  }

  redraw() {
    const offense = this.offense();
    const c = this.colours;
    // the defense's field when one is shown (its ruleset decides, as in the diagrams)
    const rules = (this.defense && this.defense.rules) || this.config.rules;
    const hw = rules.half_width;
    let [xMax, yMax] = [25, hw + 1];
    for (const [role, route] of Object.entries(offense.routes)) {
      for (const b of route.breakpoints) {
        xMax = Math.max(xMax, offense.start[role][0] + b.x + 4);
        yMax = Math.max(yMax, Math.abs(offense.start[role][1] + b.y) + 4);
      }
    }
    for (const d of (this.defense && this.defense.defenders) || []) {
      xMax = Math.max(xMax, d.x + 3, d.duty === "ZONE" ? d.zone_x + d.zone_radius + 1 : 0);
    }
    this.view = new View(this.node, { xMin: -10, xMax: Math.ceil(xMax / 5) * 5, yMin: -yMax, yMax });
    const view = this.view;
    this.clear();
    this.drawField(view, rules);
    if (this.defense) this.drawDefense(view, offense);
    if (offense.motion) {
      const role = offense.motion;
      this.line(this.layers.routes, [offense.alignment[role], offense.start[role]], c.routes[role] || "#333", 0.15, view, "fe-motion", true);
    }
    for (const [role, route] of Object.entries(offense.routes)) {
      const [sx, sy] = offense.start[role];
      const colour = c.routes[role] || "#333";
      const points = [[sx, sy], ...route.breakpoints.map((b) => [sx + b.x, sy + b.y])];
      const [[ax, ay], [bx, by]] = points.slice(-2);
      if (!route.settle) {
        const end = runOnEnd(bx, by, ...unit(ax, ay, bx, by), hw);
        if (end) points.push(end);
      }
      const path = this.line(this.layers.routes, points, colour, 0.18, view, "fe-route");
      path.setAttribute("data-role", role);
      const [px, py] = points[points.length - 2];
      const [qx, qy] = points[points.length - 1];
      if (route.settle) this.line(this.layers.routes, bar(px, py, qx, qy), colour, 0.25, view, "fe-settle");
      else svg(this.layers.routes, "polygon", { points: view.points(arrowhead(px, py, qx, qy)), fill: colour });
    }
    const order = this.progression();
    for (const [role, [x, y]] of Object.entries(offense.alignment)) {
      const g = this.player(view, x, y, role, {
        class: "fe-player fe-pick" + (role in offense.routes ? "" : " fe-no-route"),
        "data-role": role,
        "data-drag": `read:${role}`,
      });
      svg(g, "title", {}, role in offense.routes ? `${role}: click to add to the reads` : `${role} has no route`);
      const n = order.indexOf(role);
      if (n >= 0) {
        const [bx, by] = offense.start[role];
        const at = [bx - R - 0.9, by];
        const [cx, cy] = view.px(...at);
        svg(g, "circle", { cx, cy, r: 0.6 * PX, fill: c.routes[role] || "#333", stroke: "#fff", "stroke-width": 0.08 * PX, class: "fe-badge" });
        this.text(g, view, at[0], at[1], String(n + 1), 0.8, "#fff", "fe-label fe-read");
      }
    }
  }

  drawDefense(view, offense) {
    const c = this.colours;
    const g = this.layers.defense;
    for (const d of this.defense.defenders) {
      if (d.duty !== "ZONE") continue;
      const [cx, cy] = view.px(d.zone_x, d.zone_y);
      svg(g, "circle", { cx, cy, r: d.zone_radius * PX, fill: c.zone, "fill-opacity": 0.25, stroke: c.zone, "stroke-width": 0.1 * PX, class: "fe-zone", "data-slot": d.slot });
    }
    const qb = this.defense.qb || offense.start.QB || [-5, 0];
    for (const d of this.defense.defenders) {
      if (d.duty === "MAN" && d.target_at) {
        this.line(g, [[d.x, d.y], d.target_at], c.man, 0.08, view, "fe-man").setAttribute("data-slot", d.slot);
      } else if (d.duty === "RUSH") {
        const [ux, uy] = unit(d.x, d.y, qb[0], qb[1]);
        const end = [qb[0] - ux * (R + 0.3), qb[1] - uy * (R + 0.3)];
        this.line(g, [[d.x, d.y], end], c.rush, 0.15, view, "fe-rush");
        svg(g, "polygon", { points: view.points(arrowhead(d.x, d.y, ...end)), fill: c.rush });
      }
    }
    for (const d of this.defense.defenders) {
      this.defender(g, view, d.x, d.y, d.slot, { class: "fe-defender", "data-slot": d.slot });
    }
  }

  async loadDefense() {
    const id = this.scenarioSelect.value;
    if (!id) {
      this.defense = null;
      this.redraw();
      return;
    }
    const scenario = this.config.scenarios.find((s) => String(s.id) === id);
    if (!scenario || !scenario.overlay_url) return;
    const response = await send(scenario.overlay_url, {});
    if (!response.ok) return;
    this.defense = await response.json();
    this.redraw();
  }

  select(handle) {
    if (!handle.startsWith("read:")) return;
    const role = handle.slice(5);
    const input = byId("id_progression");
    if (!input) return;
    const order = this.progression();
    const n = order.indexOf(role);
    if (n >= 0) order.splice(n, 1);
    else order.push(role);
    input.value = order.join(", ");
    this.redraw();
  }

  async simulate() {
    const box = byId("fe-sim");
    box.replaceChildren();
    const scenario = this.scenarioSelect.value;
    if (!scenario) {
      html(box, "p", { class: "fe-errors" }, "Pick a defense to simulate against.");
      return;
    }
    html(box, "p", { class: "fe-busy" }, "Simulating…");
    let response, data;
    try {
      response = await post(this.config.simulate_url, {
        plays: [this.config.object],
        scenarios: [Number(scenario)],
        episodes: this.config.episodes,
        traces: 1,
      });
      data = await response.json();
    } catch (error) {
      box.replaceChildren(html(null, "p", { class: "fe-errors" }, `The simulation failed: ${error}`));
      return;
    }
    box.replaceChildren();
    if (!response.ok) {
      const list = html(box, "ul", { class: "fe-errors" });
      const flat = (value) => (Array.isArray(value) ? value.flatMap(flat) : typeof value === "object" && value ? Object.values(value).flatMap(flat) : [String(value)]);
      for (const message of flat(data)) html(list, "li", {}, message);
      return;
    }
    const runUrl = fill(this.config.run_url, { run: data.id });
    if (!data.metrics) {
      const p = html(box, "p", {}, `Run ${data.id} is ${data.status}; `);
      html(p, "a", { href: runUrl }, "follow it on its page");
      return;
    }
    const m = data.metrics.overall;
    const pct = (v) => (v === null || v === undefined ? "—" : `${(v * 100).toFixed(1)} %`);
    const rows = [
      ["Completion", pct(m.completion_rate)],
      ["Mean yards", m.mean_yards === null ? "—" : m.mean_yards.toFixed(1)],
      ["Success", pct(m.success_rate)],
      ["Interceptions", pct(m.interception_rate)],
      ["Sacks", pct(m.sack_rate)],
      ["Episodes", String(m.episodes)],
    ];
    const table = html(box, "table", { class: "fe-numbers" });
    html(table, "caption", {}, `vs ${this.scenarioSelect.selectedOptions[0].textContent}`);
    for (const [label, value] of rows) {
      const tr = html(table, "tr");
      html(tr, "th", { scope: "row" }, label);
      html(tr, "td", { "data-metric": label.toLowerCase().replace(" ", "-") }, value);
    }
    html(box, "img", {
      class: "fe-replay",
      alt: "Replay of one simulated episode",
      src: fill(this.config.replay_url, { run: data.id }),
    });
    const p = html(box, "p");
    html(p, "a", { href: runUrl }, `All numbers of run ${data.id}`);
  }
}
