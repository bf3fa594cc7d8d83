// Save and restore everything that trains (issue 15): structural state names, a round trip through tf.io
// artifacts into a freshly built flow (another seed) with bit-identical outputs, ActNorm not re-initialised,
// BatchNorm's running statistics restored, refusal of mismatched states leaving the flow unchanged, no leaks.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { memoryHandler } from '@genmod-internal/testing';
import {
  StandardNormal, TransformedDistribution, actNorm, affine, affineCoupling, batchNorm, chain, composeState, exp, inverseAutoregressive, invert,
  isStateful, loadState, luLinear, made, maskedAutoregressive, mlp, permute, rationalQuadraticSpline, reverse, saveState, scale, shift,
  type Bijector, type StateDict,
} from './index.js';

const values = (s: StateDict) => Object.fromEntries(Object.entries(s).map(([k, t]) => [k, Array.from(t.dataSync())]));
const shapes = (s: StateDict) => Object.fromEntries(Object.entries(s).map(([k, t]) => [k, `${t.dtype}[${t.shape.join(',')}]`]));
const read = (t: tf.Tensor) => {
  const v = Array.from(t.dataSync());
  t.dispose();
  return v;
};

const data = tf.keep(tf.tidy(() => tf.add(tf.matMul(tf.randomNormal([256, 3], 0, 1, 'float32', 1), [[1, 0.8, 0], [0, 0.6, 0.3], [0, 0, 0.5]]), [2, -1, 0.5])));

/** ActNorm, an affine coupling, BatchNorm, a spline coupling, LU, MAF and an inverted IAF, all seeded by `seed`. */
function buildFlow(seed: number, hidden = 8) {
  const bn = batchNorm({ features: 3 });
  const bijector = chain(
    actNorm({ features: 3 }),
    affineCoupling({ mask: [1, 0, 1], conditioner: mlp({ inputs: 3, hidden: [hidden], outputs: 6, seed: seed + 1 }) }),
    bn,
    rationalQuadraticSpline({ mask: [0, 1, 0], bins: 4, conditioner: mlp({ inputs: 3, hidden: [hidden], outputs: 3 * 11, seed: seed + 2, zeroLast: false }) }),
    luLinear({ features: 3, seed: seed + 3 }),
    maskedAutoregressive({ network: made({ features: 3, hidden: [hidden], seed: seed + 4, zeroLast: false }) }),
    invert(inverseAutoregressive({ network: made({ features: 3, hidden: [hidden], seed: seed + 5, zeroLast: false }) })),
    reverse(),
  );
  return { flow: new TransformedDistribution(new StandardNormal([3]), bijector), bn };
}

function trainSteps(flow: TransformedDistribution, opt: tf.Optimizer, steps: number): number[] {
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const loss = opt.minimize(() => tf.neg(tf.mean(flow.logProb(tf.slice(data, [(step * 64) % 256, 0], [64, 3])))) as tf.Scalar, true, flow.trainableVariables)!;
    losses.push(read(loss)[0]!);
  }
  return losses;
}

