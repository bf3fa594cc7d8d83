// The digit demo's model in Node, on cpu and wasm: the class-conditional MNIST denoiser and the classifier that
// examples/diffusion-mnist trained and exported (public/models/mnist-cfg, float16 and uint8 weights) load through a
// tf.io handler, sample the digits reference.json recorded at export time (DPM-Solver++(2M) with classifier-free
// guidance, seeded), the classifier reads them as it did there and as the digits asked for, an abort stops the
// sampler cleanly, a mismatched file is refused, and nothing leaks.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { DENOISER_ARCHITECTURE } from '@genmod-examples/diffusion-mnist/models';
import { loadDigits, sampleDigitGrid } from '../src/demos/digits-model.js';
import { fileSystem } from '@genmod/backend/node';
import { PIXEL_ATOL, PIXEL_ATOL_SAME, maxPixelDiff, modelDir, reference } from './digits.js';

const initial = tf.getBackend();
afterAll(() => tf.setBackend(initial));

const denoiserFiles = fileSystem(modelDir);
const classifierFiles = fileSystem(join(modelDir, 'classifier'));

it('the shipped files are small: denoiser, classifier and reference.json under 2 MB in all', () => {
  const names = ['model.json', 'weights.bin', 'classifier/model.json', 'classifier/weights.bin', 'reference.json'];
  const bytes = names.reduce((s, f) => s + statSync(join(modelDir, f)).size, 0);
  expect(bytes).toBeLessThan(2_000_000);
});

it('reference.json records a model that draws the digits it is asked for (at least 16 of 20 read as asked)', () => {
  expect(reference.labels).toHaveLength(20);
  expect(reference.correct).toBe(reference.predicted.filter((p, i) => p === reference.labels[i]).length);
  expect(reference.correct).toBeGreaterThanOrEqual(16);
});

describe.each(['cpu', 'wasm'] as const)('on %s', (backend) => {
  it('loads the exported files and samples the reference digits: same pixels, same classifier reading, no leak', async () => {
    await tf.setBackend(backend);
    const before = tf.memory().numTensors;
    const model = await loadDigits(denoiserFiles, classifierFiles);
    expect(model.architecture).toEqual(DENOISER_ARCHITECTURE);
    expect(model.metadata).toMatchObject({ model: 'denoiser', quantization: 'float16', nullClass: 10 });
    const grid = await sampleDigitGrid(model, { labels: reference.labels, steps: reference.steps, guidance: reference.guidance, seed: reference.seed });
    expect(grid.evaluations).toBe(reference.steps);
    expect(grid.pixels).toHaveLength(reference.labels.length * 784);
    expect(grid.pixels.every((v) => v >= -1 && v <= 1)).toBe(true);
    const diff = maxPixelDiff(grid.pixels);
    expect(diff).toBeLessThanOrEqual(backend === reference.backend ? PIXEL_ATOL_SAME : PIXEL_ATOL);
    expect(grid.predicted).toEqual(reference.predicted);
    // another seed: other digits, still read as asked
    const other = await sampleDigitGrid(model, { labels: reference.labels, steps: reference.steps, guidance: reference.guidance, seed: reference.seed + 1 });
    expect(maxPixelDiff(other.pixels)).toBeGreaterThan(0.5);
    expect(other.predicted.filter((p, i) => p === reference.labels[i]).length).toBeGreaterThanOrEqual(14);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('guidance 0 is the unconditional model: the digits asked for are read far less often than at guidance 3', async () => {
    await tf.setBackend(backend);
    const model = await loadDigits(denoiserFiles, classifierFiles);
    const labels = Array.from({ length: 40 }, (_, i) => i % 10);
    const read = async (guidance: number) => {
      const g = await sampleDigitGrid(model, { labels, steps: 10, guidance, seed: 5 });
      return g.predicted.filter((p, i) => p === labels[i]).length;
    };
    const [unconditional, guided] = [await read(0), await read(3)];
    // unconditional digits match an arbitrary label about 1 time in 10 (≤ 12 of 40 is 3 standard errors above 4)
    expect(unconditional).toBeLessThanOrEqual(12);
    expect(guided).toBeGreaterThanOrEqual(32);
    model.dispose();
  });

  it('an abort stops the sampler mid-way: AbortError, nothing leaks', async () => {
    await tf.setBackend(backend);
    const model = await loadDigits(denoiserFiles, classifierFiles);
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    let steps = 0;
    await expect(
      sampleDigitGrid(model, {
        digit: 3, count: 4, steps: 50, guidance: 3, seed: 2, signal: controller.signal,
        onStep: (step) => {
          steps = step;
          if (step === 3) controller.abort();
        },
      }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(steps).toBe(3);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('refuses a file that is not this denoiser (the classifier\'s) and frees what it built', async () => {
    await tf.setBackend(backend);
    const before = tf.memory().numTensors;
    await expect(loadDigits(denoiserFiles, denoiserFiles)).rejects.toThrow(/nothing was loaded.*missing '0\/w'/);
    await expect(loadDigits(classifierFiles, classifierFiles)).rejects.toThrow(/architectureFromMetadata/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
