// Forward KL covers modes, reverse KL seeks one: fit N(μ, σ²) to π = ½N(−2, 0.5²) + ½N(2, 0.5²) by
// minimizing Monte Carlo estimates of KL(π‖p), KL(p‖π) and JS(p, π) with Adam (the same objectives as
// examples/divergences-fit). The forward-KL optimum is moment matching: μ = 0, σ² = 0.5² + 2² (σ ≈ 2.062);
// the reverse-KL optimum from μ₀ = 0.5 is the mode at 2 with σ = 0.5 (the other component is ~e⁻³² away);
// JS sits between the two and, for this target, covers (its optimum is μ = 0, σ = 2.05).
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { jsDivergenceMonteCarlo, monteCarloKl } from './monte-carlo.js';
import { mixture, normal } from '../test/distributions.js';

const TARGET = mixture([0.5, 0.5], [-2, 2], [0.5, 0.5]);

function fit(objective: (p: ReturnType<typeof normal>, seed: number) => tf.Scalar): { mu: number; sigma: number } {
  const mu = tf.tidy(() => tf.variable(tf.scalar(0.5))); // tidy frees the initial value, not the variable
  const logSigma = tf.tidy(() => tf.variable(tf.scalar(0)));
  const optimizer = tf.train.adam(0.05);
  const steps = 300;
  let muSum = 0;
  let sigmaSum = 0;
  for (let step = 0; step < steps; step++) {
    optimizer.minimize(() => objective(normal(mu, tf.exp(logSigma)), 1000 + step), false, [mu, logSigma]);
    if (step >= steps - 100) {
      // Polyak averaging of the last iterates smooths the Monte Carlo noise
      muSum += mu.dataSync()[0]!;
      sigmaSum += Math.exp(logSigma.dataSync()[0]!);
    }
  }
  tf.dispose([mu, logSigma]);
  optimizer.dispose();
  return { mu: muSum / 100, sigma: sigmaSum / 100 };
}

describe('mode covering (forward KL) versus mode seeking (reverse KL)', () => {
  const samples = 256;
  const forward = fit((p, seed) => monteCarloKl(TARGET, p, { samples, seed }).estimate as tf.Scalar);
  const reverse = fit((p, seed) => monteCarloKl(p, TARGET, { samples, seed }).estimate as tf.Scalar);
  const js = fit((p, seed) => jsDivergenceMonteCarlo(p, TARGET, { samples, seed }).estimate as tf.Scalar);

  it('forward KL(π‖p) covers both modes: μ at the midpoint, σ wider than the modes’ spread', () => {
    expect(Math.abs(forward.mu), `μ_fwd ${forward.mu}`).toBeLessThan(0.15);
    expect(Math.abs(forward.sigma - Math.sqrt(0.25 + 4)), `σ_fwd ${forward.sigma}`).toBeLessThan(0.15);
    expect(forward.sigma).toBeGreaterThan(2); // half the distance between the modes
  });

  it('reverse KL(p‖π) locks onto one mode with that mode’s σ', () => {
    expect(Math.abs(reverse.mu - 2), `μ_rev ${reverse.mu}`).toBeLessThan(0.1);
    expect(Math.abs(reverse.sigma - 0.5), `σ_rev ${reverse.sigma}`).toBeLessThan(0.1);
  });

  it('JS(p, π) reaches its own optimum, which for this target covers both modes', () => {
    // float64 quadrature over a (μ, σ) grid: min JS = 0.2010 at μ = 0, σ = 2.05 (one mode, μ = 2, σ = 0.5: 0.2157)
    expect(Math.abs(js.mu), `μ_js ${js.mu}`).toBeLessThan(0.15);
    expect(Math.abs(js.sigma - 2.05), `σ_js ${js.sigma}`).toBeLessThan(0.15);
  });
});
