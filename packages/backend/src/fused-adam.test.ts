import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks, expectNoLeaksAsync, expectThrowsClean } from '@genmod-internal/testing';
import { fusedAdam, fusedAdamW, FusedAdamOptimizer, FusedAdamWOptimizer } from './index.js';
import { adamOps } from './kernels/adam-support.js';
import { ADAM_KERNEL, type AdamAttrs } from './kernels/adam-common.js';
import { simdAdam } from './kernels/adam-wasm.js';

/** A small MLP (2 → 16 → 16 → 1, tanh) as named variables, built from a fixed seed; `prefix` keeps names apart. */
function mlp(prefix: string, seed = 1) {
  const shapes: Record<string, number[]> = { w0: [2, 16], b0: [16], w1: [16, 16], b1: [16], w2: [16, 1], b2: [1] };
  const vars: Record<string, tf.Variable> = {};
  let s = seed;
  for (const [name, shape] of Object.entries(shapes)) {
    const scale = name.startsWith('w') ? 0.5 : 0.1;
    vars[name] = tf.tidy(() => tf.variable(tf.mul(tf.randomNormal(shape, 0, 1, 'float32', s++), scale), true, `${prefix}/${name}`));
  }
  const loss = (x: tf.Tensor, y: tf.Tensor) => tf.tidy(() => {
    let h = tf.tanh(tf.add(tf.matMul(x, vars.w0!), vars.b0!));
    h = tf.tanh(tf.add(tf.matMul(h, vars.w1!), vars.b1!));
    const out = tf.add(tf.matMul(h, vars.w2!), vars.b2!);
    return tf.mean(tf.square(tf.sub(out, y))) as tf.Scalar;
  });
  return { vars, loss, list: Object.values(vars), dispose: () => tf.dispose(Object.values(vars)) };
}

/** Data for the regression y = sin(3·x₀)·x₁ on a fixed grid (batch 64). */
function data() {
  const x = tf.randomUniform([64, 2], -1, 1, 'float32', 7);
  const y = tf.tidy(() => tf.reshape(tf.mul(tf.sin(tf.mul(tf.slice(x, [0, 0], [-1, 1]), 3)), tf.slice(x, [0, 1], [-1, 1])), [64, 1]));
  return { x, y };
}

/** max |a − b| / max(|b|, floor) over every element of the paired tensors. */
function maxRelDiff(a: tf.Tensor[], b: tf.Tensor[], floor = 1e-6): number {
  let worst = 0;
  a.forEach((t, i) => {
    const u = t.dataSync();
    const w = b[i]!.dataSync();
    for (let j = 0; j < u.length; j++) worst = Math.max(worst, Math.abs(u[j]! - w[j]!) / Math.max(Math.abs(w[j]!), floor));
  });
  return worst;
}

// tf.profile's kernelNames is a set of names: count the kernels themselves
const kernelNames = async (fn: () => void) => (await tf.profile(fn)).kernels.map((k) => k.name);

