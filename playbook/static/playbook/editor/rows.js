/* The inline formset's rows: the editors read and write the form's own inputs. */

import { byId } from "./dom.js";

export class Rows {
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
