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
RNG = np.random.default_rng(0)  # reseeded per package (seed_for), so each file regenerates on its own
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


def write(package, functions):
    os.makedirs(OUT, exist_ok=True)
    for cases in functions.values():
        for case in cases:
            if case.get('note', '').startswith(SCALED_NOTES) and 'grads' in case:
                case['gradAtol'] = 'relative'
    for (fn, note), why in KNOWN_FAILURES.items():
        for case in functions.get(fn, []):
            if case.get('note') == note:
                case['knownFailure'] = why
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
    with np.errstate(over='ignore'):  # exp(-z) overflows to Infinity for z below -709: F = 0, as it should
        return scipy.stats.gumbel_r.cdf(f32(x), loc=f32(loc), scale=f32(scale))


def seed_for(package):
    global RNG
    RNG = np.random.default_rng({'gumbel': 20261206, 'reparam': 20261207}[package])
    torch.manual_seed(14)  # the ExpRelaxedCategorical samples used as points


def gumbel_cdf_grads_mpmath(loc, scale, x):
    """(dF/dloc, dF/dscale, dF/dx) of F = exp(-exp(-z)), z = (x - loc)/scale, at 50 digits."""
    mpmath.mp.dps = 50
    z = (mpmath.mpf(x) - loc) / scale
    if z < -700:
        # log|pdf·z| = -z - exp(-z) - log scale + log|z| < -exp(699) for such z: every derivative is 0 in float64
        # (mpmath cannot form exp(exp(1e40)) itself)
        return 0.0, 0.0, 0.0
    pdf = mpmath.exp(-z - mpmath.exp(-z)) / scale
    return float(-pdf), float(-pdf * z), float(pdf)


