/**
 * What every training stage of the showcase shares: a loop that runs for a time budget with a progress
 * bar (a line every 5 s when stdout is not a terminal) and a leak check, and the digit-grid drawing.
 */
import * as tf from '@tensorflow/tfjs';
import cliProgress from 'cli-progress';
import type { Figure } from '@genmod-examples/plot';

export interface Curve {
  step: number;
  loss: number;
  /** the second quantity shown (the ELBO, bits per code, …) */
  metric: number;
}

/**
 * Calls `step(i)` (which returns [loss, metric], both read from the device) until `seconds` have passed.
 * Throws if the tensor count grows between steps (a leak).
 */
export async function timedLoop(
  label: string,
  seconds: number,
  metricName: string,
  step: (i: number) => [number, number],
): Promise<{ curve: Curve[]; steps: number; seconds: number }> {
  const curve: Curve[] = [];
  const tty = process.stdout.isTTY === true;
  const bar = tty
    ? new cliProgress.SingleBar({ format: `${label.padEnd(16)} |{bar}| {percentage}% | loss {loss} | ${metricName} {metric} | {sps} steps/s | step {step}`, hideCursor: true }, cliProgress.Presets.shades_classic)
    : undefined;
  bar?.start(100, 0, { loss: '-', metric: '-', sps: '-', step: 0 });
  const start = performance.now();
  let lastPrint = start;
  let i = 0;
  let tensorsAtStep2 = 0;
  let ema: { loss: number; metric: number } | undefined;
  while ((performance.now() - start) / 1000 < seconds) {
    const [loss, metric] = step(i);
    ema = ema ? { loss: 0.9 * ema.loss + 0.1 * loss, metric: 0.9 * ema.metric + 0.1 * metric } : { loss, metric };
    curve.push({ step: i, loss, metric });
    i++;
    if (i === 2) tensorsAtStep2 = tf.memory().numTensors;
    else if (i > 2 && i % 50 === 0 && tf.memory().numTensors !== tensorsAtStep2) {
      throw new Error(`${label}: tensor count grew from ${tensorsAtStep2} to ${tf.memory().numTensors}: a leak`);
    }
    const now = performance.now();
    const elapsed = (now - start) / 1000;
    const sps = (i / elapsed).toFixed(1);
    if (bar && i % 5 === 0) bar.update(Math.min(100, Math.round((100 * elapsed) / seconds)), { loss: ema.loss.toFixed(2), metric: ema.metric.toFixed(2), sps, step: i });
    if (!bar && now - lastPrint > 5000) {
      console.log(`${label}: ${elapsed.toFixed(0)}/${seconds.toFixed(0)} s  step ${i}  loss ${ema.loss.toFixed(2)}  ${metricName} ${ema.metric.toFixed(2)}  ${sps} steps/s`);
      lastPrint = now;
    }
    if (i % 20 === 0) await new Promise((r) => setImmediate(r)); // let the terminal redraw
  }
  if (bar) {
    bar.update(100);
    bar.stop();
  }
  return { curve, steps: i, seconds: (performance.now() - start) / 1000 };
}

/** Draws 28×28 images (probabilities in [0, 1]) into a grid. */
export function drawDigits(fig: Figure, x0: number, y0: number, images: Float32Array | number[], count: number, perRow: number, scale = 2, gap = 2): void {
  for (let k = 0; k < count; k++) {
    const ox = x0 + (k % perRow) * (28 * scale + gap);
    const oy = y0 + Math.floor(k / perRow) * (28 * scale + gap);
    for (let p = 0; p < 784; p++) {
      const v = 255 * (1 - images[k * 784 + p]!);
      fig.rect(ox + (p % 28) * scale, oy + Math.floor(p / 28) * scale, scale, scale, [v, v, v]);
    }
  }
}
