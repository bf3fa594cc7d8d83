import { expect } from 'vitest';
import { describeReadmeExamples } from '@genmod-internal/testing';

// README examples are extracted to readme-examples/, type-checked by the package's typecheck task, and run
// here: the README cannot drift from the code.
describeReadmeExamples(import.meta.url, {
  // the example trains θ toward −b/a = −0.5 and prints [θ, variance ratio, log q(z), REINFORCE gradient]
  'example-1.ts': (logged) => {
    const [theta, ratio, logQ, grad] = logged as [number, number, number[], number[]];
    expect(Math.abs(theta + 0.5)).toBeLessThan(0.1);
    expect(ratio).toBeGreaterThan(10); // closed form 55.5
    expect(logQ.length).toBe(4);
    expect(logQ.every(Number.isFinite)).toBe(true);
    // ∇ E[r_k] = π ⊙ (r − π·r) = [−0.44, −0.11, 0.56] at uniform π: the best class is pushed up
    expect(grad[2]!).toBeGreaterThan(0.3);
    expect(grad[0]!).toBeLessThan(0);
  },
  // the second saves a moving-average baseline and loads it into a fresh one: [names, same average]
  'example-2.ts': (logged) => {
    const [names, same] = logged as [string[], boolean];
    expect(names).toEqual(['average', 'initialized']);
    expect(same).toBe(true);
  },
});
