/** The checked cores of {@link discriminatorStep} and {@link generatorStep}, shared with {@link trainAdversarial}. */
import * as tf from '@tensorflow/tfjs-core';
import type { Optimizer, Scalar, Tensor, Variable } from '@tensorflow/tfjs-core';
import { sameShape, show } from '@genmod-internal/core';
import type { GanLoss } from '../gan-loss.js';
import type { DiscriminatorStepResult, Penalty } from '../discriminator-step.js';
import type { ResolvedNetwork } from './networks.js';
import { releaseTape, withTapeRelease } from './release-tape.js';

/** One checked discriminator update: everything {@link runDiscriminatorStep} needs. */
export interface DiscriminatorRun {
  fn: string;
  discriminator: ResolvedNetwork;
  optimizer: Optimizer;
  loss: GanLoss;
  real: Tensor;
  /** the generated batch, or a thunk computing it (outside the optimizer's tape) */
  fake: Tensor | (() => Tensor);
  penalty?: Penalty;
  constrain?: (variables: Variable[]) => void;
  /** the penalty's seed (already derived) */
  seed: number;
  step: number;
}

/** The discriminator update of {@link discriminatorStep}; the arguments are checked. */
export function runDiscriminatorStep(run: DiscriminatorRun): DiscriminatorStepResult {
  const { fn, discriminator: d, optimizer, loss, real, penalty, seed, step } = run;
  let penaltyValue: Scalar | undefined;
  let value: Scalar;
  try {
    value = tf.tidy(() => {
      // the generated batch is a constant of this update: computed outside the optimizer's tape
      const x = typeof run.fake === 'function' ? run.fake() : run.fake;
      if (!sameShape(x.shape, real.shape)) {
        throw new Error(`${fn}: the fake batch must have the real batch's shape [${real.shape.join(', ')}], got ${show(x)}`);
      }
      const objective = (): Scalar => {
        const l = loss.discriminator(d.call(real), d.call(x));
        if (!penalty) return l;
        const p = penalty({ discriminator: d.call, real, fake: x, seed, step });
        if (!(p instanceof tf.Tensor) || p.rank !== 0) throw new Error(`${fn}: the penalty must return a scalar tensor, got ${show(p)}`);
        penaltyValue = tf.keep(tf.clone(p));
        return tf.add(l, p) as Scalar;
      };
      return optimizer.minimize(objective, true, d.variables) as Scalar;
    });
  } catch (e) {
    penaltyValue?.dispose();
    releaseTape();
    throw e;
  }
  try {
    run.constrain?.(d.variables);
  } catch (e) {
    tf.dispose([value, penaltyValue]);
    throw e;
  }
  return penaltyValue ? { loss: value, penalty: penaltyValue } : { loss: value };
}

/** One checked generator update: everything {@link runGeneratorStep} needs. */
export interface GeneratorRun {
  generator: ResolvedNetwork;
  discriminator: (x: Tensor) => Tensor;
  optimizer: Optimizer;
  loss: GanLoss;
  noise: Tensor;
}

/** The generator update of {@link generatorStep}; the arguments are checked. */
export function runGeneratorStep(run: GeneratorRun): Scalar {
  const { generator: g, discriminator: d, optimizer, loss, noise } = run;
  return withTapeRelease(() => tf.tidy(() => optimizer.minimize(() => loss.generator(d(g.call(noise))), true, g.variables) as Scalar));
}
