/* Scenario: drag defenders, set duties, drag zone landmarks and radii. */

import { Editor } from "./base.js";
import { html, num, svg } from "./dom.js";
import { arrowhead, clamp, fmt, PX, R, snap, unit, View } from "./geometry.js";
import { Rows } from "./rows.js";

export class ScenarioEditor extends Editor {
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
    this.fit();
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

  /** The field and every typed spot and zone, even off the field (a y of -20 is drawn
   *  in the grass past the sideline instead of vanishing). */
  fit() {
    const hw = this.config.rules.half_width;
    let xMax = 25;
    let yMax = hw + 3;
    for (const d of this.defenders()) {
      const zone = d.zone_x !== null && d.zone_radius !== null;
      xMax = Math.max(xMax, d.x + 3, zone ? d.zone_x + d.zone_radius + 1 : 0);
      yMax = Math.max(yMax, Math.abs(d.y) + 2, zone && d.zone_y !== null ? Math.abs(d.zone_y) + 2 : 0);
    }
    yMax = Math.ceil(yMax);
    this.view = new View(this.node, { xMin: -8, xMax: Math.ceil(xMax / 5) * 5, yMin: -yMax, yMax });
  }

  redraw() {
    if (!this.drag) this.fit(); // never while dragging: the field would slide away
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