def gen_gumbel():
    seed_for('gumbel')
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

            lst.append(make_case(f, {'loc': loc, 'scale': scale}, grad=('loc', 'scale'), note='scale %g' % s))
    # (x - loc)/scale beyond float32: cdf exactly 1 or 0
    zb_loc, zb_scale, zb_x = np.zeros(2), np.full(2, 1e-20), np.array([1e20, -1e20])
    # torch's gradient at z = -1e40 is NaN (exp(1e40)·0): the derivatives pdf, -pdf, -pdf·z in mpmath instead
    mp = [gumbel_cdf_grads_mpmath(float(f32(l)), float(f32(sc)), float(f32(xx))) for l, sc, xx in zip(zb_loc, zb_scale, zb_x)]
    cdf.append(make_case(lambda loc, scale, x: D.Gumbel(loc, scale, validate_args=False).cdf(x),
                         {'loc': zb_loc, 'scale': zb_scale, 'x': zb_x}, grad=('loc', 'scale', 'x'),
                         value_override=gumbel_cdf_value(zb_loc, zb_scale, zb_x), note='z beyond float32',
                         grad_override={'loc': [m[0] for m in mp], 'scale': [m[1] for m in mp], 'x': [m[2] for m in mp]}))
    # tails at unit scale: z = ±50, ±100
    x = np.array([-50.0, -5.0, 5.0, 50.0, 100.0])
    lp.append(make_case(lambda loc, scale, x: D.Gumbel(loc, scale).log_prob(x),
                        {'loc': np.zeros(5), 'scale': np.ones(5), 'x': x}, grad=('loc', 'scale', 'x'), note='tails'))
    cdf.append(make_case(lambda loc, scale, x: D.Gumbel(loc, scale, validate_args=False).cdf(x),
                         {'loc': np.zeros(5), 'scale': np.ones(5), 'x': x}, grad=('loc', 'scale', 'x'),
                         value_override=gumbel_cdf_value(0, 1, x), note='tails'))
    # logCdf, survivalFunction, quantile: values from scipy.stats.gumbel_r, gradients from torch
    lcdf, sf, qf = [], [], []
    for i in range(N_RANDOM):
        ps, xs = bcast_shapes()
        loc, scale = normal(ps, 3), pos(ps, -2, 2)
        shape = np.broadcast_shapes(ps, xs)
        x = loc + scale * RNG.uniform(-2.5, 6, size=shape)  # z in [-2.5, 6]: torch's log(cdf) is a reference there
        locb, sb = np.broadcast_to(f32(loc), shape), np.broadcast_to(f32(scale), shape)
        xb = np.broadcast_to(f32(x), shape)
        lcdf.append(make_case(lambda loc, scale, x: torch.log(D.Gumbel(loc, scale).cdf(x)),
                              {'loc': loc, 'scale': scale, 'x': x}, grad=('loc', 'scale', 'x'),
                              value_override=scipy.stats.gumbel_r.logcdf(xb, loc=locb, scale=sb)))
        sf.append(make_case(lambda loc, scale, x: 1 - D.Gumbel(loc, scale).cdf(x),
                            {'loc': loc, 'scale': scale, 'x': x}, grad=('loc', 'scale', 'x'),
                            value_override=scipy.stats.gumbel_r.sf(xb, loc=locb, scale=sb)))
        pr = RNG.uniform(0.001, 0.999, size=xs)
        prb = np.broadcast_to(f32(pr), shape)
        qf.append(make_case(lambda loc, scale, p: D.Gumbel(loc, scale).icdf(p),
                            {'loc': loc, 'scale': scale, 'p': pr}, grad=('loc', 'scale', 'p'),
                            value_override=scipy.stats.gumbel_r.ppf(prb, loc=locb, scale=sb)))
    xt = np.array([-50.0, -5.0, 5.0, 50.0, 100.0])
    lcdf.append(make_case(lambda loc, scale, x: torch.log(D.Gumbel(loc, scale).cdf(x)),
                          {'loc': np.zeros(5), 'scale': np.ones(5), 'x': xt}, with_grads=False,
                          value_override=scipy.stats.gumbel_r.logcdf(xt), note='tails (scipy values only)'))
    sf.append(make_case(lambda loc, scale, x: 1 - D.Gumbel(loc, scale).cdf(x),
                        {'loc': np.zeros(5), 'scale': np.ones(5), 'x': xt}, with_grads=False,
                        value_override=scipy.stats.gumbel_r.sf(xt), note='tails (scipy values only)'))
    pe = f32(np.array([1e-30, 1e-7, 0.5, 1 - 2 ** -24, 1 - 2 ** -20]))
    qf.append(make_case(lambda loc, scale, p: D.Gumbel(loc, scale).icdf(p),
                        {'loc': np.zeros(5), 'scale': np.ones(5), 'p': pe}, with_grads=False,
                        value_override=scipy.stats.gumbel_r.ppf(pe),
                        note='p from 1e-30 to 1 - 2^-24 (scipy values only: torch 1.13 Gumbel.icdf(1e-30) gives '
                             '-6.563 with gradient 6.3e304, where -log(-log p) = -4.235 and 1/(p·log(1/p)) = 1.45e28)'))
    # z beyond float32, one side at a time (loc 0, scale 1e-20, x = ±1e20)
    for xv, side in ((1e20, '+'), (-1e20, '-')):
        zi = {'loc': np.zeros(1), 'scale': np.full(1, 1e-20), 'x': np.array([xv])}
        with np.errstate(over='ignore'):
            lc = scipy.stats.gumbel_r.logcdf(f32(zi['x']), scale=f32(zi['scale']))
            sv = scipy.stats.gumbel_r.sf(f32(zi['x']), scale=f32(zi['scale']))
        mp = gumbel_cdf_grads_mpmath(0.0, float(f32(1e-20)), float(f32(xv)))
        lcdf.append(make_case(lambda loc, scale, x: torch.log(D.Gumbel(loc, scale).cdf(x)), zi, with_grads=False,
                              value_override=lc, note='z = %s1e40 (values only)' % side))
        sf.append(make_case(lambda loc, scale, x: 1 - D.Gumbel(loc, scale).cdf(x), zi, grad=('loc', 'scale', 'x'),
                            value_override=sv, note='z = %s1e40' % side,
                            grad_override={'loc': [-mp[0]], 'scale': [-mp[1]], 'x': [-mp[2]]}))
        lp.append(make_case(lambda loc, scale, x: D.Gumbel(loc, scale).log_prob(x), zi, with_grads=False,
                            note='z = %s1e40 (values only)' % side))
    fns['Gumbel.logCdf'] = lcdf
    fns['Gumbel.survivalFunction'] = sf
    fns['Gumbel.quantile'] = qf
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
    # samples of the law itself at the extreme temperatures, in log space
    for tau in [1e-3, 1e3]:
        lg = normal((3, 5), 2)
        y = f32(ExpRelaxedCategorical(torch.tensor(tau), logits=torch.tensor(f32(lg))).sample().numpy())
        exprel.append(make_case(exp_relaxed_lp, {'logits': lg, 'temperature': np.array(tau), 'y': y},
                                grad=('logits', 'y'), note='own samples at temperature %g' % tau))
    # K = 1 off the single point (torch: -log x0 for RelaxedOneHotCategorical, 0 for ExpRelaxedCategorical)
    rel.append(make_case(relaxed_lp, {'logits': np.array([[0.3], [-2.0]]), 'temperature': np.array(0.5),
                                      'x': np.array([[0.5], [2.0]])}, grad=('logits', 'x'), note='K = 1 off the point'))
    exprel.append(make_case(exp_relaxed_lp, {'logits': np.array([[0.3], [-2.0]]), 'temperature': np.array(0.5),
                                             'y': np.array([[-0.3], [1.5]])}, grad=('logits', 'y'), note='K = 1 off the point'))
    # broadcasting: logits [2, K] against points [3, 1, K]
    lg = normal((2, 3), 1)
    pts = f32(RNG.dirichlet(np.ones(3), size=(3, 1)))
    rel.append(make_case(relaxed_lp, {'logits': lg, 'temperature': np.array(0.6), 'x': pts}, grad=('logits', 'x'),
                         note='broadcast logits [2,3], x [3,1,3]'))
    exprel.append(make_case(exp_relaxed_lp, {'logits': lg, 'temperature': np.array(0.6), 'y': f32(np.log(pts))},
                            grad=('logits', 'y'), note='broadcast logits [2,3], y [3,1,3]'))
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
    rb.append(make_case(rb_lp, {'logits': np.array([0.3, -0.2, 1.0]), 'temperature': np.array(0.5),
                                'y': np.array([1e-30, 1 - 2 ** -24, 1e-10])}, grad=('logits', 'y'),
                        note='y 1e-30, 1 - 2^-24, 1e-10'))
    fns['RelaxedBernoulli.logProb'] = rb
    fns['RelaxedBernoulli.logProb(probs)'] = rbp
    write('gumbel', fns)



