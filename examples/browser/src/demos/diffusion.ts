/**
 * DDPM's reverse process on a 2-D toy, animated step by step and stoppable: from noise to a ring of eight
 * Gaussians with the exact ε-predictor of the noised mixture (./diffusion-model.ts). The sampler
 * (@genmod/diffusion ddpmSample over a respaced 100-step schedule) yields between steps and takes an
 * AbortSignal: Stop aborts it mid-way.
 */
import * as tf from '@tensorflow/tfjs';
import { ddpmSample } from '@genmod/diffusion';
import { context, dots, label, view } from '../draw.js';
import { SIGMA, createRingModel } from './diffusion-model.js';

const EXTENT = 3.2;
const PARTICLES = 1000;
const STEPS = 100;

export interface DiffusionDemo {
  /** runs the sampler to the end (or until stopped) */
  start(): Promise<void>;
  /** aborts the sampler (its AbortSignal); resolves when it has stopped */
  stop(): Promise<void>;
  /** 'idle' | 'running' | 'done' | 'stopped', and the step reached */
  state(): { status: string; step: number; total: number };
}

export function diffusionDemo(root: HTMLElement): DiffusionDemo {
  const canvas = root.querySelector<HTMLCanvasElement>('#diffusion-canvas')!;
  const startButton = root.querySelector<HTMLButtonElement>('#diffusion-start')!;
  const stopButton = root.querySelector<HTMLButtonElement>('#diffusion-stop')!;
  const status = root.querySelector<HTMLElement>('#diffusion-status')!;
  const v = view(canvas, EXTENT);
  const { means, schedule, denoiser } = createRingModel(STEPS);

  let controller: AbortController | undefined;
  let run: Promise<void> = Promise.resolve();
  let current = { status: 'idle', step: 0, total: STEPS };

  function draw(points: ArrayLike<number> | undefined, caption: string): void {
    const ctx = context(canvas);
    ctx.fillStyle = '#fafafa';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    // the data law: each mode's 2σ circle
    ctx.strokeStyle = 'rgba(0, 0, 0, 0.35)';
    for (const [mx, my] of means) {
      ctx.beginPath();
      ctx.arc(v.x(mx!), v.y(my!), 2 * SIGMA * (canvas.width / (2 * EXTENT)), 0, 2 * Math.PI);
      ctx.stroke();
    }
    if (points) {
      const xs: number[] = [];
      const ys: number[] = [];
      for (let i = 0; i < points.length / 2; i++) {
        xs.push(v.x(points[2 * i]!));
        ys.push(v.y(points[2 * i + 1]!));
      }
      dots(ctx, xs, ys, 'rgba(31, 119, 180, 0.6)', 1.3);
    }
    label(ctx, caption, 8, 16);
  }

  function start(): Promise<void> {
    if (controller) return run;
    run = sample();
    return run;
  }

  async function sample(): Promise<void> {
    controller = new AbortController();
    startButton.disabled = true;
    stopButton.disabled = false;
    current = { status: 'running', step: 0, total: STEPS };
    let sample: tf.Tensor | undefined;
    try {
      for await (const s of ddpmSample(denoiser, [PARTICLES, 2], schedule, { seed: 3, signal: controller.signal })) {
        current = { status: 'running', step: s.step, total: s.total };
        draw(await s.x.data(), `DDPM step ${s.step} / ${s.total}   (t = ${s.timestep + 1})`);
        status.textContent = `running: step ${s.step} of ${s.total}`;
        if (s.final) sample = s.x;
        await tf.nextFrame();
      }
      current = { ...current, status: 'done' };
      status.textContent = `done: ${STEPS} steps, ${PARTICLES} samples`;
    } catch (e) {
      if ((e as Error).name !== 'AbortError') throw e;
      current = { ...current, status: 'stopped' };
      status.textContent = `stopped at step ${current.step} of ${STEPS}`;
    } finally {
      sample?.dispose();
      controller = undefined;
      startButton.disabled = false;
      stopButton.disabled = true;
    }
  }

  startButton.addEventListener('click', () => void start());
  stopButton.addEventListener('click', () => controller?.abort());
  stopButton.disabled = true;
  draw(undefined, `8 Gaussians (σ ${SIGMA}); exact ε-model; press Sample`);
  return {
    start,
    stop: async () => {
      controller?.abort();
      await run;
    },
    state: () => current,
  };
}
