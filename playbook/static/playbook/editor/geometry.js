/* Field geometry shared by the four editors: yards ↔ pixels and the shapes the
 * diagrams draw (playbook/diagrams.py). Field coordinates as in docs/domain.md: x yards
 * downfield (up the screen), +y to the offense's right (right on the screen). */

export const PX = 16; // pixels per yard in the drawing, as playbook/diagrams.py
export const ZOOM = 1.25; // shown a little larger than the diagrams
export const R = 1.0; // player radius, yards

export const snap = (value, step) => Math.round(value / step) * step + 0; // + 0: no "-0"
export const clamp = (value, low, high) => Math.min(high, Math.max(low, value));
export const fmt = (value) => String(Math.round(value * 10) / 10);

export class View {
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

export function unit(ax, ay, bx, by) {
  const length = Math.hypot(bx - ax, by - ay) || 1;
  return [(bx - ax) / length, (by - ay) / length];
}

/** Where a route's run-on ends: 3 yd on from (bx, by) along (ux, uy), stopped at the

 *  sideline as in the diagrams (null when it starts out of bounds). */
export function runOnEnd(bx, by, ux, uy, halfWidth) {
  let t = 3;
  if (Math.abs(uy) > 1e-9) t = Math.min(t, ((uy > 0 ? halfWidth : -halfWidth) - by) / uy);
  return t > 0.05 ? [bx + ux * t, by + uy * t] : null;
}

export function arrowhead(ax, ay, bx, by, length = 1.0, half = 0.5) {
  const [ux, uy] = unit(ax, ay, bx, by);
  const [cx, cy] = [bx - ux * length, by - uy * length];
  return [
    [bx, by],
    [cx - uy * half, cy + ux * half],
    [cx + uy * half, cy - ux * half],
  ];
}

export function bar(ax, ay, bx, by, half = 0.7) {
  const [ux, uy] = unit(ax, ay, bx, by);
  return [
    [bx - uy * half, by + ux * half],
    [bx + uy * half, by - ux * half],
  ];
}

/** Yards per second on each leg from the alignment at the snap (validation.leg_speeds). */
export function legSpeeds(points) {
  let [px, py, pt] = [0, 0, 0];
  return points.map((p) => {
    const dt = (p.t - pt) / 1000;
    const speed = dt > 0 ? Math.hypot(p.x - px, p.y - py) / dt : Infinity;
    [px, py, pt] = [p.x, p.y, p.t];
    return speed;
  });
}
