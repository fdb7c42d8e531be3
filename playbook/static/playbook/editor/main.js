/* FieldOS field editor for the admin change pages (docs/editor.md), loaded as an ES
 * module (no build step).
 *
 * Progressive enhancement: the SVG reads and writes the inline formset's own inputs
 * (slots-0-x, breakpoints-1-time_ms, defenders-2-duty, the play's progression), so
 * saving is the ordinary admin POST with its validation. Rules are checked by the
 * server (playbook/editor.py → playbook/validation.py). */

import { byId } from "./dom.js";
import { FormationEditor } from "./formation.js";
import { PlayEditor } from "./play.js";
import { RouteEditor } from "./route.js";
import { ScenarioEditor } from "./scenario.js";
import { idle } from "./server.js";

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
  window.fieldEditorIdle = () => idle() && !editor.timer && !editor.again;
  editor.start();
}

// After the admin's inlines.js (jQuery ready) has set up the "Add another" links.
if (document.readyState === "complete") boot();
else window.addEventListener("load", boot);