describe('state names come from the structure', () => {
  it('networks: l/kernel, l/bias per layer (MADE masks are not state)', () => {
    const net = mlp({ inputs: 2, hidden: [4, 5], outputs: 3, seed: 1 });
    expect(shapes(net.getState())).toEqual({ '0/kernel': 'float32[2,4]', '0/bias': 'float32[4]', '1/kernel': 'float32[4,5]', '1/bias': 'float32[5]', '2/kernel': 'float32[5,3]', '2/bias': 'float32[3]' });
    const m = made({ features: 3, hidden: [6], contextSize: 2, seed: 1 });
    expect(shapes(m.getState())).toEqual({ '0/kernel': 'float32[5,6]', '0/bias': 'float32[6]', '1/kernel': 'float32[6,6]', '1/bias': 'float32[6]' });
    // networks are functions: their getState/loadState are saved through the bijector that owns them
    expect(typeof net.getState === 'function' && typeof m.loadState === 'function').toBe(true);
    const coupling = affineCoupling({ mask: [1, 0], conditioner: mlp({ inputs: 2, outputs: 4 }) });
    expect(isStateful(coupling)).toBe(true);
    coupling.dispose();
    net.dispose();
    m.dispose();
  });

  it('every bijector and the flow: the exact names of a representative configuration', () => {
    const { flow } = buildFlow(0, 4);
    const net = (p: string, sizes: number[]) => sizes.slice(1).flatMap((s, l) => [`${p}/${l}/kernel`, `${p}/${l}/bias`]);
    expect(Object.keys(flow.getState())).toEqual([
      'bijector/0/logScale', 'bijector/0/bias', 'bijector/0/initialized',
      ...net('bijector/1/net', [3, 4, 6]),
      'bijector/2/logGamma', 'bijector/2/beta', 'bijector/2/runningMean', 'bijector/2/runningVariance',
      ...net('bijector/3/net', [3, 4, 33]),
      'bijector/4/lower', 'bijector/4/upper', 'bijector/4/logDiag',
      ...net('bijector/5/net', [3, 4, 6]),
      ...net('bijector/6/net', [3, 4, 6]), // invert is transparent; reverse (7) has no state
    ]);
    const s = flow.getState();
    expect(s['bijector/0/initialized']!.dtype).toBe('int32');
    expect(s['bijector/0/initialized']!.shape).toEqual([]);
    expect(Object.values(s).every((t) => t instanceof tf.Variable)).toBe(true);
    // a flow bound to a context shares the flow's state (the same live variables)
    const cond = flow.condition(tf.keep(tf.zeros([1, 1])));
    expect(Object.entries(cond.getState()).every(([k, t]) => s[k] === t)).toBe(true);
    flow.dispose();
  });

  it('elementwise and fixed bijectors: tf.Variable parameters are state, fixed values and permutations are not', () => {
    const b = tf.variable(tf.tensor1d([1, 2]));
    const sc = tf.variable(tf.scalar(3), false);
    expect(Object.keys(shift(b).getState!())).toEqual(['shift']);
    expect(Object.keys(scale(sc).getState!())).toEqual(['scale']);
    expect(Object.keys(affine({ shift: b, scale: sc }).getState!())).toEqual(['shift', 'scale']);
    expect(affine({ shift: b, scale: 2 }).getState!()['shift']).toBe(b);
    for (const f of [shift([1, 2]), scale(2), exp(), permute([1, 0]), reverse()] as Bijector[]) expect(f.getState!()).toEqual({});
    expect(new StandardNormal([2]).getState()).toEqual({});
    expect(Object.keys(invert(actNorm({ features: 2 })).getState())).toEqual(['logScale', 'bias', 'initialized']);
    tf.dispose([b, sc]);
  });

  it("a user's bijector without getState is named by its trainableVariables' positions; a stateful base is base/…", () => {
    const w = tf.variable(tf.ones([2]));
    const own: Bijector = { eventRank: 0, forward: (x) => ({ y: tf.mul(x, w), logDet: tf.zerosLike(x) }), inverse: (y) => ({ x: tf.div(y, w), logDet: tf.zerosLike(y) }), trainableVariables: [w] };
    const loc = tf.variable(tf.zeros([2]));
    const base = Object.assign(new StandardNormal([2]), { getState: () => ({ loc }), loadState: (s: StateDict) => void loc.assign(s['loc']!) });
    const flow = new TransformedDistribution(base, chain(exp(), own));
    expect(Object.keys(flow.getState())).toEqual(['bijector/1/0', 'base/loc']);
    const given = tf.tensor1d([2, 3]);
    flow.loadState({ 'bijector/1/0': given, 'base/loc': loc });
    expect(Array.from(w.dataSync())).toEqual([2, 3]);
    tf.dispose([w, loc, given]);
  });
});

