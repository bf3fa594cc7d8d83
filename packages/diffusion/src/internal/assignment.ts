/**
 * The linear assignment problem on the host, in float64: the permutation minimizing Σ_i C[i][π(i)], by the
 * Hungarian algorithm with row/column potentials and shortest augmenting paths (the O(n³) form of Jonker &
 * Volgenant's method, without their initialization heuristics). Exact up to float64 rounding.
 *
 * @see Kuhn 1955, "The Hungarian method for the assignment problem", Naval Research Logistics Quarterly 2.
 * @see Jonker & Volgenant 1987, "A shortest augmenting path algorithm for dense and sparse linear assignment
 *   problems", Computing 38, 325–340.
 */

/**
 * The assignment of an n × n cost matrix (row-major `cost[i·n + j]`) of minimum total cost.
 *
 * @returns `assign` with `assign[i]` the column of row i
 */
export function linearAssignment(cost: Float64Array, n: number): Int32Array {
  if (cost.length !== n * n) throw new Error(`linearAssignment: cost must have ${n * n} entries, got ${cost.length}`);
  // 1-based arrays; column 0 is the virtual start of each augmenting path
  const u = new Float64Array(n + 1);
  const v = new Float64Array(n + 1);
  const rowOfCol = new Int32Array(n + 1); // the row assigned to column j (0: none)
  const way = new Int32Array(n + 1);
  const minv = new Float64Array(n + 1);
  const used = new Uint8Array(n + 1);
  for (let i = 1; i <= n; i++) {
    rowOfCol[0] = i;
    let j0 = 0;
    minv.fill(Infinity);
    used.fill(0);
    do {
      used[j0] = 1;
      const i0 = rowOfCol[j0]!;
      const base = (i0 - 1) * n;
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= n; j++) {
        if (used[j]) continue;
        const reduced = cost[base + j - 1]! - u[i0]! - v[j]!;
        if (reduced < minv[j]!) {
          minv[j] = reduced;
          way[j] = j0;
        }
        if (minv[j]! < delta) {
          delta = minv[j]!;
          j1 = j;
        }
      }
      for (let j = 0; j <= n; j++) {
        if (used[j]) {
          u[rowOfCol[j]!] = u[rowOfCol[j]!]! + delta;
          v[j] = v[j]! - delta;
        } else {
          minv[j] = minv[j]! - delta;
        }
      }
      j0 = j1;
    } while (rowOfCol[j0] !== 0);
    do {
      const j1 = way[j0]!;
      rowOfCol[j0] = rowOfCol[j1]!;
      j0 = j1;
    } while (j0 !== 0);
  }
  const assign = new Int32Array(n);
  for (let j = 1; j <= n; j++) assign[rowOfCol[j]! - 1] = j - 1;
  return assign;
}
