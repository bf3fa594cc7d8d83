/** numpy.linspace(start, stop, n) in float64, step by step as numpy computes it (start + i·step, last = stop). */
export function linspace(start: number, stop: number, n: number): Float64Array {
  const out = new Float64Array(n);
  if (n === 1) return Float64Array.of(start);
  const step = (stop - start) / (n - 1);
  for (let i = 0; i < n; i++) out[i] = i * step + start;
  if (n > 1) out[n - 1] = stop;
  return out;
}
