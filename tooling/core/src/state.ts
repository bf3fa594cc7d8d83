/**
 * Saving and restoring what trains (issue 15): one calling convention for every stateful object of every package.
 *
 * An object that holds state implements {@link Stateful}: `getState()` lists every tensor it holds — trainable
 * variables and buffers alike (running statistics, EMA sums, power-iteration vectors, ActNorm's initialised
 * flag) — by a name that comes from its structure (`2/coupling/net/0/kernel`), never from a process-global
 * counter; `loadState(state)` checks names, shapes and dtypes of all of them before it changes any.
 *
 * {@link saveState} / {@link loadState} carry a state through tfjs's own IO: the `weightSpecs` + `weightData`
 * artifacts every `tf.io` handler takes, so `file://` (tfjs-node, or @genmod/backend's file router),
 * `indexeddb://`, `localstorage://`, `downloads://` and `tf.io.http` work as they do for `LayersModel.save`.
 * An optimizer's state (Adam's moments) can travel with it, for resuming training.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { checkOptions } from './options.js';

interface NamedTensor { name: string; tensor: Tensor }

/** Named tensors, keyed by '/'-separated structural paths. The tensors are the object's own: do not dispose them. */
export type StateDict = Record<string, Tensor>;

/**
 * An object whose state can be saved and restored (the convention of torch's `state_dict` /
 * `load_state_dict`).
 */
export interface Stateful {
  /** Every tensor that defines the object, trainable or not, by structural name (live tensors: do not dispose). */
  getState(): StateDict;
  /**
   * Replaces the object's state. Names, shapes and dtypes are all checked before anything changes: a missing,
   * unexpected or mismatched tensor throws an Error that lists each, and leaves the object as it was.
   */
  loadState(state: StateDict): void;
}

/** True when `x` has `getState` and `loadState` methods. */
export function isStateful(x: unknown): x is Stateful {
  // networks are functions that carry getState/loadState
  return (typeof x === 'object' || typeof x === 'function') && x !== null &&
    typeof (x as Stateful).getState === 'function' && typeof (x as Stateful).loadState === 'function';
}

/** `state` with every name prefixed by `prefix/` (no prefix for ''). */
export function prefixState(prefix: string, state: StateDict): StateDict {
  if (prefix === '') return { ...state };
  const out: StateDict = {};
  for (const [name, t] of Object.entries(state)) out[`${prefix}/${name}`] = t;
  return out;
}

/** The entries of `state` under `prefix/`, with the prefix removed. */
export function subState(prefix: string, state: StateDict): StateDict {
  if (prefix === '') return { ...state };
  const out: StateDict = {};
  const head = `${prefix}/`;
  for (const [name, t] of Object.entries(state)) if (name.startsWith(head)) out[name.slice(head.length)] = t;
  return out;
}

const describe = (t: Tensor) => `${t.dtype}[${t.shape.join(', ')}]`;

/**
 * Checks `given` against `expected` (the object's own state): the same names, shapes and dtypes. Throws one Error
 * listing every missing, unexpected and mismatched entry; returns nothing and changes nothing.
 */
