"""References for @genmod/gumbel (see generate.py)."""
import math

import mpmath
import numpy as np
import scipy
import scipy.special
import scipy.stats
import torch
import torch.distributions as D
from torch.distributions.relaxed_categorical import ExpRelaxedCategorical
from torch.distributions.relaxed_bernoulli import LogitRelaxedBernoulli

from common import *  # noqa: F401,F403  (f32, make_case, write, RNG, seed_for, ...)

def gumbel_cdf_value(loc, scale, x):
    with np.errstate(over='ignore'):  # exp(-z) overflows to Infinity for z below -709: F = 0, as it should
        return scipy.stats.gumbel_r.cdf(f32(x), loc=f32(loc), scale=f32(scale))


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


def gen():
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
