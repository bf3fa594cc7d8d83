// The example's networks: shapes, the null class and the time reach the output, the input skip passes x through
// (the reason the denoiser trains: without it a 784 → 352 → 784 MLP cannot return ε's full-rank part), a few
// training steps lower the losses, saveState / loadState round trips, the float16 export loads back within
// float16 rounding, and nothing leaks.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks, expectNoLeaksAsync, memoryHandler } from '@genmod-internal/testing';
import { diffusionLoss, dropCondition, finalSample, flowMatchingLoss, linearSchedule, loadState, saveState } from '@genmod/diffusion';
import { DENOISER_ARCHITECTURE, NULL_CLASS, VELOCITY_ARCHITECTURE, architectureFromMetadata, classConditionalNet, ema, mnistClassifier, sampleDigits, variablesState } from './models.js';

const small = { hidden: 32, blocks: 1, timeEmbedding: 16, timeScale: 1 };

describe('classConditionalNet', () => {
  it('maps [B, 784], t [B], class [B] to [B, 784]; starts at zero (zero-initialized output and skip)', () => {
    expectNoLeaks(() => {
      const net = classConditionalNet(small, 1);
      tf.tidy(() => {
        const out = net.apply(tf.randomNormal([3, 784], 0, 1, 'float32', 1), tf.tensor1d([0, 500, 999], 'int32'), tf.tensor1d([0, 5, NULL_CLASS], 'int32'));
        expect(out.shape).toEqual([3, 784]);
        expect(tf.max(tf.abs(out)).dataSync()[0]).toBe(0);
      });
      net.dispose();
    });
  });

  it('its output depends on the class (the null class included), on t and, through the skip, on x', () => {
    const net = classConditionalNet(small, 2);
    // give the zero-initialized output and skip some weight
    for (const name of ['out/w', 'skip/w', 'skip/b']) net.variables[name]!.assign(tf.randomNormal(net.variables[name]!.shape, 0, 0.1, 'float32', 3));
    const x = tf.randomNormal([2, 784], 0, 1, 'float32', 4);
    const f = (xx: tf.Tensor, t: number[], c: number[]) => net.apply(xx, tf.tensor1d(t, 'int32'), tf.tensor1d(c, 'int32'));
    const differ = (a: tf.Tensor, b: tf.Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!;
    expect(differ(f(x, [10, 10], [1, 1]), f(x, [10, 10], [NULL_CLASS, NULL_CLASS]))).toBeGreaterThan(1e-3);
    expect(differ(f(x, [10, 10], [1, 1]), f(x, [900, 900], [1, 1]))).toBeGreaterThan(1e-3);
    expect(differ(f(x, [10, 10], [1, 1]), f(tf.mul(x, 2), [10, 10], [1, 1]))).toBeGreaterThan(1e-3);
    net.dispose();
  });

  it('the shipped architectures: 0.87 M parameters (1.7 MB as float16); the velocity net differs only in its time scale', () => {
    const net = classConditionalNet(DENOISER_ARCHITECTURE, 1);
    const count = Object.values(net.variables).reduce((s, v) => s + v.size, 0);
    expect(count).toBe(867_729);
    expect({ ...VELOCITY_ARCHITECTURE, timeScale: 1 }).toEqual(DENOISER_ARCHITECTURE);
    net.dispose();
  });

  it('trains: 30 Adam steps of diffusionLoss (with condition dropout) and of flowMatchingLoss lower the loss on a fixed batch', () => {
    const x0 = tf.tidy(() => tf.sub(tf.mul(tf.cast(tf.greater(tf.randomUniform([16, 784], 0, 1, 'float32', 5), 0.8), 'float32'), 2), 1));
    const labels = tf.tensor1d(Array.from({ length: 16 }, (_, i) => i % 10), 'int32');
    const schedule = linearSchedule(1000);
    for (const kind of ['diffusion', 'flow'] as const) {
      const net = classConditionalNet({ ...small, hidden: 64, timeScale: kind === 'flow' ? 1000 : 1 }, 3);
      const opt = tf.train.adam(3e-3);
      const vars = Object.values(net.variables);
      const loss = (i: number) =>
        tf.tidy(() => {
          const c = dropCondition(labels, NULL_CLASS, 0.1, { seed: i });
          const model = (x: tf.Tensor, t: tf.Tensor) => net.apply(x, t, c);
          return kind === 'diffusion' ? diffusionLoss(model, x0, schedule, { seed: 100 + (i % 4) }) : flowMatchingLoss(model, x0, { seed: 100 + (i % 4) });
        });
      const before = tf.tidy(() => [0, 1, 2, 3].reduce((s, i) => s + loss(i).dataSync()[0]!, 0));
      for (let i = 0; i < 30; i++) tf.tidy(() => void opt.minimize(() => loss(i), false, vars));
      const after = tf.tidy(() => [0, 1, 2, 3].reduce((s, i) => s + loss(i).dataSync()[0]!, 0));
      expect(after, kind).toBeLessThan(0.8 * before);
      opt.dispose();
      net.dispose();
    }
    tf.dispose([x0, labels]);
  });
});

describe('ema', () => {
  it('warms up: d = min(decay, (1 + n)/(10 + n)) at update n, so the initial weights fade fast; then the plain decay', () => {
    const w = tf.variable(tf.scalar(0));
    const average = ema({ w }, 0.99);
    w.assign(tf.scalar(1));
    average.update(); // d = 1/10
    expect(average.shadow.w!.dataSync()[0]).toBeCloseTo(0.9, 6);
    average.update(); // d = 2/11
    expect(average.shadow.w!.dataSync()[0]).toBeCloseTo(1 - 0.1 * (2 / 11), 6);
    const late = ema({ w }, 0.99, 10_000); // resumed far in: the plain decay
    w.assign(tf.scalar(2));
    late.update();
    expect(late.shadow.w!.dataSync()[0]).toBeCloseTo(0.99 * 1 + 0.01 * 2, 6);
    average.dispose();
    late.dispose();
    w.dispose();
  });
});

describe('saving and loading', () => {
  it('saveState / loadState round trip: the same outputs; a mismatched architecture is refused before anything is assigned', async () => {
    await expectNoLeaksAsync(async () => {
      const a = classConditionalNet(small, 4);
      tf.tidy(() => a.variables['out/w']!.assign(tf.randomNormal([32, 784], 0, 0.1, 'float32', 5)));
      const handler = memoryHandler();
      await saveState(variablesState(a.variables), handler, { metadata: { architecture: small } });
      const b = classConditionalNet(architectureFromMetadata({ architecture: small }), 9);
      await loadState(variablesState(b.variables), handler);
      const x = tf.randomNormal([2, 784], 0, 1, 'float32', 6);
      const t = tf.tensor1d([3, 700], 'int32');
      const c = tf.tensor1d([2, NULL_CLASS], 'int32');
      const [ya, yb] = [a.apply(x, t, c), b.apply(x, t, c)];
      expect(Array.from(yb.dataSync())).toEqual(Array.from(ya.dataSync()));
      const wider = classConditionalNet({ ...small, hidden: 48 }, 1);
      const w0 = Array.from(wider.variables['in/w']!.dataSync());
      await expect(loadState(variablesState(wider.variables), handler)).rejects.toThrow(/nothing was loaded.*'in\/w': expected float32\[784, 48\], got float32\[784, 32\]/);
      expect(Array.from(wider.variables['in/w']!.dataSync())).toEqual(w0);
      tf.dispose([x, t, c, ya, yb]);
      [a, b, wider].forEach((n) => n.dispose());
    });
  });

  it('architectureFromMetadata refuses what is not an architecture', () => {
    expect(() => architectureFromMetadata({ architecture: { hidden: 8, blocks: 1, timeEmbedding: 4 } })).toThrow(/must be \{ hidden, blocks, timeEmbedding, timeScale \}/);
    expect(() => architectureFromMetadata(undefined)).toThrow(/got undefined/);
  });
});

describe('mnistClassifier and sampleDigits', () => {
  it('the classifier gives logits [B, 10] and 128-d features', () => {
    expectNoLeaks(() => {
      const clf = mnistClassifier(1);
      const x = tf.zeros([3, 784]);
      const [l, f] = [clf.logits(x), clf.features(x)];
      expect(l.shape).toEqual([3, 10]);
      expect(f.shape).toEqual([3, 128]);
      tf.dispose([x, l, f]);
      clf.dispose();
    });
  });

  it('sampleDigits: `steps` DPM-Solver++(2M) steps, samples in [−1, 1], seeded, frees its labels however it ends', async () => {
    const net = classConditionalNet(small, 5);
    net.variables['out/w']!.assign(tf.randomNormal([32, 784], 0, 0.05, 'float32', 7));
    await expectNoLeaksAsync(async () => {
      const options = { labels: [1, 7, 3], steps: 6, guidance: 2, seed: 3 };
      let steps = 0;
      const x = await finalSample((async function* () {
        for await (const s of sampleDigits(net, options)) {
          steps++;
          yield s;
        }
      })());
      expect(steps).toBe(6);
      expect(x.shape).toEqual([3, 784]);
      const v = x.dataSync();
      expect(v.every((p) => p >= -1 && p <= 1)).toBe(true);
      const again = await finalSample(sampleDigits(net, options));
      expect(Array.from(again.dataSync())).toEqual(Array.from(v));
      tf.dispose([x, again]);
      // stopped early: the labels are freed too
      const controller = new AbortController();
      controller.abort();
      await expect(finalSample(sampleDigits(net, { ...options, signal: controller.signal }))).rejects.toMatchObject({ name: 'AbortError' });
    });
    net.dispose();
  });
});
