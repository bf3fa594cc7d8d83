import { afterAll, beforeEach, expect } from 'vitest';
import { describeReadmeExamples } from '@genmod-internal/testing';
import { disableHigherOrderGradients } from './higher-order-gradients.js';

// README examples are extracted to readme-examples/, type-checked by the package's typecheck task, and run
// here: the README cannot drift from the code.
// what the examples of the sections "Losses", "Penalties and constraints", "Second-order gradients" and "Save and
// load" print (other sections' examples only have to run)
const checks: Record<string, (out: unknown[]) => void> = {
  'example-1.ts': ([d, g, pairs]) => {
    // mean softplus(−[3, 2, 1e4]) + mean softplus([−2, −3, −1e4])
    const sp = (x: number) => Math.log1p(Math.exp(x));
    expect(d as number).toBeCloseTo((sp(-3) + sp(-2) + sp(-2) + sp(-3)) / 3, 5);
    expect(g as number).toBeCloseTo((sp(2) + sp(3) + 1e4) / 3, 2);
    const [ns, hinge] = pairs as [string, number, number][];
    expect(ns![0]).toBe('non-saturating');
    expect(hinge![0]).toBe('hinge');
    expect(hinge![1]).toBe(0); // every r ≥ 1 and every f ≤ −1: no margin violated
    expect(ns![2]).toBeCloseTo(g as number, 4);
  },
  'example-2.ts': ([sigma, exact]) => {
    expect(Number.isFinite(sigma)).toBe(true);
    expect(sigma as number).toBeCloseTo(exact as number, 2);
  },
  'example-3.ts': (out) => expect(out).toEqual([true, false, true, true, true]),
  // "Save and load": a GAN resumed from its checkpoint and both optimizers trains on with the same losses
  'example-5.ts': ([same]) => expect(same).toBe(true),
};

// the examples opt in as an app would, and each is a program of its own; the suite shares one tfjs
beforeEach(() => disableHigherOrderGradients());
afterAll(() => disableHigherOrderGradients());

describeReadmeExamples(import.meta.url, checks);
