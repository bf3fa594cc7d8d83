/**
 * Gumbel-softmax on the 3-simplex: relaxed samples y = softmax((logits + g)/τ) drawn over the exact Concrete
 * density (RelaxedOneHotCategorical.logProb), the argmax of the samples against softmax(logits), and the
 * first coordinate's histogram against its exact marginal. The Gumbel noise g is drawn once: moving the
 * temperature moves the same samples (common random numbers), and their argmax never changes, which is
 * why the argmax histogram matches softmax(logits) at every τ.
 */
import * as tf from '@tensorflow/tfjs';
import { RelaxedOneHotCategorical, gumbelSoftmax, sampleGumbel } from '@genmod/gumbel';
import { canvasHash, context, dots, label, rgb, viridis } from '../draw.js';

const LOGITS = [1.0, 0.2, -0.5];
const N = 1000;
// density cells are RASTER × RASTER canvas pixels (~3000 points: a software WebGPU adapter runs a workgroup per
// row of a reduction, so each point costs, and the figure redraws as the slider moves)
const RASTER = 4;
const BINS = 20;
const COLORS = ['#d62728', '#1f77b4', '#2ca02c'];

/** τ from the slider position v ∈ [0, 100]: log-uniform over [0.05, 5]. */
export const temperatureAt = (v: number) => 0.05 * 100 ** (v / 100);

export interface GumbelDemo {
  setTemperature(tau: number): void;
  /** resolves when the figure shows the current temperature */
  idle(): Promise<void>;
  hash(): string;
}