describe('save and load a trained flow', () => {
  it('round-trips through tf.io artifacts into a freshly built flow (another seed): bit-identical logProb and seeded sample', async () => {
    const { flow: a, bn: bnA } = buildFlow(10);
    const opt = tf.train.adam(1e-2);
    trainSteps(a, opt, 6);
    opt.dispose();
    const io = memoryHandler();
    const before = tf.memory().numTensors;
    await saveState(a, io, { metadata: { hidden: 8 } });
    expect(tf.memory().numTensors).toBe(before);
    expect(io.artifacts!.weightSpecs!.map((s) => s.name)).toEqual(Object.keys(a.getState()));

    const { flow: b, bn: bnB } = buildFlow(99);
    expect(values(b.getState())).not.toEqual(values(a.getState()));
    const mid = tf.memory().numTensors;
    expect(await loadState(b, io)).toEqual({ hidden: 8 });
    expect(tf.memory().numTensors).toBe(mid);
    expect(values(b.getState())).toEqual(values(a.getState()));
    // BatchNorm's running statistics are restored: evaluate both with them
    expect(Array.from(bnB.runningMean.dataSync())).toEqual(Array.from(bnA.runningMean.dataSync()));
    expect(Array.from(bnB.runningVariance.dataSync())).toEqual(Array.from(bnA.runningVariance.dataSync()));
    bnA.training = false;
    bnB.training = false;
    expect(read(b.logProb(data))).toEqual(read(a.logProb(data)));
    expect(read(b.sample([50], { seed: 3 }))).toEqual(read(a.sample([50], { seed: 3 })));
    a.dispose();
    b.dispose();
  });

  it('the trap of the issue: ActNorm trained some steps, loaded into a fresh flow, is not re-initialised (mean logProb bit for bit)', async () => {
    const build = (seed: number) => {
      const norm = actNorm({ features: 3 });
      const flow = new TransformedDistribution(new StandardNormal([3]), chain(norm, affineCoupling({ mask: [0, 1, 1], conditioner: mlp({ inputs: 3, hidden: [8], outputs: 6, seed }) })));
      return { flow, norm };
    };
    const { flow: a } = build(1);
    const opt = tf.train.adam(5e-2);
    trainSteps(a, opt, 8);
    opt.dispose();
    const trained = read(tf.mean(a.logProb(data)))[0];
    const io = memoryHandler();
    await saveState(a, io);
    const { flow: b, norm } = build(2);
    expect(norm.initialized).toBe(false);
    await loadState(b, io);
    expect(norm.initialized).toBe(true);
    // the first call on the restored flow: without the loaded flag ActNorm would standardize this batch
    expect(read(tf.mean(b.logProb(data)))[0]).toBe(trained);
    expect(values(b.getState())).toEqual(values(a.getState()));
    // a state whose flag is 0 makes the layer initialise again on its next call
    const fresh = build(3);
    b.loadState(fresh.flow.getState());
    expect(norm.initialized).toBe(false);
    tf.dispose(b.logProb(data));
    expect(norm.initialized).toBe(true);
    expect(Array.from(b.getState()['bijector/0/initialized']!.dataSync())).toEqual([1]);
    [a, b, fresh.flow].forEach((f) => f.dispose());
  });

  it('resuming training from the saved flow plus Adam state gives the same next losses as training on', async () => {
    const { flow: a } = buildFlow(20, 4);
    const optA = tf.train.adam(1e-2);
    trainSteps(a, optA, 3);
    const io = memoryHandler();
    await saveState(a, io, { optimizer: optA });
    const goOn = trainSteps(a, optA, 4);
    const { flow: b } = buildFlow(21, 4);
    const optB = tf.train.adam(1e-2);
    trainSteps(b, optB, 1); // the optimizer's slots exist (as in a resumed process after a first step, or not at all)
    await loadState(b, io, { optimizer: optB });
    expect(trainSteps(b, optB, 4)).toEqual(goOn);
    [optA, optB].forEach((o) => o.dispose());
    a.dispose();
    b.dispose();
  });

  it('composeState puts a flow and other parts in one checkpoint', async () => {
    const { flow: a } = buildFlow(30, 4);
    const extra = actNorm({ features: 2 });
    const io = memoryHandler();
    await saveState(composeState({ flow: a, extra }), io);
    expect(io.artifacts!.weightSpecs!.map((s) => s.name)).toContain('flow/bijector/0/logScale');
    expect(io.artifacts!.weightSpecs!.map((s) => s.name)).toContain('extra/initialized');
    const { flow: b } = buildFlow(31, 4);
    const extraB = actNorm({ features: 2 });
    await loadState(composeState({ flow: b, extra: extraB }), io);
    expect(values(b.getState())).toEqual(values(a.getState()));
    [a, b, extra, extraB].forEach((f) => f.dispose());
  });
});

