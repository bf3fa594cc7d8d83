/**
 * Mode covering vs mode seeking, animated: one Gaussian fitted to a two-Gaussian mixture by the forward and by
 * the reverse KL (./modes-model.ts), drawn over the target density with the closed-form forward-KL optimum
 * (moment matching) dashed.
 */
import * as tf from '@tensorflow/tfjs';
import { context, label } from '../draw.js';
import { LOCS, SCALES, WEIGHTS, createFits, momentMatch } from './modes-model.js';

const MAX_STEPS = 200;
const pdf = (x: number, m: number, s: number) => Math.exp(-0.5 * ((x - m) / s) ** 2) / (s * Math.sqrt(2 * Math.PI));
const targetPdf = (x: number) => WEIGHTS.reduce((a, w, k) => a + w * pdf(x, LOCS[k]!, SCALES[k]!), 0);

export interface ModesDemo {
  start(): void;
  /** pauses the fits; resolves when the last step is done */
  stop(): Promise<void>;
  /** resolves when nothing of this demo runs on the device */
  idle(): Promise<void>;
  readonly steps: number;
}

export function modesDemo(root: HTMLElement): ModesDemo {
  const canvas = root.querySelector<HTMLCanvasElement>('#modes-canvas')!;
  const button = root.querySelector<HTMLButtonElement>('#modes-toggle')!;
  const status = root.querySelector<HTMLElement>('#modes-status')!;
  const fits = createFits();
  const values = [NaN, NaN];
  const { mu: mean, sigma: sd } = momentMatch;
  let steps = 0;
  let running = false;
  let loopDone: Promise<void> = Promise.resolve();
  let drawing: Promise<void> = Promise.resolve();

  function draw(): Promise<void> {
    drawing = drawing.then(drawNow);
    return drawing;
  }

  async function drawNow(): Promise<void> {
    const params = (await Promise.all(fits.map((f) => f.params()))).map((p) => [p.mu, p.sigma] as const);
    const ctx = context(canvas);
    const { width: w, height: h } = canvas;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, w, h);
    const [x0, x1, ymax] = [-6, 6, 0.75];
    const X = (x: number) => 20 + ((x - x0) / (x1 - x0)) * (w - 40);
    const Y = (y: number) => h - 30 - (y / ymax) * (h - 80);
    ctx.fillStyle = '#ddd';
    ctx.beginPath();
    ctx.moveTo(X(x0), Y(0));
    for (let i = 0; i <= 300; i++) {
      const x = x0 + ((x1 - x0) * i) / 300;
      ctx.lineTo(X(x), Y(targetPdf(x)));
    }
    ctx.lineTo(X(x1), Y(0));
    ctx.fill();
    const curve = (m: number, s: number, color: string, dash: number[] = []) => {
      ctx.strokeStyle = color;
      ctx.lineWidth = 2.5;
      ctx.setLineDash(dash);
      ctx.beginPath();
      for (let i = 0; i <= 300; i++) {
        const x = x0 + ((x1 - x0) * i) / 300;
        if (i === 0) ctx.moveTo(X(x), Y(pdf(x, m, s)));
        else ctx.lineTo(X(x), Y(pdf(x, m, s)));
      }
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.lineWidth = 1;
    };
    curve(mean, sd, 'rgba(214, 39, 40, 0.5)', [6, 5]);
    fits.forEach((f, i) => curve(params[i]![0], params[i]![1], f.color));
    ctx.strokeStyle = '#444';
    ctx.beginPath();
    ctx.moveTo(X(x0), Y(0));
    ctx.lineTo(X(x1), Y(0));
    ctx.stroke();
    for (let x = x0; x <= x1; x += 2) label(ctx, String(x), X(x), Y(0) + 14, '#444', 'center');
    label(ctx, `target π = ½N(−2, 0.5²) + ½N(2, 0.5²) (grey); dashed: forward-KL optimum (moment matching)   step ${steps}`, 8, 16);
    fits.forEach((f, i) => label(ctx, `${f.name}: μ ${params[i]![0].toFixed(2)}, σ ${params[i]![1].toFixed(2)}, KL ≈ ${Number.isFinite(values[i]!) ? values[i]!.toFixed(3) : '–'}`, 8, 34 + 16 * i, f.color));
    status.textContent = `${running ? 'fitting' : steps >= MAX_STEPS ? 'converged' : 'paused'}: step ${steps} of ${MAX_STEPS}`;
  }

  async function loop(): Promise<void> {
    while (running && steps < MAX_STEPS) {
      const losses = fits.map((f) => f.step(1000 + 2 * steps)); // a fresh seed per step
      steps++;
      if (steps % 5 === 0 || steps === MAX_STEPS) {
        const read = await Promise.all(losses.map((l) => l.data()));
        read.forEach((v, i) => (values[i] = v[0]!));
        await draw();
      }
      tf.dispose(losses);
      await tf.nextFrame();
    }
    running = false;
    button.textContent = 'Fit';
    await draw();
  }

  const demo: ModesDemo = {
    start() {
      if (running || steps >= MAX_STEPS) return;
      running = true;
      button.textContent = 'Pause';
      loopDone = loop();
    },
    async stop() {
      running = false;
      await loopDone;
    },
    idle: async () => {
      await loopDone;
      await drawing;
    },
    get steps() {
      return steps;
    },
  };
  button.addEventListener('click', () => void (running ? demo.stop() : demo.start()));
  void draw();
  return demo;
}