describe('fusedAdam', () => {
  it('equals tf.train.adam to float32 rounding over 1,000 steps (parameters and both moments)', async () => {
    const ours = mlp('ours');
    const ref = mlp('ref');
    const { x, y } = data();
    const a = fusedAdam(0.01);
    const b = tf.train.adam(0.01);
    for (let step = 0; step < 1000; step++) {
      a.minimize(() => ours.loss(x, y), false, ours.list);
      b.minimize(() => ref.loss(x, y), false, ref.list);
    }
    const [wa, wb] = [await a.getWeights(), await b.getWeights()];
    expect(wa.map((w) => w.name.replace('ours/', ''))).toEqual(wb.map((w) => w.name.replace('ref/', '')));
    const diffParams = maxRelDiff(ours.list, ref.list);
    const diffMoments = maxRelDiff(wa.slice(1).map((w) => w.tensor), wb.slice(1).map((w) => w.tensor));
    // the cpu and wasm kernels round every operation as tfjs's ops do, in the same order: equal bit for bit
    expect(diffParams).toBe(0);
    expect(diffMoments).toBe(0);
    console.log(`[fused-adam] ${tf.getBackend()}: max relative difference after 1,000 steps: params ${diffParams}, moments ${diffMoments}`);
    // and it trained: the loss fell
    const loss = ours.loss(x, y);
    expect(loss.dataSync()[0]).toBeLessThan(0.05);
    tf.dispose([loss, x, y, wa[0]!.tensor, wb[0]!.tensor]);
    a.dispose();
    b.dispose();
    ours.dispose();
    ref.dispose();
  });

  it('runs one kernel per variable (tf.train.adam: ~14), leaks nothing and keeps the tensor count flat', async () => {
    const start = tf.memory().numTensors;
    const net = mlp('count');
    const { x, y } = data();
    const { value, grads: gradMap } = tf.variableGrads(() => net.loss(x, y), net.list);
    value.dispose();
    const grads = Object.entries(gradMap).map(([name, tensor]) => ({ name, tensor })); // as both optimizers take them
    const ours = fusedAdam(1e-3);
    const theirs = tf.train.adam(1e-3);
    ours.applyGradients(grads); // first step makes the moments
    theirs.applyGradients(grads);
    const before = tf.memory().numTensors;
    const fused = await kernelNames(() => ours.applyGradients(grads));
    const tfjs = await kernelNames(() => theirs.applyGradients(grads));
    expect(fused).toEqual(net.list.map(() => 'GenmodAdamUpdate'));
    expect(tfjs.length).toBeGreaterThanOrEqual(12 * net.list.length);
    console.log(`[fused-adam] ${tf.getBackend()}: kernels per step for ${net.list.length} variables: fused ${fused.length}, tf.train.adam ${tfjs.length}`);
    for (let step = 0; step < 5; step++) expectNoLeaks(() => ours.applyGradients(grads), 'applyGradients');
    expect(tf.memory().numTensors).toBe(before);
    expectNoLeaks(() => ours.minimize(() => net.loss(x, y), false, net.list), 'minimize');
    tf.dispose([x, y, ...Object.values(gradMap)]);
    ours.dispose();
    theirs.dispose();
    net.dispose();
    expect(tf.memory().numTensors).toBe(start); // dispose released both optimizers' moments
  });

  it('uses the trainable variables when minimize gets no list, and skips a variable with a null gradient', () => {
    const w = tf.variable(tf.tensor1d([1, -2]), true, 'fa-default-w');
    const u = tf.variable(tf.tensor1d([5]), true, 'fa-default-u');
    const opt = fusedAdam(0.1);
    opt.applyGradients({ 'fa-default-w': tf.tensor1d([2, -4]), 'fa-default-u': null as unknown as tf.Tensor });
    // first step: m̂ = g, v̂ = g² (up to the float32 rounding of 1 − β₂), so p moves by −η·sign(g)
    const [w0, w1] = w.dataSync();
    expect(w0).toBeCloseTo(0.9, 5);
    expect(w1).toBeCloseTo(-1.9, 5);
    expect(Array.from(u.dataSync())).toEqual([5]);
    opt.dispose();
    tf.dispose([w, u]);
  });

  it('saves and restores through getWeights / setWeights, with tf.train.adam in either direction', async () => {
    const { x, y } = data();
    // 20 steps with `first`, its state loaded into `second` (or none: `first` goes on), 20 more steps
    const run = async (first: tf.Optimizer, second: tf.Optimizer | undefined, prefix: string) => {
      const net = mlp(prefix);
      for (let i = 0; i < 20; i++) first.minimize(() => net.loss(x, y), false, net.list);
      const saved = await first.getWeights();
      if (second !== undefined) await second.setWeights(saved);
      for (let i = 0; i < 20; i++) (second ?? first).minimize(() => net.loss(x, y), false, net.list);
      const values = net.list.map((v) => tf.clone(v));
      saved.forEach((w) => w.name === 'iter' && w.tensor.dispose());
      first.dispose();
      second?.dispose();
      net.dispose();
      return values;
    };
    // tfjs's setWeights rebuilds β₁ᵗ, β₂ᵗ with pow (which can differ from the running product in the last bit);
    // ours rebuilds the running product, so a restored fused optimizer continues as if never interrupted
    const uninterrupted = await run(tf.train.adam(0.01), undefined, 'sw-0');
    const straight = await run(tf.train.adam(0.01), tf.train.adam(0.01), 'sw-a');
    const viaFused = await run(tf.train.adam(0.01), fusedAdam(0.01), 'sw-b');
    const fromFused = await run(fusedAdam(0.01), tf.train.adam(0.01), 'sw-c');
    expect(maxRelDiff(viaFused, uninterrupted)).toBeLessThanOrEqual(1e-5);
    expect(maxRelDiff(fromFused, straight)).toBeLessThanOrEqual(1e-5);
    tf.dispose([x, y, ...uninterrupted, ...straight, ...viaFused, ...fromFused]);
  });

  it('trains a tfjs-layers model and travels with model.save({ includeOptimizer }) and tf.loadLayersModel', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [2] }), tf.layers.dense({ units: 1 })] });
    model.compile({ optimizer: fusedAdam(0.01), loss: 'meanSquaredError' });
    const x = tf.randomNormal([16, 2], 0, 1, 'float32', 1);
    const y = tf.randomNormal([16, 1], 0, 1, 'float32', 2);
    await model.fit(x, y, { epochs: 3, verbose: 0 });
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (artifacts) => ((saved = artifacts), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })), { includeOptimizer: true });
    expect((saved!.trainingConfig!.optimizer_config as { class_name: string }).class_name).toBe('GenmodFusedAdam');
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
    const [before, after] = [await (model.optimizer as tf.Optimizer).getWeights(), await (loaded.optimizer as tf.Optimizer).getWeights()];
    expect(loaded.optimizer).toBeInstanceOf(FusedAdamOptimizer);
    expect(after.map((w) => w.name)).toEqual(before.map((w) => w.name)); // iter, …/m, …/v
    expect(maxRelDiff(after.map((w) => w.tensor), before.map((w) => w.tensor))).toBe(0);
    // both go on identically
    // (no shuffling: fit shuffles with Math.random, and a batch's rows in another order sum in another order)
    await model.fit(x, y, { epochs: 1, verbose: 0, shuffle: false });
    await loaded.fit(x, y, { epochs: 1, verbose: 0, shuffle: false });
    expect(maxRelDiff(loaded.getWeights(), model.getWeights())).toBe(0);
    tf.dispose([x, y, before[0]!.tensor, after[0]!.tensor]);
    model.optimizer.dispose();
    loaded.optimizer.dispose();
    model.dispose();
    loaded.dispose();
  });

  it('round-trips getConfig / fromConfig through tf.serialization under its own class names', () => {
    const a = fusedAdam(0.02, 0.8, 0.99, 1e-6);
    const w = fusedAdamW(0.03, { weightDecay: 0.2 });
    const map = tf.serialization.SerializationMap.getMap().classNameMap;
    expect(a.getClassName()).toBe('GenmodFusedAdam');
    expect(w.getClassName()).toBe('GenmodFusedAdamW');
    const [clsA, fromA] = map['GenmodFusedAdam']!;
    const [clsW, fromW] = map['GenmodFusedAdamW']!;
    const a2 = fromA(clsA, a.getConfig()) as FusedAdamOptimizer;
    const w2 = fromW(clsW, w.getConfig()) as FusedAdamWOptimizer;
    expect(a2).toBeInstanceOf(FusedAdamOptimizer);
    expect(w2).toBeInstanceOf(FusedAdamWOptimizer);
    expect(a2.getConfig()).toEqual({ learningRate: 0.02, beta1: 0.8, beta2: 0.99, epsilon: 1e-6 });
    expect(w2.getConfig()).toEqual({ learningRate: 0.03, beta1: 0.9, beta2: 0.999, epsilon: tf.backend().epsilon(), weightDecay: 0.2 });
    [a, w, a2, w2].forEach((o) => o.dispose());
  });

  it('rejects bad hyperparameters and gradients before allocating anything', () => {
    expect(() => fusedAdam(0)).toThrow('fusedAdam: learningRate must be a finite number > 0, got 0');
    expect(() => fusedAdam(0.1, 1)).toThrow('fusedAdam: beta1 must be a finite number ≥ 0 and < 1, got 1');
    expect(() => fusedAdam(0.1, 0.9, -0.1)).toThrow('fusedAdam: beta2 must be a finite number ≥ 0 and < 1, got -0.1');
    expect(() => fusedAdam(0.1, 0.9, 0.999, 0)).toThrow('fusedAdam: epsilon must be a finite number > 0, got 0');
    expect(() => fusedAdamW(0.1, { weightDecay: -1 })).toThrow('fusedAdamW: weightDecay must be a finite number ≥ 0 with learningRate·weightDecay < 1, got -1');
    expect(() => fusedAdamW(0.1, { wd: 0.1 } as never)).toThrow("fusedAdamW: unknown option 'wd' (valid: 'beta1', 'beta2', 'epsilon', 'weightDecay')");
    const w = tf.variable(tf.zeros([2, 3]), true, 'fa-bad-w');
    const opt = fusedAdam(0.1);
    const g = tf.zeros([3, 2]);
    expectThrowsClean(() => opt.applyGradients({ 'fa-bad-w': g }), /fusedAdam: the gradient of 'fa-bad-w' must be float32 \[2, 3\], got float32 \[3, 2\]/);
    expectThrowsClean(() => opt.applyGradients({ 'fa-missing': g }), /fusedAdam: variableGradients must be gradients of registered variables, got 'fa-missing' \(no such variable\)/);
    opt.dispose();
    tf.dispose([w, g]);
  });
});

