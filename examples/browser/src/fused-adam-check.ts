/**
 * The fused Adam of @genmod/backend against tf.train.adam on a GPU backend, run in the page by
 * test/fused-adam.test.ts (bundled on its own, so the demo page does not carry it): two copies of a small MLP
 * trained side by side, one with each optimizer, then the largest relative difference of the parameters and of
 * both moments; and the kernels (tf.profile) and GPU dispatches (WebGL draws, WebGPU compute dispatches) that one
 * optimizer step issues with each.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { fusedAdam } from '@genmod/backend';

/** What {@link runFusedAdamCheck} measures. */
export interface FusedAdamCheck {
  backend: string;
  steps: number;
  variables: number;
  /** max |ours − tfjs| / max(|tfjs|, 1e-3) over every parameter, after `steps` steps */
  maxRelParams: number;
  /** the same over both moments */
  maxRelMoments: number;
  /** the loss of each after training, and before */
  loss: { start: number; fused: number; tfjs: number };
  /** per optimizer step: kernels as tf.profile lists them, and GPU dispatches counted at the API */
  kernels: { fused: number; tfjs: number };
  dispatches: { fused: number; tfjs: number };
  /** tf.memory().numTensors grew by this much over 20 fused steps (0: flat) */
  tensorGrowth: number;
}

let dispatchCount = 0;
let counting = false;

/** Counts every draw (WebGL) and compute dispatch (WebGPU) the page issues, whoever issues it. */
function installCounters(): void {
  if (counting) return;
  counting = true;
  const gl2 = (globalThis as { WebGL2RenderingContext?: { prototype: { drawElements: (...a: unknown[]) => void; drawArrays: (...a: unknown[]) => void } } }).WebGL2RenderingContext;
  if (gl2) {
    for (const name of ['drawElements', 'drawArrays'] as const) {
      const original = gl2.prototype[name];
      gl2.prototype[name] = function (this: unknown, ...args: unknown[]) {
        dispatchCount++;
        return original.apply(this, args);
      };
    }
  }
  const pass = (globalThis as { GPUComputePassEncoder?: { prototype: { dispatchWorkgroups: (...a: unknown[]) => void } } }).GPUComputePassEncoder;
  if (pass) {
    const original = pass.prototype.dispatchWorkgroups;
    pass.prototype.dispatchWorkgroups = function (this: unknown, ...args: unknown[]) {
      dispatchCount++;
      return original.apply(this, args);
    };
  }
}

function mlp(prefix: string) {
  const shapes: Array<[string, number[]]> = [['w0', [2, 32]], ['b0', [32]], ['w1', [32, 32]], ['b1', [32]], ['w2', [32, 1]], ['b2', [1]]];
  const vars = shapes.map(([name, shape], i) => tf.tidy(() => tf.variable(tf.mul(tf.randomNormal(shape, 0, 1, 'float32', 1 + i), name.startsWith('w') ? 0.5 : 0.1), true, `${prefix}/${name}`)));
  const loss = (x: tf.Tensor, y: tf.Tensor) =>
    tf.tidy(() => {
      let h = tf.tanh(tf.add(tf.matMul(x, vars[0]!), vars[1]!));
      h = tf.tanh(tf.add(tf.matMul(h, vars[2]!), vars[3]!));
      return tf.mean(tf.square(tf.sub(tf.add(tf.matMul(h, vars[4]!), vars[5]!), y))) as tf.Scalar;
    });
  return { vars, loss };
}

async function maxRel(a: tf.Tensor[], b: tf.Tensor[]): Promise<number> {
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const [u, w] = [await a[i]!.data(), await b[i]!.data()];
    for (let j = 0; j < u.length; j++) worst = Math.max(worst, Math.abs(u[j]! - w[j]!) / Math.max(Math.abs(w[j]!), 1e-3));
  }
  return worst;
}

/**
 * Trains both copies `steps` steps on `backend` and measures (see {@link FusedAdamCheck}). With `gradients:
 * 'model'` each step differentiates the MLP's loss (forward and backward on the GPU: slow on software WebGPU);
 * with `'cycle'` both optimizers get the same gradients, a fixed cycle of 10 random sets of the MLP's shapes, so
 * the steps cost only the optimizers' own dispatches.
 */
