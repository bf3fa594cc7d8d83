// Strict options: for every exported function, method and constructor that takes an options bag (or a params
// object), a misspelled key throws `<fn>: unknown option '<key>' (did you mean '<valid>'?)` (params objects:
// `<fn>: unknown key of params '<key>' …`, core's wording) before anything is allocated.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { expectThrowsClean } from '@genmod-internal/testing';
import * as api from './index.js';

const theta = tf.keep(tf.tensor1d([0.2, -0.4]));
const normal = new api.Normal({ loc: [0, 1], scale: 1 });
const mvn = new api.MultivariateNormalTriL({ loc: [0, 1], scaleTril: [[1, 0], [0.5, 2]] });
const logistic = new api.Logistic({ loc: 0, scale: 1 });
const uniform = new api.Uniform({ low: 0, high: 1 });
const bernoulli = new api.Bernoulli({ logits: [0, 1] });
const categorical = new api.Categorical({ logits: [0, 1] });
const ind = api.independent(new api.Normal({ loc: [[0, 1]], scale: 1 }), 1);
afterAll(() => {
  [normal, mvn, logistic, uniform, bernoulli, categorical, ind.base].forEach((d) => d.dispose());
  theta.dispose();
});

const make = ([t]: tf.Tensor[]) => new api.Normal({ loc: t!, scale: 1 });
const f = (z: tf.Tensor) => tf.square(z);
const bad = <T>(o: T, extra: Record<string, unknown>): T => ({ ...o, ...extra }) as T;

/** [public name, how the bag is named ('options' or 'params'), the call with one misspelled key, the key, the valid key it is near] */
const rows: [fn: string, arg: 'options' | 'params', call: (key: string) => unknown, key: string, near: string | undefined][] = [
  ['Normal', 'params', (k) => new api.Normal(bad({ loc: 0, scale: 1 }, { [k]: 1 })), 'scael', 'scale'],
  ['Normal', 'params', (k) => new api.Normal(bad({ loc: 0, logScale: 1 }, { [k]: 1 })), 'logscale', 'logScale'],
  ['MultivariateNormalTriL', 'params', (k) => new api.MultivariateNormalTriL(bad({ loc: [0], scaleTril: [[1]] }, { [k]: 1 })), 'scaleTrill', 'scaleTril'],
  ['Logistic', 'params', (k) => new api.Logistic(bad({ loc: 0, scale: 1 }, { [k]: 1 })), 'lco', 'loc'],
  ['Uniform', 'params', (k) => new api.Uniform(bad({ low: 0, high: 1 }, { [k]: 1 })), 'hihg', 'high'],
  ['Bernoulli', 'params', (k) => new api.Bernoulli(bad({ logits: 0 }, { [k]: 1 })), 'logit', 'logits'],
  ['Categorical', 'params', (k) => new api.Categorical(bad({ logits: [0, 1] }, { [k]: 1 })), 'prob', 'probs'],
  ['Normal.sample', 'options', (k) => normal.sample([2], { [k]: 1 }), 'sed', 'seed'],
  ['Normal.rsample', 'options', (k) => normal.rsample([2], { [k]: 1 }), 'noize', 'noise'],
  ['MultivariateNormalTriL.sample', 'options', (k) => mvn.sample([2], { [k]: 1 }), 'Seed', 'seed'],
  ['MultivariateNormalTriL.rsample', 'options', (k) => mvn.rsample([2], { [k]: 1 }), 'nosie', 'noise'],
  ['Logistic.sample', 'options', (k) => logistic.sample([2], { [k]: 1 }), 'seeds', 'seed'],
  ['Logistic.rsample', 'options', (k) => logistic.rsample([2], { [k]: 1 }), 'sead', 'seed'],
  ['Uniform.sample', 'options', (k) => uniform.sample([2], { [k]: 1 }), 'seed_', 'seed'],
  ['Uniform.rsample', 'options', (k) => uniform.rsample([2], { [k]: 1 }), 'noise2', 'noise'],
  ['Bernoulli.sample', 'options', (k) => bernoulli.sample([2], { [k]: 1 }), 'sed', 'seed'],
  ['Categorical.sample', 'options', (k) => categorical.sample([2], { [k]: 1 }), 'sede', 'seed'],
  // the view passes its options to the base, which checks them under its own name
  ['Normal.sample', 'options', (k) => ind.sample([2], { [k]: 1 }), 'sed', 'seed'],
  ['Normal.rsample', 'options', (k) => ind.rsample([2], { [k]: 1 }), 'noize', 'noise'],
  ['reparameterizationGradient', 'options', (k) => api.reparameterizationGradient(f, make, [theta], bad({ samples: 2 }, { [k]: 1 })), 'sample', 'samples'],
  ['reparameterizationGradient', 'options', (k) => api.reparameterizationGradient(f, make, [theta], bad({ samples: 2 }, { [k]: true })), 'persample', 'perSample'],
  ['scoreFunctionGradient', 'options', (k) => api.scoreFunctionGradient(f, make, [theta], bad({ samples: 2 }, { [k]: 0 })), 'baselin', 'baseline'],
  ['gradientVariance', 'options', (k) => api.gradientVariance(api.reparameterizationGradient, f, make, [theta], bad({ samples: 2, repeats: 3 }, { [k]: 3 })), 'repeat', 'repeats'],
  ['gradientVariance', 'options', (k) => api.gradientVariance(api.scoreFunctionGradient, f, make, [theta], bad({ samples: 2, repeats: 3 }, { [k]: 0 })), 'baseLine', 'baseline'],
  ['movingAverageBaseline', 'options', (k) => api.movingAverageBaseline(0.9, bad({}, { [k]: 0 })), 'intial', 'initial'],
];

