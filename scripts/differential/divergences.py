"""References for the closed forms of @genmod/divergences (see generate.py): the Normal, MultivariateNormal,
Categorical and Bernoulli KL / entropy / cross-entropy, Jensen-Shannon, total variation and Hellinger.

Values and gradients in float64 from torch.distributions (kl_divergence, entropy), scipy.special (rel_entr,
entr, xlogy), scipy.spatial.distance (jensenshannon, euclidean) and mpmath; where no library has the function
(cross-entropies, the discrete divergences of unnormalised-as-given probabilities), the definition written
directly in torch float64 (never our log-scale forms).
"""
import math

import mpmath
import numpy as np
import scipy
import scipy.spatial.distance
import scipy.special
import torch
import torch.distributions as D
import torch.nn.functional as F

from common import *  # noqa: F401,F403  (f32, make_case, write, RNG, seed_for, ...)

mpmath.mp.dps = 50


# ----------------------------------------------------------------------------------------------------------
# Normal

def sd(kind, p):
    return p if kind == 'scale' else torch.exp(p) if kind == 'logScale' else torch.exp(0.5 * p)


def kl_normal_mp(mp_, sp, mq, sq):
    """KL(N(mp, sp²) ‖ N(mq, sq²)) from the textbook closed form at 50 digits (the near-identical regime, where
    float64's var_ratio − 1 − log(var_ratio) itself cancels)."""
    mp_, sp, mq, sq = (mpmath.mpf(float(v)) for v in (mp_, sp, mq, sq))
    return float(mpmath.log(sq / sp) + (sp ** 2 + (mp_ - mq) ** 2) / (2 * sq ** 2) - mpmath.mpf(1) / 2)


def sd_np(kind, p):
    return p if kind == 'scale' else np.exp(p) if kind == 'logScale' else np.exp(0.5 * p)