describe('the GenmodAdamUpdate kernel', () => {
  it('equals the op-by-op fallback (used where a backend has no kernel) bit for bit, any rank, with and without decay', () => {
    fusedAdam(0.1).applyGradients([]); // registers the kernel for the active backend
    const f = Math.fround;
    // sizes 1, 7, 15, 120, 1001 (on wasm: the SIMD loop's four lanes and its one-at-a-time tail); the last
    // with gradients from 1e-30 to 1e30 (g² underflows to subnormals and zero, and overflows)
    const cases: Array<[number[], number, number]> = [[[], 1, 1], [[7], 1, 1], [[3, 5], f(1 - 0.01 * 0.3), 1], [[2, 3, 4, 5], 1, 1], [[1001], f(1 - 0.01 * 0.3), 0]];
    for (const [shape, decay, plain] of cases) {
      const [p, m, v, g0] = [1, 2, 3, 4].map((s) => tf.randomNormal(shape, 0, 1, 'float32', s));
      const g = plain ? g0 : tf.tidy(() => tf.mul(g0!, tf.pow(10, tf.round(tf.randomUniform(shape, -30, 30, 'float32', 5)))));
      if (!plain) g0!.dispose();
      const attrs: AdamAttrs = { beta1: f(0.9), beta2: f(0.999), oneMinusBeta1: f(0.1), oneMinusBeta2: f(0.001), c1: f(0.271), c2: f(0.003), epsilon: f(1e-7), negLr: f(-0.01), decay };
      const vSquared = tf.square(v!); // a second moment is ≥ 0
      const fused = expectNoLeaks(() => tf.engine().runKernel(ADAM_KERNEL, { param: p!, m: m!, v: vSquared, g: g! }, attrs) as tf.Tensor[], 'runKernel');
      const ops = tf.tidy(() => adamOps(p!, m!, vSquared, g!, attrs));
      fused.forEach((t, i) => {
        expect(t.shape).toEqual(shape);
        expect(Array.from(t.dataSync())).toEqual(Array.from(ops[i]!.dataSync()));
      });
      tf.dispose([p!, m!, v!, g!, vSquared, ...fused, ...ops]);
    }
    // on wasm, that was the SIMD module (adam-simd.wat), not the JavaScript loop
    const wasm = (tf.backend() as { wasm?: { asm?: { memory?: WebAssembly.Memory } } }).wasm;
    if (tf.getBackend() === 'wasm') expect(simdAdam(wasm?.asm?.memory)).toBeTypeOf('function');
  });
});

