/**
 * log Γ(n) for integer n ≥ 1, i.e. log((n − 1)!), summed on the host in float64 (tfjs-core has no lgamma).
 * The sum of logs is exact to a few ulps for every n this package meets (category counts).
 */
export function logGammaInt(n: number): number {
  let s = 0;
  for (let i = 2; i < n; i++) s += Math.log(i);
  return s;
}

/** [log Γ(0) := 0 (unused), log Γ(1), …, log Γ(n)] for a gather by category count. */
export function logGammaTable(n: number): number[] {
  const table = [0];
  let s = 0;
  for (let k = 1; k <= n; k++) {
    if (k > 2) s += Math.log(k - 1);
    table.push(s);
  }
  return table;
}
