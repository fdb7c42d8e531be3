/* Formation: drag the five players. */

import { Editor } from "./base.js";
import { num, svg } from "./dom.js";
import { fmt, snap, View } from "./geometry.js";
import { Rows } from "./rows.js";

export class FormationEditor extends Editor {
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
    this.fit();
    this.help.textContent =
      "Drag a player; spots snap to half yards and fill the x/y boxes below. " +
      "The blue line is the line of scrimmage, the darker grass is out of bounds. " +
      "Save to keep the changes.";
  }

  /** The field and every typed spot, even one off the field (drawn in the grass past
   *  the sideline, so a y of -20 shows where it is instead of vanishing). */
  fit() {
    const hw = this.config.rules.half_width;
    const spots = this.spots();
    const xs = spots.map((s) => s.x);
    const ys = spots.map((s) => Math.abs(s.y));
    const yMax = Math.max(hw + 3, Math.ceil(Math.max(...ys, 0)) + 2);
    this.view = new View(this.node, {
      xMin: Math.min(-12, Math.floor(Math.min(...xs, 0) / 5) * 5 - 3),
      xMax: Math.max(18, Math.ceil(Math.max(...xs, 0) / 5) * 5 + 3),
      yMin: -yMax,
      yMax,
    });
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
    if (!this.drag) this.fit(); // never while dragging: the field would slide away
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
