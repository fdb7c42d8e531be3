/* Requests to the server. Every URL comes from the page's editor config, which
 * playbook/editor.py fills with Django's reverse(); `fill` only puts an id into a
 * template such as ".../simulations/{run}/traces/0/replay.gif". */

let pending = 0; // requests in flight (the browser tests wait for none)

export const idle = () => pending === 0;

export function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, name) => encodeURIComponent(values[name]));
}

function csrf() {
  const input = document.querySelector("[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}

export async function send(url, options) {
  pending += 1;
  try {
    return await fetch(url, { credentials: "same-origin", ...options });
  } finally {
    pending -= 1;
  }
}

export function post(url, body) {
  return send(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
    body: JSON.stringify(body),
  });
}
