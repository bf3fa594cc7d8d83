/**
 * A RealNVP flow (six affine couplings with MLP conditioners, @genmod/flows) trained live by maximum
 * likelihood on a 2-D density; the canvas shows the learned log-density and samples of the flow as it
 * trains. One Adam step per animation frame: training never freezes the page.
 */
import * as tf from '@tensorflow/tfjs';
import { context, dots, heatmap, label, view } from '../draw.js';
import { createFlowModel } from './flow-model.js';

const EXTENT = 3;
const GRID = 64;
const DRAW_EVERY = 10;

export interface FlowDemo {
  start(): void;
  /** pauses training; resolves when the last step and drawing are done */
  stop(): Promise<void>;
  /** resolves when nothing of this demo runs on the device */
  idle(): Promise<void>;
  readonly steps: number;
}

/** `lazy`: draw the data only (no tfjs work) until training starts. */
export function flowDemo(root: HTMLElement, lazy = false): FlowDemo {
  const canvas = root.querySelector<HTMLCanvasElement>('#flow-canvas')!;
  const button = root.querySelector<HTMLButtonElement>('#flow-toggle')!;
  const status = root.querySelector<HTMLElement>('#flow-status')!;
  const v = view(canvas, EXTENT);
  const model = createFlowModel();
  const { flow } = model;
  let dataPoints: number[][] = [];
  const dataRead = model.data.array().then((d) => (dataPoints = d as number[][]));
  const grid = tf.tidy(() => {
    const c = Array.from({ length: GRID }, (_, i) => -EXTENT + ((i + 0.5) * 2 * EXTENT) / GRID);
    return tf.tensor2d(c.flatMap((yy) => c.map((xx) => [xx, -yy]))); // top row first
  });
  let steps = 0;
  let nll = NaN;
  let running = false;
  let loopDone: Promise<void> = Promise.resolve();
  let drawing: Promise<void> = Promise.resolve();

  async function drawData(): Promise<void> {
    await dataRead;
    const ctx = context(canvas);
    ctx.fillStyle = '#440154';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    dots(ctx, dataPoints.slice(0, 600).map((p) => v.x(p[0]!)), dataPoints.slice(0, 600).map((p) => v.y(p[1]!)), 'rgba(255, 255, 255, 0.7)', 1);
    label(ctx, 'two moons: press Train', 8, 16, '#fff');
  }

  function draw(): Promise<void> {
    drawing = drawing.then(drawNow);
    return drawing;
  }

  async function drawNow(): Promise<void> {
    await dataRead;
    const lpT = tf.tidy(() => flow.logProb(grid));
    const sT = tf.tidy(() => flow.sample([400], { seed: 7 }));
    const [lp, s] = await Promise.all([lpT.data(), sT.data()]);
    tf.dispose([lpT, sT]);
    const ctx = context(canvas);
    heatmap(ctx, lp, GRID, 8);
    dots(ctx, dataPoints.slice(0, 600).map((p) => v.x(p[0]!)), dataPoints.slice(0, 600).map((p) => v.y(p[1]!)), 'rgba(255, 255, 255, 0.5)', 1);
    const xs: number[] = [];
    const ys: number[] = [];
    for (let i = 0; i < s.length / 2; i++) {
      xs.push(v.x(s[2 * i]!));
      ys.push(v.y(s[2 * i + 1]!));
    }
    dots(ctx, xs, ys, 'rgba(230, 60, 40, 0.85)', 1.5);
    label(ctx, `step ${steps}   NLL ${Number.isFinite(nll) ? nll.toFixed(3) : '–'} nats`, 8, 16, '#fff');
    status.textContent = `${running ? 'training' : 'paused'}: step ${steps}, NLL ${Number.isFinite(nll) ? nll.toFixed(3) : '–'}`;
  }

  async function loop(): Promise<void> {
    while (running) {
      const loss = model.trainStep(steps);
      steps++;
      if (steps % DRAW_EVERY === 0) {
        nll = (await loss.data())[0]!;
        await draw();
      }
      loss.dispose();
      await tf.nextFrame();
    }
  }

  const demo: FlowDemo = {
    start() {
      if (running) return;
      running = true;
      button.textContent = 'Pause training';
      loopDone = loop();
    },
    async stop() {
      const was = running;
      running = false;
      button.textContent = 'Train';
      await loopDone;
      if (was) await draw();
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
  drawing = lazy ? drawData() : draw();
  return demo;
}
