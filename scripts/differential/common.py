"""Shared helpers of the reference generator for tooling/differential (issue 14); see generate.py.

Run by hand with Debian's interpreter when references are regenerated:

    /usr/bin/python3 scripts/differential/generate.py

Writes tooling/differential/references/<package>.json. Values come from torch.distributions (float64),
scipy.stats / scipy.special where torch clamps or has no such law; gradients from torch autograd in float64.
Every input is rounded to float32 first (np.float32(x).item()) and stored, so both sides see the same
numbers. For each value element the file stores cond = sum_i |df/dx_i * x_i|, and for each gradient element
the same with second derivatives: the first-order effect of rounding the inputs to float32.
"""
import json
import math
import os
import sys

import mpmath
import numpy as np
import scipy
import scipy.special
import scipy.stats
import torch
import torch.distributions as D
from torch.distributions.relaxed_categorical import ExpRelaxedCategorical
from torch.distributions.relaxed_bernoulli import LogitRelaxedBernoulli

torch.set_default_dtype(torch.float64)
D.Distribution.set_default_validate_args(False)  # points outside a support are scored, not refused
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, 'tooling', 'differential', 'references')


class _Rng:
    """The numpy generator of the package being generated: reseeded by seed_for, so each file regenerates on its own
    (package modules hold this proxy, never a stale generator)."""
    gen = np.random.default_rng(0)

    def __getattr__(self, name):
        return getattr(_Rng.gen, name)


RNG = _Rng()
# one seed per package file; a new package adds its own
SEEDS = {'gumbel': 20261206, 'reparam': 20261207, 'divergences': 20261208, 'divergences_estimators': 20261213, 'divergences_metrics': 20261214, 'diffusion_samplers': 20261215, 'flows': 20261209,
         'diffusion': 20261210, 'vae': 20261211, 'adversarial': 20261212}


def seed_for(package):
    _Rng.gen = np.random.default_rng(SEEDS[package])
    torch.manual_seed(14)  # the ExpRelaxedCategorical samples used as points
N_RANDOM = 40


def f32(a):
    """Round to float32 and back to float64 (the exact float32 value)."""
    return np.asarray(a, dtype=np.float64).astype(np.float32).astype(np.float64)


def enc(v):
    v = float(v)
    if math.isnan(v):
        return 'NaN'
    if math.isinf(v):
        return 'Infinity' if v > 0 else '-Infinity'
    return float(np.float32(v).item()) if False else v


def enc_list(a):
    return [int(v) if math.isfinite(v) and v.is_integer() and abs(v) < 2 ** 53 else enc(v)
            for v in np.asarray(a, dtype=np.float64).reshape(-1).tolist()]


def enc_short(a):
    """Reference values: float64, 17 significant digits are not needed for a float32 comparison."""
    out = []
    for v in np.asarray(a, dtype=np.float64).reshape(-1):
        if not math.isfinite(v):
            out.append(enc(v))
        else:
            out.append(float('%.12g' % v))
    return out


def sum_abs_terms(derivs, xs):
    """sum_i |d_i * x_i| over all inputs, non-finite inputs (exact in float32) and absent derivatives skipped."""
    total = 0.0
    for d, x in zip(derivs, xs):
        if d is None:
            continue
        d = d.detach().numpy().reshape(-1)
        x = x.detach().numpy().reshape(-1)
        m = np.isfinite(x) & np.isfinite(d)
        total += float(np.sum(np.abs(d[m] * x[m])))
    return total