export function checkStateMatches(fn: string, expected: StateDict, given: unknown): asserts given is StateDict {
  if (given === null || typeof given !== 'object' || Array.isArray(given) || given instanceof tf.Tensor) {
    throw new Error(`${fn}: state must be an object of named tensors (from getState() or loadState(...)), got ${given === null ? 'null' : Array.isArray(given) ? 'an array' : typeof given}`);
  }
  const g = given as Record<string, unknown>;
  const missing = Object.keys(expected).filter((n) => !(n in g));
  const unexpected = Object.keys(g).filter((n) => !(n in expected));
  const mismatched: string[] = [];
  for (const [name, want] of Object.entries(expected)) {
    if (!(name in g)) continue;
    const got = g[name];
    if (!(got instanceof tf.Tensor)) {
      mismatched.push(`'${name}': expected ${describe(want)}, got ${got === null ? 'null' : typeof got}`);
    } else if (got.isDisposed) {
      mismatched.push(`'${name}': expected ${describe(want)}, got a disposed tensor`);
    } else if (got.dtype !== want.dtype || !tf.util.arraysEqual(got.shape, want.shape)) {
      mismatched.push(`'${name}': expected ${describe(want)}, got ${describe(got)}`);
    }
  }
  if (missing.length + unexpected.length + mismatched.length === 0) return;
  const parts: string[] = [];
  if (missing.length > 0) parts.push(`missing ${missing.map((n) => `'${n}'`).join(', ')}`);
  if (unexpected.length > 0) parts.push(`unexpected ${unexpected.map((n) => `'${n}'`).join(', ')}`);
  if (mismatched.length > 0) parts.push(`mismatched ${mismatched.join('; ')}`);
  throw new Error(`${fn}: the state does not fit this object (nothing was loaded): ${parts.join('; ')}`);
}

/**
 * The common body of `loadState`: checks `given` against the object's own `expected` state (every entry a
 * tf.Variable), then assigns every variable. Nothing changes when the check fails.
 */
export function assignState(fn: string, expected: StateDict, given: unknown): void {
  checkStateMatches(fn, expected, given);
  for (const [name, v] of Object.entries(expected)) {
    if (!(v instanceof tf.Variable)) throw new Error(`${fn}: internal: state entry '${name}' is not a tf.Variable`);
  }
  for (const [name, v] of Object.entries(expected)) {
    const g = given[name]!;
    // loading an object's own state into itself: assigning a variable to itself would free its data
    if (g === v || g.dataId === v.dataId) continue;
    (v as tf.Variable).assign(g);
  }
}

/**
 * The state of several parts under their names: `composeState({ encoder, decoder, prior })` is Stateful, its
 * names are `encoder/…`, `decoder/…`, `prior/…`. A tfjs-layers model (anything with `weights` whose entries
 * have `read()` and `write()`) counts as a part: its weights are named by their position, `encoder/0`, …
 *
 * @example
 * ```ts
 * const w = tf.variable(tf.ones([2]));
 * const part = { getState: () => ({ kernel: w }), loadState: (s: Record<string, tf.Tensor>) => { w.assign(s.kernel!); } };
 * const both = composeState({ encoder: part, decoder: { getState: () => ({}), loadState: () => {} } });
 * console.log(Object.keys(both.getState())); // ['encoder/kernel']
 * // with a tfjs-layers model: composeState({ flow, encoder: layersModel }) names its weights encoder/0, encoder/1, …
 * w.dispose();
 * ```
 */
export function composeState(parts: Record<string, Stateful | LayersModelWeights>): Stateful {
  if (parts === null || typeof parts !== 'object') throw new Error(`composeState: parts must be an object of named Stateful objects or tfjs-layers models, got ${parts === null ? 'null' : typeof parts}`);
  const resolved: Array<[string, Stateful]> = Object.entries(parts).map(([name, part]) => {
    if (name === '' || name.includes('/')) throw new Error(`composeState: part names must be non-empty and contain no '/', got '${name}'`);
    if (isStateful(part)) return [name, part];
    if (isLayersModelWeights(part)) return [name, layersModelState(part)];
    throw new Error(`composeState: part '${name}' must have getState() and loadState() or be a tfjs-layers model, got ${typeof part}`);
  });
  return {
    getState() {
      const out: StateDict = {};
      for (const [name, part] of resolved) Object.assign(out, prefixState(name, part.getState()));
      return out;
    },
    loadState(state: StateDict) {
      checkStateMatches('loadState', this.getState(), state);
      for (const [name, part] of resolved) part.loadState(subState(name, state));
    },
  };
}

