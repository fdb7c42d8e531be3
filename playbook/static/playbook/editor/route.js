/* Route: click to add breakpoints, drag to move, time per breakpoint. */

import { AMBER, Editor, RED } from "./base.js";
import { byId, html, num, svg } from "./dom.js";
import { arrowhead, bar, fmt, legSpeeds, PX, runOnEnd, snap, unit, View } from "./geometry.js";
import { Rows } from "./rows.js";

const DOUBLE_PRESS_MS = 500; // two presses on one breakpoint within this: a double-click

export class RouteEditor extends Editor {
  setup() {
    this.rows = new Rows("breakpoints");
    this.align = this.config.align || { y: 0, role: "", play: "" };
    // Where the coach last lined the runner up for this route (the page reopens there);
    // a route no play uses has no spot of its own to start from.
    this.alignKey = `fieldos.route-align.${this.config.object ?? "new"}`;
    const stored = this.storedAlign();
    this.y0 = stored === null ? this.align.y : stored;
    this.selected = null;
    this.fit();
    const bar = this.toolbar;
    const alignLabel = html(bar, "label", {}, "Runner lines up at y ");
    this.alignInput = html(alignLabel, "input", { type: "number", step: "0.5", id: "fe-align", value: this.y0 });
    this.alignInput.addEventListener("input", () => {
      this.y0 = num(this.alignInput) || 0;
      this.storeAlign(this.alignInput.value === "" ? null : this.y0);
      this.redraw();
    });
    // a new route's spot goes with it once saved (the next page has its id)
    if (this.config.object === null && this.form) {
      this.form.addEventListener("submit", () => {
        this.storeAlign(null);
        try {
          sessionStorage.setItem("fieldos.route-align.pending", String(this.y0));
        } catch (error) { /* storage off: the spot is not remembered */ }
      });
    }
    const speedLabel = html(bar, "label", {}, "New legs at ");
    this.speedInput = html(speedLabel, "input", { type: "number", step: "0.5", min: "1", id: "fe-speed", value: "7" });
    speedLabel.append(" yd/s");
    const retime = html(bar, "button", { type: "button", class: "button", id: "fe-retime" }, "Retime every leg at this speed");
    retime.addEventListener("click", () => this.retime());
    const settle = byId("id_settle");
    if (settle) {
      const settleLabel = html(bar, "label", {});
      this.settleBox = html(settleLabel, "input", { type: "checkbox", id: "fe-settle" });
      this.settleBox.checked = settle.checked;
      settleLabel.append(" settle at the last breakpoint");
      this.settleBox.addEventListener("change", () => {
        settle.checked = this.settleBox.checked;
        this.redraw();
      });
    }
    // in the side column: showing it must not move the field under the pointer
    this.timeLabel = html(null, "label", { id: "fe-time-label", class: "fe-panel", hidden: true });
    this.messages.before(this.timeLabel);
    this.timeLabel.append("Time of breakpoint ");
    this.timeNumber = html(this.timeLabel, "strong");
    this.timeLabel.append(" ");
    this.timeInput = html(this.timeLabel, "input", { type: "number", step: "10", min: "1", id: "fe-time" });
    this.timeLabel.append(" ms after the snap");
    this.timeInput.addEventListener("input", () => {
      if (this.selected === null) return;
      this.rows.set(this.selected, "time_ms", this.timeInput.value);
      this.redraw();
      this.scheduleCheck();
    });
    const who = this.align.role ? `${this.align.role}'s spot in ${this.align.play}` : "the runner's spot";
    this.help.textContent =
      `Breakpoints are yards from ${who}. Click the field to add one at the end ` +
      "(its time comes from the speed above), drag one to move it, click one to set its " +
      "time, double-click to remove it. Leg speeds in amber are faster than anyone runs " +
      `(${this.config.human_speed} yd/s), in red impossible.`;
  }

  storedAlign() {
    try {
      let value = localStorage.getItem(this.alignKey);
      const pending = sessionStorage.getItem("fieldos.route-align.pending");
      if (value === null && pending !== null && this.config.object !== null) {
        value = pending; // the spot typed on the add page that created this route
        localStorage.setItem(this.alignKey, pending);
      }
      sessionStorage.removeItem("fieldos.route-align.pending");
      const y = value === null ? NaN : Number(value);
      return Number.isFinite(y) ? y : null;
    } catch (error) {
      return null; // storage off (private mode): start from the play's spot
    }
  }

