// The shared body of the elementwise bijectors: validation, tidy scopes, and the log-det's shape.
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { toFloat, type StateDict, type Support } from '@genmod-internal/core';
import type { Bijector } from '../bijector.js';
import { checkEventInput } from './checks.js';
import { leafState } from './state.js';

export interface ElementwiseSpec {
  name: string;
  /** the set forward maps into, when known */
  codomain?: Support;
  /** y and log|dy/dx| elementwise */
  forward(x: Tensor): [Tensor, Tensor];
  /** x and log|dx/dy| elementwise */
  inverse(y: Tensor): [Tensor, Tensor];
  trainableVariables?: tf.Variable[];
  /** the parameters that are tf.Variables, by name (`shift`, `scale`); none by default */
  state?: StateDict;
  dispose?(): void;
}

/** An elementwise bijector (event rank 0: the log-det has the input's broadcast shape). */
export function elementwise(spec: ElementwiseSpec): Bijector {
  const call = (method: 'forward' | 'inverse', input: Tensor) => {
    const fn = `${spec.name}.${method}`;
    checkEventInput(fn, method === 'forward' ? 'x' : 'y', input, 0);
    return tf.tidy(fn, () => {
      const v = toFloat(fn, method === 'forward' ? 'x' : 'y', input);
      const [out, ld] = spec[method](v);
      // parameters may broadcast the value; the log-det takes the value's shape
      return [out, tf.broadcastTo(ld, out.shape)] as const;
    });
  };
  return {
    eventRank: 0,
    ...(spec.codomain === undefined ? {} : { codomain: spec.codomain }),
    forward(x: Tensor) {
      const [y, logDet] = call('forward', x);
      return { y, logDet };
    },
    inverse(y: Tensor) {
      const [x, logDet] = call('inverse', y);
      return { x, logDet };
    },
    get trainableVariables() {
      return spec.trainableVariables ?? [];
    },
    ...leafState(`${spec.name}.loadState`, () => spec.state ?? {}),
    dispose() {
      spec.dispose?.();
    },
  };
}

/** log σ(x) = −softplus(−x), stable for every finite x. */
export function logSigmoid(x: Tensor): Tensor {
  return tf.neg(tf.softplus(tf.neg(x)));
}
