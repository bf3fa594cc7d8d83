/**
 * Saving the example's models (issue 15): the models here are plain functions over tf.Variables, so each names
 * its variables by structure (`encoder/0/w`, …) and {@link variablesState} makes that record
 * {@link Stateful}: `saveState` / `loadState` from @genmod/vae then carry it through any tf.io handler
 * (`file://` in Node via chooseBackend's file router). Loading checks every name, shape and dtype before it
 * assigns any, like the packages' own `loadState`.
 */
import * as tf from '@tensorflow/tfjs';
import type { StateDict, Stateful } from '@genmod/vae';

const describe = (t: tf.Tensor) => `${t.dtype}[${t.shape.join(', ')}]`;

/** A record of variables by structural name as a Stateful object (the variables stay the model's own). */
export function variablesState(variables: Record<string, tf.Variable>): Stateful {
  return {
    getState: () => ({ ...variables }),
    loadState(state: StateDict) {
      const missing = Object.keys(variables).filter((n) => !(n in state));
      const unexpected = Object.keys(state).filter((n) => !(n in variables));
      const mismatched = Object.entries(variables).filter(([n, v]) => n in state && (state[n]!.dtype !== v.dtype || !tf.util.arraysEqual(state[n]!.shape, v.shape)))
        .map(([n, v]) => `'${n}': expected ${describe(v)}, got ${describe(state[n]!)}`);
      if (missing.length + unexpected.length + mismatched.length > 0) {
        const parts = [
          missing.length > 0 ? `missing ${missing.map((n) => `'${n}'`).join(', ')}` : '',
          unexpected.length > 0 ? `unexpected ${unexpected.map((n) => `'${n}'`).join(', ')}` : '',
          mismatched.length > 0 ? `mismatched ${mismatched.join('; ')}` : '',
        ].filter((p) => p !== '');
        throw new Error(`loadState: the state does not fit this model (nothing was loaded): ${parts.join('; ')}`);
      }
      for (const [n, v] of Object.entries(variables)) if (state[n] !== v) v.assign(state[n]!);
    },
  };
}

/** `{ w, b }` layers as `prefix/i/w`, `prefix/i/b` (`i/w`, `i/b` for the prefix ''). */
export function layerVariables(prefix: string, layers: Array<{ w: tf.Variable; b: tf.Variable }>): Record<string, tf.Variable> {
  const head = prefix === '' ? '' : `${prefix}/`;
  return Object.fromEntries(layers.flatMap((l, i) => [[`${head}${i}/w`, l.w], [`${head}${i}/b`, l.b]]));
}