export async function runFusedAdamCheck(backend: 'webgl' | 'webgpu' | 'cpu', steps = 1000, gradients: 'model' | 'cycle' = 'model'): Promise<FusedAdamCheck & { gradients: string }> {
  installCounters();
  if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} did not start`);
  await tf.ready();
  const x = tf.randomUniform([64, 2], -1, 1, 'float32', 7);
  const y = tf.tidy(() => tf.mul(tf.sin(tf.mul(tf.slice(x, [0, 0], [-1, 1]), 3)), tf.slice(x, [0, 1], [-1, 1])));
  const ours = mlp(`${backend}-fused`);
  const ref = mlp(`${backend}-tfjs`);
  const a = fusedAdam(0.01);
  const b = tf.train.adam(0.01);
  const start = (await ours.loss(x, y).data())[0]!;
  const cycle = Array.from({ length: gradients === 'cycle' ? 10 : 0 }, (_, k) => ours.vars.map((v, i) => tf.randomNormal(v.shape, 0, 0.1, 'float32', 100 * k + i)));
  for (let step = 0; step < steps; step++) {
    if (gradients === 'cycle') {
      const g = cycle[step % cycle.length]!;
      a.applyGradients(ours.vars.map((v, i) => ({ name: v.name, tensor: g[i]! })));
      b.applyGradients(ref.vars.map((v, i) => ({ name: v.name, tensor: g[i]! })));
    } else {
      a.minimize(() => ours.loss(x, y), false, ours.vars);
      b.minimize(() => ref.loss(x, y), false, ref.vars);
    }
    if (step % 50 === 49) await ours.vars[0]!.data(); // let the GPU queue drain now and then
  }
  tf.dispose(cycle);
  const [wa, wb] = [await a.getWeights(), await b.getWeights()];
  const maxRelParams = await maxRel(ours.vars, ref.vars);
  const maxRelMoments = await maxRel(wa.slice(1).map((w) => w.tensor), wb.slice(1).map((w) => w.tensor));
  tf.dispose([wa[0]!.tensor, wb[0]!.tensor]);
  const lossOf = async (net: typeof ours) => {
    const l = net.loss(x, y);
    const v = (await l.data())[0]!;
    l.dispose();
    return v;
  };
  const loss = { start, fused: await lossOf(ours), tfjs: await lossOf(ref) };

  // one optimizer step with precomputed gradients: kernels and dispatches
  const gradsOf = (net: typeof ours) => {
    const { value, grads } = tf.variableGrads(() => net.loss(x, y), net.vars);
    value.dispose();
    return Object.entries(grads).map(([name, tensor]) => ({ name, tensor }));
  };
  const [ga, gb] = [gradsOf(ours), gradsOf(ref)];
  await Promise.all([...ga, ...gb].map((g) => g.tensor.data())); // gradients computed before counting
  const count = async (fn: () => void) => {
    await tf.ready();
    const before = dispatchCount;
    fn();
    await ours.vars[0]!.data();
    await ref.vars[0]!.data();
    return dispatchCount - before;
  };
  const reads = await count(() => {}); // what the two readbacks dispatch themselves, if anything
  const dispatches = { fused: (await count(() => a.applyGradients(ga))) - reads, tfjs: (await count(() => b.applyGradients(gb))) - reads };
  const kernels = {
    fused: (await tf.profile(() => a.applyGradients(ga))).kernels.length,
    tfjs: (await tf.profile(() => b.applyGradients(gb))).kernels.length,
  };
  const before = tf.memory().numTensors;
  for (let i = 0; i < 20; i++) a.applyGradients(ga);
  const tensorGrowth = tf.memory().numTensors - before;

  tf.dispose([x, y, ...ours.vars, ...ref.vars, ...ga.map((g) => g.tensor), ...gb.map((g) => g.tensor)]);
  a.dispose();
  b.dispose();
  return { backend, steps, gradients, variables: ours.vars.length, maxRelParams, maxRelMoments, loss, kernels, dispatches, tensorGrowth };
}

(globalThis as { genmodFusedAdam?: unknown }).genmodFusedAdam = { runFusedAdamCheck };
