"""References for @genmod/reparam (see generate.py)."""
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

def sd_of(kind, p):
    return p if kind == 'scale' else np.exp(p) if kind == 'logScale' else np.exp(0.5 * p)


def gen():
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
