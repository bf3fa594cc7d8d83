/**
 * The flows of the flows-2d example, as builders from plain options — no Node imports, so the browser page
 * (examples/browser) imports the very same builder to rebuild a flow trained and saved here.
 *
 * A saved flow records its {@link FlowArchitecture} in the checkpoint's metadata (`userDefinedMetadata.architecture`,
 * in model.json); {@link architectureFromMetadata} reads it back and {@link buildFlow} rebuilds the flow (any seed:
 * `loadState` then replaces every weight).
 */
import {
  deriveSeed,
  StandardNormal,
  TransformedDistribution,
  affineCoupling,
  chain,
  made,
  maskedAutoregressive,
  mlp,
  rationalQuadraticSpline,
  reverse,
  tanhBound,
  type TrainableBijector,
} from '@genmod/flows';

/** What is needed to rebuild a flow of this example: JSON, stored beside the weights. */
export interface FlowArchitecture {
  /** 'realnvp': affine couplings; 'maf': masked autoregressive layers with reversals; 'spline': rational-quadratic spline couplings */
  kind: 'realnvp' | 'maf' | 'spline';
  /** number of couplings / autoregressive layers */
  layers: number;
  /** hidden layer widths of each conditioner network */
  hidden: number[];
  /** spline only: number of bins */
  bins?: number;
  /** spline only: the spline acts on [−bound, bound] (identity outside) */
  bound?: number;
  /** realnvp only: log-scales are bounded by tanh to (−b, b) */
  logScaleBound?: number;
}

/** The three models flows-2d trains on every density. */
export const ARCHITECTURES: Record<string, FlowArchitecture> = {
  REALNVP: { kind: 'realnvp', layers: 6, hidden: [64, 64], logScaleBound: 2 },
  MAF: { kind: 'maf', layers: 5, hidden: [64, 64] },
  'SPLINE FLOW': { kind: 'spline', layers: 4, hidden: [64, 64], bins: 8, bound: 4 },
};

/** The small spline flow trained on two moons and shipped with the browser page (`npm run export-model`). */
export const SHIPPED_ARCHITECTURE: FlowArchitecture = { kind: 'spline', layers: 4, hidden: [32, 32], bins: 8, bound: 4 };

/** The bijector of `architecture` (2-D), its conditioners seeded from `seed`. */
export function buildBijector(architecture: FlowArchitecture, seed: number): TrainableBijector {
  const a = architecture;
  const mask = (i: number) => (i % 2 ? [0, 1] : [1, 0]);
  switch (a.kind) {
    case 'realnvp':
      return chain(...Array.from({ length: a.layers }, (_, i) => affineCoupling({
        mask: mask(i),
        conditioner: mlp({ inputs: 2, hidden: a.hidden, outputs: 4, seed: deriveSeed(seed, 'coupling', i) }),
        ...(a.logScaleBound !== undefined && { logScaleBound: tanhBound(a.logScaleBound) }),
      })));
    case 'maf':
      return chain(...Array.from({ length: a.layers }, (_, i) => [
        maskedAutoregressive({ network: made({ features: 2, hidden: a.hidden, seed: deriveSeed(seed, 'made', i) }) }),
        ...(i < a.layers - 1 ? [reverse()] : []),
      ]).flat());
    case 'spline': {
      const bins = a.bins ?? 8;
      // per transformed dimension: bins widths, bins heights, bins − 1 interior derivatives
      return chain(...Array.from({ length: a.layers }, (_, i) => rationalQuadraticSpline({
        mask: mask(i),
        bins,
        bound: a.bound ?? 4,
        conditioner: mlp({ inputs: 2, hidden: a.hidden, outputs: 2 * (3 * bins - 1), seed: deriveSeed(seed, 'spline', i) }),
      })));
    }
    default:
      throw new Error(`buildBijector: kind must be 'realnvp', 'maf' or 'spline', got '${(a as { kind: unknown }).kind}'`);
  }
}

/** The flow of `architecture`: its bijector over a standard normal on R². */
export function buildFlow(architecture: FlowArchitecture, seed = 0): TransformedDistribution {
  return new TransformedDistribution(new StandardNormal([2]), buildBijector(architecture, seed));
}

/** The architecture recorded by flows-2d in a checkpoint's metadata (what `loadState` returns); throws if absent or malformed. */
export function architectureFromMetadata(metadata: unknown): FlowArchitecture {
  const a = (metadata as { architecture?: Partial<FlowArchitecture> } | undefined)?.architecture;
  const ok = a !== undefined && a !== null && ['realnvp', 'maf', 'spline'].includes(a.kind as string) &&
    Number.isInteger(a.layers) && (a.layers as number) > 0 && Array.isArray(a.hidden) && a.hidden.every((h) => Number.isInteger(h) && h > 0);
  if (!ok) throw new Error(`architectureFromMetadata: the checkpoint's metadata has no flows-2d architecture ({ kind, layers, hidden, … }), got ${JSON.stringify(a)}`);
  return a as FlowArchitecture;
}