# ----------------------------------------------------------------------------------------------------------
# @genmod/reparam

def sd_of(kind, p):
    return p if kind == 'scale' else np.exp(p) if kind == 'logScale' else np.exp(0.5 * p)


def gen_reparam():
    seed_for('reparam')
    fns = {}
    # --- Normal from scale, logScale, logVariance
    def nrm(kind):
        def law(loc, p):
            if kind == 'scale':
                return D.Normal(loc, p)
            if kind == 'logScale':
                return D.Normal(loc, torch.exp(p))
            return D.Normal(loc, torch.exp(0.5 * p))
        return law

    for kind in ['scale', 'logScale', 'logVariance']:
        law = nrm(kind)
        lp, cdf, ent = [], [], []
        sample_p = {'scale': lambda s: pos(s, -3, 3), 'logScale': lambda s: normal(s, 2),
                    'logVariance': lambda s: normal(s, 4)}[kind]

        def add(loc, p, x, note=None):
            shape = np.broadcast_shapes(np.shape(loc), np.shape(p), np.shape(x))
            lp.append(make_case(lambda loc, p, x: law(loc, p).log_prob(x), {'loc': loc, kind: p, 'x': x},
                                grad=('loc', kind, 'x'), note=note) if False else
                      make_case(lambda **a: law(a['loc'], a[kind]).log_prob(a['x']), {'loc': loc, kind: p, 'x': x},
                                grad=('loc', kind, 'x'), note=note))
            locb, pb, xb = (np.broadcast_to(f32(v), shape) for v in (loc, p, x))
            sd = sd_of(kind, pb)
            cdf.append(make_case(lambda **a: law(a['loc'], a[kind]).cdf(a['x']), {'loc': loc, kind: p, 'x': x},
                                 grad=('loc', kind, 'x'), note=note,
                                 value_override=scipy.special.ndtr((xb - locb) / sd)))

        for i in range(N_RANDOM):
            ps, xs = bcast_shapes()
            loc, p = normal(ps, 2), sample_p(ps)
            sd = sd_of(kind, p)
            x = loc + sd * normal(np.broadcast_shapes(ps, xs), 1.5)
            x = x if x.shape == np.broadcast_shapes(ps, xs) else x
            add(loc, p, x)
            ent.append(make_case(lambda **a: law(a['loc'], a[kind]).entropy() + 0 * a['loc'], {'loc': loc, kind: p},
                                 grad=(kind,)))
        extremes = {'scale': [1e-30, 1e-10, 1e10, 1e30], 'logScale': [-80.0, -20.0, 20.0, 80.0],
                    'logVariance': [-150.0, -50.0, 50.0, 150.0]}[kind]
        for e in extremes:
            sd = sd_of(kind, np.float64(e))
            loc = np.array([0.0, 1.0, -1.0, 0.5])
            x = loc + sd * np.array([0.0, 0.5, -3.0, 10.0])
            add(loc, np.full(4, e), x, note='%s %g' % (kind, e))
            ent.append(make_case(lambda **a: law(a['loc'], a[kind]).entropy() + 0 * a['loc'],
                                 {'loc': loc, kind: np.full(4, e)}, grad=(kind,), note='%s %g' % (kind, e)))
        # (x - μ)/σ beyond float32: log p below -3.4e38 (its float32 value is -Infinity), cdf exactly 0 or 1
        big = {'scale': 1e-20, 'logScale': -46.0, 'logVariance': -92.0}[kind]
        add(np.zeros(2), np.full(2, big), np.array([1e20, -1e20]), note='z beyond float32')
        # tails of the cdf
        add(np.zeros(6), np.full(6, {'scale': 1.0}.get(kind, 0.0)), np.array([-30.0, -10.0, -5.0, 5.0, 8.0, 40.0]),
            note='cdf tails')
        name = {'scale': 'Normal', 'logScale': 'Normal.fromLogScale', 'logVariance': 'Normal.fromLogVariance'}[kind]
        fns[name + '.logProb'] = lp
        fns[name + '.cdf'] = cdf
        fns[name + '.entropy'] = ent

    # --- MultivariateNormalTriL
    def tril(d, batch=()):
        # off-diagonal entries of size 0.5/sqrt(d) past d = 8: random triangular matrices with O(1) entries have
        # condition numbers growing like 2^d, and at d = 128 the float32 rounding of L alone changes log p by 1e5
        L = np.tril(RNG.normal(0, 0.5 if d <= 8 else 0.5 / math.sqrt(d), size=batch + (d, d)), -1)
        idx = np.arange(d)
        L[..., idx, idx] = np.exp(RNG.normal(0, 0.5, size=batch + (d,)))
        return L

    mlp, ment = [], []
    dims = [1, 2, 3, 4, 5, 8] * 6 + [16, 32, 64, 128]
    for i, d in enumerate(dims):
        batch = [(), (2,), (3,)][i % 3] if d <= 8 else ()
        L = tril(d, batch)
        loc = normal(batch + (d,), 1)
        x = loc + np.einsum('...ij,...j->...i', L, normal(batch + (d,), 1))
        grads = ('loc', 'scaleTril', 'x') if d <= 16 else ()
        note = 'd = %d' % d + ('' if grads else ' (values only: second derivatives of d² entries not stored)')
        mlp.append(make_case(lambda loc, scaleTril, x: D.MultivariateNormal(loc, scale_tril=scaleTril).log_prob(x),
                             {'loc': loc, 'scaleTril': L, 'x': x}, grad=grads, note=note))
        ment.append(make_case(lambda loc, scaleTril: D.MultivariateNormal(loc, scale_tril=scaleTril).entropy() + 0 * loc.sum(-1),
                              {'loc': loc, 'scaleTril': L}, grad=('scaleTril',) if d <= 16 else (), note=note))
    # d = 512, values only: a banded L (the file stores the dense matrix; its zeros cost two bytes each)
    d = 512
    L = np.diag(np.exp(RNG.normal(0, 0.3, size=d))) + np.diag(RNG.normal(0, 0.3, size=d - 1), -1)
    loc = normal((d,), 1)
    x = loc + L @ normal((d,), 1)
    mlp.append(make_case(lambda loc, scaleTril, x: D.MultivariateNormal(loc, scale_tril=scaleTril).log_prob(x),
                         {'loc': loc, 'scaleTril': L, 'x': x}, note='d = 512, banded L (values only)'))
    ment.append(make_case(lambda loc, scaleTril: D.MultivariateNormal(loc, scale_tril=scaleTril).entropy() + 0 * loc.sum(-1),
                          {'loc': loc, 'scaleTril': L}, note='d = 512, banded L (values only)'))
    # broadcasting: one L for a batch of points and locs
    L = tril(3)
    mlp.append(make_case(lambda loc, scaleTril, x: D.MultivariateNormal(loc, scale_tril=scaleTril).log_prob(x),
                         {'loc': normal((2, 3)), 'scaleTril': L, 'x': normal((4, 1, 3))}, grad=('loc', 'scaleTril', 'x'),
                         note='broadcast loc [2,3], L [3,3], x [4,1,3]'))
    # ill-scaled diagonals (1e±30: L·Lᵀ would over/underflow float32)
    for s in [1e-30, 1e-10, 1e10, 1e30]:
        L = tril(3) * s
        mlp.append(make_case(lambda loc, scaleTril, x: D.MultivariateNormal(loc, scale_tril=scaleTril).log_prob(x),
                             {'loc': np.zeros(3), 'scaleTril': L, 'x': L @ np.array([0.3, -1.0, 2.0])},
                             grad=('loc', 'scaleTril', 'x'), note='L scaled by %g' % s))
        ment.append(make_case(lambda loc, scaleTril: D.MultivariateNormal(loc, scale_tril=scaleTril).entropy() + 0 * loc.sum(-1),
                              {'loc': np.zeros(3), 'scaleTril': L}, grad=('scaleTril',), note='L scaled by %g' % s))
    fns['MultivariateNormalTriL.logProb'] = mlp
    fns['MultivariateNormalTriL.entropy'] = ment

    # --- Logistic: values from scipy.stats.logistic, gradients from torch autograd of
    # TransformedDistribution(Uniform(0, 1), [SigmoidTransform().inv, AffineTransform(loc, scale)])
    def logistic(loc, scale):
        return D.TransformedDistribution(D.Uniform(torch.zeros_like(loc), torch.ones_like(loc)),
                                         [D.transforms.SigmoidTransform().inv, D.transforms.AffineTransform(loc, scale)])

    llp, lcdf = [], []

    def add_logistic(loc, scale, x, note=None, grads=True):
        shape = np.broadcast_shapes(np.shape(loc), np.shape(scale), np.shape(x))
        locb, sb, xb = (np.broadcast_to(f32(v), shape) for v in (loc, scale, x))
        g = ('loc', 'scale', 'x') if grads else ()
        llp.append(make_case(lambda loc, scale, x: logistic(loc, scale).log_prob(x), {'loc': loc, 'scale': scale, 'x': x},
                             grad=g, note=note, value_override=scipy.stats.logistic.logpdf(xb, loc=locb, scale=sb)))
        lcdf.append(make_case(lambda loc, scale, x: logistic(loc, scale).cdf(x), {'loc': loc, 'scale': scale, 'x': x},
                              grad=g, note=note, value_override=scipy.stats.logistic.cdf(xb, loc=locb, scale=sb)))

    for i in range(N_RANDOM):
        ps, xs = bcast_shapes()
        loc, scale = normal(ps, 2), pos(ps, -2, 2)
        x = loc + scale * normal(np.broadcast_shapes(ps, xs), 3)
        add_logistic(loc, scale, x)
    for s in [1e-30, 1e-10, 1e10, 1e30]:
        add_logistic(np.array([0.0, 1.0, -1.0]), np.full(3, s), np.array([0.0, 1.0 + 0.5 * s, -1.0 - 4 * s]),
                     note='scale %g' % s)
    # (x - loc)/scale beyond float32: cdf exactly 0 or 1 with zero gradients (values from scipy, gradients 0:
    # torch's clamped sigmoid inverse is flat there too)
    add_logistic(np.zeros(2), np.full(2, 1e-20), np.array([1e20, -1e20]), note='z beyond float32')
    # tails: torch's sigmoid inverse clamps to [eps, 1 - eps], so its gradients there are not a reference
    add_logistic(np.zeros(4), np.ones(4), np.array([-80.0, -40.0, 40.0, 80.0]), note='tails (values only)', grads=False)
    # entropy: scipy.stats.logistic.entropy (torch's TransformedDistribution has none), values only
    lent = []
    for i in range(N_RANDOM):
        ps = [(), (3,), (2, 3)][i % 3]
        loc, scale = normal(ps, 2), pos(ps, -30, 30)
        lent.append(make_case(lambda loc, scale: torch.log(scale) + 0 * loc, {'loc': loc, 'scale': scale},
                              with_grads=False, value_override=scipy.stats.logistic.entropy(loc=f32(loc), scale=f32(scale)),
                              note='scipy values only'))
    fns['Logistic.entropy'] = lent
    fns['Logistic.logProb'] = llp
    fns['Logistic.cdf'] = lcdf

    # --- Uniform
    ulp, ucdf, uent = [], [], []
    for i in range(N_RANDOM):
        ps, xs = bcast_shapes()
        low = normal(ps, 2)
        high = low + pos(ps, -2, 2)
        x = low + (high - low) * RNG.uniform(0.02, 0.98, size=np.broadcast_shapes(ps, xs))
        if i % 5 == 0:
            x = x + (high - low) * 2  # outside: -Infinity, cdf 1
        ulp.append(make_case(lambda low, high, x: D.Uniform(low, high).log_prob(x), {'low': low, 'high': high, 'x': x},
                             grad=('low', 'high', 'x')))
        ucdf.append(make_case(lambda low, high, x: D.Uniform(low, high).cdf(x), {'low': low, 'high': high, 'x': x},
                              grad=('low', 'high', 'x')))
        uent.append(make_case(lambda low, high: D.Uniform(low, high).entropy(), {'low': low, 'high': high},
                              grad=('low', 'high')))
    for w in [1e-30, 1e-10, 1e10, 1e30]:
        low, high = np.array([0.0, -w, 1.0]), np.array([w, w, 1.0 + w]) if w > 1e-8 else np.array([w, w, 1.0 + 1e-6])
        x = low + 0.25 * (high - low)
        ulp.append(make_case(lambda low, high, x: D.Uniform(low, high).log_prob(x), {'low': low, 'high': high, 'x': x},
                             grad=('low', 'high', 'x'), note='width %g' % w))
        ucdf.append(make_case(lambda low, high, x: D.Uniform(low, high).cdf(x), {'low': low, 'high': high, 'x': x},
                              grad=('low', 'high', 'x'), note='width %g' % w))
        uent.append(make_case(lambda low, high: D.Uniform(low, high).entropy(), {'low': low, 'high': high},
                              grad=('low', 'high'), note='width %g' % w))
    # points exactly at the ends, and outside on both sides (torch: the support is [low, high))
    low, high = np.array([0.0, 0.0, -1.0, -1.0]), np.array([1.0, 1.0, 3.0, 3.0])
    x = np.array([0.0, 1.0, -1.5, 3.5])
    ulp.append(make_case(lambda low, high, x: D.Uniform(low, high).log_prob(x), {'low': low, 'high': high, 'x': x},
                         with_grads=False, note='x at low, at high, below, above'))
    ucdf.append(make_case(lambda low, high, x: D.Uniform(low, high).cdf(x), {'low': low, 'high': high, 'x': x},
                          with_grads=False, note='x at low, at high, below, above'))
    # widths beyond float32: high - low = 6e38 overflows float32, log p = -log(6e38) = -89.3 does not
    low, high = np.array([-3e38, -3e38, 0.0]), np.array([3e38, 3e38, 3e38])
    x = np.array([0.0, 1e38, 2e38])
    ulp.append(make_case(lambda low, high, x: D.Uniform(low, high).log_prob(x), {'low': low, 'high': high, 'x': x},
                         grad=('low', 'high', 'x'), note='high - low beyond float32'))
    ucdf.append(make_case(lambda low, high, x: D.Uniform(low, high).cdf(x), {'low': low, 'high': high, 'x': x},
                          grad=('low', 'high', 'x'), note='high - low beyond float32'))
    uent.append(make_case(lambda low, high: D.Uniform(low, high).entropy(), {'low': low, 'high': high},
                          grad=('low', 'high'), note='high - low beyond float32'))
    fns['Uniform.logProb'] = ulp
    fns['Uniform.cdf'] = ucdf
    fns['Uniform.entropy'] = uent

    # --- Bernoulli (logits / probs): x in {0, 1} is data
    blp, bent, bplp, bpent = [], [], [], []
    for i in range(N_RANDOM):
        ps, xs = bcast_shapes()
        logits = normal(ps, 3)
        x = RNG.integers(0, 2, size=xs).astype(np.float64)
        blp.append(make_case(lambda logits, x: D.Bernoulli(logits=logits).log_prob(x), {'logits': logits},
                             data={'x': x}, grad=('logits',)))
        bent.append(make_case(lambda logits: D.Bernoulli(logits=logits).entropy(), {'logits': logits}, grad=('logits',)))
        probs = RNG.uniform(0.01, 0.99, size=ps)
        bplp.append(make_case(lambda probs, x: D.Bernoulli(probs=probs).log_prob(x), {'probs': probs},
                              data={'x': x}, grad=('probs',)))
        bpent.append(make_case(lambda probs: D.Bernoulli(probs=probs).entropy(), {'probs': probs}, grad=('probs',)))
    lg = np.array([1e4, -1e4, 1e4, -1e4, 80.0, -80.0])
    xb = np.array([1, 0, 0, 1, 0, 1.0])
    blp.append(make_case(lambda logits, x: D.Bernoulli(logits=logits).log_prob(x), {'logits': lg}, data={'x': xb},
                         grad=('logits',), note='logits ±1e4, ±80'))
    bent.append(make_case(lambda logits: D.Bernoulli(logits=logits).entropy(), {'logits': lg}, grad=('logits',),
                          note='logits ±1e4, ±80'))
    # probabilities exactly 0 and 1, and 1e-30 .. 1 - 2^-24: torch clamps probs to [eps, 1 - eps] (float64 eps),
    # so these values come from scipy.stats.bernoulli (no gradients)
    for pe, xe, note in [
        (np.array([0.0, 0.0, 1.0, 1.0]), np.array([0, 1, 0, 1.0]), 'probs exactly 0 and 1 (scipy values, no gradients)'),
        (f32(np.array([1e-30, 1e-30, 1e-10, 1e-10, 1 - 2 ** -24, 1 - 2 ** -24])), np.array([0, 1, 0, 1, 0, 1.0]),
         'probs 1e-30 to 1 - 2^-24 (scipy values only)'),
    ]:
        bplp.append(make_case(lambda probs, x: D.Bernoulli(probs=probs).log_prob(x), {'probs': pe}, data={'x': xe},
                              with_grads=False, value_override=scipy.stats.bernoulli.logpmf(xe, pe), note=note))
        bpent.append(make_case(lambda probs: D.Bernoulli(probs=probs).entropy(), {'probs': pe}, with_grads=False,
                               value_override=scipy.stats.bernoulli.entropy(pe), note=note))
    fns['Bernoulli.logProb(logits)'] = blp
    fns['Bernoulli.entropy(logits)'] = bent
    fns['Bernoulli.logProb(probs)'] = bplp
    fns['Bernoulli.entropy(probs)'] = bpent

    # --- Categorical (logits / probs): k is data
    clp, cent, cplp, cpent = [], [], [], []
    specs = []
    for i in range(N_RANDOM):
        K = int(RNG.choice([2, 3, 5, 10]))
        batch = [(), (2,), (3,), (2, 3)][i % 4]
        specs.append((K, batch, None))
    specs += [(1, (3,), 'K = 1'), (512, (), 'K = 512'), (512, (2,), 'K = 512')]
    for K, batch, note in specs:
        logits = normal(batch + (K,), 3)
        k = RNG.integers(0, K, size=batch if batch and RNG.uniform() < 0.5 else (4,) + batch)
        clp.append(make_case(lambda logits, k: D.Categorical(logits=logits).log_prob(k), {'logits': logits},
                             data={'k': k}, grad=('logits',), note=note))
        cent.append(make_case(lambda logits: D.Categorical(logits=logits).entropy(), {'logits': logits},
                              grad=('logits',), note=note))
        probs = RNG.uniform(0.01, 1.0, size=batch + (K,))
        probs = probs / probs.sum(-1, keepdims=True) * RNG.uniform(0.5, 1.0)  # unnormalised: both laws normalise
        cplp.append(make_case(lambda probs, k: D.Categorical(probs=probs).log_prob(k), {'probs': probs},
                              data={'k': k}, grad=('probs',), note=note))
        cpent.append(make_case(lambda probs: D.Categorical(probs=probs).entropy(), {'probs': probs},
                               grad=('probs',), note=note))
    lg = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 1e4 - 1]])
    kk = np.array([[0, 1], [1, 2], [2, 0]])
    clp.append(make_case(lambda logits, k: D.Categorical(logits=logits).log_prob(k), {'logits': lg}, data={'k': kk},
                         grad=('logits',), note='logits ±1e4'))
    cent.append(make_case(lambda logits: D.Categorical(logits=logits).entropy(), {'logits': lg}, grad=('logits',),
                          note='logits ±1e4'))
    lm = np.array([[0.5, -np.inf, 1.0, -0.3], [-np.inf, 2.0, -np.inf, 0.0]])
    km = np.array([[0, 1], [1, 0], [2, 3], [3, 2]])
    clp.append(make_case(lambda logits, k: D.Categorical(logits=logits).log_prob(k), {'logits': lm}, data={'k': km},
                         with_grads=False, note='-Infinity masks'))
    clp.append(make_case(lambda logits, k: D.Categorical(logits=logits).log_prob(k), {'logits': lm},
                         data={'k': np.array([[0, 1], [2, 3]])}, grad=('logits',), note='-Infinity masks, unmasked classes'))
    cent.append(make_case(lambda logits: D.Categorical(logits=logits).entropy(), {'logits': lm}, grad=('logits',),
                          note='-Infinity masks'))
    # probabilities exactly 0 and 1: torch.distributions.Categorical(logits=log p) (log 0 = -Infinity)
    pz = np.array([[0.0, 0.3, 0.7, 0.0], [0.0, 0.0, 1.0, 0.0]])
    cplp.append(make_case(lambda probs, k: D.Categorical(logits=torch.log(probs)).log_prob(k), {'probs': pz},
                          data={'k': km}, with_grads=False, note='probs exactly 0 and 1'))
    cpent.append(make_case(lambda probs: D.Categorical(logits=torch.log(probs)).entropy(), {'probs': pz},
                           with_grads=False, note='probs exactly 0 and 1'))
    fns['Categorical.logProb(logits)'] = clp
    fns['Categorical.entropy(logits)'] = cent
    fns['Categorical.logProb(probs)'] = cplp
    fns['Categorical.entropy(probs)'] = cpent
    write('reparam', fns)


if __name__ == '__main__':
    which = sys.argv[1:] or ['gumbel', 'reparam']
    if 'gumbel' in which:
        gen_gumbel()
    if 'reparam' in which:
        gen_reparam()
