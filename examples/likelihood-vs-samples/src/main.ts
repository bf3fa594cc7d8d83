/**
 * Likelihood versus sample quality on the ring of 8 Gaussians: the true density p, a kernel density p₁ on
 * the training set for ε from 100·σ² down to 10⁻⁴·σ², and p₂ = 0.01·p + 0.99·noise. Prints the table of test
 * log-likelihood (nats) against the fraction of high-quality samples (mode coverage), checks
 * log p₂(x) ≥ log p(x) − log 100 pointwise, and writes:
 *
 *   out/results.md, out/results.json, out/likelihood-vs-samples.png
 *
 * Run: npx tsx src/main.ts   (about 5 s; flags: --backend=wasm|cpu|cuda, --fallback)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chooseBackendFromArgs } from '@genmod/backend/node';
import { Figure, colormap, type RGB } from '@genmod-examples/plot';
import { LOG_100, logMixtureDensity, markdownTable, runExperiment, type Experiment, type Points } from './experiment.js';

const STD = 0.02;

/** A scatter panel of points over [−e, e]² centred at (cx, cy). */
function scatter(fig: Figure, x0: number, y0: number, size: number, view: { cx: number; cy: number; e: number }, layers: { points: Points; color: RGB; alpha: number; radius?: number }[], title: string) {
  fig.rect(x0, y0, size, size, [250, 250, 250]);
  fig.line(x0, y0, x0 + size, y0, [180, 180, 180]);
  fig.line(x0, y0 + size, x0 + size, y0 + size, [180, 180, 180]);
  fig.line(x0, y0, x0, y0 + size, [180, 180, 180]);
  fig.line(x0 + size, y0, x0 + size, y0 + size, [180, 180, 180]);
  const px = (x: number) => x0 + ((x - view.cx + view.e) / (2 * view.e)) * size;
  const py = (y: number) => y0 + size - ((y - view.cy + view.e) / (2 * view.e)) * size;
  for (const l of layers) {
    for (let i = 0; i < l.points.length; i += 2) {
      const [x, y] = [px(l.points[i]!), py(l.points[i + 1]!)];
      if (x >= x0 && x < x0 + size && y >= y0 && y < y0 + size) fig.dot(x, y, l.color, l.alpha, l.radius ?? 1);
    }
  }
  fig.text(x0, y0 - 12, title, [20, 20, 20], 1);
}

/** A heatmap of log p₁ near one mode, with the training points (white) and test points (red) on top. */
function kdeZoom(fig: Figure, x0: number, y0: number, size: number, e: Experiment, epsilon: number, title: string) {
  const view = { cx: 2, cy: 0, e: 4 * STD };
  const cells = 90;
  const grid = new Float64Array(2 * cells * cells);
  for (let i = 0; i < cells; i++) {
    for (let j = 0; j < cells; j++) grid.set([view.cx - view.e + ((i + 0.5) * 2 * view.e) / cells, view.cy + view.e - ((j + 0.5) * 2 * view.e) / cells], 2 * (j * cells + i));
  }
  const lp = logMixtureDensity(grid, e.train, epsilon);
  const hi = Math.max(...lp);
  const cell = size / cells;
  scatter(fig, x0, y0, size, view, [], title); // the frame and the title
  for (let j = 0; j < cells; j++) for (let i = 0; i < cells; i++) fig.rect(x0 + i * cell, y0 + j * cell, cell + 1, cell + 1, colormap((lp[j * cells + i]! - (hi - 12)) / 12));
  const px = (x: number) => x0 + ((x - view.cx + view.e) / (2 * view.e)) * size;
  const py = (y: number) => y0 + size - ((y - view.cy + view.e) / (2 * view.e)) * size;
  const draw = (pts: Points, color: RGB, radius: number) => {
    for (let i = 0; i < pts.length; i += 2) {
      const [x, y] = [px(pts[i]!), py(pts[i + 1]!)];
      if (x >= x0 + 2 && x < x0 + size - 2 && y >= y0 + 2 && y < y0 + size - 2) fig.dot(x, y, color, 1, radius);
    }
  };
  draw(e.train, [255, 200, 0], 1);
  draw(e.test, [220, 30, 30], 1);
}

