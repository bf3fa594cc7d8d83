// Strict options, over every exported function, method and constructor that takes an options or params
// bag: a misspelled key throws "<fn>: unknown option '<key>' (did you mean '<valid>'?)" (constructors:
// "unknown key of params"), before anything is allocated.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { expectThrowsClean } from '@genmod-internal/testing';
import * as api from './index.js';

const logits = [[1, 0.5, -0.3]];
const laws = {
  Gumbel: new api.Gumbel({ loc: [0, 1], scale: 2 }),
  RelaxedOneHotCategorical: new api.RelaxedOneHotCategorical({ logits, temperature: 0.5 }),
  ExpRelaxedOneHotCategorical: new api.ExpRelaxedOneHotCategorical({ logits, temperature: 0.5 }),
  RelaxedBernoulli: new api.RelaxedBernoulli({ probs: [0.2, 0.9], temperature: 0.5 }),
};
afterAll(() => Object.values(laws).forEach((d) => d.dispose()));

type Row = [fn: string, call: (bad: Record<string, unknown>) => unknown, key: string, near: string];
const bag = (o: Record<string, unknown>) => o as never;

const rows: Row[] = [
  ['sampleGumbel', (o) => api.sampleGumbel([2], bag({ loc: 0, ...o })), 'seeed', 'seed'],
  ['gumbelMax', (o) => api.gumbelMax(logits, bag(o)), 'axsi', 'axis'],
  ['gumbelTopK', (o) => api.gumbelTopK(logits, 2, bag(o)), 'sed', 'seed'],
  ['sampleCategorical', (o) => api.sampleCategorical(logits, bag({ temperature: 0.5, ...o })), 'topk', 'topK'],
  ['gumbelSoftmax', (o) => api.gumbelSoftmax(logits, bag(o)), 'temprature', 'temperature'],
  ['exponentialDecay', (o) => api.exponentialDecay(bag({ initial: 1, rate: 0.1, min: 0.5, ...o })), 'inital', 'initial'],
  ['Gumbel', (o) => new api.Gumbel(bag({ loc: 0, scale: 1, ...o })), 'sclae', 'scale'],
  ['RelaxedOneHotCategorical', (o) => new api.RelaxedOneHotCategorical(bag({ logits, temperature: 1, ...o })), 'prob', 'probs'],
  ['ExpRelaxedOneHotCategorical', (o) => new api.ExpRelaxedOneHotCategorical(bag({ logits: [1, 2], ...o })), 'temperture', 'temperature'],
  ['RelaxedBernoulli', (o) => new api.RelaxedBernoulli(bag({ temperature: 1, ...o })), 'logit', 'logits'],
  ...(['sample', 'rsample'] as const).flatMap((m) => [
    [`Gumbel.${m}`, (o) => laws.Gumbel[m]([2], bag(o)), 'sedd', 'seed'] as Row,
    [`RelaxedOneHotCategorical.${m}`, (o) => laws.RelaxedOneHotCategorical[m]([2], bag(o)), 'noize', 'noise'] as Row,
    [`ExpRelaxedOneHotCategorical.${m}`, (o) => laws.ExpRelaxedOneHotCategorical[m]([2], bag(o)), 'Seed', 'seed'] as Row,
    [`RelaxedBernoulli.${m}`, (o) => laws.RelaxedBernoulli[m]([2], bag(o)), 'nosie', 'noise'] as Row,
  ]),
];

const isConstructor = (fn: string) => !fn.includes('.') && /^[A-Z]/.test(fn);
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('every options and params bag is strict', () => {
  it.each(rows)('%s: a misspelled key throws, names the nearest valid key and allocates nothing', (fn, call, key, near) => {
    const unknown = isConstructor(fn) ? `unknown key of params '${key}'` : `unknown option '${key}'`;
    expectThrowsClean(() => call({ [key]: 1 }), new RegExp(`^${escape(fn)}: ${escape(unknown)} \\(did you mean '${escape(near)}'\\?\\)$`));
  });

  it.each(rows)('%s: a key far from every valid one lists the valid keys', (fn, call) => {
    expectThrowsClean(() => call({ zzzzzzzzzz: undefined }), new RegExp(`^${escape(fn)}: unknown (option|key of params) 'zzzzzzzzzz' \\(valid: '`));
  });

  it('the example of the issue: gumbelSoftmax(logits, { temprature: 0.5 })', () => {
    const l = tf.zeros([2, 3]);
    expectThrowsClean(() => api.gumbelSoftmax(l, { temprature: 0.5 } as never), /^gumbelSoftmax: unknown option 'temprature' \(did you mean 'temperature'\?\)$/);
    l.dispose();
  });

  it('covers every exported function and class, and each sample and rsample', () => {
    const covered = new Set(rows.map(([fn]) => fn.split('.')[0]!));
    // EULER_GAMMA is a constant and deriveSeed takes seeds, not a bag; the state API is core's, re-exported (tested
    // there); every other export takes a bag
    expect(Object.keys(api).filter((k) => !covered.has(k)).sort()).toEqual(['EULER_GAMMA', 'composeState', 'deriveSeed', 'isStateful', 'loadState', 'saveState']);
    expect(rows.filter(([fn]) => fn.includes('.')).length).toBe(8);
  });
});