def normal_cases(fns):
    kinds = {'scale': '', 'logScale': '(fromLogScale)', 'logVariance': '(fromLogVariance)'}
    samplers = {'scale': lambda s: pos(s, -3, 3), 'logScale': lambda s: normal(s, 2), 'logVariance': lambda s: normal(s, 4)}
    for kind, suffix in list(kinds.items()) + [('scale', '(eventRank 1)')]:
        event = suffix == '(eventRank 1)'
        kl, ce, ent = [], [], []
        P, Q = kind + 'P', kind + 'Q'

        def klf(locP, locQ, **a):
            pp, qq = D.Normal(locP, sd(kind, a[P])), D.Normal(locQ, sd(kind, a[Q]))
            if event:
                pp, qq = D.Independent(pp, 1), D.Independent(qq, 1)
            return D.kl_divergence(pp, qq)

        def cef(locP, locQ, **a):
            pp, qq = D.Normal(locP, sd(kind, a[P])), D.Normal(locQ, sd(kind, a[Q]))
            if event:
                pp, qq = D.Independent(pp, 1), D.Independent(qq, 1)
            return pp.entropy() + D.kl_divergence(pp, qq)

        def entf(locP, **a):
            pp = D.Normal(locP, sd(kind, a[P]))
            return (D.Independent(pp, 1) if event else pp).entropy()

        def mp_value(locP, pP, locQ, pQ, cross):
            shape = np.broadcast_shapes(*(np.shape(v) for v in (locP, pP, locQ, pQ)))
            b = [np.broadcast_to(f32(v), shape).reshape(-1) for v in (locP, pP, locQ, pQ)]
            out = []
            for mp_, p1, mq, q1 in zip(*b):
                s1, s2 = (float(sd_np(kind, np.float64(v))) for v in (p1, q1))
                v = kl_normal_mp(mp_, s1, mq, s2)
                if cross:
                    v += float(mpmath.log(mpmath.mpf(s1)) + mpmath.log(2 * mpmath.pi * mpmath.e) / 2)
                out.append(v)
            out = np.array(out).reshape(shape)
            return out.sum(-1) if event else out

        def add(locP, pP, locQ, pQ, note=None, grads=True, mp=False):
            inputs = {'locP': locP, P: pP, 'locQ': locQ, Q: pQ}
            g = tuple(inputs) if grads else ()
            kl.append(make_case(klf, inputs, grad=g, note=note, value_override=mp_value(locP, pP, locQ, pQ, False) if mp else None))
            ce.append(make_case(cef, inputs, grad=g, note=note, value_override=mp_value(locP, pP, locQ, pQ, True) if mp else None))
            ent.append(make_case(entf, {'locP': locP, P: pP}, grad=(P,) if grads else (), note=note))

        for i in range(N_RANDOM):
            if event:
                dd = 512 if i == 7 else 64 if i == 6 else [1, 2, 3, 5, 8, 16, 4, 32][i % 8]
                batch = [(), (2,), (3,)][i % 3] if dd <= 16 else ()
                ps, qs = batch + (dd,), ((dd,) if i % 2 else batch + (dd,))
                grads = dd <= 64
            else:
                ps, qs = bcast_shapes()
                grads = True
            locP, pP = normal(ps, 2), samplers[kind](ps)
            locQ, pQ = normal(qs, 2), samplers[kind](qs)
            if i % 4 == 3:  # the near regime of σ_p/σ_q (ratio in (2/3, 3/2))
                pQ = pP * RNG.uniform(0.8, 1.2) if kind == 'scale' else pP + RNG.normal(0, 0.2)
                locQ = normal(ps, 2)
            add(locP, pP, locQ, pQ, grads=grads, note=None if grads else 'd = 512 (values only)')
        # near-identical laws: σ_q = σ_p·(1 + 2^-20 .. 2^-4), μ_q = μ_p + tiny (the log1p regime)
        locP = np.array([0.3, -1.0, 2.0, 0.0, 5.0])
        rel = np.array([2.0 ** -20, 2.0 ** -16, 2.0 ** -12, 2.0 ** -8, 2.0 ** -4])
        base = np.array([1.0, 0.01, 100.0, 1e-20, 1e20])
        if kind == 'scale':
            pP, pQ = base, base * (1 + rel)
        elif kind == 'logScale':
            pP = np.log(base)
            pQ = pP + rel
        else:
            pP = 2 * np.log(base)
            pQ = pP + 2 * rel
        locQ = locP + f32(sd_np(kind, f32(pQ))) * np.array([0.0, 2.0 ** -18, 0.0, 2.0 ** -10, 2.0 ** -6])
        if event:
            add(locP, pP, locQ, pQ, note='near-identical laws', mp=True)
        else:
            add(locP, pP, locQ, pQ, note='near-identical laws', mp=True)
            add(locP, pP, locP, pP, note='identical laws', mp=True)
        # σ ratios from 1e-30 to 1e30 (σ itself from 1e-30 to 1e30); KL beyond float32 must come out +Infinity
        sp = np.array([1e-30, 1.0, 1e-30, 1e30, 1e-15])
        sq = np.array([1.0, 1e30, 1e-30, 1e30, 1e15])
        locP = np.array([0.0, -1.0, 0.0, 0.0, 0.5])
        locQ = np.array([1.0, 2.0, 1e-30, 3e29, 0.0])
        tag = {'scale': 'scale ratio 1e-30..1e30', 'logScale': 'logScale ±69 (σ ratio 1e-30..1e30)',
               'logVariance': 'logVariance ±138 (σ ratio 1e-30..1e30)'}[kind]
        conv = {'scale': lambda s: s, 'logScale': np.log, 'logVariance': lambda s: 2 * np.log(s)}[kind]
        add(locP, conv(sp), locQ, conv(sq), note=tag, mp=True)
        # σ_p/σ_q = 1e30: KL ≈ ½·1e60, beyond float32 (+Infinity), its gradient too in part
        add(np.array([0.0, 1.0, 0.5]), conv(np.array([1.0, 1e30, 1e15])), np.array([0.0, 0.0, 0.5]), conv(np.array([1e-30, 1.0, 1e-15])),
            note=tag + ', KL beyond float32', mp=True)
        if kind == 'logVariance':
            lv = np.array([150.0, -150.0, -150.0, 150.0, 0.0, -150.0])
            lq = np.array([0.0, 0.0, -150.0, 150.0, 150.0, -149.0])
            add(np.array([0.0, 0.0, 0.0, 1.0, 1.0, 0.0]), lv, np.array([0.0, 1.0, 0.0, 0.0, 0.0, 0.0]), lq,
                note='logVariance ±150', mp=True)
        name = {'': '', '(fromLogScale)': '(fromLogScale)', '(fromLogVariance)': '(fromLogVariance)', '(eventRank 1)': '(eventRank 1)'}[suffix]
        fns['klNormalNormal' + name] = kl
        fns['crossEntropyNormal' + name] = ce
        fns['entropyNormal' + name] = ent

    # klStandardNormal(loc, logVar [, eventRank 1]) and klStandardNormal({ loc, scale })
    for name, event, kind in [('klStandardNormal(loc, logVar)', False, 'logVar'),
                              ('klStandardNormal(loc, logVar, eventRank 1)', True, 'logVar'),
                              ('klStandardNormal({ loc, scale })', False, 'scale')]:
        cases = []

        def f(loc, **a):
            s = torch.exp(0.5 * a['logVar']) if kind == 'logVar' else a['scale']
            pp, qq = D.Normal(loc, s), D.Normal(torch.zeros_like(loc), torch.ones_like(s))
            if event:
                pp, qq = D.Independent(pp, 1), D.Independent(qq, 1)
            return D.kl_divergence(pp, qq)

        def mpv(loc, p):
            shape = np.broadcast_shapes(np.shape(loc), np.shape(p))
            l, pb = (np.broadcast_to(f32(v), shape).reshape(-1) for v in (loc, p))
            out = np.array([kl_normal_mp(a, math.exp(0.5 * b) if kind == 'logVar' else b, 0.0, 1.0)
                            if (kind != 'logVar' or b < 1400) else math.inf for a, b in zip(l, pb)]).reshape(shape)
            return out.sum(-1) if event else out

        for i in range(N_RANDOM):
            if event:
                dd = 512 if i == 7 else 64 if i == 6 else [1, 2, 3, 5, 8, 16, 4, 32][i % 8]
                ls, ps = ([(), (2,), (3,)][i % 3] if dd <= 16 else ()) + (dd,), (dd,)
                grads = dd <= 64
            else:
                ls, ps = bcast_shapes()
                grads = True
            loc = normal(ls, 1.5)
            p = normal(ps, 2) if kind == 'logVar' else pos(ps, -3, 3)
            cases.append(make_case(f, {'loc': loc, kind: p}, grad=('loc', kind) if grads else (),
                                   note=None if grads else 'd = 512 (values only)'))
        # near the prior (the log1p regime), and logVar ±150 / σ 1e±30
        loc = np.array([0.0, 2.0 ** -20, 0.0, 1e-3, 0.0])
        near = np.array([0.0, 0.0, 2.0 ** -20, 2.0 ** -12, -2.0 ** -8])
        p = near if kind == 'logVar' else np.exp(0.5 * near)
        cases.append(make_case(f, {'loc': loc, kind: p}, grad=('loc', kind), note='near the prior', value_override=mpv(loc, p)))
        if kind == 'logVar':
            lv = np.array([150.0, -150.0, 88.0, -88.0, 60.0])
            cases.append(make_case(f, {'loc': np.array([0.0, 1.0, 0.0, -2.0, 1e-20]), 'logVar': lv}, grad=('loc', 'logVar'),
                                   note='logVariance ±150', value_override=mpv(np.array([0.0, 1.0, 0.0, -2.0, 1e-20]), lv)))
        else:
            sc = np.array([1e-30, 1e-10, 1e10, 1e19])
            cases.append(make_case(f, {'loc': np.array([0.0, 1.0, -2.0, 1e19]), 'scale': sc}, grad=('loc', 'scale'),
                                   note='scale 1e-30..1e19', value_override=mpv(np.array([0.0, 1.0, -2.0, 1e19]), sc)))
            sc = np.array([1e30, 1e25])
            cases.append(make_case(f, {'loc': np.array([1.0, 0.0]), 'scale': sc}, grad=('loc', 'scale'),
                                   note='scale 1e25..1e30, KL beyond float32', value_override=mpv(np.array([1.0, 0.0]), sc)))
        fns[name] = cases


