/**
 * Class-conditional digits from a diffusion model trained in Node: the MNIST denoiser of examples/diffusion-mnist
 * (./digits-model.ts), sampled here with DPM-Solver++(2M) and classifier-free guidance. Pick a digit, the number of
 * steps (= network evaluations) and the guidance scale; **Sample** draws 16 digits, showing the sampler's x̂₀ after
 * every step, and the classifier trained beside it reads each one; **Stop** aborts the sampler (AbortSignal).
 */
import * as tf from '@tensorflow/tfjs';
import { context, label } from '../draw.js';
import { DIGITS_URL, loadDigits, sampleDigitGrid, type DigitGrid, type DigitsModel } from './digits-model.js';

const COUNT = 16;
const PER_ROW = 4;
const SCALE = 3;
const GAP = 4;

export interface DigitsSettings {
  digit: number;
  steps: number;
  guidance: number;
  seed: number;
}

export interface DigitsDemo {
  /** resolves when the model is loaded (rejects if it cannot be loaded) */
  loaded: Promise<void>;
  /** sets the controls (and what the next Sample uses) */
  set(settings: Partial<DigitsSettings>): void;
  /** samples with the current settings; resolves with the grid, or undefined when stopped */
  sample(): Promise<DigitGrid | undefined>;
  /** aborts the sampler; resolves when it has stopped */
  stop(): Promise<void>;
  /** 'idle' | 'loading' | 'running' | 'done' | 'stopped', the step reached and the classifier's readings */
  state(): { status: string; step: number; total: number; predicted: number[] };
  /** resolves when nothing of this demo runs on the device */
  idle(): Promise<void>;
  /** what diffusion-mnist stored with the weights */
  metadata(): Record<string, unknown> | undefined;
  /** samples given labels without drawing (the test compares them with the reference.json Node computed) */
  sampleLabels(labels: number[], steps: number, guidance: number, seed: number): Promise<DigitGrid>;
}