  storeAlign(y) {
    try {
      if (y === null) localStorage.removeItem(this.alignKey);
      else localStorage.setItem(this.alignKey, String(y));
    } catch (error) { /* storage off: the spot is not remembered */ }
  }

  points() {
    return this.rows
      .live()
      .map((i) => ({ i, x: num(this.rows.input(i, "x")), y: num(this.rows.input(i, "y")), t: num(this.rows.input(i, "time_ms")) }))
      .filter((p) => p.x !== null && p.y !== null && p.t !== null);
  }

  /** Rows left blank are not stored (the formset skips them), so not checked either. */
  blank(i) {
    return ["x", "y", "time_ms"].every((name) => this.rows.value(i, name) === "");
  }

  checkRows() {
    this.checked = this.rows.live().filter((i) => !this.blank(i));
    // A new route with nothing drawn yet has nothing wrong with it: "a route needs at
    // least one breakpoint" waits until the coach has drawn one (or saves without).
    if (this.checked.length === 0 && this.config.object === null) {
      this.problems = {};
      this.warned = null;
      this.messages.replaceChildren();
      html(this.messages, "p", { class: "fe-hint" }, "Click the field to draw the first breakpoint.");
      return null;
    }
    return this.checked.map((i) => ({
      x: num(this.rows.input(i, "x")),
      y: num(this.rows.input(i, "y")),
      time_ms: num(this.rows.input(i, "time_ms")),
    }));
  }

  rowLabel(index, position) {
    return `breakpoint ${position + 1}`;
  }

  speed() {
    return Math.max(1, num(this.speedInput) || 7);
  }

  /** The field around the whole route (and its run-on), sidelines always in view. */
  fit() {
    const hw = this.config.rules.half_width;
    const points = this.points();
    const xs = points.map((p) => p.x);
    const ys = points.map((p) => p.y + this.y0);
    this.view = new View(this.node, {
      xMin: -6,
      xMax: Math.max(25, Math.ceil(Math.max(...xs, 0) / 5) * 5 + 5),
      yMin: Math.min(-hw - 3, Math.floor(Math.min(...ys, 0)) - 5),
      yMax: Math.max(hw + 3, Math.ceil(Math.max(...ys, 0)) + 5),
    });
  }

  redraw() {
    if (!this.drag) this.fit(); // never while dragging: the field would slide away
    this.clear();
    const view = this.view;
    const c = this.colours;
    this.drawField(view);
    const y0 = this.y0;
    const points = this.points();
    const speeds = legSpeeds(points);
    const settle = byId("id_settle") ? byId("id_settle").checked : false;
    let [ax, ay] = [0, y0];
    const routeColour = c.routes[this.align.role] || "#d62728";
    points.forEach((p, k) => {
      const [bx, by] = [p.x, p.y + y0];
      const speed = speeds[k];
      const colour = speed > this.config.impossible_speed ? RED : speed > this.config.human_speed ? AMBER : routeColour;
      this.line(this.layers.routes, [[ax, ay], [bx, by]], colour, speed > this.config.human_speed ? 0.3 : 0.18, view, "fe-leg");
      const label = Number.isFinite(speed) ? `${speed.toFixed(1)} yd/s` : "no time";
      const [ux, uy] = unit(ax, ay, bx, by);
      const mid = this.text(this.layers.top, view, (ax + bx) / 2 - uy * 1.1, (ay + by) / 2 + ux * 1.1, label, 0.7,
        speed > this.config.human_speed ? (speed > this.config.impossible_speed ? RED : AMBER) : "#fff", "fe-speed");
      mid.setAttribute("data-leg", String(k + 1));
      [ax, ay] = [bx, by];
    });
    if (points.length) {
      const last = points.length > 1 ? points[points.length - 2] : { x: 0, y: 0 };
      const [px, py] = [last.x, last.y + y0];
      const [qx, qy] = [points[points.length - 1].x, points[points.length - 1].y + y0];
      if (settle) {
        this.line(this.layers.routes, bar(px, py, qx, qy), routeColour, 0.25, view, "fe-settle");
      } else {
        const [ux, uy] = unit(px, py, qx, qy);
        const end = runOnEnd(qx, qy, ux, uy, this.config.rules.half_width);
        if (end) {
          this.line(this.layers.routes, [[qx, qy], end], routeColour, 0.18, view, "fe-runon", true);
          svg(this.layers.routes, "polygon", { points: view.points(arrowhead(qx, qy, ...end)), fill: routeColour });
        }
      }
    }
    this.player(view, 0, y0, this.align.role || "R", { class: "fe-player fe-runner" });
    points.forEach((p, k) => {
      const state = this.problems[p.i] ? " fe-error" : this.warned && this.warned.has(p.i) ? " fe-warn" : "";
      const sel = this.selected === p.i ? " fe-selected" : "";
      const g = svg(this.layers.players, "g", { class: `fe-breakpoint fe-drag${state}${sel}`, "data-drag": String(p.i) });
      const [cx, cy] = view.px(p.x, p.y + y0);
      svg(g, "circle", { cx, cy, r: 0.65 * PX, fill: "#fff", stroke: routeColour, "stroke-width": 0.15 * PX, class: "fe-body" });
      this.text(g, view, p.x, p.y + y0, String(k + 1), 0.7, "#111");
      this.text(g, view, p.x - 1.1, p.y + y0 - 0.4, `${p.t} ms`, 0.6, "#fff", "fe-time");
      svg(g, "title", {}, `breakpoint ${k + 1}: (${fmt(p.x)}, ${fmt(p.y)}) at ${p.t} ms`);
    });
    this.showSelected();
  }