export function gumbelDemo(root: HTMLElement): GumbelDemo {
  const simplex = root.querySelector<HTMLCanvasElement>('#gumbel-simplex')!;
  const hist = root.querySelector<HTMLCanvasElement>('#gumbel-hist')!;
  const slider = root.querySelector<HTMLInputElement>('#gumbel-temperature')!;
  const readout = root.querySelector<HTMLElement>('#gumbel-tau')!;
  const probs = tf.tidy(() => tf.softmax(tf.tensor1d(LOGITS)).dataSync() as Float32Array);

  // the triangle: x = (x0, x1, x2) ↦ x0·top + x1·bottom-left + x2·bottom-right
  const W = simplex.width;
  const H = simplex.height;
  const pad = 24;
  const V = [
    [W / 2, pad],
    [pad, H - pad],
    [W - pad, H - pad],
  ] as const;
  const toCanvas = (x0: number, x1: number, x2: number) => [x0 * V[0][0] + x1 * V[1][0] + x2 * V[2][0], x0 * V[0][1] + x1 * V[1][1] + x2 * V[2][1]] as const;
  // barycentric coordinates of the raster cells' centres inside the triangle
  const cells: { px: number; py: number; x: number[] }[] = [];
  const det = (V[1][1] - V[2][1]) * (V[0][0] - V[2][0]) + (V[2][0] - V[1][0]) * (V[0][1] - V[2][1]);
  for (let py = 0; py < H; py += RASTER) {
    for (let px = 0; px < W; px += RASTER) {
      const cx = px + RASTER / 2;
      const cy = py + RASTER / 2;
      const a = ((V[1][1] - V[2][1]) * (cx - V[2][0]) + (V[2][0] - V[1][0]) * (cy - V[2][1])) / det;
      const b = ((V[2][1] - V[0][1]) * (cx - V[2][0]) + (V[0][0] - V[2][0]) * (cy - V[2][1])) / det;
      const c = 1 - a - b;
      if (a > 1e-4 && b > 1e-4 && c > 1e-4) cells.push({ px, py, x: [a, b, c] });
    }
  }
  const points = tf.tensor2d(cells.map((c) => c.x));
  const tiled = tf.tidy(() => tf.tile(tf.tensor2d([LOGITS]), [N, 1]));
  const noise = sampleGumbel([N, 3], { seed: 2024 }); // drawn once: the slider moves the same samples

  let tau = temperatureAt(Number(slider.value));
  let drawn = NaN;
  let running: Promise<void> | undefined;

  async function render(t: number): Promise<void> {
    const d = new RelaxedOneHotCategorical({ logits: LOGITS, temperature: t });
    const lpT = d.logProb(points);
    const yT = gumbelSoftmax(tiled, { temperature: t, noise });
    const [lp, y] = await Promise.all([lpT.data(), yT.data()]);
    tf.dispose([lpT, yT]);
    d.dispose();
    drawSimplex(lp, y, t);
    drawHistograms(lp, y);
    drawn = t;
  }

  function drawSimplex(lp: ArrayLike<number>, y: ArrayLike<number>, t: number): void {
    const ctx = context(simplex);
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, W, H);
    let hi = -Infinity;
    for (let i = 0; i < lp.length; i++) if (Number.isFinite(lp[i]!)) hi = Math.max(hi, lp[i]!);
    const range = 8; // shade the top 8 nats of the log-density
    cells.forEach((c, i) => {
      ctx.fillStyle = rgb(viridis((lp[i]! - (hi - range)) / range));
      ctx.fillRect(c.px, c.py, RASTER, RASTER);
    });
    const xs: number[] = [];
    const ys: number[] = [];
    for (let i = 0; i < N; i++) {
      const [cx, cy] = toCanvas(y[3 * i]!, y[3 * i + 1]!, y[3 * i + 2]!);
      xs.push(cx);
      ys.push(cy);
    }
    dots(ctx, xs, ys, 'rgba(255, 255, 255, 0.75)', 1.4);
    ctx.strokeStyle = '#333';
    ctx.beginPath();
    ctx.moveTo(V[0][0], V[0][1]);
    ctx.lineTo(V[1][0], V[1][1]);
    ctx.lineTo(V[2][0], V[2][1]);
    ctx.closePath();
    ctx.stroke();
    label(ctx, `class 0 (p ${probs[0]!.toFixed(2)})`, V[0][0], V[0][1] - 8, COLORS[0], 'center');
    label(ctx, `class 1 (p ${probs[1]!.toFixed(2)})`, V[1][0], V[1][1] + 16, COLORS[1], 'left');
    label(ctx, `class 2 (p ${probs[2]!.toFixed(2)})`, V[2][0], V[2][1] + 16, COLORS[2], 'right');
    label(ctx, `τ = ${t.toFixed(3)}`, 8, 16);
  }

  function drawHistograms(lp: ArrayLike<number>, y: ArrayLike<number>): void {
    const ctx = context(hist);
    const w = hist.width;
    const h = hist.height;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, w, h);
    // top: argmax of the relaxed samples vs softmax(logits)
    const counts = [0, 0, 0];
    for (let i = 0; i < N; i++) {
      let k = 0;
      for (let j = 1; j < 3; j++) if (y[3 * i + j]! > y[3 * i + k]!) k = j;
      counts[k]!++;
    }
    const top = 36;
    const barH = 110;
    label(ctx, `argmax of ${N} samples (bars) vs softmax(logits) (ticks)`, 8, 16);
    for (let k = 0; k < 3; k++) {
      const x0 = 40 + k * 100;
      const f = counts[k]! / N;
      ctx.fillStyle = COLORS[k]!;
      ctx.fillRect(x0, top + barH * (1 - f), 50, barH * f);
      ctx.fillStyle = '#000';
      ctx.fillRect(x0 - 6, top + barH * (1 - probs[k]!) - 1, 62, 3);
      label(ctx, `${f.toFixed(3)} / ${probs[k]!.toFixed(3)}`, x0 + 25, top + barH + 14, '#222', 'center');
    }
    // bottom: histogram of y₀ vs the exact marginal (the density summed over the triangle's rows)
    const by = top + barH + 52;
    const bh = h - by - 24;
    label(ctx, 'y₀ of the samples (bars) vs its exact marginal (line)', 8, by - 12);
    const sampleHist = new Array(BINS).fill(0);
    for (let i = 0; i < N; i++) sampleHist[Math.min(BINS - 1, Math.floor(y[3 * i]! * BINS))]++;
    const exact = new Array(BINS).fill(0);
    cells.forEach((c, i) => {
      const v = Math.exp(lp[i]!);
      if (Number.isFinite(v)) exact[Math.min(BINS - 1, Math.floor(c.x[0]! * BINS))] += v;
    });
    const exactSum = exact.reduce((a, b) => a + b, 0) || 1;
    const peak = Math.max(...sampleHist.map((v) => v / N), ...exact.map((v) => v / exactSum), 1e-9);
    const bw = (w - 60) / BINS;
    for (let b = 0; b < BINS; b++) {
      const f = sampleHist[b] / N / peak;
      ctx.fillStyle = 'rgba(214, 39, 40, 0.55)';
      ctx.fillRect(40 + b * bw, by + bh * (1 - f), bw - 1, bh * f);
    }
    ctx.strokeStyle = '#000';
    ctx.lineWidth = 2;
    ctx.beginPath();
    for (let b = 0; b < BINS; b++) {
      const px = 40 + (b + 0.5) * bw;
      const py = by + bh * (1 - exact[b] / exactSum / peak);
      if (b === 0) ctx.moveTo(px, py);
      else ctx.lineTo(px, py);
    }
    ctx.stroke();
    ctx.lineWidth = 1;
    label(ctx, '0', 40, by + bh + 14, '#222', 'center');
    label(ctx, '1', w - 20, by + bh + 14, '#222', 'center');
  }

  /** Re-renders until the figure shows the latest temperature (slider events coalesce). */
  function schedule(): Promise<void> {
    running ??= (async () => {
      try {
        while (drawn !== tau) await render(tau);
      } finally {
        running = undefined;
      }
    })();
    return running;
  }

  slider.addEventListener('input', () => {
    tau = temperatureAt(Number(slider.value));
    readout.textContent = tau.toFixed(3);
    void schedule();
  });
  readout.textContent = tau.toFixed(3);
  void schedule();

  return {
    setTemperature(t: number) {
      slider.value = String((100 * Math.log(t / 0.05)) / Math.log(100));
      slider.dispatchEvent(new Event('input'));
    },
    idle: () => running ?? Promise.resolve(),
    hash: () => `${canvasHash(simplex)}-${canvasHash(hist)}`,
  };
}