describe('fusedAdamW', () => {
  it('equals torch-style AdamW built from tf.train.adam: p·(1 − η·λ), then the Adam step (300 steps)', async () => {
    const ours = mlp('w-ours', 3);
    const ref = mlp('w-ref', 3);
    const { x, y } = data();
    const [lr, wd] = [0.01, 0.1];
    const a = fusedAdamW(lr, { weightDecay: wd });
    const b = tf.train.adam(lr);
    const decay = tf.scalar(1 - lr * wd);
    for (let step = 0; step < 300; step++) {
      a.minimize(() => ours.loss(x, y), false, ours.list);
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => ref.loss(x, y), ref.list);
        for (const v of ref.list) v.assign(tf.mul(v, decay)); // decoupled decay, before the step (torch.optim.AdamW)
        b.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
      });
    }
    const diff = maxRelDiff(ours.list, ref.list);
    expect(diff).toBeLessThanOrEqual(1e-5);
    // the decay acts: the weights are smaller than plain Adam's after the same steps
    const plain = mlp('w-plain', 3);
    const c = fusedAdam(lr);
    for (let step = 0; step < 300; step++) c.minimize(() => plain.loss(x, y), false, plain.list);
    const norm = (vs: tf.Variable[]) => vs.reduce((s, v) => s + tf.tidy(() => tf.sum(tf.square(v)).dataSync()[0]!), 0);
    expect(norm(ours.list)).toBeLessThan(norm(plain.list));
    [a, b, c].forEach((o) => o.dispose());
    tf.dispose([x, y, decay]);
    [ours, ref, plain].forEach((n) => n.dispose());
  });

  it('leaks nothing', async () => {
    const w = tf.variable(tf.ones([4, 4]), true, 'faw-leak');
    const opt = fusedAdamW(1e-3);
    opt.minimize(() => tf.sum(tf.square(w)) as tf.Scalar);
    expectNoLeaks(() => opt.minimize(() => tf.sum(tf.square(w)) as tf.Scalar), 'minimize');
    // getWeights makes one new tensor, the iteration count; the moments are the live variables
    const weights = await opt.getWeights();
    const iter = await expectNoLeaksAsync(() => opt.getWeights().then((ws) => ws[0]!.tensor), 'getWeights');
    expect(weights.map((x) => x.name)).toEqual(['iter', 'faw-leak/m', 'faw-leak/v']);
    expect(iter.dataSync()[0]).toBe(2);
    tf.dispose([iter, weights[0]!.tensor]);
    opt.dispose();
    w.dispose();
  });
});
