/* FieldOS field editor for the admin change pages (docs/editor.md).
 *
 * Progressive enhancement: the SVG reads and writes the inline formset's own inputs
 * (slots-0-x, breakpoints-1-time_ms, defenders-2-duty, the play's progression), so
 * saving is the ordinary admin POST with its validation. Rules are checked by the
 * server (playbook/editor.py → playbook/validation.py). Field coordinates as in
 * docs/domain.md (Field and units) and pictures/diagrams.py: x yards downfield (up the
 * screen), +y to the offense's right (right on the screen).
 */
(function () {
  "use strict";

  const NS = "http://www.w3.org/2000/svg";
  const PX = 16; // pixels per yard in the drawing, as playbook/diagrams.py
  const ZOOM = 1.25; // shown a little larger than the diagrams
  const R = 1.0; // player radius, yards
  const AMBER = "#e09400";
  const RED = "#d0021b";

  // --- small helpers ------------------------------------------------------------------

  function svg(parent, name, attrs, text) {
    const node = document.createElementNS(NS, name);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value !== null && value !== undefined) node.setAttribute(key, value);
    }
    if (text !== undefined) node.textContent = text;
    if (parent) parent.appendChild(node);
    return node;
  }

  function html(parent, name, attrs, text) {
    const node = document.createElement(name);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value !== null && value !== undefined && value !== false) node.setAttribute(key, value);
    }
    if (text !== undefined) node.textContent = text;
    if (parent) parent.appendChild(node);
    return node;
  }

  function num(input) {
    if (!input || input.value.trim() === "") return null;
    const value = Number(input.value);
    return Number.isFinite(value) ? value : null;
  }

  const snap = (value, step) => Math.round(value / step) * step + 0; // + 0: no "-0"
  const clamp = (value, low, high) => Math.min(high, Math.max(low, value));
  const fmt = (value) => String(Math.round(value * 10) / 10);
  const byId = (id) => document.getElementById(id);

  function csrf() {
    const input = document.querySelector("[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  let pending = 0; // requests in flight (the browser tests wait for none)

  async function send(url, options) {
    pending += 1;
    try {
      return await fetch(url, { credentials: "same-origin", ...options });
    } finally {
      pending -= 1;
    }
  }

  function post(url, body) {
    return send(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify(body),
    });
  }

  // --- the inline formset's rows --------------------------------------------------------

  class Rows {
    constructor(prefix) {
      this.prefix = prefix;
    }
    total() {
      const input = byId(`id_${this.prefix}-TOTAL_FORMS`);
      return input ? Number(input.value) : 0;
    }
    input(i, name) {
      return byId(`id_${this.prefix}-${i}-${name}`);
    }
    value(i, name) {
      const input = this.input(i, name);
      return input ? input.value.trim() : "";
    }
    set(i, name, value) {
      const input = this.input(i, name);
      if (input) input.value = value === null ? "" : String(value);
    }
    /** Indexes of the rows that will be stored, in order (deleted ones skipped). */
    live() {
      const out = [];
      for (let i = 0; i < this.total(); i++) {
        const del = this.input(i, "DELETE");
        if ((del && del.checked) || !byId(`${this.prefix}-${i}`)) continue;
        out.push(i);
      }
      return out;
    }
    /** A new row through the admin's own "Add another" link; its index, or null. */
    add() {
      const link = document.querySelector(`#${this.prefix}-group .add-row a`);
      if (!link) return null;
      link.click();
      return this.total() - 1;
    }
    remove(i) {
      const id = this.input(i, "id");
      const del = this.input(i, "DELETE");
      if (id && id.value && del) {
        del.checked = true;
        return;
      }
      const link = document.querySelector(`#${this.prefix}-${i} .inline-deletelink`);
      if (link) link.click();
    }
  }

  // --- the field view: yards ↔ pixels ---------------------------------------------------

  class View {
    constructor(node, box) {
      Object.assign(this, box);
      this.node = node;
      const width = (this.yMax - this.yMin) * PX;
      const height = (this.xMax - this.xMin) * PX;
      node.setAttribute("viewBox", `0 0 ${width} ${height}`);
      node.setAttribute("width", width * ZOOM);
      node.setAttribute("height", height * ZOOM);
    }
    px(x, y) {
      return [(y - this.yMin) * PX, (this.xMax - x) * PX];
    }
    points(list) {
      return list.map(([x, y]) => this.px(x, y).join(",")).join(" ");
    }
    yards(event) {
      const point = this.node.createSVGPoint();
      point.x = event.clientX;
      point.y = event.clientY;
      const p = point.matrixTransform(this.node.getScreenCTM().inverse());
      return { x: this.xMax - p.y / PX, y: this.yMin + p.x / PX };
    }
  }

  function unit(ax, ay, bx, by) {
    const length = Math.hypot(bx - ax, by - ay) || 1;
    return [(bx - ax) / length, (by - ay) / length];
  }

  /** Where a route's run-on ends: 3 yd on from (bx, by) along (ux, uy), stopped at the
   *  sideline as in the diagrams (null when it starts out of bounds). */
  function runOnEnd(bx, by, ux, uy, halfWidth) {
    let t = 3;
    if (Math.abs(uy) > 1e-9) t = Math.min(t, ((uy > 0 ? halfWidth : -halfWidth) - by) / uy);
    return t > 0.05 ? [bx + ux * t, by + uy * t] : null;
  }

  function arrowhead(ax, ay, bx, by, length = 1.0, half = 0.5) {
    const [ux, uy] = unit(ax, ay, bx, by);
    const [cx, cy] = [bx - ux * length, by - uy * length];
    return [
      [bx, by],
      [cx - uy * half, cy + ux * half],
      [cx + uy * half, cy - ux * half],
    ];
  }

  function bar(ax, ay, bx, by, half = 0.7) {
    const [ux, uy] = unit(ax, ay, bx, by);
    return [
      [bx - uy * half, by + ux * half],
      [bx + uy * half, by - ux * half],
    ];
  }

  /** Yards per second on each leg from the alignment at the snap (validation.leg_speeds). */
  function legSpeeds(points) {
    let [px, py, pt] = [0, 0, 0];
    return points.map((p) => {
      const dt = (p.t - pt) / 1000;
      const speed = dt > 0 ? Math.hypot(p.x - px, p.y - py) / dt : Infinity;
      [px, py, pt] = [p.x, p.y, p.t];
      return speed;
    });
  }

  // --- what every editor shares ---------------------------------------------------------

  class Editor {
    constructor(root, config) {
      this.root = root;
      this.config = config;
      this.colours = config.colours;
      this.node = root.querySelector("svg.fe-field");
      this.toolbar = root.querySelector(".fe-toolbar");
      this.messages = root.querySelector(".fe-messages");
      this.help = root.querySelector(".fe-help");
      this.form = root.closest("form");
      this.report = null;
      this.problems = {}; // form row index → error messages
      this.checked = [];
      this.drag = null;
    }

    start() {
      this.root.hidden = false;
      this.setup();
      const refresh = (event) => {
        if (this.root.contains(event.target)) return;
        this.redraw();
        this.scheduleCheck();
      };
      this.form.addEventListener("input", refresh);
      this.form.addEventListener("change", refresh);
      this.form.addEventListener("click", (event) => {
        if (event.target.closest(".add-row a, .inline-deletelink")) {
          setTimeout(() => refresh(event), 0);
        }
      });
      this.node.addEventListener("pointerdown", (e) => this.pointerDown(e));
      this.node.addEventListener("pointermove", (e) => this.pointerMove(e));
      this.node.addEventListener("pointerup", (e) => this.pointerUp(e));
      this.node.addEventListener("dblclick", (e) => this.doubleClick(e));
      this.redraw();
      this.check();
    }

    team() {
      const select = byId("id_team");
      return (select && select.value) || this.config.team;
    }

    ruleset() {
      const select = byId("id_ruleset");
      return select ? select.value : null;
    }

    // drawing

    clear() {
      this.node.replaceChildren();
      this.layers = {};
      for (const name of ["ground", "defense", "routes", "players", "top"]) {
        this.layers[name] = svg(this.node, "g", { class: `fe-${name}` });
      }
    }

    drawField(view, rules) {
      const g = this.layers.ground;
      const c = this.colours;
      const hw = (rules || this.config.rules).half_width;
      const [left, top] = view.px(view.xMax, view.yMin);
      const [right, bottom] = view.px(view.xMin, view.yMax);
      svg(g, "rect", { x: left, y: top, width: right - left, height: bottom - top, fill: c.grass });
      for (const side of [-1, 1]) {
        // out of bounds: the grass past each sideline, darker
        const [ax] = view.px(0, side < 0 ? view.yMin : hw);
        const [bx] = view.px(0, side < 0 ? -hw : view.yMax);
        svg(g, "rect", {
          x: ax, y: top, width: bx - ax, height: bottom - top, fill: "#000", "fill-opacity": 0.22,
          class: "fe-out",
        });
      }
      for (let x = Math.ceil(view.xMin / 5) * 5; x <= view.xMax; x += 5) {
        if (x === 0) continue;
        this.line(g, [[x, -hw], [x, hw]], c.chalk, 0.08, view);
        const [tx, ty] = view.px(x + 0.6, -hw + 1.4);
        svg(g, "text", { x: tx, y: ty, class: "fe-yard", fill: c.chalk }, (x > 0 ? "+" : "") + x);
      }
      this.line(g, [[0, -hw], [0, hw]], c.los, 0.25, view, "fe-los");
      for (const side of [-hw, hw]) {
        this.line(g, [[view.xMin, side], [view.xMax, side]], c.chalk, 0.25, view, "fe-sideline");
      }
    }

    line(parent, points, colour, width, view, cls, dashed) {
      return svg(parent, "polyline", {
        points: view.points(points),
        fill: "none",
        stroke: colour,
        "stroke-width": width * PX,
        "stroke-linecap": "round",
        "stroke-linejoin": "round",
        "stroke-dasharray": dashed ? `${0.6 * PX} ${0.4 * PX}` : null,
        class: cls,
      });
    }

    text(parent, view, x, y, label, size, colour, cls) {
      const [px, py] = view.px(x, y);
      return svg(
        parent,
        "text",
        { x: px, y: py, "font-size": size * PX, fill: colour, class: cls || "fe-label" },
        label,
      );
    }

    player(view, x, y, label, attrs) {
      const c = this.colours;
      const g = svg(this.layers.players, "g", attrs);
      const [cx, cy] = view.px(x, y);
      svg(g, "circle", {
        cx, cy, r: R * PX, fill: c.offense_fill, stroke: c.offense_stroke,
        "stroke-width": 0.12 * PX, class: "fe-body",
      });
      const shown = label === "CENTER" ? "C" : label;
      this.text(g, view, x, y, shown, shown.length > 2 ? 0.62 : 0.75, c.offense_stroke);
      return g;
    }

    defender(parent, view, x, y, label, attrs) {
      const c = this.colours;
      const g = svg(parent, "g", attrs);
      const tri = [[x - 0.8 * R, y], [x + 0.6 * R, y - R], [x + 0.6 * R, y + R]];
      svg(g, "polygon", {
        points: view.points(tri), fill: c.defense_fill, stroke: "#111",
        "stroke-width": 0.1 * PX, class: "fe-body",
      });
      this.text(g, view, x + 1.4, y, label, 0.7, c.chalk, "fe-label fe-defender-label");
      return g;
    }

    // checking with the server

    scheduleCheck(delay = 150) {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => {
        this.timer = null;
        this.check();
      }, delay);
    }

    checkRows() {
      return null; // editors that check rows return them
    }

    /** One check at a time: changes made while one is out are checked when it answers. */
    async check() {
      if (this.checking) {
        this.again = true;
        return;
      }
      const rows = this.checkRows();
      if (rows === null || !this.team()) return;
      const checked = this.checked.slice();
      let data = null;
      this.checking = true;
      try {
        const response = await post(this.config.check_url, {
          team: this.team(),
          ruleset: this.ruleset(),
          rows,
        });
        if (response.ok) data = await response.json();
      } catch (error) {
        data = null;
      } finally {
        this.checking = false;
      }
      if (this.again) {
        this.again = false;
        this.check();
        return;
      }
      if (data === null) return;
      this.report = data;
      this.problems = {};
      const lines = [];
      for (const [path, messages] of Object.entries(data.errors)) {
        const where = this.locate(path, checked);
        for (const message of messages) {
          if (where.index !== null) (this.problems[where.index] ||= []).push(message);
          lines.push([where.label, message]);
        }
      }
      const warnings = data.warnings.map((w) => {
        const cut = w.indexOf(": ");
        const where = this.locate(cut > 0 ? w.slice(0, cut) : "", checked);
        return [where.label, cut > 0 ? w.slice(cut + 2) : w];
      });
      this.warned = new Set(
        data.warnings.map((w) => this.locate(w.split(": ")[0], checked).index).filter((i) => i !== null),
      );
      this.showMessages(lines, warnings);
      this.afterCheck(data);
      this.redraw();
    }

    afterCheck() {}

    /** "slots[2].x" → the form row it names and a label for the coach. */
    locate(path, checked) {
      const match = /^(\w+)\[(\d+)\]\.?(.*)$/.exec(path);
      if (!match || checked[Number(match[2])] === undefined) return { index: null, label: path };
      const index = checked[Number(match[2])];
      const rest = match[3] ? ` (${match[3]})` : "";
      return { index, label: this.rowLabel(index, Number(match[2])) + rest };
    }

    rowLabel(index, position) {
      return `row ${position + 1}`;
    }

    showMessages(errors, warnings) {
      const box = this.messages;
      box.replaceChildren();
      if (!errors.length && !warnings.length) {
        html(box, "p", { class: "fe-ok" }, "✓ Every rule passes.");
        return;
      }
      if (errors.length) {
        const list = html(box, "ul", { class: "fe-errors" });
        for (const [label, message] of errors) {
          const item = html(list, "li");
          html(item, "strong", {}, label + ": ");
          item.append(message);
        }
      }
      if (warnings.length) {
        const list = html(box, "ul", { class: "fe-warnings" });
        for (const [label, message] of warnings) {
          const item = html(list, "li");
          html(item, "strong", {}, label + ": ");
          item.append(message);
        }
      }
    }

    // pointer handling: handles carry data-drag; subclasses move what they name

    pointerDown(event) {
      const handle = event.target.closest("[data-drag]");
      this.drag = { handle: handle && handle.dataset.drag, start: this.view.yards(event), moved: false };
      this.node.setPointerCapture(event.pointerId);
      if (handle) this.select(handle.dataset.drag);
      event.preventDefault();
    }

    pointerMove(event) {
      if (!this.drag) return;
      const at = this.view.yards(event);
      if (Math.hypot(at.x - this.drag.start.x, at.y - this.drag.start.y) > 0.25) this.drag.moved = true;
      if (this.drag.handle && this.drag.moved) {
        this.move(this.drag.handle, at);
        this.redraw();
        this.scheduleCheck(120);
      }
    }

    pointerUp(event) {
      if (!this.drag) return;
      const drag = this.drag;
      this.drag = null;
      if (!drag.handle && !drag.moved) this.clickField(this.view.yards(event));
      else if (drag.handle && drag.moved) this.check();
      this.redraw();
    }

    doubleClick() {}
    select() {}
    move() {}
    clickField() {}

    clampTo(at) {
      const step = this.config.snap;
      return {
        x: snap(clamp(at.x, this.view.xMin + 0.5, this.view.xMax - 0.5), step),
        y: snap(clamp(at.y, this.view.yMin + 0.5, this.view.yMax - 0.5), step),
      };
    }
  }

  // --- formation: drag the five players -------------------------------------------------

  class FormationEditor extends Editor {
    setup() {
      this.rows = new Rows("slots");
      const hw = this.config.rules.half_width;
      // A new formation's receivers have no y yet: spread them on the line to drag from.
      const wide = Math.max(hw - 3, 4);
      const spread = [-wide, wide, wide / 2, -wide / 2, wide * 0.75, -wide * 0.75];
      let n = 0;
      for (const i of this.config.object === null ? this.rows.live() : []) {
        if (!this.rows.value(i, "role").startsWith("WR")) continue;
        if (this.rows.value(i, "x") === "") this.rows.set(i, "x", 0);
        if (this.rows.value(i, "y") === "") this.rows.set(i, "y", snap(spread[n % spread.length], 0.5));
        n += 1;
      }
      const xs = this.spots().map((s) => s.x);
      this.view = new View(this.node, {
        xMin: Math.min(-12, Math.floor(Math.min(...xs, 0) / 5) * 5 - 3),
        xMax: Math.max(18, Math.ceil(Math.max(...xs, 0) / 5) * 5 + 3),
        yMin: -hw - 3,
        yMax: hw + 3,
      });
      this.help.textContent =
        "Drag a player; spots snap to half yards and fill the x/y boxes below. " +
        "The blue line is the line of scrimmage, the darker grass is out of bounds. " +
        "Save to keep the changes.";
    }

    spots() {
      return this.rows
        .live()
        .map((i) => ({ i, role: this.rows.value(i, "role"), x: num(this.rows.input(i, "x")), y: num(this.rows.input(i, "y")) }))
        .filter((s) => s.x !== null && s.y !== null);
    }

    checkRows() {
      this.checked = this.rows.live();
      return this.checked.map((i) => ({
        role: this.rows.value(i, "role"),
        x: num(this.rows.input(i, "x")),
        y: num(this.rows.input(i, "y")),
      }));
    }

    rowLabel(index) {
      return this.rows.value(index, "role") || "a player";
    }

    redraw() {
      this.clear();
      this.drawField(this.view);
      for (const s of this.spots()) {
        const state = this.problems[s.i] ? " fe-error" : this.warned && this.warned.has(s.i) ? " fe-warn" : "";
        const g = this.player(this.view, s.x, s.y, s.role || "?", {
          class: `fe-player fe-drag${state}`,
          "data-drag": String(s.i),
          "data-role": s.role,
        });
        svg(g, "title", {}, `${s.role} (${fmt(s.x)}, ${fmt(s.y)})`);
        if (this.drag && this.drag.handle === String(s.i)) {
          this.text(this.layers.top, this.view, s.x + 1.8, s.y, `x ${fmt(s.x)} · y ${fmt(s.y)}`, 0.8, "#fff", "fe-readout");
        }
      }
    }

    move(handle, at) {
      const spot = this.clampTo(at);
      this.rows.set(Number(handle), "x", spot.x);
      this.rows.set(Number(handle), "y", spot.y);
    }
  }

  // --- route: click to add breakpoints, drag to move, time per breakpoint ----------------

  class RouteEditor extends Editor {
    setup() {
      this.rows = new Rows("breakpoints");
      this.align = this.config.align || { y: 0, role: "", play: "" };
      this.y0 = this.align.y;
      this.selected = null;
      this.fit();
      const bar = this.toolbar;
      const alignLabel = html(bar, "label", {}, "Runner lines up at y ");
      this.alignInput = html(alignLabel, "input", { type: "number", step: "0.5", id: "fe-align", value: this.y0 });
      this.alignInput.addEventListener("input", () => {
        this.y0 = num(this.alignInput) || 0;
        this.redraw();
      });
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

    doubleClick(event) {
      const handle = event.target.closest("[data-drag]");
      if (!handle) return;
      this.rows.remove(Number(handle.dataset.drag));
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

  // --- play: routes, progression, a defense over it, Simulate now ----------------------

  class PlayEditor extends Editor {
    setup() {
      this.rows = new Rows("assignments");
      this.defense = null;
      this.scenarioSelect = byId("fe-scenario");
      this.scenarioSelect.addEventListener("change", () => this.loadDefense());
      const saved = Boolean(this.config.overlay_url);
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
      const api = `/api/teams/${this.config.team}`;
      const formation = byId("id_formation");
      const jobs = [];
      if (formation && formation.value) {
        jobs.push(
          send(`${api}/formations/${formation.value}/`).then(async (r) => {
            if (r.ok) this.config.formations[formation.value] = (await r.json()).slots;
          }),
        );
      }
      for (const i of this.rows.live()) {
        const id = this.rows.value(i, "route");
        if (!id) continue;
        jobs.push(
          send(`${api}/routes/${id}/`).then(async (r) => {
            if (!r.ok) return;
            const route = await r.json();
            this.config.routes[id] = {
              name: route.name,
              settle: route.settle,
              breakpoints: route.breakpoints,
            };
          }),
        );
      }
      await Promise.all(jobs);
      this.redraw();
    }

    offense() {
      const formation = byId("id_formation");
      const slots = (formation && this.config.formations[formation.value]) || [];
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
      const url = this.config.overlay_url.replace(/0\/$/, `${id}/`);
      const response = await send(url, {});
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
      const runUrl = this.config.run_url.replace(/\/0\//, `/${data.id}/`);
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
        src: this.config.replay_url.replace("{run}", data.id),
      });
      const p = html(box, "p");
      html(p, "a", { href: runUrl }, `All numbers of run ${data.id}`);
    }
  }

  // --- scenario: drag defenders, set duties, drag zone landmarks and radii -------------

  class ScenarioEditor extends Editor {
    setup() {
      this.rows = new Rows("defenders");
      this.selected = null;
      const hw = this.config.rules.half_width;
      // A new scenario's defenders have no spot yet: a 5-yd zone each, spread to drag from.
      const wide = Math.max(hw - 4, 4);
      const shell = [[5, -wide], [5, wide], [8, 0], [12, -wide / 2], [12, wide / 2], [15, 0], [3, 0]];
      let n = 0;
      for (const i of this.config.object === null ? this.rows.live() : []) {
        if (this.rows.value(i, "x") !== "" || this.rows.value(i, "y") !== "") continue;
        const [x, y] = shell[n % shell.length].map((v) => snap(v, 0.5));
        n += 1;
        for (const [name, v] of [["x", x], ["y", y], ["zone_x", x], ["zone_y", y], ["zone_radius", 5]]) {
          this.rows.set(i, name, v);
        }
        if (!this.rows.value(i, "duty")) this.rows.set(i, "duty", "ZONE");
      }
      let xMax = 25;
      for (const d of this.defenders()) {
        xMax = Math.max(xMax, d.x + 3, d.zone_x !== null && d.zone_radius !== null ? d.zone_x + d.zone_radius + 1 : 0);
      }
      this.view = new View(this.node, { xMin: -8, xMax: Math.ceil(xMax / 5) * 5, yMin: -hw - 3, yMax: hw + 3 });
      this.panel = html(null, "div", { class: "fe-panel" }); // beside the field, not above it
      this.messages.before(this.panel);
      this.help.textContent =
        "Drag a defender; click one to set its duty. A zone's circle moves by its centre " +
        "dot and grows or shrinks by the dot on its edge. Man lines go to the receiver " +
        "covered against a plain spread (auto: the closest one).";
    }

    /** One defender row as the editor and the server's check read it. */
    defenderRow(i) {
      const value = (name) => num(this.rows.input(i, name));
      return {
        slot: this.rows.value(i, "slot"),
        x: value("x"),
        y: value("y"),
        duty: this.rows.value(i, "duty"),
        man_target: this.rows.value(i, "man_target"),
        zone_x: value("zone_x"),
        zone_y: value("zone_y"),
        zone_radius: value("zone_radius"),
      };
    }

    defenders() {
      return this.rows
        .live()
        .map((i) => ({ i, ...this.defenderRow(i) }))
        .filter((d) => d.x !== null && d.y !== null);
    }

    checkRows() {
      this.checked = this.rows.live();
      return this.checked.map((i) => this.defenderRow(i));
    }

    rowLabel(index) {
      return this.rows.value(index, "slot") || "a defender";
    }

    redraw() {
      const view = this.view;
      const c = this.colours;
      this.clear();
      this.drawField(view);
      const offense = {};
      for (const p of this.config.offense) {
        offense[p.role] = [p.x, p.y];
        this.player(view, p.x, p.y, p.role, { class: "fe-player fe-spread", "data-role": p.role });
      }
      const g = this.layers.defense;
      const man = (this.report && this.report.man) || {};
      const defenders = this.defenders();
      for (const d of defenders) {
        if (d.duty !== "ZONE" || d.zone_x === null || d.zone_y === null || d.zone_radius === null) continue;
        const [cx, cy] = view.px(d.zone_x, d.zone_y);
        svg(g, "circle", { cx, cy, r: d.zone_radius * PX, fill: c.zone, "fill-opacity": 0.25, stroke: c.zone, "stroke-width": 0.1 * PX, class: "fe-zone", "data-slot": d.slot });
      }
      const qb = offense.QB || [-5, 0];
      for (const d of defenders) {
        const target = d.duty === "MAN" ? (d.man_target in offense ? d.man_target : man[d.slot]) : null;
        if (target && offense[target]) {
          this.line(g, [[d.x, d.y], offense[target]], c.man, 0.08, view, "fe-man", d.man_target === "auto" || !d.man_target).setAttribute("data-slot", d.slot);
        } else if (d.duty === "RUSH") {
          const [ux, uy] = unit(d.x, d.y, qb[0], qb[1]);
          const end = [qb[0] - ux * (R + 0.3), qb[1] - uy * (R + 0.3)];
          this.line(g, [[d.x, d.y], end], c.rush, 0.15, view, "fe-rush");
          svg(g, "polygon", { points: view.points(arrowhead(d.x, d.y, ...end)), fill: c.rush });
        }
      }
      for (const d of defenders) {
        const state = this.problems[d.i] ? " fe-error" : this.warned && this.warned.has(d.i) ? " fe-warn" : "";
        const sel = this.selected === d.i ? " fe-selected" : "";
        const node = this.defender(this.layers.players, view, d.x, d.y, d.slot, {
          class: `fe-defender fe-drag${state}${sel}`,
          "data-drag": `d:${d.i}`,
          "data-slot": d.slot,
        });
        svg(node, "title", {}, `${d.slot} ${d.duty} (${fmt(d.x)}, ${fmt(d.y)})`);
        if (d.duty === "ZONE" && d.zone_x !== null && d.zone_y !== null && d.zone_radius !== null) {
          // under the defenders: a zone on its defender's spot moves with him
          const [cx, cy] = view.px(d.zone_x, d.zone_y);
          svg(g, "circle", { cx, cy, r: 0.4 * PX, class: "fe-handle fe-drag", "data-drag": `z:${d.i}`, "data-slot": d.slot });
          const [ex, ey] = view.px(d.zone_x, d.zone_y + d.zone_radius);
          svg(g, "circle", { cx: ex, cy: ey, r: 0.45 * PX, class: "fe-handle fe-radius fe-drag", "data-drag": `r:${d.i}`, "data-slot": d.slot });
        }
      }
      this.showPanel();
    }

    select(handle) {
      this.selected = Number(handle.split(":")[1]);
      this.showPanel();
    }

    move(handle, at) {
      const [kind, index] = handle.split(":");
      const i = Number(index);
      const spot = this.clampTo(at);
      if (kind === "d") {
        const [x, y] = [num(this.rows.input(i, "x")), num(this.rows.input(i, "y"))];
        if (num(this.rows.input(i, "zone_x")) === x && num(this.rows.input(i, "zone_y")) === y) {
          this.rows.set(i, "zone_x", spot.x);
          this.rows.set(i, "zone_y", spot.y);
        }
        this.rows.set(i, "x", spot.x);
        this.rows.set(i, "y", spot.y);
      } else if (kind === "z") {
        this.rows.set(i, "zone_x", spot.x);
        this.rows.set(i, "zone_y", spot.y);
      } else if (kind === "r") {
        const zx = num(this.rows.input(i, "zone_x"));
        const zy = num(this.rows.input(i, "zone_y"));
        this.rows.set(i, "zone_radius", clamp(snap(Math.hypot(at.x - zx, at.y - zy), this.config.snap), 1, 20));
      }
    }

    setDuty(i, duty) {
      const x = num(this.rows.input(i, "x"));
      const y = num(this.rows.input(i, "y"));
      this.rows.set(i, "duty", duty);
      if (duty !== "MAN") this.rows.set(i, "man_target", "");
      else if (!this.rows.value(i, "man_target")) this.rows.set(i, "man_target", "auto");
      if (duty !== "ZONE") {
        for (const name of ["zone_x", "zone_y", "zone_radius"]) this.rows.set(i, name, "");
      } else if (num(this.rows.input(i, "zone_radius")) === null) {
        this.rows.set(i, "zone_x", x);
        this.rows.set(i, "zone_y", y);
        this.rows.set(i, "zone_radius", 5);
      }
      this.redraw();
      this.check();
    }

    showPanel() {
      const panel = this.panel;
      panel.replaceChildren();
      if (this.selected === null || !this.rows.live().includes(this.selected)) {
        html(panel, "span", { class: "fe-hint" }, "Click a defender to set its duty.");
        return;
      }
      const i = this.selected;
      html(panel, "strong", {}, `${this.rows.value(i, "slot")}: `);
      for (const duty of ["MAN", "ZONE", "RUSH"]) {
        const label = html(panel, "label", { class: "fe-duty" });
        const radio = html(label, "input", { type: "radio", name: "fe-duty", value: duty, id: `fe-duty-${duty}` });
        radio.checked = this.rows.value(i, "duty") === duty;
        radio.addEventListener("change", () => this.setDuty(i, duty));
        label.append(` ${duty.toLowerCase()}`);
      }
      const duty = this.rows.value(i, "duty");
      if (duty === "MAN") {
        const label = html(panel, "label", {}, " covers ");
        const select = html(label, "select", { id: "fe-man-target" });
        for (const role of ["auto", ...this.config.roles]) {
          const option = html(select, "option", { value: role }, role);
          option.selected = (this.rows.value(i, "man_target") || "auto") === role;
        }
        select.addEventListener("change", () => {
          this.rows.set(i, "man_target", select.value);
          this.redraw();
          this.check();
        });
      } else if (duty === "ZONE") {
        html(panel, "span", {}, ` radius ${this.rows.value(i, "zone_radius") || "—"} yd (drag the edge dot)`);
      }
    }
  }

  const EDITORS = {
    formation: FormationEditor,
    route: RouteEditor,
    play: PlayEditor,
    scenario: ScenarioEditor,
  };

  function boot() {
    const root = byId("field-editor");
    const data = byId("field-editor-config");
    if (!root || !data) return;
    const config = JSON.parse(data.textContent);
    const Kind = EDITORS[config.kind];
    if (!Kind) return;
    const editor = new Kind(root, config);
    window.fieldEditor = editor; // for the browser tests and the console
    window.fieldEditorIdle = () => pending === 0 && !editor.timer && !editor.again;
    editor.start();
  }

  // After the admin's inlines.js (jQuery ready) has set up the "Add another" links.
  if (document.readyState === "complete") boot();
  else window.addEventListener("load", boot);
})();