export function digitsDemo(root: HTMLElement): DigitsDemo {
  const $ = <T extends HTMLElement>(id: string) => root.querySelector<T>(`#${id}`)!;
  const canvas = $<HTMLCanvasElement>('digits-canvas');
  const digitInput = $<HTMLSelectElement>('digits-digit');
  const stepsInput = $<HTMLInputElement>('digits-steps');
  const guidanceInput = $<HTMLInputElement>('digits-guidance');
  const stepsValue = $('digits-steps-value');
  const guidanceValue = $('digits-guidance-value');
  const sampleButton = $<HTMLButtonElement>('digits-sample');
  const stopButton = $<HTMLButtonElement>('digits-stop');
  const status = $('digits-status');
  let model: DigitsModel | undefined;
  let controller: AbortController | undefined;
  let run: Promise<DigitGrid | undefined> = Promise.resolve(undefined);
  let seed = 1;
  let current = { status: 'loading', step: 0, total: 0, predicted: [] as number[] };

  const settings = (): DigitsSettings => ({ digit: Number(digitInput.value), steps: Number(stepsInput.value), guidance: Number(guidanceInput.value), seed });
  const showValues = () => {
    stepsValue.textContent = stepsInput.value;
    guidanceValue.textContent = Number(guidanceInput.value).toFixed(1);
  };

  function draw(pixels: Float32Array | undefined, caption: string, predicted?: number[]): void {
    const ctx = context(canvas);
    ctx.fillStyle = '#fafafa';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    if (pixels) {
      const cell = 28 * SCALE + GAP;
      const image = ctx.createImageData(28 * SCALE, 28 * SCALE);
      for (let k = 0; k < COUNT && (k + 1) * 784 <= pixels.length; k++) {
        for (let p = 0; p < 784; p++) {
          const v = 255 * (1 - (Math.min(Math.max(pixels[k * 784 + p]!, -1), 1) + 1) / 2); // ink black on white
          const px = p % 28;
          const py = Math.floor(p / 28);
          for (let dy = 0; dy < SCALE; dy++) {
            for (let dx = 0; dx < SCALE; dx++) {
              const i = 4 * ((py * SCALE + dy) * 28 * SCALE + px * SCALE + dx);
              image.data[i] = image.data[i + 1] = image.data[i + 2] = v;
              image.data[i + 3] = 255;
            }
          }
        }
        const ox = GAP + (k % PER_ROW) * cell;
        const oy = 24 + Math.floor(k / PER_ROW) * cell;
        ctx.putImageData(image, ox, oy);
        if (predicted) {
          const ok = predicted[k] === Number(digitInput.value);
          label(ctx, String(predicted[k]), ox + 28 * SCALE - 10, oy + 12, ok ? '#2a7' : '#d33');
        }
      }
    }
    label(ctx, caption, 8, 16);
  }

  async function sample(): Promise<DigitGrid | undefined> {
    await loaded;
    controller = new AbortController();
    const s = settings();
    sampleButton.disabled = true;
    stopButton.disabled = false;
    current = { status: 'running', step: 0, total: s.steps, predicted: [] };
    try {
      const grid = await sampleDigitGrid(model!, {
        digit: s.digit, count: COUNT, steps: s.steps, guidance: s.guidance, seed: s.seed, signal: controller.signal,
        onStep: async (step, total, predX0) => {
          current = { ...current, step, total };
          draw(predX0, `x̂₀ after step ${step} / ${total}`);
          status.textContent = `running: step ${step} of ${total}`;
          await tf.nextFrame();
        },
      });
      const correct = grid.predicted.filter((p) => p === s.digit).length;
      current = { status: 'done', step: s.steps, total: s.steps, predicted: grid.predicted };
      draw(grid.pixels, `digit ${s.digit}, ${grid.evaluations} steps, guidance ${s.guidance.toFixed(1)}, seed ${s.seed}`, grid.predicted);
      status.textContent = `done: ${grid.evaluations} network evaluations; the classifier reads ${correct} of ${COUNT} as ${s.digit}`;
      seed++;
      return grid;
    } catch (e) {
      if ((e as Error).name !== 'AbortError') {
        current = { ...current, status: 'error' };
        status.textContent = `error: ${(e as Error).message}`;
        throw e;
      }
      current = { ...current, status: 'stopped' };
      status.textContent = `stopped at step ${current.step} of ${current.total}`;
      return undefined;
    } finally {
      controller = undefined;
      sampleButton.disabled = false;
      stopButton.disabled = true;
    }
  }

  const loaded = (async () => {
    sampleButton.disabled = true;
    status.textContent = `loading ${DIGITS_URL}…`;
    model = await loadDigits();
    const m = model.metadata;
    current = { ...current, status: 'idle' };
    sampleButton.disabled = false;
    status.textContent = `loaded: ${(model.bytes / 1e6).toFixed(2)} MB of weights (${String(m.quantization)}); trained in Node for ${String(m.steps)} Adam steps on ${String(m.backend)}`;
    draw(undefined, 'pick a digit and press Sample');
  })();
  loaded.catch((e: Error) => {
    current = { ...current, status: 'error' };
    status.textContent = `could not load ${DIGITS_URL}: ${e.message}`;
  });

  stepsInput.addEventListener('input', showValues);
  guidanceInput.addEventListener('input', showValues);
  sampleButton.addEventListener('click', () => {
    if (!controller) run = sample();
  });
  stopButton.addEventListener('click', () => controller?.abort());
  stopButton.disabled = true;
  showValues();

  return {
    loaded,
    set: (s) => {
      if (s.digit !== undefined) digitInput.value = String(s.digit);
      if (s.steps !== undefined) stepsInput.value = String(s.steps);
      if (s.guidance !== undefined) guidanceInput.value = String(s.guidance);
      if (s.seed !== undefined) seed = s.seed;
      showValues();
    },
    sample: () => {
      if (!controller) run = sample();
      return run;
    },
    stop: async () => {
      controller?.abort();
      await run.catch(() => undefined);
    },
    state: () => current,
    idle: async () => {
      await loaded.catch(() => undefined);
      await run.catch(() => undefined);
    },
    metadata: () => model?.metadata,
    sampleLabels: async (labels, steps, guidance, seed) => {
      await loaded;
      await run.catch(() => undefined);
      return sampleDigitGrid(model!, { labels, steps, guidance, seed });
    },
  };
}
