import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks } from '@genmod-internal/testing';
import { nonSaturatingLoss, wassersteinLoss } from './gan-loss.js';
import { trainAdversarial, type SampleContext, type TrainAdversarialOptions } from './train-adversarial.js';

/** An MLP over tf.Variables with its variables attached (the convention of @genmod/flows). */
function mlp(sizes: number[], seed: number, act: (x: tf.Tensor) => tf.Tensor = tf.relu) {
  const vars = tf.tidy(() =>
    sizes.slice(1).flatMap((out, l) => {
      const b = 1 / Math.sqrt(sizes[l]!);
      return [tf.variable(tf.randomUniform([sizes[l]!, out], -b, b, 'float32', seed + 2 * l)), tf.variable(tf.zeros([out]))];
    }),
  );
  const f = (x: tf.Tensor) =>
    tf.tidy(() => {
      let h = x;
      for (let l = 0; l < sizes.length - 1; l++) {
        h = tf.add(tf.matMul(h, vars[2 * l]!), vars[2 * l + 1]!);
        if (l < sizes.length - 2) h = act(h);
      }
      return h;
    });
  return Object.assign(f, { trainableVariables: vars as tf.Variable[] });
}

const values = (vs: tf.Variable[]) => vs.map((v) => Array.from(v.dataSync()));

/** A small 2-D setup: real data N((1, −1), 0.1²I), noise N(0, I), batch 16. */
function setup(seed = 1, batch = 16, hidden: number[] = [8]) {
  const generator = mlp([2, ...hidden, 2], seed);
  const discriminator = mlp([2, ...hidden, 1], seed + 10);
  const generatorOptimizer = tf.train.adam(1e-3);
  const discriminatorOptimizer = tf.train.adam(1e-3);
  const calls: SampleContext[] = [];
  const options: TrainAdversarialOptions = {
    generator,
    discriminator,
    generatorOptimizer,
    discriminatorOptimizer,
    loss: nonSaturatingLoss,
    steps: 5,
    sampleReal: (c) => {
      calls.push(c);
      return tf.add(tf.mul(tf.randomNormal([batch, 2], 0, 1, 'float32', c.seed), 0.1), tf.tensor1d([1, -1]));
    },
    sampleNoise: (c) => {
      calls.push(c);
      return tf.randomNormal([batch, 2], 0, 1, 'float32', c.seed);
    },
  };
  const dispose = () => {
    tf.dispose([...generator.trainableVariables, ...discriminator.trainableVariables]);
    generatorOptimizer.dispose();
    discriminatorOptimizer.dispose();
  };
  return { generator, discriminator, options, calls, dispose };
}

