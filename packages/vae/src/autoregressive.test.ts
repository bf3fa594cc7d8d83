import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { chiSquare, chiSquareCritical, expectClose, expectNoLeaks, expectThrowsClean } from '@genmod-internal/testing';
import { autoregressivePrior, autoregressiveSample, causalMask } from './index.js';

const logSoftmax = (l: number[], tau = 1, topK = l.length): number[] => {
  const kth = [...l].sort((a, b) => b - a)[topK - 1]!;
  const m = Math.max(...l);
  const e = l.map((v) => (v >= kth ? Math.exp((v - m) / tau) : 0));
  const s = e.reduce((a, b) => a + b);
  return e.map((v) => Math.log(v / s));
};

/** A two-step model over K classes: p(c0) = softmax(a), p(c1 | c0) = softmax(T[c0]). */
function markov(a: number[], T: number[][]) {
  const k = a.length;
  const step = (prefix: tf.Tensor, i: number) => {
    const b = prefix.shape[0]!;
    if (i === 0) return tf.tile(tf.tensor2d([a]), [b, 1]);
    const last = tf.reshape(tf.slice(prefix, [0, i - 1], [-1, 1]), [b]);
    return tf.matMul(tf.cast(tf.oneHot(last, k), 'float32'), tf.tensor2d(T));
  };
  /** the exact law of (c0, c1) under temperature and top-k, cell c0·K + c1 */
  const law = (tau = 1, topK = k) => {
    const p0 = logSoftmax(a, tau, topK);
    return Array.from({ length: k * k }, (_, cell) => Math.exp(p0[Math.floor(cell / k)]! + logSoftmax(T[Math.floor(cell / k)]!, tau, topK)[cell % k]!));
  };
  return { step, law };
}

/** Pair counts of int32 codes [B, 2] over K² cells. */
function pairCounts(codes: tf.Tensor, k: number): number[] {
  const d = codes.dataSync();
  const counts = new Array<number>(k * k).fill(0);
  for (let i = 0; i < d.length; i += 2) counts[d[i]! * k + d[i + 1]!]!++;
  return counts;
}

/** X² and its critical value over the cells with positive probability; cells of probability 0 must stay empty. */
function chiSquareLive(counts: number[], probs: number[]): { statistic: number; critical: number } {
  probs.forEach((p, i) => {
    if (p === 0) expect(counts[i], `cell ${i} has probability 0`).toBe(0);
  });
  const live = probs.map((p, i) => [p, counts[i]!] as const).filter(([p]) => p > 0);
  const total = live.reduce((s, [p]) => s + p, 0);
  const { statistic, df } = chiSquare(live.map(([, c]) => c), live.map(([p]) => p / total));
  return { statistic, critical: df > 0 ? chiSquareCritical(df) : Infinity };
}

/** The law of (c0, c1) over K² cells, tested as the marginal of c0 and the K conditionals of c1 given c0. */
function expectLaw(counts: number[], probs: number[], k: number) {
  const rows = Array.from({ length: k }, (_, i) => [counts.slice(i * k, (i + 1) * k), probs.slice(i * k, (i + 1) * k)] as const);
  const marginal = chiSquareLive(rows.map(([c]) => c.reduce((a, b) => a + b)), rows.map(([, p]) => p.reduce((a, b) => a + b)));
  expect(marginal.statistic, 'marginal of c0').toBeLessThan(marginal.critical);
  rows.forEach(([c, p], i) => {
    if (p.reduce((a, b) => a + b) === 0) return;
    const conditional = chiSquareLive([...c], [...p]);
    expect(conditional.statistic, `c1 given c0 = ${i}`).toBeLessThan(conditional.critical);
  });
}