# ----------------------------------------------------------------------------------------------------------
# MultivariateNormal

def tril(d, batch=()):
    # off-diagonal entries 0.5/√d past d = 8 (random triangular matrices with O(1) entries have condition numbers
    # growing like 2^d), as for MultivariateNormalTriL in reparam.py
    L = np.tril(RNG.normal(0, 0.5 if d <= 8 else 0.5 / math.sqrt(d), size=batch + (d, d)), -1)
    idx = np.arange(d)
    L[..., idx, idx] = np.exp(RNG.normal(0, 0.5, size=batch + (d,)))
    return L


def banded(d):
    return np.diag(np.exp(RNG.normal(0, 0.3, size=d))) + np.diag(RNG.normal(0, 0.3, size=d - 1), -1)


def band(diag, sub):
    """L = diag(diag) + diag(sub, −1): the d = 64 and 512 cases store only the two bands (their adapters build the
    same dense L)."""
    return torch.diag_embed(diag) + F.pad(torch.diag_embed(sub), (0, 1, 1, 0))


def mvn(loc, key, m):
    if key == 'scaleTril':
        # torch.tril: our scaleTril is read as the lower triangle (its upper one must be 0 and gets no gradient);
        # torch's solve_triangular(L_q, L_p) would differentiate the zeros above L_p's diagonal as well
        return D.MultivariateNormal(loc, scale_tril=torch.tril(m))
    return D.MultivariateNormal(loc, covariance_matrix=0.5 * (m + m.transpose(-1, -2)))


