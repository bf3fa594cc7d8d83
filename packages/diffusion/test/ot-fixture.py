"""Reference for otPairing: scipy.optimize.linear_sum_assignment on a fixed B = 64 batch.

Run once with /usr/bin/python3 (numpy, scipy); writes ot-fixture.json beside this file. The inputs are
rounded to float32 first, so that the test feeds exactly the same numbers to otPairing.
"""
import json
import os

import numpy as np
from scipy.optimize import linear_sum_assignment

rng = np.random.default_rng(20260418)
B, d = 64, 3
x0 = rng.standard_normal((B, d)).astype(np.float32).astype(np.float64)
x1 = (rng.standard_normal((B, d)) * [0.5, 2.0, 1.0] + [1.0, -1.0, 0.5]).astype(np.float32).astype(np.float64)
# cost[i, j] = ||x1[i] - x0[j]||^2: row i (data) gets column pi[i] (source)
cost = ((x1[:, None, :] - x0[None, :, :]) ** 2).sum(-1)
rows, cols = linear_sum_assignment(cost)
assert (rows == np.arange(B)).all()
out = {
    "script": "test/ot-fixture.py (scipy " + __import__("scipy").__version__ + ")",
    "x0": x0.tolist(),
    "x1": x1.tolist(),
    "permutation": cols.tolist(),
    "cost": float(cost[rows, cols].sum()),
    "identityCost": float(np.trace(cost)),
}
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "ot-fixture.json"), "w") as f:
    json.dump(out, f)
    f.write("\n")
print(out["cost"], out["identityCost"])