def make_case(fn, inputs, grad=(), data=None, value_override=None, with_grads=True, note=None, grad_override=None):
    """inputs: name -> array (rounded to float32 here), all differentiable in the reference; `grad` names the
    ones whose gradient is compared (the rest still count in cond); data: name -> non-float inputs (indices)."""
    data = data or {}
    arrs = {k: f32(v) for k, v in inputs.items()}
    ts = {k: torch.tensor(v, requires_grad=True) for k, v in arrs.items()}
    names = list(ts)
    xs = [ts[k] for k in names]
    out = fn(**ts, **{k: torch.tensor(v) for k, v in data.items()})
    val = out.detach().numpy().astype(np.float64)
    flat = out.reshape(-1)
    conds = []
    for k in range(flat.numel()):
        if not torch.isfinite(flat[k]) or not flat[k].requires_grad:
            conds.append(0.0)
            continue
        ds = torch.autograd.grad(flat[k], xs, retain_graph=True, allow_unused=True)
        conds.append(sum_abs_terms(ds, xs))
    case = {
        'inputs': {k: {'shape': list(arrs[k].shape), 'data': enc_list(arrs[k])} for k in names},
    }
    if data:
        case['data'] = {k: {'shape': list(np.shape(v)), 'data': [int(i) for i in np.asarray(v).reshape(-1)]}
                        for k, v in data.items()}
    if value_override is not None:
        val = np.asarray(value_override, dtype=np.float64).reshape(val.shape)
    case['value'] = {'shape': list(val.shape), 'data': enc_short(val)}
    case['cond'] = enc_short(conds)
    grad = [g for g in grad if g in ts]
    if with_grads and grad and np.all(np.isfinite(val)) and flat.requires_grad:
        total = flat.sum()
        gs = torch.autograd.grad(total, xs, create_graph=True, allow_unused=True)
        grads, gconds = {}, {}
        for name, g in zip(names, gs):
            if name not in grad:
                continue
            if g is None:
                g = torch.zeros_like(ts[name])
            gflat = g.reshape(-1)
            grads[name] = enc_short(gflat.detach().numpy())
            cs = []
            for j in range(gflat.numel()):
                if not gflat[j].requires_grad or not torch.isfinite(gflat[j]):
                    cs.append(0.0)
                    continue
                hs = torch.autograd.grad(gflat[j], xs, retain_graph=True, allow_unused=True)
                cs.append(sum_abs_terms(hs, xs))
            gconds[name] = enc_short(cs)
        if grad_override is not None:
            # torch's autograd fails (0·Infinity) where the true gradient underflows: mpmath values, no cond
            for name, g in grad_override.items():
                grads[name] = enc_short(g)
                gconds[name] = [0.0] * len(grads[name])
        case['grads'] = grads
        case['gradCond'] = gconds
    if note:
        case['note'] = note
    return case


# Defects of ours, stated precisely (function, case note) -> why. The suite asserts that these cases still
# fail, so a fix is noticed and the entry removed here.
KNOWN_FAILURES = {
    # none: the last two (MultivariateNormalTriL's d/dL at L·1e±30) were fixed in core's triangularSolve
}


# Cases whose parameters sit at scales like 1e±30: their gradients scale like 1/parameter, so an absolute atol
# says nothing; the suite measures atol relative to the largest |element| of each gradient array there.
SCALED_NOTES = ('scale ', 'logScale ', 'logVariance ', 'width ', 'L scaled by')


def write(package, functions, known_failures=None):
    os.makedirs(OUT, exist_ok=True)
    for cases in functions.values():
        for case in cases:
            if case.get('note', '').startswith(SCALED_NOTES) and 'grads' in case:
                case['gradAtol'] = 'relative'
    for (fn, note), why in {**KNOWN_FAILURES, **(known_failures or {})}.items():
        for case in functions.get(fn, []):
            if case.get('note') == note:
                case['knownFailure'] = why
    doc = {
        'package': '@genmod/' + package.split('_')[0],
        'generator': 'scripts/differential/generate.py',
        'versions': {'torch': torch.__version__, 'scipy': scipy.__version__, 'numpy': np.__version__},
        'functions': functions,
    }
    path = os.path.join(OUT, package + '.json')
    with open(path, 'w') as fh:
        json.dump(doc, fh, separators=(',', ':'), allow_nan=False)
        fh.write('\n')
    n = sum(len(v) for v in functions.values())
    print('%s: %d functions, %d cases, %.0f kB' % (path, len(functions), n, os.path.getsize(path) / 1024))


# ----------------------------------------------------------------------------------------------------------
# random parameter helpers

def rshape():
    """A batch shape for broadcasting tests: parameters and point get different but compatible shapes."""
    return [(), (3,), (2, 3), (4,)][RNG.integers(0, 4)]


def normal(shape, s=1.0):
    return RNG.normal(0, s, size=shape)


def pos(shape, lo=-2, hi=2):
    return np.exp(RNG.uniform(lo * math.log(10), hi * math.log(10), size=shape))


def bcast_shapes():
    """(param shape, point shape) pairs that broadcast: scalar params, [3] vs [2,3], [2,1] vs [3]."""
    return [((), ()), ((3,), (3,)), ((3,), (2, 3)), ((2, 1), (3,)), ((), (4,)), ((2, 3), ())][RNG.integers(0, 6)]