def mvn_cases(fns):
    for key in ['scaleTril', 'covariance']:
        kl, ce, ent = [], [], []
        P, Q = key + 'P', key + 'Q'

        def mat_of(a, s):
            return band(a['diag' + s], a['sub' + s]) if 'diag' + s in a else a[key + s]

        def klf(locP, locQ, **a):
            return D.kl_divergence(mvn(locP, key, mat_of(a, 'P')), mvn(locQ, key, mat_of(a, 'Q')))

        def cef(locP, locQ, **a):
            pp = mvn(locP, key, mat_of(a, 'P'))
            return pp.entropy() + D.kl_divergence(pp, mvn(locQ, key, mat_of(a, 'Q')))

        def entf(locP, **a):
            return mvn(locP, key, mat_of(a, 'P')).entropy()

        def add_band(d, note, eps=None):
            dp, sp = np.exp(RNG.normal(0, 0.3, size=d)), RNG.normal(0, 0.3, size=d - 1)
            if eps is None:
                dq, sq = np.exp(RNG.normal(0, 0.3, size=d)), RNG.normal(0, 0.3, size=d - 1)
                locQ = normal((d,))
            else:
                dq, sq = dp * (1 + eps), sp * (1 + eps)
                locQ = None
            locP = normal((d,))
            inputs = {'locP': locP, 'diagP': dp, 'subP': sp, 'locQ': locP + eps if locQ is None else locQ, 'diagQ': dq, 'subQ': sq}
            kl.append(make_case(klf, inputs, note=note))
            ce.append(make_case(cef, inputs, note=note))
            if eps is None:
                ent.append(make_case(entf, {'locP': locP, 'diagP': dp, 'subP': sp}, note=note))

        def mat(L):
            return L if key == 'scaleTril' else np.einsum('...ij,...kj->...ik', L, L)

        def add(locP, mP, locQ, mQ, note, grads, entropy=True, cross=True):
            inputs = {'locP': locP, P: mP, 'locQ': locQ, Q: mQ}
            g = tuple(inputs) if grads else ()
            kl.append(make_case(klf, inputs, grad=g, note=note))
            if cross:
                ce.append(make_case(cef, inputs, grad=g, note=note))
            if entropy:
                ent.append(make_case(entf, {'locP': locP, P: mP}, grad=(P,) if grads else (), note=note))

        dims = [1, 2, 3, 4, 5, 8] * 6 + ([16, 32] if key == 'scaleTril' else [16, 2, 3, 4])
        for i, d in enumerate(dims):
            # (the covariance cases store Σ and two second-derivative tables: batches only up to d = 3, for size)
            batch = [(), (2,), (3,)][i % 3] if d <= (8 if key == 'scaleTril' else 3) else ()
            batch = (2,) if batch == (3,) and d >= 5 else batch
            qb = batch if i % 2 else ()
            Lp, Lq = tril(d, batch), tril(d, qb)
            grads = d <= 16
            note = 'd = %d' % d + ('' if grads else ' (values only: second derivatives of d² entries not stored)')
            add(normal(batch + (d,)), mat(Lp), normal(qb + (d,)), mat(Lq), note, grads)
        # near-identical laws: L_q = L_p·(1 + ε) plus ε-sized off-diagonal changes, μ_q = μ_p + ε
        for d, eps in [(1, 2.0 ** -16), (3, 2.0 ** -12), (8, 2.0 ** -10), (16, 2.0 ** -12)]:
            Lp = tril(d)
            Lq = Lp * (1 + eps * RNG.uniform(-1, 1, size=(d, d)))
            locP = normal((d,))
            add(locP, mat(Lp), locP + eps * normal((d,)), mat(Lq), 'near-identical laws, d = %d' % d, True, entropy=False)
        if key == 'scaleTril':
            # d = 64 and 512, values only, bidiagonal L stored as its two bands
            add_band(64, 'd = 64, bidiagonal L (values only)')
            add_band(512, 'd = 512, bidiagonal L (values only)')
            add_band(64, 'near-identical laws, d = 64, bidiagonal L (values only)', eps=2.0 ** -12)
            add_band(512, 'near-identical laws, d = 512, bidiagonal L (values only)', eps=2.0 ** -12)
            # L scaled by 1e±30 (L·Lᵀ would over/underflow float32)
            for s in [1e-30, 1e30]:
                L = tril(3)
                add(np.zeros(3), L * s, np.array([0.0, 1.0, -1.0]) * s, tril(3) * s, 'L scaled by %g' % s, True)
        kind = '' if key == 'scaleTril' else '(covariance)'
        fns['klMultivariateNormal' + kind] = kl
        fns['crossEntropyMultivariateNormal' + kind] = ce
        fns['entropyMultivariateNormal' + kind] = ent