/** What composeState reads of a tfjs-layers model: its weights, each readable and writable. */
export interface LayersModelWeights {
  readonly weights: ReadonlyArray<{ read(): Tensor; write(value: Tensor): unknown; readonly name: string }>;
}

function isLayersModelWeights(x: unknown): x is LayersModelWeights {
  const w = (x as { weights?: unknown } | null)?.weights;
  return Array.isArray(w) && w.every((v) => typeof v?.read === 'function' && typeof v?.write === 'function');
}

function layersModelState(model: LayersModelWeights): Stateful {
  return {
    getState() {
      const out: StateDict = {};
      model.weights.forEach((w, i) => (out[String(i)] = w.read()));
      return out;
    },
    loadState(state: StateDict) {
      checkStateMatches('loadState', this.getState(), state);
      model.weights.forEach((w, i) => {
        const t = state[String(i)]!;
        if (t !== w.read() && t.dataId !== w.read().dataId) w.write(t);
      });
    },
  };
}

/** The marker saveState writes as the artifacts' `format`, and loadState expects. */
export const STATE_FORMAT = 'genmod-state';

/** Options of {@link saveState}. */
export interface SaveStateOptions {
  /** an optimizer whose state (iterations, Adam's moments, …) is saved too, for resuming training */
  optimizer?: tf.Optimizer;
  /** JSON-serialisable data stored beside the tensors (`userDefinedMetadata`), e.g. the architecture's options */
  metadata?: Record<string, {}>;
}

/** Options of {@link loadState}. */
export interface LoadStateOptions {
  /** an optimizer built like the saved one, into which the saved optimizer state is loaded */
  optimizer?: tf.Optimizer;
}

// Adam and Adamax keep β₁ᵗ (and β₂ᵗ) as running products; setWeights recomputes them with pow, which can differ
// from the product in the last bit. They travel with the state so resumed training is bit for bit the same.
const OPTIMIZER_PRODUCTS = ['accBeta1', 'accBeta2'] as const;

function resolveHandler(fn: string, where: string | tf.io.IOHandler, mode: 'save' | 'load'): tf.io.IOHandler {
  if (typeof where !== 'string') {
    if (where === null || typeof where !== 'object' || typeof (where as tf.io.IOHandler)[mode] !== 'function') {
      throw new Error(`${fn}: destination must be a URL string (file://, indexeddb://, localstorage://, downloads://, http(s)://) or a tf.io handler with a ${mode}() method, got ${where === null ? 'null' : typeof where}`);
    }
    return where;
  }
  const handlers = mode === 'save' ? tf.io.getSaveHandlers(where) : tf.io.getLoadHandlers(where);
  if (handlers.length === 0 && mode === 'load' && /^https?:\/\//.test(where)) return tf.io.http(where);
  if (handlers.length === 0 && mode === 'save' && /^https?:\/\//.test(where)) return tf.io.http(where);
  if (handlers.length !== 1) {
    const hint = where.startsWith('file://')
      ? " (in Node, import '@tensorflow/tfjs-node' or call registerFileRouter() from @genmod/backend first)"
      : '';
    throw new Error(`${fn}: ${handlers.length === 0 ? 'no' : 'more than one'} tf.io ${mode} handler for '${where}'${hint}`);
  }
  return handlers[0]!;
}

/** Names of the live variables of `state` → their structural names (for the optimizer's per-variable slots). */
function structuralNames(state: StateDict): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, t] of Object.entries(state)) if (t instanceof tf.Variable) out.set(t.name, name);
  return out;
}