describe('causalMask', () => {
  it('is 0 on and below the diagonal and the fill above it', () => {
    const m = expectNoLeaks(() => causalMask(3));
    expectClose(m, [[0, -1e9, -1e9], [0, 0, -1e9], [0, 0, 0]]);
    const inf = causalMask(2, { fill: -Infinity });
    expect(inf.arraySync()).toEqual([[0, -Infinity], [0, 0]]);
    tf.dispose([m, inf]);
  });

  it('makes self-attention causal: output i does not change when inputs after i do', () => {
    tf.tidy(() => {
      const attend = (x: tf.Tensor) => tf.matMul(tf.softmax(tf.add(tf.matMul(x, x, false, true), causalMask(5))), x); // [5, 3]
      const x = tf.randomNormal([5, 3], 0, 1, 'float32', 3);
      const changed = tf.concat([tf.slice(x, [0, 0], [3, -1]), tf.randomNormal([2, 3], 0, 1, 'float32', 4)]);
      const [a, b] = [attend(x), attend(changed)];
      expectClose(tf.slice(a, [0, 0], [3, -1]), tf.slice(b, [0, 0], [3, -1]), { rtol: 1e-6, atol: 1e-6 });
      expect(tf.max(tf.abs(tf.sub(tf.slice(a, [3, 0], [2, -1]), tf.slice(b, [3, 0], [2, -1])))).dataSync()[0]).toBeGreaterThan(1e-3);
    });
  });

  it('fails clearly', () => {
    expectThrowsClean(() => causalMask(0), /^causalMask: n must be an integer ≥ 1, got 0$/);
    expectThrowsClean(() => causalMask(2.5), /n must be an integer ≥ 1, got 2.5/);
    expectThrowsClean(() => causalMask(3, { fill: 0 }), /^causalMask: options\.fill must be a number ≤ −1e4 \(or −Infinity\), got 0$/);
  });
});

describe('autoregressiveSample', () => {
  const a = [0.5, -0.3, 0.9];
  const T = [[2, 0, -1], [-1, 1.5, 0.2], [0.3, -0.6, 1]];
  const B = 12000;

  it.each([
    [1, 3, 'exact ancestral sampling'],
    [0.6, 2, 'τ = 0.6, top-2'],
    [1.8, 2, 'τ = 1.8, top-2'],
  ] as const)('draws the joint law of a two-step model: chi-square over (c0, c1), %s', (tau, topK, _name) => {
    const { step, law } = markov(a, T);
    // three seeds, each must pass
    for (const seed of [1, 2, 3]) {
      const codes = expectNoLeaks(() => autoregressiveSample(step, { length: 2, batch: B, temperature: tau, topK, seed }));
      expect(codes.dtype).toBe('int32');
      expect(codes.shape).toEqual([B, 2]);
      expectLaw(pairCounts(codes, 3), law(tau, topK), 3);
      codes.dispose();
    }
  });

  it('the chi-square test catches a sampler that ignores the conditioning', () => {
    const { step, law } = markov(a, T);
    const independent = (prefix: tf.Tensor, i: number) => step(tf.zerosLike(prefix), i); // always conditions on c0 = 0
    const codes = autoregressiveSample(independent, { length: 2, batch: B, seed: 4 });
    const counts = pairCounts(codes, 3);
    const { statistic, critical } = chiSquareLive(counts.slice(3, 6), law().slice(3, 6)); // c1 given c0 = 1
    expect(statistic).toBeGreaterThan(critical);
    codes.dispose();
  });

  it('passes the codes drawn so far to stepLogits, and is reproducible with a seed', () => {
    const seen: number[][][] = [];
    const step = (prefix: tf.Tensor, i: number) => {
      expect(prefix.shape).toEqual([4, i]);
      expect(prefix.dtype).toBe('int32');
      seen.push(prefix.arraySync() as number[][]);
      return tf.zeros([4, 5]);
    };
    const codes = autoregressiveSample(step, { length: 6, batch: 4, seed: 'abc' });
    const drawn = codes.arraySync() as number[][];
    seen.forEach((prefix, i) => i > 0 && expect(prefix).toEqual(drawn.map((row) => row.slice(0, i))));
    expect(seen).toHaveLength(6);
    const again = autoregressiveSample(() => tf.zeros([4, 5]), { length: 6, batch: 4, seed: 'abc' });
    const other = autoregressiveSample(() => tf.zeros([4, 5]), { length: 6, batch: 4, seed: 'abd' });
    expect(again.arraySync()).toEqual(drawn);
    expect(other.arraySync()).not.toEqual(drawn);
    // the steps get different seeds: a uniform model does not repeat the same code along the sequence
    expect(drawn.every((row) => new Set(row).size === 1)).toBe(false);
    tf.dispose([codes, again, other]);
  });

  it('frees what stepLogits allocates at each step', () => {
    const { step } = markov(a, T);
    const codes = expectNoLeaks(() => autoregressiveSample(step, { length: 5, batch: 3, seed: 1 }));
    codes.dispose();
  });

  it('fails clearly, leaving nothing behind', () => {
    const step = () => tf.zeros([2, 3]);
    expectThrowsClean(() => autoregressiveSample(step, { length: 3, batch: 2, topK: 4 }), /^autoregressiveSample: options\.topK must be an integer in \[1, K\] = \[1, 3\] \(K = the classes stepLogits returns\), got 4$/);
    expectThrowsClean(() => autoregressiveSample(step, { length: 3, batch: 2, temperature: 0 }), /^autoregressiveSample: options\.temperature must be a finite number > 0, got 0$/);
    expectThrowsClean(() => autoregressiveSample(step, { length: 3, batch: 2, temperature: -0.5 }), /options\.temperature must be a finite number > 0/);
    expectThrowsClean(() => autoregressiveSample(step, { length: 0 }), /^autoregressiveSample: options\.length must be an integer ≥ 1, got 0$/);
    expectThrowsClean(() => autoregressiveSample(step, { length: 3, batch: 5 }), /^autoregressiveSample: stepLogits\(prefix, 0\) must be float32 logits of shape \[5, K\] \(B = options\.batch\), got a float32 tensor of shape \[2, 3\]$/);
    expectThrowsClean(() => autoregressiveSample((_p, i) => tf.zeros([2, 3 + i]), { length: 3, batch: 2 }), /stepLogits\(prefix, 1\) must be logits with the K = 3 classes of the first step, got shape \[2, 4\]/);
    expectThrowsClean(() => autoregressiveSample('step' as never, { length: 3 }), /^autoregressiveSample: stepLogits must be a function, got step$/);
  });
});