# ----------------------------------------------------------------------------------------------------------
# Categorical and Bernoulli: the definitions, with 0·log 0 = 0

def xlogy(x, y):
    """x·log y with 0·log y = 0 and no gradient through the unused branch (torch's xlogy gives 0/0 = NaN
    for ∂/∂y at x = y = 0)."""
    pos_ = x > 0
    return torch.where(pos_, x * torch.log(torch.where(pos_, y, torch.ones_like(y))), torch.zeros_like(x))


def ssqrt(x):
    pos_ = x > 0
    return torch.where(pos_, torch.sqrt(torch.where(pos_, x, torch.ones_like(x))), torch.zeros_like(x))


def kl_def(p, q):
    return (xlogy(p, p) - xlogy(p, q)).sum(-1)


def ce_def(p, q):
    return (-xlogy(p, q)).sum(-1)


def ent_def(p):
    return (-xlogy(p, p)).sum(-1)


def masked_logits_law(l):
    """softmax over the unmasked classes, with the masked ones exactly 0 (and no gradient through them)."""
    fin = torch.isfinite(l)
    safe = torch.where(fin, l, torch.zeros_like(l))
    m = torch.where(fin, safe, torch.full_like(l, -1e300)).max(-1, keepdim=True).values.detach()
    e = torch.where(fin, torch.exp(safe - m), torch.zeros_like(l))
    return e / e.sum(-1, keepdim=True)


def logits_of(x):
    return masked_logits_law(x)


def probs_rows(shape, zeros=False):
    p = RNG.uniform(0.01, 1.0, size=shape)
    if zeros:
        p = p * (RNG.uniform(size=shape) > 0.3)
        p[..., 0] = np.maximum(p[..., 0], 0.05)
    return f32(p / p.sum(-1, keepdims=True))