/**
 * Saves `target`'s state (and, with `optimizer`, the optimizer's) through a tf.io handler or URL. The artifacts are
 * the ones `LayersModel.save` writes: `weightSpecs` + `weightData`, with `format` 'genmod-state' and a
 * `modelTopology` that lists the names. Optimizer entries are named `optimizer/…`, with each slot named after the
 * structural name of its variable (`optimizer/flow/0/kernel/m`).
 *
 * @example
 * ```ts
 * const w = tf.variable(tf.tensor1d([1, 2]));
 * const model = { getState: () => ({ kernel: w }), loadState: (s: Record<string, tf.Tensor>) => { w.assign(s.kernel!); } };
 * let saved: tf.io.ModelArtifacts | undefined;
 * // in an app: saveState(model, 'indexeddb://my-model') or 'file://./checkpoint', { optimizer } for Adam's moments
 * await saveState(model, tf.io.withSaveHandler(async (artifacts) => {
 *   saved = artifacts;
 *   return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
 * }));
 * console.log(saved!.weightSpecs!.map((spec) => spec.name)); // ['kernel']
 * w.dispose();
 * ```
 */
export async function saveState(target: Stateful, destination: string | tf.io.IOHandler, options: SaveStateOptions = {}): Promise<tf.io.SaveResult> {
  if (!isStateful(target)) throw new Error(`saveState: target must have getState() and loadState() (a genmod model, flow, or composeState(...)), got ${target === null ? 'null' : typeof target}`);
  options = checkOptions('saveState', options, ['optimizer', 'metadata'] as const);
  const handler = resolveHandler('saveState', destination, 'save');
  const state = target.getState();
  const entries: NamedTensor[] = Object.entries(state).map(([name, tensor]) => ({ name, tensor }));
  const owned: Tensor[] = [];
  const optimizerNames: string[] = [];
  if (options.optimizer !== undefined) {
    const opt = options.optimizer;
    const names = structuralNames(state);
    const weights = await opt.getWeights();
    for (const w of weights) {
      if (w.name === 'iter') owned.push(w.tensor); // saveIterations makes a new scalar
      const slash = w.name.lastIndexOf('/');
      const variable = slash > 0 ? w.name.slice(0, slash) : w.name;
      const structural = names.get(variable);
      const name = structural !== undefined ? `${structural}${w.name.slice(slash)}` : w.name;
      entries.push({ name: `optimizer/${name}`, tensor: w.tensor });
      optimizerNames.push(name);
    }
    for (const key of OPTIMIZER_PRODUCTS) {
      const v = (opt as unknown as Record<string, unknown>)[key];
      if (v instanceof tf.Variable) entries.push({ name: `optimizer/.${key}`, tensor: v });
    }
  }
  try {
    const { data, specs } = await tf.io.encodeWeights(entries);
    return await handler.save!({
      modelTopology: { format: STATE_FORMAT, names: Object.keys(state), optimizer: optimizerNames.length > 0 ? optimizerNames : undefined },
      format: STATE_FORMAT,
      generatedBy: '@genmod',
      convertedBy: null,
      weightSpecs: specs,
      weightData: data,
      userDefinedMetadata: options.metadata,
    });
  } finally {
    for (const t of owned) t.dispose();
  }
}

/**
 * Loads a state saved by {@link saveState} into `target` (and, with `optimizer`, the optimizer state into it).
 * Everything is decoded and checked — names, shapes, dtypes of the target's state; the optimizer's slots against
 * the target's variables — before anything changes; on any mismatch it throws and the target (and optimizer) are
 * as they were. Returns the saved `metadata`.
 *
 * @example
 * ```ts
 * const w = tf.variable(tf.zeros([2]));
 * const model = { getState: () => ({ kernel: w }), loadState: (s: Record<string, tf.Tensor>) => { w.assign(s.kernel!); } };
 * const kernel = tf.tensor1d([1, 2]);
 * const { data, specs } = await tf.io.encodeWeights({ kernel });
 * // in an app: loadState(freshModel, 'indexeddb://my-model') or tf.io.http('/models/my-model/model.json')
 * await loadState(model, tf.io.fromMemory({ format: 'genmod-state', weightSpecs: specs, weightData: data }));
 * w.print(); // [1, 2]
 * tf.dispose([w, kernel]);
 * ```
 */