describe('mismatched states are refused and leave the flow unchanged', () => {
  const cases: Array<[string, (own: StateDict) => { state: StateDict; made: tf.Tensor[] }, RegExp]> = [
    ['a missing tensor', (own) => {
      const { ['bijector/2/runningMean']: _, ...state } = own;
      return { state, made: [] };
    }, /missing 'bijector\/2\/runningMean'/],
    ['a wrong shape', (own) => {
      const t = tf.zeros([4]);
      return { state: { ...own, 'bijector/4/logDiag': t }, made: [t] };
    }, /mismatched 'bijector\/4\/logDiag': expected float32\[3\], got float32\[4\]/],
    ['a wrong dtype (ActNorm flag as float32)', (own) => {
      const t = tf.scalar(1);
      return { state: { ...own, 'bijector/0/initialized': t }, made: [t] };
    }, /mismatched 'bijector\/0\/initialized': expected int32\[\], got float32\[\]/],
    ['an unexpected tensor', (own) => {
      const t = tf.zeros([2]);
      return { state: { ...own, 'bijector/8/bias': t }, made: [t] };
    }, /unexpected 'bijector\/8\/bias'/],
  ];

  it.each(cases)('%s: flow.loadState throws the listing Error; nothing changes; nothing leaks', (_, mutate, message) => {
    const { flow } = buildFlow(40, 4);
    const { flow: other } = buildFlow(41, 4);
    const { state, made: extra } = mutate(other.getState());
    const before = values(flow.getState());
    const count = tf.memory().numTensors;
    expect(() => flow.loadState(state)).toThrow(message);
    expect(() => flow.loadState(state)).toThrow(/TransformedDistribution\.loadState: the state does not fit this object \(nothing was loaded\)/);
    expect(tf.memory().numTensors).toBe(count);
    expect(values(flow.getState())).toEqual(before);
    tf.dispose(extra);
    flow.dispose();
    other.dispose();
  });

  it('a different architecture through saveState/loadState: refused, unchanged, no leaks', async () => {
    const { flow: small } = buildFlow(50, 4);
    const { flow: wide } = buildFlow(51, 8);
    const io = memoryHandler();
    await saveState(wide, io);
    const before = values(small.getState());
    const count = tf.memory().numTensors;
    await expect(loadState(small, io)).rejects.toThrow(/mismatched 'bijector\/1\/net\/0\/kernel': expected float32\[3, 4\], got float32\[3, 8\]/);
    expect(tf.memory().numTensors).toBe(count);
    expect(values(small.getState())).toEqual(before);
    // a chain with one layer fewer
    const shorter = new TransformedDistribution(new StandardNormal([3]), chain(actNorm({ features: 3 })));
    await expect(loadState(shorter, io)).rejects.toThrow(/unexpected 'bijector\/1\/net\/0\/kernel'/);
    expect(() => actNorm({ features: 3 }).loadState({})).toThrow(/actNorm\.loadState: .*missing 'logScale', 'bias', 'initialized'/);
    expect(tf.memory().numTensors).toBe(count + 3 + 3); // the two actNorms built here (3 variables each)
    [small, wide, shorter].forEach((f) => f.dispose());
  });

  it('getState, loadState, saveState and loadState keep the tensor count flat', async () => {
    const { flow } = buildFlow(60, 4);
    const { flow: other } = buildFlow(61, 4);
    const count = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      flow.getState();
      flow.loadState(other.getState());
      const io = memoryHandler();
      await saveState(flow, io);
      await loadState(other, io);
    }
    expect(tf.memory().numTensors).toBe(count);
    flow.dispose();
    other.dispose();
  });
});