describe('trainAdversarial', () => {
  it('learns the location of a 1-D Gaussian: G(z) = a·z + b, data N(3, 0.5²)', async () => {
    // The discriminator's logit w₀u + w₁u² + c (u = x − 3) can represent log p_data/p_g between Gaussians, so
    // the equilibrium is p_g = p_data. The location converges (b → 3); the scale keeps oscillating around the
    // equilibrium, as simultaneous-gradient GAN dynamics do, so only b and the losses are asserted.
    let bMean = 0;
    for (const seed of [1, 2, 3]) {
      const a = tf.variable(tf.ones([1, 1]));
      const b = tf.variable(tf.zeros([1]));
      const w = tf.variable(tf.zeros([2, 1]));
      const c = tf.variable(tf.zeros([1]));
      const optG = tf.train.adam(0.05, 0.5);
      const optD = tf.train.adam(0.05, 0.5);
      const { history } = await trainAdversarial({
        generator: (z) => tf.add(tf.matMul(z, a), b),
        generatorVariables: [a, b],
        discriminator: (x) => {
          const u = tf.sub(x, 3);
          return tf.add(tf.matMul(tf.concat([u, tf.square(u)], 1), w), c);
        },
        discriminatorVariables: [w, c],
        generatorOptimizer: optG,
        discriminatorOptimizer: optD,
        loss: nonSaturatingLoss,
        steps: 200,
        seed,
        sampleReal: ({ seed: s }) => tf.randomNormal([256, 1], 3, 0.5, 'float32', s),
        sampleNoise: ({ seed: s }) => tf.randomNormal([256, 1], 0, 1, 'float32', s),
      });
      expect(history).toHaveLength(200);
      // at the start D tells them apart easily; near the equilibrium D ≈ ½: the losses approach 2 log 2 and log 2
      const tail = history.slice(-50);
      const dTail = tail.reduce((s, r) => s + r.discriminatorLoss, 0) / tail.length;
      const gTail = tail.reduce((s, r) => s + r.generatorLoss, 0) / tail.length;
      expect(Math.abs(dTail - 2 * Math.LN2)).toBeLessThan(0.06);
      expect(Math.abs(gTail - Math.LN2)).toBeLessThan(0.06);
      bMean += b.dataSync()[0]! / 3;
      tf.dispose([a, b, w, c]);
      optG.dispose();
      optD.dispose();
    }
    expect(Math.abs(bMean - 3)).toBeLessThan(0.15);
  });

  it('runs k critic updates per generator update: 5 for the Wasserstein loss, 1 otherwise, with a fresh seed per call', async () => {
    for (const [loss, criticSteps, k] of [[wassersteinLoss, undefined, 5], [nonSaturatingLoss, undefined, 1], [nonSaturatingLoss, 3, 3]] as const) {
      const s = setup();
      const { history, steps, aborted } = await trainAdversarial({ ...s.options, loss, ...(criticSteps ? { criticSteps } : {}), steps: 4 });
      expect(steps).toBe(4);
      expect(aborted).toBe(false);
      expect(history.map((r) => r.step)).toEqual([0, 1, 2, 3]);
      const critic = s.calls.filter((c) => c.phase === 'discriminator');
      const gen = s.calls.filter((c) => c.phase === 'generator');
      expect(critic).toHaveLength(4 * k * 2); // one real batch and one noise batch per critic update
      expect(gen).toHaveLength(4);
      expect(new Set(critic.map((c) => c.criticIteration))).toEqual(new Set(Array.from({ length: k }, (_, i) => i)));
      // every call has its own seed, never 0
      expect(new Set(s.calls.map((c) => c.seed)).size).toBe(s.calls.length);
      expect(s.calls.every((c) => Number.isInteger(c.seed) && c.seed > 0)).toBe(true);
      for (const r of history) {
        expect(Number.isFinite(r.discriminatorLoss)).toBe(true);
        expect(Number.isFinite(r.generatorLoss)).toBe(true);
        expect(r.penalty).toBeUndefined();
      }
      s.dispose();
    }
  });

  it('is reproducible from its seed, and initialStep resumes with fresh seeds', async () => {
    const run = async (seed: number, steps: number, initialStep = 0) => {
      const s = setup(4);
      const r = await trainAdversarial({ ...s.options, seed, steps, initialStep });
      const out = { history: r.history, g: values(s.generator.trainableVariables), seeds: s.calls.map((c) => c.seed) };
      s.dispose();
      return out;
    };
    const a = await run(7, 6);
    const b = await run(7, 6);
    const c = await run(8, 6);
    expect(b.history).toEqual(a.history);
    expect(b.g).toEqual(a.g);
    expect(c.history).not.toEqual(a.history);
    const resumed = await run(7, 3, 3);
    expect(resumed.history.map((r) => r.step)).toEqual([3, 4, 5]);
    expect(resumed.seeds).toEqual(a.seeds.slice(a.seeds.length / 2));
    expect(a.seeds.every((seed: number) => Number.isInteger(seed) && seed > 0)).toBe(true);
  });

  it('keeps the tensor count flat over 2,000 steps', async () => {
    const s = setup(5, 8, []); // linear networks: the cheapest steps
    const start = tf.memory().numTensors;
    const counts: number[] = [];
    const r = await trainAdversarial({
      ...s.options,
      steps: 2000,
      yieldEvery: 50,
      onStep: (rec) => {
        if (rec.step === 1 || rec.step % 500 === 499) counts.push(tf.memory().numTensors);
      },
    });
    expect(r.steps).toBe(2000);
    expect(counts).toHaveLength(5);
    expect(new Set(counts).size).toBe(1);
    // what was added is the optimizers' Adam slots (2 per variable, 8 variables)
    expect(tf.memory().numTensors - start).toBe(2 * 4);
    s.dispose();
  });

  it('trains tfjs LayersModels (tf.sequential) through their trainable weights', async () => {
    const generator = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [2], units: 8, activation: 'relu' }), tfl.layers.dense({ units: 2 })] });
    const discriminator = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [2], units: 8, activation: 'relu' }), tfl.layers.dense({ units: 1 })] });
    const gBefore = generator.getWeights().map((w) => Array.from(w.dataSync()));
    const dBefore = discriminator.getWeights().map((w) => Array.from(w.dataSync()));
    const s = setup();
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    const { history } = await trainAdversarial({
      ...s.options,
      generator,
      discriminator,
      loss: wassersteinLoss,
      criticSteps: 2,
      steps: 30,
      constrainDiscriminator: (vs) => {
        expect(vs).toHaveLength(4);
        for (const v of vs) v.assign(tf.tidy(() => tf.clipByValue(v, -0.05, 0.05)));
      },
      onStep: () => void counts.push(tf.memory().numTensors),
    });
    expect(history).toHaveLength(30);
    expect(new Set(counts.slice(1)).size).toBe(1);
    const gAfter = generator.getWeights().map((w) => Array.from(w.dataSync()));
    const dAfter = discriminator.getWeights().map((w) => Array.from(w.dataSync()));
    expect(gAfter).not.toEqual(gBefore);
    expect(dAfter).not.toEqual(dBefore);
    // the clipping hook ran after the critic's updates
    for (const w of dAfter) for (const v of w) expect(Math.abs(v)).toBeLessThanOrEqual(0.05 + 1e-7);
    // the optimizers' slots (Adam: 2 per variable) are all that was added
    expect(tf.memory().numTensors - before).toBe(2 * 4 * 2);
    s.dispose();
    generator.dispose();
    discriminator.dispose();
  });

  it('adds the penalty hook to the critic loss and reports it', async () => {
    const s = setup();
    const seen: number[] = [];
    const { history } = await trainAdversarial({
      ...s.options,
      criticSteps: 2,
      steps: 3,
      // a penalty of 0.5·mean D(real)²: non-zero, differentiable in D's variables
      penalty: ({ discriminator, real, seed, step }) => {
        seen.push(seed, step);
        return tf.mul(0.5, tf.mean(tf.square(discriminator(real)))) as tf.Scalar;
      },
    });
    expect(seen).toHaveLength(2 * 2 * 3);
    for (const r of history) {
      expect(r.penalty).toBeGreaterThan(0);
      expect(r.discriminatorLoss).toBeGreaterThan(r.penalty!);
    }
    s.dispose();
  });

  it('is cancellable: an AbortSignal or onStep returning false stops it between steps', async () => {
    const s = setup();
    const controller = new AbortController();
    const r = await trainAdversarial({ ...s.options, steps: 100, signal: controller.signal, onStep: (rec) => void (rec.step === 2 && controller.abort()) });
    expect(r).toMatchObject({ steps: 3, aborted: true });
    expect(r.history).toHaveLength(3);
    const pre = await trainAdversarial({ ...s.options, steps: 100, signal: controller.signal });
    expect(pre).toEqual({ history: [], steps: 0, aborted: true });
    const stop = await trainAdversarial({ ...s.options, steps: 100, onStep: async (rec) => rec.step < 4 });
    expect(stop).toMatchObject({ steps: 5, aborted: true });
    s.dispose();
  });

  it('yields to the event loop between steps', async () => {
    const s = setup();
    let stepsDone = 0;
    let stepsWhenTimerRan = -1;
    setTimeout(() => (stepsWhenTimerRan = stepsDone), 0);
    // a timer needs a macrotask turn: it runs while training, not after
    await trainAdversarial({ ...s.options, steps: 100, onStep: () => void stepsDone++ });
    expect(stepsWhenTimerRan).toBeGreaterThanOrEqual(0);
    expect(stepsWhenTimerRan).toBeLessThan(100);
    s.dispose();
  });

  it('refuses bad arguments before anything runs, with nothing left behind', async () => {
    const s = setup();
    const before = values([...s.generator.trainableVariables, ...s.discriminator.trainableVariables]);
    const rejects = async (o: Partial<TrainAdversarialOptions> | null, pattern: RegExp) => {
      const n = tf.memory().numTensors;
      await expect(trainAdversarial(o === null ? (null as never) : { ...s.options, ...o })).rejects.toThrow(pattern);
      expect(tf.memory().numTensors).toBe(n);
    };
    await rejects(null, /trainAdversarial: options must be an object, got null/);
    await rejects({ criticSteps: 0 }, /trainAdversarial: options.criticSteps must be an integer ≥ 1, got 0/);
    await rejects({ criticSteps: 1.5 }, /options.criticSteps must be an integer ≥ 1, got 1.5/);
    await rejects({ steps: -1 }, /options.steps must be an integer ≥ 0, got -1/);
    await rejects({ generator: (z: tf.Tensor) => z }, /options.generatorVariables must be the tf.Variables of options.generator \(a plain function needs them/);
    await rejects({ discriminatorVariables: [] }, /options.discriminatorVariables must be a non-empty array/);
    await rejects({ discriminatorVariables: [tf.zeros([1]) as never] }, /options.discriminatorVariables\[0\] must be a tf.Variable/);
    await rejects({ discriminator: s.generator }, /the generator and discriminator variables must be disjoint/);
    await rejects({ discriminatorOptimizer: s.options.generatorOptimizer }, /options.discriminatorOptimizer must be a different optimizer/);
    await rejects({ generatorOptimizer: {} as never }, /options.generatorOptimizer must be a tf.Optimizer/);
    await rejects({ loss: { name: 'x' } as never }, /options.loss must be a GanLoss/);
    await rejects({ sampleNoise: undefined as never }, /options.sampleNoise must be a function/);
    await rejects({ generator: 3 as never }, /options.generator must be a function \(x: Tensor\) => Tensor or a LayersModel/);
    const unbuilt = tfl.sequential();
    await rejects({ discriminator: unbuilt }, /options.discriminatorVariables must be a non-empty array .*give its first layer an inputShape/);
    // shapes are checked on the first critic update, before any variable moves
    await rejects({ sampleNoise: () => tf.randomNormal([4, 2]) }, /sampleNoise and sampleReal must give batches of the same size, got a float32 tensor of shape \[4, 2\] and a float32 tensor of shape \[16, 2\]/);
    const wide = mlp([2, 3], 9);
    await rejects({ generator: wide }, /the fake batch must have the real batch's shape \[16, 2\], got a float32 tensor of shape \[16, 3\]/);
    await rejects({ sampleReal: () => tf.zeros([16, 2], 'int32') }, /the tensor from options.sampleReal must be a float32 tensor of shape \[B, ...\]/);
    expect(values([...s.generator.trainableVariables, ...s.discriminator.trainableVariables])).toEqual(before);
    tf.dispose(wide.trainableVariables);
    unbuilt.dispose();
    s.dispose();
  });

  it('propagates an error thrown by a callback, leaving no tensor of the step behind', async () => {
    const s = setup();
    await trainAdversarial({ ...s.options, steps: 1 }); // optimizer slots exist from here on
    const n = tf.memory().numTensors;
    await expect(trainAdversarial({ ...s.options, steps: 3, penalty: () => { throw new Error('boom'); } })).rejects.toThrow('boom');
    await expect(trainAdversarial({ ...s.options, steps: 3, onStep: () => { throw new Error('bang'); } })).rejects.toThrow('bang');
    expect(tf.memory().numTensors).toBe(n);
    expectNoLeaks(() => undefined);
    s.dispose();
  });
});
