/**
 * The figure of the quality run: per dataset, SW2 and MMD² against NFE (log-log, error bars ±1 SE over the
 * repeats, the data-vs-data floor dashed), then the samples of every sampler at one small budget.
 */
import { Figure, type RGB } from '@genmod-examples/plot';
import type { DatasetResult, Estimate } from './results.js';

const COLORS: RGB[] = [[110, 110, 110], [33, 113, 181], [200, 60, 40], [230, 150, 0], [120, 60, 160], [40, 160, 80], [0, 90, 60], [210, 100, 170]];
const colorOf = (i: number): RGB => COLORS[i % COLORS.length]!;

interface ChartBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

function chart(fig: Figure, box: ChartBox, res: DatasetResult, key: 'sw2' | 'mmd2', nfes: number[], title: string) {
  const { x, y, w, h } = box;
  const floor = res.floor[key];
  const lows: number[] = [];
  const highs: number[] = [];
  for (const row of res.rows) for (const c of row.cells) {
    const e = c[key];
    if (Number.isFinite(e.mean)) {
      lows.push(e.mean - e.se);
      highs.push(e.mean + e.se);
    }
  }
  lows.push(floor.mean - floor.se);
  highs.push(floor.mean + floor.se);
  // log axis: MMD² (unbiased) can dip below 0 near the floor; those points sit on the bottom edge
  const positive = [...lows, ...highs].filter((v) => v > 0);
  const yMin = Math.log10(Math.max(Math.min(...positive), Math.max(...highs) * 1e-4, 1e-12)) - 0.05;
  // a sampler that blows up at few steps would squash the rest: the axis stops at 10× the median, and the points
  // above it sit on the top edge with their value written beside them
  const sorted = res.rows.flatMap((r) => r.cells.map((c) => c[key].mean)).filter(Number.isFinite).sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? floor.mean;
  const yMax = Math.log10(Math.min(Math.max(...highs), 10 * Math.abs(median))) + 0.05;
  const measured = res.rows.flatMap((r) => r.cells.map((c) => c.nfe));
  const xMin = Math.log10(Math.min(...nfes, ...measured)) - 0.1;
  const xMax = Math.log10(Math.max(...nfes, ...measured)) + 0.1;
  const X = (nfe: number) => x + ((Math.log10(nfe) - xMin) / (xMax - xMin)) * w;
  const Y = (v: number) => y + h - ((Math.min(Math.max(Math.log10(Math.max(v, 10 ** yMin)), yMin), yMax) - yMin) / (yMax - yMin)) * h;
  const axis: RGB = [60, 60, 60];
  fig.text(x, y - 16, title, [20, 20, 20]);
  for (let e = Math.floor(yMin); e <= Math.ceil(yMax); e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (Math.log10(v) < yMin || Math.log10(v) > yMax) continue;
      fig.line(x, Y(v), x + w, Y(v), [232, 232, 232]);
      fig.text(x - 46, Y(v) - 3, v >= 1 ? v.toFixed(0) : v.toPrecision(1).toUpperCase());
    }
  }
  for (const b of nfes) {
    fig.line(X(b), y, X(b), y + h, [240, 240, 240]);
    fig.text(X(b) - 3 * String(b).length, y + h + 6, String(b));
  }
  fig.text(x + w / 2 - 84, y + h + 20, 'NETWORK EVALUATIONS (NFE)');
  fig.line(x, y, x, y + h, axis);
  fig.line(x, y + h, x + w, y + h, axis);
  for (let px = x; px < x + w; px += 8) fig.line(px, Y(floor.mean), Math.min(px + 4, x + w), Y(floor.mean), [0, 0, 0]);
  fig.text(x + 6, Y(floor.mean) - 11, floor.mean > 0 ? 'DATA VS DATA FLOOR' : 'DATA VS DATA FLOOR (<= 0: AT THE BOTTOM)', [0, 0, 0]);
  res.rows.forEach((row, i) => {
    const color = colorOf(i);
    const pts = row.cells.filter((c) => Number.isFinite(c[key].mean)).map((c) => [X(c.nfe), c[key]] as [number, Estimate]);
    pts.forEach(([px, e], k) => {
      if (k > 0) fig.line(pts[k - 1]![0], Y(pts[k - 1]![1].mean), px, Y(e.mean), color);
      fig.line(px, Y(e.mean - e.se), px, Y(e.mean + e.se), color);
      fig.dot(px, Y(e.mean), color, 1, row.model === 'flow' ? 2 : 3);
      if (Math.log10(e.mean) > yMax) fig.text(px + 6, Y(e.mean) + 2, `${e.mean.toPrecision(2)} (OFF SCALE)`, color);
    });
  });
}

function scatter(fig: Figure, x: number, y: number, size: number, points: number[][], color: RGB, title: string) {
  const range = 2.4;
  fig.rect(x, y, size, size, [247, 247, 247]);
  fig.text(x + 2, y - 12, title);
  for (const p of points) {
    const px = x + ((p[0]! + range) / (2 * range)) * size;
    const py = y + size - ((p[1]! + range) / (2 * range)) * size;
    if (px > x && px < x + size && py > y && py < y + size) fig.dot(px, py, color, 0.6, 0);
  }
}

/** Writes the figure of `results` to `path` (PNG). */
export function plotQuality(path: string, results: DatasetResult[], options: { nfes: number[]; subtitle: string; bandwidth: number }) {
  const { nfes } = options;
  const panel = 150;
  const chartH = 250;
  const block = 40 + chartH + 60 + panel + 40;
  const width = 40 + 8 * (panel + 10) + 20;
  const fig = new Figure(width, 70 + results.length * block);
  fig.text(20, 12, 'SAMPLE QUALITY PER NETWORK EVALUATION ON 2-D DATA', [20, 20, 20], 2);
  fig.text(20, 36, options.subtitle);
  const labels = results[0]?.rows.map((r) => r.label) ?? [];
  let lx = 20;
  labels.forEach((label, i) => {
    fig.rect(lx, 52, 10, 6, colorOf(i));
    fig.text(lx + 14, 52, label.toUpperCase());
    lx += 14 + 6 * label.length + 18;
  });
  const shown = nfes.find((b) => b >= 10) ?? nfes[0]!;
  results.forEach((res, k) => {
    const top = 70 + k * block + 40;
    const cw = (width - 60 - 80) / 2;
    chart(fig, { x: 70, y: top, w: cw - 40, h: chartH }, res, 'sw2', nfes, `${res.label.toUpperCase()}: SLICED WASSERSTEIN-2 TO HELD-OUT DATA (MEAN +- SE)`);
    chart(fig, { x: 70 + cw + 40, y: top, w: cw - 40, h: chartH }, res, 'mmd2', nfes, `${res.label.toUpperCase()}: MMD SQUARED (RBF H = ${options.bandwidth})`);
    const sy = top + chartH + 60;
    scatter(fig, 20, sy, panel, res.heldOut, [120, 120, 120], 'HELD-OUT DATA');
    res.rows.forEach((row, i) => {
      const pts = res.samples[row.label]?.[shown] ?? [];
      const c = row.cells.find((x) => x.budget === shown);
      scatter(fig, 20 + (i + 1) * (panel + 10), sy, panel, pts, colorOf(i), `${row.label.replace('Flow matching', 'FM').toUpperCase()} ${c ? c.nfe : '-'}`);
    });
  });
  fig.save(path);
}