export async function loadState(target: Stateful, source: string | tf.io.IOHandler, options: LoadStateOptions = {}): Promise<Record<string, {}> | undefined> {
  if (!isStateful(target)) throw new Error(`loadState: target must have getState() and loadState() (a genmod model, flow, or composeState(...)), got ${target === null ? 'null' : typeof target}`);
  options = checkOptions('loadState', options, ['optimizer'] as const);
  const handler = resolveHandler('loadState', source, 'load');
  const artifacts = await handler.load!();
  if (artifacts.weightSpecs === undefined || artifacts.weightData === undefined) {
    throw new Error(`loadState: the source has no weights (weightSpecs and weightData), got ${Object.keys(artifacts).join(', ') || 'nothing'}`);
  }
  const topology = artifacts.modelTopology as { format?: string } | undefined;
  if (artifacts.format !== STATE_FORMAT && topology?.format !== STATE_FORMAT) {
    throw new Error(`loadState: the source is not a genmod state (format '${STATE_FORMAT}'), got format '${artifacts.format ?? topology?.format ?? 'none'}' (a LayersModel checkpoint loads with tf.loadLayersModel)`);
  }
  const decoded = tf.io.decodeWeights(artifacts.weightData, artifacts.weightSpecs);
  try {
    const state: StateDict = {};
    const optimizerEntries: NamedTensor[] = [];
    const products: Record<string, Tensor> = {};
    for (const [name, tensor] of Object.entries(decoded)) {
      if (name.startsWith('optimizer/.')) products[name.slice('optimizer/.'.length)] = tensor;
      else if (name.startsWith('optimizer/')) optimizerEntries.push({ name: name.slice('optimizer/'.length), tensor });
      else state[name] = tensor;
    }
    const own = target.getState();
    checkStateMatches('loadState', own, state);
    let optimizerWeights: NamedTensor[] | undefined;
    if (options.optimizer !== undefined) {
      if (optimizerEntries.length === 0) throw new Error('loadState: options.optimizer was given, but the source holds no optimizer state (save it with saveState(target, destination, { optimizer }))');
      optimizerWeights = translateOptimizerNames(own, optimizerEntries);
    }
    target.loadState(state);
    if (options.optimizer !== undefined && optimizerWeights !== undefined) {
      const opt = options.optimizer;
      const previous = await opt.getWeights();
      await opt.setWeights(optimizerWeights);
      for (const w of previous) w.tensor.dispose(); // setWeights replaces the slots without disposing the old ones
      for (const key of OPTIMIZER_PRODUCTS) {
        const v = (opt as unknown as Record<string, unknown>)[key];
        if (v instanceof tf.Variable && products[key] !== undefined) v.assign(products[key]!);
      }
    }
    return artifacts.userDefinedMetadata;
  } finally {
    for (const t of Object.values(decoded)) t.dispose(); // variables hold their own references
  }
}

/** Optimizer slots saved under structural names → the names of this process's variables; throws on unknown ones. */
function translateOptimizerNames(own: StateDict, entries: NamedTensor[]): NamedTensor[] {
  const unknown: string[] = [];
  const out = entries.map(({ name, tensor }) => {
    if (name === 'iter') return { name, tensor };
    const slash = name.lastIndexOf('/');
    const structural = slash > 0 ? name.slice(0, slash) : name;
    const v = own[structural];
    if (!(v instanceof tf.Variable)) {
      unknown.push(`'${name}'`);
      return { name, tensor };
    }
    if (!tf.util.arraysEqual(v.shape, tensor.shape)) unknown.push(`'${name}' (shape [${tensor.shape.join(', ')}], variable [${v.shape.join(', ')}])`);
    return { name: `${v.name}${name.slice(slash)}`, tensor };
  });
  if (unknown.length > 0) throw new Error(`loadState: optimizer slots that match no variable of the target (nothing was loaded): ${unknown.join(', ')}`);
  return out;
}
