/* What every editor shares: the layers, the field, the server's check of the rows and
 * the messages beside the field, pointer handling (handles carry data-drag). */

import { byId, html, svg } from "./dom.js";
import { clamp, PX, R, snap } from "./geometry.js";
import { post } from "./server.js";

export const AMBER = "#e09400";
export const RED = "#d0021b";

export class Editor {
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