def discrete_cases(fns):
    for key in ['logits', 'probs']:
        kl, ce, ent, ku, js, jd, tv, he = ([] for _ in range(8))
        law = (lambda x: masked_logits_law(x)) if key == 'logits' else (lambda x: x)

        def fin(*xs):
            return key == 'logits' and all(bool(torch.isfinite(x).all()) for x in xs)

        def huge(*xs):
            return key == 'logits' and all(bool(torch.isfinite(x).all()) for x in xs) and max(float(x.abs().max()) for x in xs) > 1e3

        def klf(p, q):
            if huge(p, q):
                # torch's _kl_categorical_categorical returns +Infinity where q.probs underflows to 0 (e^(−2e4)):
                # the definition with log_softmax, exact
                lp, lq = torch.log_softmax(p, -1), torch.log_softmax(q, -1)
                return (torch.exp(lp) * (lp - lq)).sum(-1)
            if fin(p, q):
                return D.kl_divergence(D.Categorical(logits=p), D.Categorical(logits=q))
            return kl_def(*torch.broadcast_tensors(law(p), law(q)))

        def cef(p, q):
            if huge(p, q):
                return -(torch.exp(torch.log_softmax(p, -1)) * torch.log_softmax(q, -1)).sum(-1)
            if fin(p, q):
                pp = D.Categorical(logits=p)
                return pp.entropy() + D.kl_divergence(pp, D.Categorical(logits=q))
            return ce_def(*torch.broadcast_tensors(law(p), law(q)))

        def entf(p):
            return D.Categorical(logits=p).entropy() if fin(p) else ent_def(law(p))

        def kuf(p):
            K = p.shape[-1]
            if fin(p):
                return D.kl_divergence(D.Categorical(logits=p), D.Categorical(logits=torch.zeros_like(p)))
            return math.log(K) - ent_def(law(p))

        def jsf(p, q):
            a, b = torch.broadcast_tensors(law(p), law(q))
            m = 0.5 * (a + b)
            return 0.5 * kl_def(a, m) + 0.5 * kl_def(b, m)

        def jdf(p, q):
            return torch.sqrt(jsf(p, q))

        def tvf(p, q):
            return 0.5 * (law(p) - law(q)).abs().sum(-1)

        def hef(p, q):
            return torch.sqrt(0.5 * ((ssqrt(law(p)) - ssqrt(law(q))) ** 2).sum(-1))

        def np_law(x):
            x = f32(x)
            if key == 'probs':
                return x
            e = np.exp(np.where(np.isfinite(x), x - np.max(np.where(np.isfinite(x), x, -1e300), -1, keepdims=True), -np.inf))
            return e / e.sum(-1, keepdims=True)

        def scipy_values(p, q):
            a, b = np_law(p), np_law(q)
            a, b = np.broadcast_arrays(a, b)
            m = 0.5 * (a + b)
            jsv = 0.5 * scipy.special.rel_entr(a, m).sum(-1) + 0.5 * scipy.special.rel_entr(b, m).sum(-1)
            flat_a, flat_b = a.reshape(-1, a.shape[-1]), b.reshape(-1, b.shape[-1])
            # scipy.spatial.distance.jensenshannon (it renormalises the rows: agrees to float64 rounding here)
            sc = np.array([scipy.spatial.distance.jensenshannon(x, y) for x, y in zip(flat_a, flat_b)]).reshape(jsv.shape)
            assert np.allclose(np.sqrt(np.maximum(jsv, 0)), sc, rtol=1e-6, atol=1e-7), (jsv, sc)
            hel = np.array([scipy.spatial.distance.euclidean(np.sqrt(x), np.sqrt(y)) / math.sqrt(2)
                            for x, y in zip(flat_a, flat_b)]).reshape(jsv.shape)
            return {'kl': scipy.special.rel_entr(a, b).sum(-1), 'ent': scipy.special.entr(a).sum(-1),
                    'ce': -scipy.special.xlogy(a, b).sum(-1), 'js': jsv, 'jd': np.sqrt(jsv), 'tv': 0.5 * np.abs(a - b).sum(-1),
                    'he': hel}

        def add(p, q, note=None, grads=True, pair_grads=None, zero_dist=False):
            sv = scipy_values(p, q)
            g = ('p', 'q') if grads else ()
            pg = g if pair_grads is None else pair_grads
            ov = (lambda k: sv[k]) if key == 'probs' or (note and note != 'logits ±1e4') else (lambda k: None)
            kl.append(make_case(klf, {'p': p, 'q': q}, grad=pg, note=note, value_override=ov('kl')))
            ce.append(make_case(cef, {'p': p, 'q': q}, grad=pg, note=note, value_override=ov('ce')))
            ent.append(make_case(entf, {'p': p}, grad=('p',) if grads else (), note=note, value_override=ov('ent')))
            ku.append(make_case(kuf, {'p': p}, grad=('p',) if grads else (), note=note,
                                value_override=math.log(np.shape(p)[-1]) - scipy.special.entr(np_law(p)).sum(-1) if key == 'probs' or note else None))
            js.append(make_case(jsf, {'p': p, 'q': q}, grad=pg, note=note, value_override=sv['js']))
            zg = None
            if zero_dist:
                # the documented subgradient 0 at p = q (the true gradient of √ is infinite there)
                zg = {'p': np.zeros(np.size(p)), 'q': np.zeros(np.size(q))}
            jd.append(make_case(jdf, {'p': p, 'q': q}, grad=pg, note=note, value_override=sv['jd'], grad_override=zg))
            tv.append(make_case(tvf, {'p': p, 'q': q}, grad=() if zero_dist or 'near' in str(note) else pg, note=note, value_override=sv['tv']))
            he.append(make_case(hef, {'p': p, 'q': q}, grad=pg, note=note, value_override=sv['he'], grad_override=zg))

        for i in range(N_RANDOM):
            K = 512 if i == 6 else 64 if i == 13 else [2, 3, 5, 10, 2, 16, 8][i % 7]
            batch = [(), (2,), (3,), (2, 3)][i % 4] if K <= 16 else ()
            qb = batch if i % 3 else ()
            if key == 'logits':
                p, q = normal(batch + (K,), 3), normal(qb + (K,), 3)
            else:
                p, q = probs_rows(batch + (K,)), probs_rows(qb + (K,))
            add(p, q, note=None if K <= 64 else 'K = 512 (values only)', grads=K <= 64)
        if key == 'logits':
            add(np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 1e4 - 1]]), np.array([[0.0, 1e4, -1e4], [1e4, -1e4, 3.0]]),
                note='logits ±1e4')
            lm = np.array([[0.5, -np.inf, 1.0, -0.3], [-np.inf, 2.0, -np.inf, 0.0]])
            # q masked where p is: finite; gradients 0 for masked logits (no gradient flows through a mask)
            add(lm, np.array([[0.1, -np.inf, -1.0, 2.0], [1.0, 0.0, -np.inf, 0.5]]), note='-Infinity masks', grads=False)
            add(lm, np.array([[0.1, 0.2, -1.0, 2.0], [1.0, 0.0, 3.0, 0.5]]), note='-Infinity masks in p only')
            add(np.array([[2.0]]), np.array([[-3.0]]), note='K = 1', zero_dist=True)
            x = normal((2, 6), 2)
            add(x, x.copy(), note='zero distance (p = q)', zero_dist=True)
        else:
            add(np.array([[0.0, 0.3, 0.7, 0.0], [0.0, 0.0, 1.0, 0.0]]), np.array([[0.2, 0.3, 0.5, 0.0], [0.1, 0.0, 0.9, 0.0]]),
                note='probs exactly 0 and 1 (values only)', grads=False)
            add(np.array([[1.0]]), np.array([[1.0]]), note='K = 1', grads=False)
            add(probs_rows((3, 5), zeros=True), probs_rows((3, 5)), note='probs with zeros in p (values only)', grads=False)
            x = probs_rows((2, 6))
            add(x, x.copy(), note='zero distance (p = q)', zero_dist=True)
            y = x.copy()
            y[:, 0] += 2.0 ** -18
            y[:, 1] -= 2.0 ** -18
            add(x, f32(y), note='near-identical laws')
        suf = '(%s)' % key
        fns['klCategorical' + suf] = kl
        fns['crossEntropyCategorical' + suf] = ce
        fns['entropyCategorical' + suf] = ent
        fns['klToUniform' + suf] = ku
        fns['jsDivergence' + suf] = js
        fns['jsDistance' + suf] = jd
        fns['totalVariation' + suf] = tv
        fns['hellinger' + suf] = he


