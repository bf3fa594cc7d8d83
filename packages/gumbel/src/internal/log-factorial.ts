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