const message = (fn: string, arg: string, key: string) => `${fn}: unknown ${arg === 'params' ? 'key of params' : 'option'} '${key}'`;
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('strict options: an unknown key throws, names the near key, and allocates nothing', () => {
  it.each(rows)('%s (%s): a misspelled key', (fn, arg, call, key, near) => {
    const expected = `${message(fn, arg, key)}${near ? ` (did you mean '${near}'?)` : ''}`;
    expectThrowsClean(() => call(key), new RegExp(`^${escape(expected)}$`));
  });

  it.each(rows)('%s (%s): a key near nothing lists the valid keys', (fn, arg, call) => {
    expectThrowsClean(() => call('zzzzzzzz'), new RegExp(`^${escape(message(fn, arg, 'zzzzzzzz'))} \\(valid: '`));
  });

  it('gradientVariance takes no perSample (it is always off there); another estimator checks its own keys', () => {
    expectThrowsClean(() => api.gradientVariance(api.reparameterizationGradient, f, make, [theta], { samples: 2, repeats: 3, perSample: true }), /^gradientVariance: unknown option 'perSample'/);
    const custom: typeof api.reparameterizationGradient = (ff, mk, ps, o) => api.reparameterizationGradient(ff, mk, ps, o);
    expectThrowsClean(() => api.gradientVariance(custom, f, make, [theta], bad({ samples: 2, repeats: 3 }, { smaples: 1 })), /^reparameterizationGradient: unknown option 'smaples' \(did you mean 'samples'\?\)/);
  });

  it('covers every exported function and class that takes a bag', () => {
    // the state API (saveState, loadState, composeState, isStateful) is @genmod-internal/core's, re-exported: tested there
    const takesNone = ['independent', 'leaveOneOutBaseline', 'straightThrough', 'deriveSeed', 'saveState', 'loadState', 'composeState', 'isStateful'];
    const covered = new Set(rows.map(([fn]) => fn.split('.')[0]!));
    expect(Object.keys(api).filter((k) => !covered.has(k) && !takesNone.includes(k))).toEqual([]);
  });
});