def bern_two(x, key):
    """[P(0), P(1)] on a new last axis, from logits by log-sigmoids (exact at ±1e4 in float64)."""
    if key == 'logits':
        return torch.stack([torch.exp(F.logsigmoid(-x)), torch.exp(F.logsigmoid(x))], -1)
    return torch.stack([1 - x, x], -1)


def bernoulli_cases(fns):
    for key in ['logits', 'probs']:
        kl, ce, ent = [], [], []

        def logs(x):
            return torch.stack([F.logsigmoid(-x), F.logsigmoid(x)], -1)

        def klf(p, q):
            if key == 'logits':
                a, b = logs(p), logs(q)
                a, b = torch.broadcast_tensors(a, b)
                return (torch.exp(a) * (a - b)).sum(-1)
            a, b = torch.broadcast_tensors(bern_two(p, key), bern_two(q, key))
            return kl_def(a, b)

        def cef(p, q):
            if key == 'logits':
                a, b = torch.broadcast_tensors(logs(p), logs(q))
                return -(torch.exp(a) * b).sum(-1)
            a, b = torch.broadcast_tensors(bern_two(p, key), bern_two(q, key))
            return ce_def(a, b)

        def entf(p):
            if key == 'logits':
                a = logs(p)
                return -(torch.exp(a) * a).sum(-1)
            return ent_def(bern_two(p, key))

        def add(p, q, note=None, grads=True, check_torch=False):
            g = ('p', 'q') if grads else ()
            if check_torch:
                # the definition agrees with torch.distributions where torch's probs are not clamped
                tp, tq = torch.broadcast_tensors(torch.tensor(f32(p)), torch.tensor(f32(q)))
                law = (lambda x: D.Bernoulli(logits=x)) if key == 'logits' else (lambda x: D.Bernoulli(probs=x))
                assert torch.allclose(D.kl_divergence(law(tp), law(tq)), klf(tp, tq), rtol=1e-9, atol=1e-12)
                assert torch.allclose(law(tp).entropy(), entf(tp), rtol=1e-9, atol=1e-12)
            vals = None
            if key == 'probs':
                a, b = np.broadcast_arrays(f32(p), f32(q))
                vals = {'kl': scipy.special.rel_entr(a, b) + scipy.special.rel_entr(1 - a, 1 - b),
                        'ce': -scipy.special.xlogy(a, b) - scipy.special.xlogy(1 - a, 1 - b),
                        'ent': scipy.stats.bernoulli.entropy(f32(p))}
            kl.append(make_case(klf, {'p': p, 'q': q}, grad=g, note=note, value_override=vals and vals['kl']))
            ce.append(make_case(cef, {'p': p, 'q': q}, grad=g, note=note, value_override=vals and vals['ce']))
            ent.append(make_case(entf, {'p': p}, grad=('p',) if grads else (), note=note, value_override=vals and vals['ent']))

        for i in range(N_RANDOM):
            ps, qs = bcast_shapes()
            if key == 'logits':
                p, q = normal(ps, 3), normal(qs, 3)
            else:
                p, q = RNG.uniform(0.01, 0.99, size=ps), RNG.uniform(0.01, 0.99, size=qs)
            add(p, q, check_torch=True)
        if key == 'logits':
            add(np.array([1e4, -1e4, 1e4, -1e4, 80.0, -80.0, 0.0]), np.array([1e4, -1e4, -1e4, 1e4, -80.0, 80.0, 1e4]),
                note='logits ±1e4')
            x = np.array([0.3, -2.0, 5.0])
            add(x, x + np.array([2.0 ** -20, 2.0 ** -16, 2.0 ** -10]), note='near-identical laws')
        else:
            pe = np.array([0.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.3, 0.3])
            qe = np.array([0.0, 1.0, 0.0, 1.0, 0.5, 0.5, 0.0, 1.0])
            add(pe, qe, note='probs exactly 0 and 1 (values only)', grads=False)
            add(np.array([1e-30, 1e-10, 1 - 2 ** -24, 0.5]), np.array([1e-20, 1e-30, 0.5, 1 - 2 ** -24]),
                note='probs 1e-30 to 1 - 2^-24')
            x = np.array([0.3, 0.01, 0.9])
            add(x, x + np.array([2.0 ** -24, 2.0 ** -20, 2.0 ** -16]), note='near-identical laws')
        suf = '(%s)' % key
        fns['klBernoulli' + suf] = kl
        fns['crossEntropyBernoulli' + suf] = ce
        fns['entropyBernoulli' + suf] = ent


# Where the true KL itself is beyond float32 (σ_p/σ_q ≥ 1.3e19: KL ≈ ½·(σ_p/σ_q)²), the float32 value is +Infinity
# and its gradient is not a reference (as for a non-finite reference): such cases check the value only. The TSDoc
# of klNormalNormal / crossEntropyNormal / klStandardNormal states this valid range of the gradient.
BEYOND_FLOAT32 = 'KL beyond float32'
KNOWN = {}


def gen():
    seed_for('divergences')
    fns = {}
    normal_cases(fns)
    mvn_cases(fns)
    discrete_cases(fns)
    bernoulli_cases(fns)
    for cases in fns.values():
        for case in cases:
            if case.get('note', '').endswith(BEYOND_FLOAT32):
                case.pop('grads', None)
                case.pop('gradCond', None)
                case['note'] += ' (values only: the float32 value is +Infinity)'
    write('divergences', fns, KNOWN)
