// The state of the package's objects (issue 15): leaves name their own variables, composites prefix their
// parts' names ('0/…', 'net/…', 'bijector/…') and check the whole state before any part loads.
import type * as tf from '@tensorflow/tfjs-core';
import { assignState, checkStateMatches, prefixState, subState, type StateDict, type Stateful } from '@genmod-internal/core';

/** Anything that may hold state: a bijector, a network, a base distribution. */
export interface StateHolder {
  getState?(): StateDict;
  loadState?(state: StateDict): void;
  readonly trainableVariables?: tf.Variable[];
}

/**
 * The state of a part: its own `getState()`, or, for a user's bijector or network without one, its
 * `trainableVariables` by position ('0', '1', …).
 */
export function stateOf(part: StateHolder): StateDict {
  if (typeof part.getState === 'function') return part.getState();
  const out: StateDict = {};
  (part.trainableVariables ?? []).forEach((v, i) => (out[String(i)] = v));
  return out;
}

/** Loads `state` into a part: its own `loadState`, or an assignment of its `trainableVariables` by position. */
export function loadStateOf(fn: string, part: StateHolder, state: StateDict): void {
  if (typeof part.loadState === 'function') part.loadState(state);
  else assignState(fn, stateOf(part), state);
}

/** A leaf's getState/loadState over its own variables (`state()` lists them by name). */
export function leafState(fn: string, state: () => StateDict, afterLoad?: () => void): Stateful {
  return {
    getState: () => ({ ...state() }),
    loadState(given: StateDict) {
      assignState(fn, state(), given);
      afterLoad?.();
    },
  };
}

/**
 * A composite's getState/loadState: part `name` contributes its names under `name/` ('' = transparent). The
 * whole state is checked before any part loads, so nothing is half-loaded.
 */
export function compositeState(fn: string, parts: () => Array<[string, StateHolder]>): Stateful {
  const getState = (): StateDict => {
    const out: StateDict = {};
    for (const [name, part] of parts()) Object.assign(out, prefixState(name, stateOf(part)));
    return out;
  };
  return {
    getState,
    loadState(given: StateDict) {
      checkStateMatches(fn, getState(), given);
      for (const [name, part] of parts()) loadStateOf(fn, part, subState(name, given));
    },
  };
}
