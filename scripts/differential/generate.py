#!/usr/bin/python3
"""Reference generator for tooling/differential (issue 14).

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
RNG = np.random.default_rng(20261206)
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
    return [enc(v) for v in np.asarray(a, dtype=np.float64).reshape(-1)]


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


def make_case(fn, inputs, grad=(), data=None, value_override=None, with_grads=True, note=None):
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
        case['grads'] = grads
        case['gradCond'] = gconds
    if note:
        case['note'] = note
    return case


def write(package, functions):
    os.makedirs(OUT, exist_ok=True)
    doc = {
        'package': '@genmod/' + package,
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


# ----------------------------------------------------------------------------------------------------------
# @genmod/gumbel

def gumbel_cdf_value(loc, scale, x):
    return scipy.stats.gumbel_r.cdf(f32(x), loc=f32(loc), scale=f32(scale))


def gen_gumbel():
    fns = {}
    lp, cdf, ent, mean, var = [], [], [], [], []
    for i in range(N_RANDOM):
        ps, xs = bcast_shapes()
        loc, scale = normal(ps, 3), pos(ps, -2, 2)
        x = normal(xs, 1) * 3 + RNG.normal(0, 2)
        lp.append(make_case(lambda loc, scale, x: D.Gumbel(loc, scale).log_prob(x),
                            {'loc': loc, 'scale': scale, 'x': x}, grad=('loc', 'scale', 'x')))
        cdf.append(make_case(lambda loc, scale, x: D.Gumbel(loc, scale, validate_args=False).cdf(x),
                             {'loc': loc, 'scale': scale, 'x': x}, grad=('loc', 'scale', 'x'),
                             value_override=gumbel_cdf_value(loc, scale, np.broadcast_to(x, np.broadcast_shapes(ps, xs)))))
        ent.append(make_case(lambda loc, scale: D.Gumbel(loc, scale).entropy() + 0 * loc,
                             {'loc': loc, 'scale': scale}, grad=('loc', 'scale')))
        mean.append(make_case(lambda loc, scale: D.Gumbel(loc, scale).mean,
                              {'loc': loc, 'scale': scale}, grad=('loc', 'scale')))
        var.append(make_case(lambda loc, scale: D.Gumbel(loc, scale).variance + 0 * loc,
                             {'loc': loc, 'scale': scale}, grad=('loc', 'scale')))
    # extremes: scales 1e-30 .. 1e30, points far in both tails
    for s in [1e-30, 1e-10, 1e-3, 1e3, 1e10, 1e30]:
        loc = np.array([0.0, 1.0, -2.0])
        scale = np.full(3, s)
        x = np.array([0.5, 1.0 + 2 * s, -2.0 - 1.5 * s])
        lp.append(make_case(lambda loc, scale, x: D.Gumbel(loc, scale).log_prob(x),
                            {'loc': loc, 'scale': scale, 'x': x}, grad=('loc', 'scale', 'x'), note='scale %g' % s))
        cdf.append(make_case(lambda loc, scale, x: D.Gumbel(loc, scale, validate_args=False).cdf(x),
                             {'loc': loc, 'scale': scale, 'x': x}, grad=('loc', 'scale', 'x'),
                             value_override=gumbel_cdf_value(loc, scale, x), note='scale %g' % s))
        for lst, f in ((ent, lambda loc, scale: D.Gumbel(loc, scale).entropy() + 0 * loc),
                       (mean, lambda loc, scale: D.Gumbel(loc, scale).mean),
                       (var, lambda loc, scale: D.Gumbel(loc, scale).variance + 0 * loc)):
            if lst is var and s > 1e18:
                continue  # σ² overflows float32: covered by the -Infinity/Infinity case below
            lst.append(make_case(f, {'loc': loc, 'scale': scale}, grad=('loc', 'scale'), note='scale %g' % s))
    # tails at unit scale: z = ±50, ±100
    x = np.array([-50.0, -5.0, 5.0, 50.0, 100.0])
    lp.append(make_case(lambda loc, scale, x: D.Gumbel(loc, scale).log_prob(x),
                        {'loc': np.zeros(5), 'scale': np.ones(5), 'x': x}, grad=('loc', 'scale', 'x'), note='tails'))
    cdf.append(make_case(lambda loc, scale, x: D.Gumbel(loc, scale, validate_args=False).cdf(x),
                         {'loc': np.zeros(5), 'scale': np.ones(5), 'x': x}, grad=('loc', 'scale', 'x'),
                         value_override=gumbel_cdf_value(0, 1, x), note='tails'))
    fns['Gumbel.logProb'] = lp
    fns['Gumbel.cdf'] = cdf
    fns['Gumbel.entropy'] = ent
    fns['Gumbel.mean'] = mean
    fns['Gumbel.variance'] = var

    # --- relaxed categorical: logits [.., K], temperature (a number on our side), a point on the simplex
    def relaxed_lp(logits, temperature, x):
        return D.RelaxedOneHotCategorical(temperature, logits=logits, validate_args=False).log_prob(x)

    def exp_relaxed_lp(logits, temperature, y):
        return ExpRelaxedCategorical(temperature, logits=logits, validate_args=False).log_prob(y)

    def masked(fn, mask):
        """The law over the unmasked classes (our documented semantics for -Infinity logits)."""
        keep = torch.tensor(np.nonzero(~mask)[0])

        def g(logits, temperature, **kw):
            (name, pt), = kw.items()
            return fn(logits.index_select(-1, keep), temperature, pt.index_select(-1, keep))
        return g

    rel, exprel = [], []
    cases = []
    for i in range(N_RANDOM):
        K = int(RNG.choice([2, 3, 5, 10]))
        batch = [(), (2,), (3,)][RNG.integers(0, 3)]
        tau = float(np.exp(RNG.uniform(math.log(0.1), math.log(5))))
        cases.append((K, batch, normal(batch + (K,), 2), tau, None))
    for tau in [1e-3, 1e-2, 1e2, 1e3]:
        cases.append((4, (2,), normal((2, 4), 2), tau, 'temperature %g' % tau))
    cases.append((3, (), np.array([1e4, -1e4, 0.0]), 0.5, 'logits ±1e4'))
    cases.append((3, (2,), np.array([[1e4, 1e4 - 1, 0.0], [-1e4, 0.0, 3.0]]), 2.0, 'logits ±1e4'))
    cases.append((1, (3,), normal((3, 1), 2), 0.7, 'K = 1'))
    cases.append((512, (), normal((512,), 2), 1.5, 'K = 512'))
    cases.append((128, (2,), normal((2, 128), 1), 0.3, 'K = 128'))
    for K, batch, logits, tau, note in cases:
        alpha = np.ones(K)
        pts = RNG.dirichlet(alpha, size=batch if batch else None) if K > 1 else np.ones(batch + (1,))
        pts = f32(pts)
        grads = ('logits', 'x') if K <= 128 else ()
        rel.append(make_case(relaxed_lp, {'logits': logits, 'temperature': np.array(tau), 'x': pts},
                             grad=grads, note=note))
        if K > 1:
            y = f32(np.log(pts))
        else:
            y = np.zeros(batch + (1,))
        # samples of the law itself too, in log space (they do not underflow)
        if note is None and len(exprel) % 2 == 0:
            y = f32(ExpRelaxedCategorical(torch.tensor(tau), logits=torch.tensor(f32(logits))).sample().numpy())
        exprel.append(make_case(exp_relaxed_lp, {'logits': logits, 'temperature': np.array(tau), 'y': y},
                                grad=tuple(g if g != 'x' else 'y' for g in grads), note=note))
    # -Infinity masks: the reference is the law over the other classes
    logits = np.array([[0.5, -np.inf, 1.0, -0.3], [-np.inf, 2.0, -np.inf, 0.0]])
    mask_rows = [np.isneginf(r) for r in logits]
    for r, (row, mask) in enumerate(zip(logits, mask_rows)):
        p = np.zeros(4)
        p[~mask] = RNG.dirichlet(np.ones(int((~mask).sum())))
        p = f32(p)
        rel.append(make_case(masked(relaxed_lp, mask), {'logits': row, 'temperature': np.array(0.8), 'x': p},
                             grad=('logits',), note='-Infinity mask (reference: the law over the unmasked classes)'))
        y = np.full(4, -np.inf)
        y[~mask] = np.log(p[~mask])
        exprel.append(make_case(masked(exp_relaxed_lp, mask), {'logits': row, 'temperature': np.array(0.8), 'y': f32(y)},
                                grad=('logits',), note='-Infinity mask (reference: the law over the unmasked classes)'))
    fns['RelaxedOneHotCategorical.logProb'] = rel
    fns['ExpRelaxedOneHotCategorical.logProb'] = exprel

    # --- relaxed Bernoulli: torch's RelaxedBernoulli is LogitRelaxedBernoulli pushed through a sigmoid whose
    # inverse clamps y to [eps, 1 - eps]; the reference uses LogitRelaxedBernoulli at logit(y) plus the
    # Jacobian of the sigmoid, which is the same law without the clamp.
    def rb_lp(logits, temperature, y):
        u = torch.log(y) - torch.log1p(-y)
        out = LogitRelaxedBernoulli(temperature, logits=logits, validate_args=False).log_prob(u)
        if not torch.all(torch.isfinite(out)):
            # torch's log_prob writes log1p(exp(diff)), which overflows for diff > 709 (temperature 1e3,
            # logits ±1e4): the same expression with softplus (exact there) for values and gradients
            diff = logits - u * temperature
            out = torch.log(temperature) + diff - 2 * torch.nn.functional.softplus(diff, threshold=30)
        return out - torch.log(y) - torch.log1p(-y)

    def rb_lp_probs(probs, temperature, y):
        return rb_lp(torch.log(probs) - torch.log1p(-probs), temperature, y)

    rb, rbp = [], []
    for i in range(N_RANDOM):
        ps, xs = bcast_shapes()
        tau = float(np.exp(RNG.uniform(math.log(0.1), math.log(5))))
        logits = normal(ps, 2)
        y = f32(RNG.uniform(0.02, 0.98, size=xs))
        rb.append(make_case(rb_lp, {'logits': logits, 'temperature': np.array(tau), 'y': y}, grad=('logits', 'y')))
        probs = RNG.uniform(0.05, 0.95, size=ps)
        rbp.append(make_case(rb_lp_probs, {'probs': probs, 'temperature': np.array(tau), 'y': y}, grad=('probs', 'y')))
    for tau in [1e-3, 1e-2, 1e2, 1e3]:
        y = np.array([0.01, 0.3, 0.5, 0.7, 0.99])
        rb.append(make_case(rb_lp, {'logits': np.array([1.0, -2.0, 0.5, 3.0, 0.0]), 'temperature': np.array(tau),
                                    'y': y}, grad=('logits', 'y'), note='temperature %g' % tau))
    rb.append(make_case(rb_lp, {'logits': np.array([1e4, -1e4, 1e4]), 'temperature': np.array(1.0),
                                'y': np.array([0.5, 0.5, 0.999])}, grad=('logits', 'y'), note='logits ±1e4'))
    rb.append(make_case(rb_lp, {'logits': np.array([0.3, -0.2]), 'temperature': np.array(0.5),
                                'y': np.array([1e-6, 1 - 2 ** -20])}, grad=('logits', 'y'), note='y near 0 and 1'))
    fns['RelaxedBernoulli.logProb'] = rb
    fns['RelaxedBernoulli.logProb(probs)'] = rbp
    write('gumbel', fns)


if __name__ == '__main__':
    which = sys.argv[1:] or ['gumbel', 'reparam']
    if 'gumbel' in which:
        gen_gumbel()
    if 'reparam' in which and 'gen_reparam' in globals():
        gen_reparam()