describe('autoregressivePrior', () => {
  // a causal network over N = 2, K = 3: position 0 gets logits a, position 1 gets T[c0] (the input shifted right)
  const a = [0.5, -0.3, 0.9];
  const T = [[2, 0, -1], [-1, 1.5, 0.2], [0.3, -0.6, 1]];
  const network = (c: tf.Tensor) => {
    const m = c.shape[0]!;
    const first = tf.tile(tf.tensor3d([[a]]), [m, 1, 1]);
    const second = tf.reshape(tf.matMul(tf.reshape(tf.slice(c, [0, 0, 0], [-1, 1, -1]), [m, 3]), tf.tensor2d(T)), [m, 1, 3]);
    return tf.concat([first, second], 1);
  };
  const prior = autoregressivePrior(network, { length: 2, classes: 3 });
  const oneHots = (pairs: number[][]) => tf.tidy(() => tf.cast(tf.oneHot(tf.tensor2d(pairs, undefined, 'int32'), 3), 'float32'));

  it('logProb is Σ_n log p(c_n | c_<n) and conditionalLogProbs holds every class', () => {
    const pairs = [[0, 0], [2, 1], [1, 2]];
    const c = oneHots(pairs);
    const lp = expectNoLeaks(() => prior.logProb(c));
    expectClose(lp, pairs.map(([x, y]) => logSoftmax(a)[x!]! + logSoftmax(T[x!]!)[y!]!), { rtol: 1e-5 });
    const cond = expectNoLeaks(() => prior.conditionalLogProbs(c));
    expectClose(cond, pairs.map(([x]) => [logSoftmax(a), logSoftmax(T[x!]!)]), { rtol: 1e-5 });
    // any batch shape: [2, 3, N, K] ↦ [2, 3]
    const c6 = tf.reshape(tf.tile(c, [2, 1, 1]), [2, 3, 2, 3]);
    const lp6 = prior.logProb(c6);
    expect(lp6.shape).toEqual([2, 3]);
    expectClose(lp6, [lp.arraySync() as number[], lp.arraySync() as number[]], { rtol: 1e-6 });
    tf.dispose([c, lp, cond, c6, lp6]);
  });

  it('samples one-hots whose pair frequencies match exp(logProb), for any sample shape', () => {
    const all = oneHots(Array.from({ length: 9 }, (_, i) => [Math.floor(i / 3), i % 3]));
    const probs = Array.from(tf.tidy(() => tf.exp(prior.logProb(all))).dataSync());
    expect(probs.reduce((s, p) => s + p)).toBeCloseTo(1, 5);
    const y = expectNoLeaks(() => prior.sample([100, 90], { seed: 5 }));
    expect(y.shape).toEqual([100, 90, 2, 3]);
    const codes = tf.tidy(() => tf.reshape(tf.argMax(y, -1), [-1, 2]));
    expectLaw(pairCounts(codes, 3), probs, 3);
    expect(tf.tidy(() => tf.sum(y).dataSync()[0])).toBe(100 * 90 * 2); // one-hots
    const empty = prior.sample([0]);
    expect(empty.shape).toEqual([0, 2, 3]);
    tf.dispose([all, y, codes, empty]);
  });

  it('is reproducible with a seed; temperature and top-k reach the sampler', () => {
    const [s1, s2] = [1, 1].map(() => prior.sample([50], { seed: 3, temperature: 0.5, topK: 1 }));
    expect(s1!.arraySync()).toEqual(s2!.arraySync());
    // top-1 is greedy: c0 = argmax a = 2, then c1 = argmax T[2] = 2
    const codes = tf.tidy(() => tf.argMax(s1!, -1));
    expect(new Set(codes.dataSync())).toEqual(new Set([2]));
    tf.dispose([s1!, s2!, codes]);
  });

  it('trains by maximum likelihood: a Markov prior learns a Markov chain below log2 K bits per code', () => {
    // data: N = 6 codes, K = 4, c_n = c_{n−1} + 1 mod 4 with probability 0.9
    const n = 6, k = 4;
    const rows: number[][] = [];
    let state = 12345;
    const rand = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let r = 0; r < 256; r++) {
      const row = [Math.floor(rand() * k)];
      for (let i = 1; i < n; i++) row.push(rand() < 0.9 ? (row[i - 1]! + 1) % k : Math.floor(rand() * k));
      rows.push(row);
    }
    const data = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor2d(rows, undefined, 'int32'), k), 'float32')); // [256, N, K]
    const table = tf.tidy(() => tf.variable(tf.zeros([k, k])));
    const net = (c: tf.Tensor) => {
      const previous = tf.pad(tf.slice(c, [0, 0, 0], [-1, n - 1, -1]), [[0, 0], [1, 0], [0, 0]]);
      return tf.reshape(tf.matMul(tf.reshape(previous, [-1, k]), table), [-1, n, k]);
    };
    const p = autoregressivePrior(net, { length: n, classes: k });
    const bits = () => tf.tidy(() => -tf.mean(p.logProb(data)).dataSync()[0]! / (n * Math.LN2));
    expect(bits()).toBeCloseTo(2, 5); // uniform at the start: log2 4
    const opt = tf.train.adam(0.1);
    for (let s = 0; s < 60; s++) opt.minimize(() => tf.neg(tf.mean(p.logProb(data))) as tf.Scalar, false, [table]);
    expect(bits()).toBeLessThan(1.2); // the chain's entropy rate is ≈ 0.75 bits after the first code
    tf.dispose([data, table]);
    opt.dispose();
  });

  it('fails clearly', () => {
    expectThrowsClean(() => autoregressivePrior(network, { length: 2, classes: 1 }), /^autoregressivePrior: options\.classes must be an integer ≥ 2, got 1$/);
    expectThrowsClean(() => autoregressivePrior(network, { length: 0, classes: 3 }), /options\.length must be an integer ≥ 1/);
    const wrong = tf.zeros([4, 3, 3]);
    expectThrowsClean(() => prior.logProb(wrong), /^autoregressivePrior\.logProb: c must be a tensor ending in the event shape \[2, 3\], got a float32 tensor of shape \[4, 3, 3\]$/);
    wrong.dispose();
    expectThrowsClean(() => prior.sample([2], { topK: 4 }), /^autoregressivePrior\.sample: options\.topK must be an integer in \[1, K\] = \[1, 3\], got 4$/);
    expectThrowsClean(() => prior.sample([2], { temperature: 0 }), /^autoregressivePrior\.sample: options\.temperature must be a finite number > 0, got 0$/);
    const bad = autoregressivePrior((c) => tf.slice(c, [0, 0, 0], [-1, 1, -1]), { length: 2, classes: 3 });
    const c = tf.zeros([1, 2, 3]);
    expectThrowsClean(() => bad.logProb(c), /^autoregressivePrior\.logProb: network\(c\) must be logits of the input's shape \[1, 2, 3\], got a float32 tensor of shape \[1, 1, 3\]$/);
    c.dispose();
  });
});
