// Line and grouped-bar charts on the tiny raster canvas of @genmod-examples/plot.
import type { Figure, RGB } from '@genmod-examples/plot';

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Series {
  label: string;
  color: RGB;
  points: [number, number][];
}

const AXIS: RGB = [60, 60, 60];
const GRID: RGB = [225, 225, 225];

/** Short tick labels: 0.25, 1, 200, 1.5K. */
function tick(v: number): string {
  if (Math.abs(v) >= 1000) return `${+(v / 1000).toFixed(1)}K`;
  return String(+v.toFixed(2));
}

function axes(fig: Figure, b: Box, title: string, yMax: number, yTicks: number[], xLabel: string): void {
  fig.text(b.x, b.y - 14, title, [20, 20, 20]);
  for (const t of yTicks.filter((v) => v <= yMax)) {
    const py = b.y + b.h - (t / yMax) * b.h;
    fig.line(b.x, py, b.x + b.w, py, GRID);
    const s = tick(t);
    fig.text(b.x - 6 * s.length - 4, py - 3, s, AXIS);
  }
  fig.line(b.x, b.y, b.x, b.y + b.h, AXIS);
  fig.line(b.x, b.y + b.h, b.x + b.w, b.y + b.h, AXIS);
  fig.text(b.x + b.w - 6 * xLabel.length, b.y + b.h + 16, xLabel, AXIS);
}

/** A line chart of several series over [0, xMax] × [0, yMax], with an optional dashed reference level. */
export function lineChart(
  fig: Figure,
  b: Box,
  o: { title: string; xMax: number; yMax: number; yTicks: number[]; xTicks: number[]; xLabel: string; series: Series[]; reference?: { y: number; label: string } },
): void {
  axes(fig, b, o.title, o.yMax, o.yTicks, o.xLabel);
  const px = (x: number) => b.x + (x / o.xMax) * b.w;
  const py = (y: number) => b.y + b.h - (Math.min(Math.max(y, 0), o.yMax) / o.yMax) * b.h;
  for (const t of o.xTicks) {
    fig.line(px(t), b.y + b.h, px(t), b.y + b.h + 3, AXIS);
    const s = tick(t);
    fig.text(px(t) - 3 * s.length, b.y + b.h + 6, s, AXIS);
  }
  if (o.reference) {
    const y = py(o.reference.y);
    for (let x = b.x; x < b.x + b.w; x += 8) fig.line(x, y, Math.min(x + 4, b.x + b.w), y, [120, 120, 120]);
    fig.text(b.x + 4, y < b.y + 12 ? y + 4 : y - 10, o.reference.label, [120, 120, 120]);
  }
  for (const s of o.series) {
    for (let i = 1; i < s.points.length; i++) {
      const [x0, y0] = s.points[i - 1]!;
      const [x1, y1] = s.points[i]!;
      for (const d of [-0.5, 0.5]) fig.line(px(x0), py(y0) + d, px(x1), py(y1) + d, s.color);
    }
    for (const [x, y] of s.points) fig.dot(px(x), py(y), s.color, 1, 2);
  }
}

/** Grouped bars: one group per category, one bar per series, values in [0, yMax]. */
export function barChart(
  fig: Figure,
  b: Box,
  o: { title: string; categories: string[]; yMax: number; yTicks: number[]; xLabel: string; series: { label: string; color: RGB; values: number[] }[] },
): void {
  axes(fig, b, o.title, o.yMax, o.yTicks, o.xLabel);
  const groupW = b.w / o.categories.length;
  const barW = Math.max(1, Math.floor((groupW - 4) / o.series.length));
  o.categories.forEach((c, i) => {
    const gx = b.x + i * groupW + 2;
    o.series.forEach((s, j) => {
      const v = Math.min(s.values[i] ?? 0, o.yMax);
      const h = (v / o.yMax) * b.h;
      fig.rect(gx + j * barW, b.y + b.h - h, barW - 1, h, s.color);
    });
    fig.text(b.x + (i + 0.5) * groupW - 3 * c.length, b.y + b.h + 6, c, AXIS);
  });
}

/** A legend: a color swatch and a label per entry, left to right. */
export function legend(fig: Figure, x: number, y: number, entries: { label: string; color: RGB }[]): void {
  let cx = x;
  for (const e of entries) {
    fig.rect(cx, y, 12, 7, e.color);
    fig.text(cx + 16, y, e.label, [30, 30, 30]);
    cx += 16 + 6 * e.label.length + 18;
  }
}
