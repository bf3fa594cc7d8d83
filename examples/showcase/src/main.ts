/**
 * The genmod showcase (for now: @genmod/gumbel). Draws relaxed one-hot samples across temperatures and
 * writes a figure that puts each sampler next to its exact law:
 *   row 1  Concrete samples on the 2-simplex over the exact Concrete density (RelaxedOneHotCategorical.logProb)
 *   row 2  a histogram of binary Concrete (RelaxedBernoulli) samples against the exact bin masses
 *   row 3  argmax frequencies of the relaxed samples against softmax(logits) (exact for every temperature)
 * and prints a summary. Run: npm run showcase  (flags: --backend=wasm|cpu|cuda, --fallback)
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { chooseBackendFromArgs } from '@genmod/backend/node';
import { RelaxedBernoulli, RelaxedOneHotCategorical, gumbelSoftmax } from '@genmod/gumbel';
import { Figure, colormap, type RGB } from '@genmod-examples/plot';

const TEMPERATURES = [0.1, 0.5, 1, 5];
const LOGITS = [1.2, 0.2, -0.6];
const BINARY_LOGIT = 0.8;
const N = 3000;
const N_BINARY = 20000;
const BINS = 40;
const CLASS_COLORS: RGB[] = [[200, 40, 40], [40, 140, 60], [150, 60, 190]];

const softmax = (l: number[]) => {
  const m = Math.max(...l);
  const e = l.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};
const PI = softmax(LOGITS);

async function main() {
  await chooseBackendFromArgs();
  const panelW = 280;
  const panelH = 240;
  const left = 20;
  const top = 60;
  const fig = new Figure(left + TEMPERATURES.length * panelW, top + 3 * panelH + 20);
  fig.text(left, 14, 'GUMBEL-SOFTMAX / CONCRETE SAMPLES AGAINST THEIR EXACT LAWS', [20, 20, 20], 2);
  fig.text(left, 38, `SHADE: EXACT CONCRETE LOG-DENSITY (DARK = HIGH, TOP 8 NATS)   LOGITS [${LOGITS.join(', ')}]   BINARY LOGIT ${BINARY_LOGIT}   ${N} + ${N_BINARY} SAMPLES PER TEMPERATURE   BACKEND ${tf.getBackend()}`);

  const rows: string[] = [];
  for (const [col, tau] of TEMPERATURES.entries()) {
    const x0 = left + col * panelW;
    const t0 = performance.now();
    const sample = tf.tidy(() => gumbelSoftmax(tf.tile(tf.tensor2d([LOGITS]), [N, 1]), { temperature: tau, seed: 100 + col }));
    const xs = (await sample.array()) as number[][];
    const sampleMs = performance.now() - t0;

    // Row 1: the simplex, shaded by the exact log-density, with the samples on top.
    const y0 = top;
    fig.text(x0 + 10, y0, `TEMPERATURE ${tau}`, [20, 20, 20], 2);
    const tri = { ax: x0 + panelW / 2, ay: y0 + 30, bx: x0 + 25, by: y0 + panelH - 20, cx: x0 + panelW - 25, cy: y0 + panelH - 20 };
    const toXY = (p: number[]) => [p[0]! * tri.ax + p[1]! * tri.bx + p[2]! * tri.cx, p[0]! * tri.ay + p[1]! * tri.by + p[2]! * tri.cy] as const;
    const grid: number[][] = [];
    const pixels: [number, number][] = [];
    const det = (tri.by - tri.cy) * (tri.ax - tri.cx) + (tri.cx - tri.bx) * (tri.ay - tri.cy);
    for (let py = Math.floor(tri.ay); py <= tri.by; py++) {
      for (let px = Math.floor(tri.bx); px <= tri.cx; px++) {
        const a = ((tri.by - tri.cy) * (px - tri.cx) + (tri.cx - tri.bx) * (py - tri.cy)) / det;
        const b = ((tri.cy - tri.ay) * (px - tri.cx) + (tri.ax - tri.cx) * (py - tri.cy)) / det;
        const c = 1 - a - b;
        if (a > 1e-4 && b > 1e-4 && c > 1e-4) {
          grid.push([a, b, c]);
          pixels.push([px, py]);
        }
      }
    }
    const concrete = new RelaxedOneHotCategorical({ logits: LOGITS, temperature: tau });
    const logDensity = tf.tidy(() => concrete.logProb(grid).dataSync());
    const sorted = Float64Array.from(logDensity).sort();
    const hi = sorted[Math.floor(0.995 * (sorted.length - 1))]!;
    const lo = Math.max(sorted[Math.floor(0.02 * (sorted.length - 1))]!, hi - 8); // shade the top 8 nats
    pixels.forEach(([px, py], i) => fig.pixel(px, py, colormap((logDensity[i]! - lo) / (hi - lo || 1))));
    fig.line(tri.ax, tri.ay, tri.bx, tri.by, [90, 90, 90]);
    fig.line(tri.bx, tri.by, tri.cx, tri.cy, [90, 90, 90]);
    fig.line(tri.cx, tri.cy, tri.ax, tri.ay, [90, 90, 90]);
    for (const p of xs.slice(0, 1500)) {
      const [px, py] = toXY(p);
      const k = p.indexOf(Math.max(...p));
      fig.dot(px, py, CLASS_COLORS[k]!, 0.45);
    }
    fig.text(tri.ax - 20, tri.ay - 12, 'CLASS 0', CLASS_COLORS[0]);
    fig.text(tri.bx - 10, tri.by + 6, 'CLASS 1', CLASS_COLORS[1]);
    fig.text(tri.cx - 36, tri.cy + 6, 'CLASS 2', CLASS_COLORS[2]);

    // Row 2: the binary Concrete, histogram against the exact density integrated over each bin.
    const y1 = top + panelH;
    const rb = new RelaxedBernoulli({ logits: BINARY_LOGIT, temperature: tau });
    const ys = tf.tidy(() => rb.sample([N_BINARY], { seed: 200 + col }).dataSync());
    const counts = new Array<number>(BINS).fill(0);
    for (const v of ys) counts[Math.min(BINS - 1, Math.floor(v * BINS))]!++;
    // exact bin masses from the CDF P(Y ≤ y) = σ(τ·logit(y) − logit p) (the density is singular at 0 and 1 for τ < 1)
    const cdf = (y: number) => (y <= 0 ? 0 : y >= 1 ? 1 : 1 / (1 + Math.exp(-(tau * Math.log(y / (1 - y)) - BINARY_LOGIT))));
    const binMass = counts.map((_, b) => cdf((b + 1) / BINS) - cdf(b / BINS));
    const empirical = counts.map((c) => c / N_BINARY);
    const l1 = empirical.reduce((s, e, b) => s + Math.abs(e - binMass[b]!), 0);
    const maxMass = Math.max(...binMass, ...empirical);
    const hx = x0 + 25;
    const hw = panelW - 45;
    const hy = y1 + panelH - 30;
    const hh = panelH - 60;
    fig.text(x0 + 10, y1 + 8, `BINARY CONCRETE  L1 ${l1.toFixed(3)}`);
    counts.forEach((_, b) => {
      const h = (empirical[b]! / maxMass) * hh;
      fig.rect(hx + (b * hw) / BINS, hy - h, hw / BINS - 1, h, [107, 174, 214]);
    });
    for (let b = 1; b < BINS; b++) {
      fig.line(hx + ((b - 0.5) * hw) / BINS, hy - (binMass[b - 1]! / maxMass) * hh, hx + ((b + 0.5) * hw) / BINS, hy - (binMass[b]! / maxMass) * hh, [200, 40, 40]);
    }
    fig.line(hx, hy, hx + hw, hy, [60, 60, 60]);
    fig.text(hx - 3, hy + 6, '0');
    fig.text(hx + hw - 3, hy + 6, '1');
    fig.text(hx + 40, hy + 6, 'BARS SAMPLES, LINE EXACT', [120, 120, 120]);

    // Row 3: argmax frequencies against softmax(logits).
    const y2 = top + 2 * panelH;
    const freq = [0, 0, 0];
    for (const p of xs) freq[p.indexOf(Math.max(...p))]! += 1 / N;
    const chi2 = freq.reduce((s, f, k) => s + (N * (f - PI[k]!) ** 2) / PI[k]!, 0);
    fig.text(x0 + 10, y2 + 8, `ARGMAX VS SOFTMAX  X2 ${chi2.toFixed(2)}`);
    const bw = 26;
    freq.forEach((f, k) => {
      const bx = x0 + 40 + k * 75;
      const base = y2 + panelH - 40;
      fig.rect(bx, base - f * 170, bw, f * 170, CLASS_COLORS[k]!, 0.85);
      fig.rect(bx + bw + 4, base - PI[k]! * 170, bw, PI[k]! * 170, [170, 170, 170]);
      fig.text(bx + 4, base + 6, `${k}`);
    });
    fig.text(x0 + 40, y2 + panelH - 22, 'COLOR SAMPLES, GREY EXACT', [120, 120, 120]);

    const oneHotness = xs.reduce((s, p) => s + Math.max(...p), 0) / N;
    rows.push(
      `  tau ${String(tau).padEnd(4)}  mean max(x) ${oneHotness.toFixed(3)}   argmax freq [${freq.map((f) => f.toFixed(3)).join(', ')}] vs softmax [${PI.map((p) => p.toFixed(3)).join(', ')}] (X2 ${chi2.toFixed(2)}, df 2, 1e-3 critical 13.82)   binary-Concrete histogram L1 ${l1.toFixed(3)}   ${sampleMs.toFixed(1)} ms for ${N} samples`,
    );
    sample.dispose();
    concrete.dispose();
    rb.dispose();
  }

  const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'out');
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, 'gumbel-softmax.png');
  fig.save(path);
  console.log('Gumbel-softmax across temperatures (the lower tau, the closer to one-hot; argmax is exact at every tau):');
  console.log(rows.join('\n'));
  console.log(`tensors alive at exit: ${tf.memory().numTensors}`);
  console.log(`figure: ${path}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
