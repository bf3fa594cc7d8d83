/**
 * Timestep arguments: a number, an array of integers or an int32 tensor, each index in [0, T). Host values
 * are checked on the host; a tensor is read once (`dataSync`) for the range check, unless the caller built
 * it itself and says so (`read: false`). The timestep tensors this package builds from host numbers for a
 * denoiser are recorded ({@link hostTimestepTensor}), so that the embedding can use the numbers instead.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { fail, uniformNoise, type Seed } from '@genmod-internal/core';
import type { Prediction } from '../parameterization.js';
import type { Schedule, ScheduleQuantity } from '../schedule.js';

/**
 * Timestep indices: a number (every example at the same t), integers `[B]`, or an int32 tensor `[]` / `[B]`.
 *
 * @since 0.1.0
 */
export type Timesteps = number | ArrayLike<number> | Tensor;

/** A checked timestep argument: host indices (scalar when `scalar`), or a tensor to gather with. */
export interface CheckedTimesteps {
  scalar: boolean;
  /** the number of indices (1 for a scalar) */
  length: number;
  host?: Int32Array;
  tensor?: Tensor;
}

/**
 * Checks `t` against the schedule's range and, when `batch` is given, against the batch size (a `[B]`
 * argument must have B = batch).
 */
export function checkTimesteps(fn: string, t: unknown, T: number, batch?: number, arg = 't', read = true): CheckedTimesteps {
  const range = `[0, ${T})`;
  let out: CheckedTimesteps;
  if (typeof t === 'number') {
    if (!Number.isInteger(t) || t < 0 || t >= T) fail(fn, arg, `an integer in ${range}`, t);
    out = { scalar: true, length: 1, host: Int32Array.of(t) };
  } else if (t instanceof tf.Tensor) {
    if (t.dtype !== 'int32' || t.rank > 1) fail(fn, arg, 'an int32 tensor of shape [] or [B]', t);
    // the range check reads the tensor back (a sync on a GPU): skipped where the caller built t (read = false)
    if (read && t.size > 0) {
      let lo = Infinity;
      let hi = -Infinity;
      for (const v of t.dataSync() as Int32Array) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      if (lo < 0 || hi >= T) fail(fn, arg, `integers in ${range}`, `values in [${lo}, ${hi}]`);
    }
    out = { scalar: t.rank === 0, length: t.size, tensor: t };
  } else if (t !== null && typeof t === 'object' && typeof (t as ArrayLike<number>).length === 'number') {
    const a = t as ArrayLike<number>;
    for (let i = 0; i < a.length; i++) {
      const v = a[i];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= T) fail(fn, arg, `integers in ${range}`, `${arg}[${i}] = ${Array.isArray(v) ? 'an array' : v}`);
    }
    out = { scalar: false, length: a.length, host: Int32Array.from(a) };
  } else {
    return fail(fn, arg, `an integer in ${range}, an array of them or an int32 tensor`, t);
  }
  if (!out.scalar && batch !== undefined && out.length !== batch) {
    fail(fn, arg, `a scalar or of shape [B] with B = ${batch} (the batch size)`, `shape [${out.length}]`);
  }
  return out;
}

/** The host values of the timestep tensors built by {@link hostTimestepTensor}, by tensor (weakly held). */
const hostValues = new WeakMap<Tensor, Int32Array | Float32Array>();

/**
 * A tensor `[n]` of host timesteps for a denoiser (int32 from an Int32Array; float32 from a Float32Array, the
 * fractional timesteps of the σ samplers), uploaded (no kernel, unlike `tf.fill`) and recorded, so that
 * {@link knownTimesteps} gives its values back without reading the device. Call inside a tidy.
 */
export function hostTimestepTensor(values: Int32Array | Float32Array): Tensor {
  const t = tf.tensor1d(values, values instanceof Int32Array ? 'int32' : 'float32');
  hostValues.set(t, values);
  return t;
}

/** The host values of a timestep tensor made by {@link hostTimestepTensor}, or undefined for any other tensor. */
export function knownTimesteps(t: Tensor): Int32Array | Float32Array | undefined {
  return hostValues.get(t);
}