/** Test log-likelihood and sample quality against ε (log axis), with p and p₂ as references. */
function chart(fig: Figure, x0: number, y0: number, w: number, h: number, e: Experiment) {
  const kde = e.rows.filter((r) => r.epsilon !== undefined);
  const p = e.rows[0]!;
  const p2 = e.rows[e.rows.length - 1]!;
  const lx = kde.map((r) => Math.log10(r.epsilon! / (STD * STD)));
  const [xmin, xmax] = [Math.min(...lx), Math.max(...lx)];
  const X = (v: number) => x0 + ((v - xmin) / (xmax - xmin)) * w;
  const [llo, lhi] = [-10, 5]; // nats, clipped: the smallest ε go far below (their values are printed)
  const YL = (v: number) => y0 + h - ((Math.min(Math.max(v, llo), lhi) - llo) / (lhi - llo)) * h;
  const YQ = (q: number) => y0 + h - q * h;
  fig.line(x0, y0, x0, y0 + h, [60, 60, 60]);
  fig.line(x0, y0 + h, x0 + w, y0 + h, [60, 60, 60]);
  fig.line(x0 + w, y0, x0 + w, y0 + h, [60, 60, 60]);
  for (let v = llo; v <= lhi; v += 5) {
    fig.line(x0 - 3, YL(v), x0 + w, YL(v), [230, 230, 230]);
    fig.text(x0 - 30, YL(v) - 3, String(v), [33, 113, 181]);
  }
  for (let q = 0; q <= 1; q += 0.25) fig.text(x0 + w + 6, YQ(q) - 3, `${(100 * q).toFixed(0)}%`, [200, 60, 40]);
  for (const v of lx) fig.text(X(v) - 12, y0 + h + 6, v === 0 ? '1' : `1E${v}`);
  fig.text(x0 + w / 2 - 90, y0 + h + 20, 'KERNEL VARIANCE EPS / SIGMA SQUARED');
  fig.text(x0, y0 - 26, 'TEST LOG-LIKELIHOOD (BLUE, NATS, LEFT) AND HIGH-QUALITY SAMPLES (RED, RIGHT)', [20, 20, 20]);
  const dashed = (y: number, color: RGB, label: string) => {
    for (let x = x0; x < x0 + w; x += 8) fig.line(x, y, x + 4, y, color);
    fig.text(x0 + 4, y - 10, label, color);
  };
  dashed(YL(p.testLogLikelihood), [33, 113, 181], `P: ${p.testLogLikelihood.toFixed(2)} NATS`);
  dashed(YL(p2.testLogLikelihood), [120, 160, 200], `P2: ${p2.testLogLikelihood.toFixed(2)} NATS, ${(100 * p2.quality).toFixed(1)}% HIGH QUALITY`);
  for (let i = 0; i < kde.length; i++) {
    const r = kde[i]!;
    const [x, yl, yq] = [X(lx[i]!), YL(r.testLogLikelihood), YQ(r.quality)];
    if (i > 0) {
      fig.line(X(lx[i - 1]!), YL(kde[i - 1]!.testLogLikelihood), x, yl, [33, 113, 181]);
      fig.line(X(lx[i - 1]!), YQ(kde[i - 1]!.quality), x, yq, [200, 60, 40]);
    }
    fig.dot(x, yl, [33, 113, 181], 1, 3);
    fig.dot(x, yq, [200, 60, 40], 1, 3);
    if (r.testLogLikelihood < llo) fig.text(x + 5, yl - 12, r.testLogLikelihood.toFixed(0), [33, 113, 181]);
  }
}

function figure(path: string, e: Experiment) {
  const fig = new Figure(1240, 710);
  fig.text(20, 10, 'LIKELIHOOD VS SAMPLE QUALITY ON A RING OF 8 GAUSSIANS (SIGMA = 0.02)', [20, 20, 20], 2);
  const size = 280;
  const full = { cx: 0, cy: 0, e: 2.6 };
  const gray: RGB = [120, 120, 120];
  const idx = (eps: number) => e.rows.findIndex((r) => r.epsilon !== undefined && Math.abs(r.epsilon / (STD * STD) - eps) < 1e-9 * Math.max(1, eps));
  const [small, large] = [idx(1e-4), idx(100)];
  const q = (i: number) => `${(100 * e.rows[i]!.quality).toFixed(0)}% HQ, TEST LL ${e.rows[i]!.testLogLikelihood.toFixed(1)}`;
  scatter(fig, 20, 60, size, full, [{ points: e.train, color: gray, alpha: 0.6 }], `TRAINING DATA (P): ${q(0)}`);
  scatter(fig, 330, 60, size, full, [{ points: e.samples[small]!, color: [200, 60, 40], alpha: 0.6 }], `P1, EPS = 1E-4 S2: ${q(small)}`);
  scatter(fig, 640, 60, size, full, [{ points: e.samples[large]!, color: [200, 60, 40], alpha: 0.4 }], `P1, EPS = 100 S2: ${q(large)}`);
  scatter(fig, 950, 60, size, full, [{ points: e.samples[e.samples.length - 1]!, color: [200, 60, 40], alpha: 0.4 }], `P2: ${q(e.rows.length - 1)}`);
  const zoomY = 400;
  fig.text(20, zoomY - 30, 'ONE MODE, ZOOMED: LOG P1 (DARK = HIGH), TRAINING POINTS (YELLOW), TEST POINTS (RED)', [20, 20, 20]);
  kdeZoom(fig, 20, zoomY, size, e, STD * STD, 'EPS = SIGMA SQUARED');
  kdeZoom(fig, 330, zoomY, size, e, 1e-4 * STD * STD, 'EPS = 1E-4 SIGMA SQ: MASS ONLY AT TRAINING POINTS');
  chart(fig, 700, zoomY + 10, 470, size - 40, e);
  fig.save(path);
}

async function main() {
  await chooseBackendFromArgs();
  const t0 = performance.now();
  const e = runExperiment({ std: STD, seed: 1 });
  const table = markdownTable(e.rows, STD);
  console.log(table);
  console.log(`\nlog p2(x) ≥ log p(x) − log 100 at all ${e.boundPoints} points checked (smallest slack ${e.boundSlack.toExponential(2)} nats)`);
  if (!(e.boundSlack >= -1e-9)) throw new Error(`the bound log p2 ≥ log p − log 100 failed by ${-e.boundSlack} nats`);
  const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'out');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'results.md'), `${table}\n`);
  writeFileSync(
    join(outDir, 'results.json'),
    JSON.stringify(
      {
        data: { density: 'ring of 8 Gaussians, radius 2', std: STD, nTrain: e.train.length / 2, nTest: e.test.length / 2, nSamples: e.samples[0]!.length / 2 },
        quality: 'modeCoverage (@genmod/adversarial): high-quality fraction = samples within 3σ of their nearest mode; modes covered = modes with ≥ 20% of their expected share',
        logOf100: LOG_100,
        bound: { checkedPoints: e.boundPoints, smallestSlackNats: e.boundSlack },
        rows: e.rows,
      },
      null,
      2,
    ) + '\n',
  );
  figure(join(outDir, 'likelihood-vs-samples.png'), e);
  console.log(`wrote out/results.md, out/results.json, out/likelihood-vs-samples.png in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
