// Strict options: every options (or params) bag of the public API refuses an unknown key, naming the
// function and the key (with the nearest valid key for a near miss), before allocating anything.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, it } from 'vitest';
import { expectThrowsClean } from '@genmod-internal/testing';
import * as api from './index.js';
import { checkBijector } from './testing.js';

const x = tf.keep(tf.tensor2d([[0.1, -0.3], [0.7, 0.2]]));
const flow = new api.TransformedDistribution(new api.StandardNormal([2]), api.shift([1, 2]));
const base = new api.StandardNormal([2]);
const b = api.exp();
const net = () => (v: tf.Tensor) => tf.zeros([...v.shape.slice(0, -1), 4]);
afterAll(() => {
  flow.dispose();
  x.dispose();
});

type Bag = Record<string, unknown>;
/** [public name, the call with an options bag, a valid bag, a near-miss key, the key it should suggest] */
const rows: [string, (o: Bag) => unknown, Bag, string, string][] = [
  ['mlp', (o) => api.mlp(o as never), { inputs: 2, outputs: 4 }, 'hiden', 'hidden'],
  ['made', (o) => api.made(o as never), { features: 2 }, 'paramsPerFeatur', 'paramsPerFeature'],
  ['affineCoupling', (o) => api.affineCoupling(o as never), { mask: [1, 0], conditioner: net() }, 'contextsize', 'contextSize'],
  ['rationalQuadraticSpline', (o) => api.rationalQuadraticSpline(o as never), { mask: [1, 0], conditioner: net() }, 'bin', 'bins'],
  ['maskedAutoregressive', (o) => api.maskedAutoregressive(o as never), { network: net(), features: 2 }, 'logScaleBond', 'logScaleBound'],
  ['inverseAutoregressive', (o) => api.inverseAutoregressive(o as never), { network: net(), features: 2 }, 'feature', 'features'],
  ['actNorm', (o) => api.actNorm(o as never), { features: 2 }, 'epsilom', 'epsilon'],
  ['batchNorm', (o) => api.batchNorm(o as never), { features: 2 }, 'momentun', 'momentum'],
  ['luLinear', (o) => api.luLinear(o as never), { features: 2 }, 'permutations', 'permutation'],
  ['StandardNormal.sample', (o) => base.sample([2], o as never), {}, 'sed', 'seed'],
  ['StandardNormal.rsample', (o) => base.rsample([2], o as never), {}, 'seeds', 'seed'],
  ['TransformedDistribution.sample', (o) => flow.sample([2], o as never), {}, 'contxt', 'context'],
  ['TransformedDistribution.rsample', (o) => flow.rsample!([2], o as never), {}, 'sead', 'seed'],
  ['TransformedDistribution.sampleAndLogProb', (o) => flow.sampleAndLogProb([2], o as never), {}, 'context_', 'context'],
  ['TransformedDistribution.logProb', (o) => flow.logProb(x, o as never), {}, 'contex', 'context'],
  ['TransformedDistribution.prob', (o) => flow.prob(x, o as never), {}, 'Context', 'context'],
  ['checkBijector', (o) => checkBijector(b, x, o as never), {}, 'tolerence', 'tolerance'],
];

describe('strict options', () => {
  it.each(rows)('%s: an unknown key throws, naming it, and allocates nothing', (fn, call, valid, near, suggestion) => {
    const esc = fn.replace('.', '\\.');
    expectThrowsClean(() => call({ ...valid, [near]: 1 }), new RegExp(`^${esc}: unknown option '${near}' \\(did you mean '${suggestion}'\\?\\)`));
    expectThrowsClean(() => call({ ...valid, zzzzzzzz: 1 }), new RegExp(`^${esc}: unknown option 'zzzzzzzz' \\(valid: `));
  });

  it('affine: an unknown key of params throws, naming it, and allocates nothing', () => {
    expectThrowsClean(() => api.affine({ shift: 1, shfit: 2 } as never), /^affine: unknown key of params 'shfit' \(did you mean 'shift'\?\)/);
    expectThrowsClean(() => api.affine({ zzzzzzzz: 2 } as never), /^affine: unknown key of params 'zzzzzzzz' \(valid: 'shift', 'scale'\)/);
  });

  it('a key whose value is undefined is checked too', () => {
    expectThrowsClean(() => api.mlp({ inputs: 2, outputs: 2, sede: undefined } as never), /^mlp: unknown option 'sede' \(did you mean 'seed'\?\)/);
  });
});