/** The int32 timestep indices as a tensor (`[]` or `[B]`). Call inside a tidy. */
export function timestepTensor(t: CheckedTimesteps): Tensor {
  if (t.tensor) return t.tensor;
  return t.scalar ? tf.scalar(t.host![0]!, 'int32') : tf.tensor1d(t.host!, 'int32');
}

/**
 * The timesteps the denoiser sees (`schedule.timesteps[t]`) as an int32 tensor of shape [B] (broadcast
 * from a scalar when `batch` is given). Call inside a tidy.
 */
export function modelTimesteps(schedule: Schedule, t: CheckedTimesteps, batch: number): Tensor {
  if (t.host) {
    const v = t.scalar ? new Int32Array(batch).fill(schedule.timesteps[t.host[0]!]!) : Int32Array.from(t.host, (i) => schedule.timesteps[i]!);
    return hostTimestepTensor(v);
  }
  // a scalar tensor is broadcast on the device (no read back)
  const idx = t.scalar ? tf.broadcastTo(t.tensor!, [batch]) : t.tensor!;
  if (!schedule.isRespaced) return t.scalar ? idx : tf.clone(idx);
  return tf.gather(tf.tensor1d(schedule.timesteps, 'int32'), idx);
}

/**
 * A per-timestep coefficient, shaped to broadcast against a tensor of rank `rank` with the batch first:
 * `[]` for a scalar t, `[B, 1, …, 1]` otherwise. Host indices read the float64 array (rounded once to
 * float32); tensor indices gather from the schedule's float32 tensors. Call inside a tidy.
 */
export function coefficient(schedule: Schedule, q: ScheduleQuantity, t: CheckedTimesteps, rank: number): Tensor {
  const shape = t.scalar ? [] : [t.length, ...new Array<number>(Math.max(rank - 1, 0)).fill(1)];
  if (t.host) {
    const values = Float32Array.from(t.host, (i) => schedule[q][i]!);
    return tf.tensor(values, shape, 'float32');
  }
  return tf.reshape(tf.gather(schedule.tensors()[q], t.tensor!), shape);
}

/**
 * A coefficient derived from the schedule by `f(i)` (float64 on the host, rounded once to float32), shaped
 * like {@link coefficient}'s. For tensor indices the T values are uploaded for this call and gathered.
 * Call inside a tidy.
 */
export function derivedCoefficient(schedule: Schedule, t: CheckedTimesteps, rank: number, f: (i: number) => number): Tensor {
  const shape = t.scalar ? [] : [t.length, ...new Array<number>(Math.max(rank - 1, 0)).fill(1)];
  if (t.host) return tf.tensor(Float32Array.from(t.host, f), shape, 'float32');
  const table = tf.tensor1d(Float32Array.from({ length: schedule.T }, (_, i) => f(i)), 'float32');
  return tf.reshape(tf.gather(table, t.tensor!), shape);
}

/**
 * t ~ U{lo, …, lo + n − 1}, int32 `[batch]`, on the seed's streams: a float draw u ∈ [0, n] floored
 * (tfjs's int32 randomUniform rounds, which gives the two ends half weight). Two kernels (three for
 * lo ≠ 0): the cast to int32 truncates, which is the floor for u ≥ 0, so ⌊min(u, n − 1)⌋ = cast(min(u, n − 1))
 * (was Floor, Minimum, Add, Cast; the same integers).
 */
export function uniformTimesteps(batch: number, lo: number, n: number, seed: Seed | undefined, ...streams: Seed[]): Tensor {
  return tf.tidy(() => {
    const k = tf.cast(tf.minimum(uniformNoise([batch], seed, 0, n, ...streams), n - 1), 'int32');
    return lo === 0 ? k : tf.add(k, tf.scalar(lo, 'int32'));
  });
}

/** Min-SNR-γ weight of one timestep for a prediction type (float64). */
export function minSnrWeight(snr: number, gamma: number, prediction: Prediction): number {
  if (prediction === 'epsilon') return snr === 0 ? 1 : Math.min(snr, gamma) / snr;
  if (prediction === 'x0') return Math.min(snr, gamma);
  return Math.min(snr, gamma) / (snr + 1);
}