  showSelected() {
    const live = this.rows.live();
    if (this.selected === null || !live.includes(this.selected)) {
      this.selected = null;
      this.timeLabel.hidden = true;
      return;
    }
    this.timeLabel.hidden = false;
    this.timeNumber.textContent = String(live.indexOf(this.selected) + 1);
    if (document.activeElement !== this.timeInput) this.timeInput.value = this.rows.value(this.selected, "time_ms");
  }

  select(handle) {
    this.selected = Number(handle);
  }

  move(handle, at) {
    const spot = this.clampTo(at);
    this.rows.set(Number(handle), "x", spot.x);
    this.rows.set(Number(handle), "y", snap(spot.y - this.y0, this.config.snap));
  }

  clickField(at) {
    const spot = this.clampTo(at);
    const points = this.points();
    const last = points.length ? points[points.length - 1] : { x: 0, y: 0, t: 0 };
    const [x, y] = [spot.x, snap(spot.y - this.y0, this.config.snap)];
    const legMs = Math.max(100, Math.round((Math.hypot(x - last.x, y - last.y) / this.speed()) * 100) * 10);
    const free = this.rows.live().find((k) => this.blank(k)); // a blank row first
    const i = free === undefined ? this.rows.add() : free;
    if (i === null) return;
    this.rows.set(i, "x", x);
    this.rows.set(i, "y", y);
    this.rows.set(i, "time_ms", last.t + legMs);
    this.selected = i;
    this.redraw();
    this.check();
  }

  /** A second press on the same breakpoint soon after the first removes it. Counted
   *  on the presses themselves: the first release redraws the field, so the second
   *  press and release land on different elements and Chromium fires no dblclick. A
   *  double-click on the empty field adds one breakpoint: its second press lands on
   *  the new one, which the first press did not touch. */
  pointerDown(event) {
    const handle = event.target.closest("[data-drag]");
    const press = { handle: handle ? handle.dataset.drag : null, at: event.timeStamp };
    const last = this.lastPress;
    this.lastPress = press;
    if (press.handle !== null && last && last.handle === press.handle && press.at - last.at < DOUBLE_PRESS_MS) {
      this.lastPress = null;
      event.preventDefault();
      this.removeBreakpoint(Number(press.handle));
      return;
    }
    super.pointerDown(event);
  }

  pointerUp(event) {
    if (this.drag && this.drag.moved) this.lastPress = null; // a drag is not half a double-click
    super.pointerUp(event);
  }

  removeBreakpoint(i) {
    this.rows.remove(i);
    this.selected = null;
    setTimeout(() => {
      this.redraw();
      this.check();
    }, 0);
  }

  retime() {
    let [px, py, t] = [0, 0, 0];
    for (const p of this.points()) {
      t += Math.max(100, Math.round((Math.hypot(p.x - px, p.y - py) / this.speed()) * 100) * 10);
      this.rows.set(p.i, "time_ms", t);
      [px, py] = [p.x, p.y];
    }
    this.redraw();
    this.check();
  }
}
