/** The results of the quality run: estimates over repeats, cells, rows, and their formatting. */

/** mean ± standard error (sd/√R, sd with R − 1) of R values. */
export interface Estimate {
  mean: number;
  se: number;
  values: number[];
}

export const estimate = (values: number[]): Estimate => {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const sd = values.length > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1)) : Number.NaN;
  return { mean, se: sd / Math.sqrt(values.length), values };
};

/** One cell: a sampler at one NFE budget. */
export interface Cell {
  budget: number;
  steps: number;
  /** the NFE measured (network calls) */
  nfe: number;
  sw2: Estimate;
  mmd2: Estimate;
  /** seconds per sample batch (mean over the repeats), metrics excluded */
  seconds: number;
}

export interface Row {
  label: string;
  model: 'diffusion' | 'flow';
  cells: Cell[];
  /** why the row is empty or short (a sampler missing from this build, a failure) */
  error?: string;
}

export interface DatasetResult {
  name: string;
  label: string;
  floor: { sw2: Estimate; mmd2: Estimate };
  rows: Row[];
  training: { diffusion: { seconds: number; loss: number }; flow?: { seconds: number; loss: number }; flowError?: string };
  /** the samples of repeat 0 at each budget, per sampler label (for the figure) */
  samples: Record<string, Record<number, number[][]>>;
  heldOut: number[][];
}

/** `mean ± se` (after multiplying by `scale`), the SE to 2 significant digits and the mean to the same decimals. */
export function fmt(e: Estimate, scale = 1): string {
  const [m, s] = [e.mean * scale, e.se * scale];
  if (!Number.isFinite(m)) return String(m);
  if (!(s > 0)) return m.toPrecision(3);
  const decimals = Math.min(Math.max(1 - Math.floor(Math.log10(s)), 0), 8);
  return `${m.toFixed(decimals)} ± ${s.toFixed(decimals)}`;
}
