"""References for @genmod/vae (see generate.py).

Every reference is torch / torch.distributions / scipy in float64, written from the papers' definitions:
likelihoods as torch.distributions log-densities (or BCE-with-logits), the discretized logistic from
Salimans et al. 2017 Eq. 2 as log(σ(a) − σ(b)) in a stable float64 form, KLs from torch.distributions.kl_divergence,
logMeanExp from scipy.special.logsumexp − log n, VQ nearest codes from scipy.spatial.distance.cdist, schedules
from Fu et al. 2019 and Bowman et al. 2016.
"""
import math

import numpy as np
import scipy.special
import scipy.stats
import scipy.spatial.distance
import torch
import torch.distributions as D
import torch.nn.functional as F

from common import *  # noqa: F401,F403

LOG2PI = math.log(2 * math.pi)


def dims(i, ds):
    """The i-th size of a cycle; sizes of 256 and more only in the first round (keeps the file small)."""
    d = ds[i % len(ds)]
    return d if d < 256 or i < len(ds) else 32


def ri(lo, hi):
    return int(RNG.integers(lo, hi + 1))


def bern_ll(x, logits):
    return -F.binary_cross_entropy_with_logits(logits, x, reduction='none').sum(-1)


def normal_ll(x, mean, logVar):
    return D.Normal(mean, torch.exp(0.5 * logVar)).log_prob(x).sum(-1)


def disc_logistic(x, loc, logScale, bins):
    """Salimans et al. 2017 Eq. 2: P(x) = σ((x + h − μ)/s) − σ((x − h − μ)/s), edges open; log P in float64,
    log(σ(a) − σ(b)) = a + log1p(−e^(b−a)) − softplus(a) − softplus(b) (exact identity, no cancellation)."""
    h = 1.0 / (bins - 1)
    s_inv = torch.exp(-logScale)
    a = (x - loc + h) * s_inv
    b = (x - loc - h) * s_inv
    mid = a + torch.log1p(-torch.exp(b - a)) - F.softplus(a) - F.softplus(b)
    low = F.logsigmoid(a)
    high = F.logsigmoid(-b)
    xd = x.detach()
    lp = torch.where(xd < -1 + h / 2, low, torch.where(xd > 1 - h / 2, high, mid))
    return lp.sum(-1)


def kl_std(loc, logVar):
    return D.kl_divergence(D.Normal(loc, torch.exp(0.5 * logVar)), D.Normal(torch.zeros_like(loc), torch.ones_like(loc))).sum(-1)


def gen():
    seed_for('vae')
    fns = {}

    # ---- bernoulliLogLikelihood
    cs = []
    for i in range(N_RANDOM):
        d = dims(i, [1, 2, 5, 16, 64, 512])
        b = ri(1, 4) if d < 128 else 1
        x = RNG.uniform(0, 1, (b, d)) if i % 3 == 0 else (RNG.uniform(0, 1, (b, d)) < 0.5).astype(float)
        cs.append(make_case(bern_ll, {'x': x, 'logits': normal((b, d), 3)}, grad=('x', 'logits'), with_grads=d <= 16))
    for lv in (1e4, -1e4, 50, -50):
        cs.append(make_case(bern_ll, {'x': np.array([[0.0, 1.0, 0.3]]), 'logits': np.full((1, 3), lv)}, grad=('x', 'logits'), note='logits %g, x 0 / 1 / 0.3' % lv))
    cs.append(make_case(bern_ll, {'x': np.array([[0.0, 1.0, 1.0, 0.0]]), 'logits': np.array([[-1e4, 1e4, 0.0, 0.0]])}, grad=('x', 'logits'), note='logits ±1e4 on the right side'))
    fns['bernoulliLogLikelihood'] = cs

    # ---- gaussianLikelihood: fixed variance (a number), learned logVariance, split decoder
    fixed, learned, split = [], [], []
    for i in range(N_RANDOM):
        d = dims(i, [1, 3, 8, 32, 128, 512])
        b = ri(1, 4) if d < 128 else 1
        x, mean = normal((b, d), 2), normal((b, d), 2)
        var = pos((), -3, 3)
        fixed.append(make_case(lambda x, mean, variance: normal_ll(x, mean, torch.log(variance) + 0 * mean),
                               {'x': x, 'mean': mean, 'variance': var}, grad=('x', 'mean'), with_grads=d <= 8))
        lvs = [(d,), (), (b, d)][i % 3]
        learned.append(make_case(normal_ll, {'x': x, 'mean': mean, 'logVar': normal(lvs, 2)}, grad=('x', 'mean', 'logVar'), with_grads=d <= 8))
        split.append(make_case(lambda x, decoded: normal_ll(x, decoded[..., :d], decoded[..., d:]),
                               {'x': x, 'decoded': np.concatenate([mean, normal((b, d), 2)], -1)}, grad=('x', 'decoded'), with_grads=d <= 8))
    for lv in (-150.0, -80.0, 80.0, 150.0):
        # x − μ scaled with σ (1e-30 at logVar −150, 1e30 at 150): the value and its gradients stay in float32's range
        sc = math.exp(lv / 2)
        x, mean = np.array([[0.5, -1.0, 2.0]]), np.array([[0.5, -1.0 + 0.5 * sc, 2.0 - 1.5 * sc]])
        learned.append(make_case(normal_ll, {'x': x, 'mean': mean, 'logVar': np.full(3, lv)}, grad=('x', 'mean', 'logVar'), note='logVariance %g' % lv))
        split.append(make_case(lambda x, decoded: normal_ll(x, decoded[..., :3], decoded[..., 3:]),
                               {'x': x, 'decoded': np.concatenate([mean, np.full((1, 3), lv)], -1)}, grad=('x', 'decoded'), note='logVariance %g' % lv))
    for v in (1e-30, 1e30):
        fixed.append(make_case(lambda x, mean, variance: normal_ll(x, mean, torch.log(variance) + 0 * mean),
                               {'x': np.array([[0.5, 1.0]]), 'mean': np.array([[0.5, 1.0 + 1e-10]]), 'variance': np.array(v)}, grad=('x', 'mean'), note='variance %g' % v))
    fns['gaussianLikelihood(variance)'] = fixed
    fns['gaussianLikelihood(logVariance)'] = learned
    fns['gaussianLikelihood(split)'] = split

    # ---- discretizedLogisticLikelihood (logScale tensor; split decoder); bins as data
    dl, dls = [], []
    for i in range(N_RANDOM):
        d = dims(i, [1, 3, 8, 32, 256])
        b = ri(1, 3) if d < 128 else 1
        bins = dims(i, [256, 256, 2, 16, 256])
        x = -1 + 2 * RNG.integers(0, bins, (b, d)) / (bins - 1)
        loc = np.clip(x + normal((b, d), 0.3), -1.2, 1.2)
        logS = RNG.uniform(-6, 0.5, (b, d))
        dl.append(make_case(lambda x, loc, logScale, bins: disc_logistic(x, loc, logScale, int(bins)),
                            {'x': x, 'loc': loc, 'logScale': logS}, data={'bins': bins}, grad=('loc', 'logScale'), with_grads=d <= 8))
        dls.append(make_case(lambda x, decoded, bins: disc_logistic(x, decoded[..., :d], decoded[..., d:], int(bins)),
                             {'x': x, 'decoded': np.concatenate([loc, logS], -1)}, data={'bins': bins}, grad=('decoded',), with_grads=d <= 8))
    xe = np.array([[-1.0, 1.0, 0.0, -1 + 2 / 255, 1 - 2 / 255, 0.2 + 2 / 255 * 3]])
    for ls, note in ((-20.0, 'tiny scale e^-20, x at edges / centre'), (-8.0, 'scale e^-8'), (3.0, 'scale e^3 (wide)'), (-4.0, 'scale e^-4')):
        for off in (0.0, 0.05, 0.5):
            loc = xe + off
            dl.append(make_case(lambda x, loc, logScale, bins: disc_logistic(x, loc, logScale, int(bins)),
                                {'x': xe, 'loc': loc, 'logScale': np.full(6, ls)}, data={'bins': 256}, grad=('loc', 'logScale'),
                                note='%s, loc offset %g' % (note, off)))
    fns['discretizedLogisticLikelihood(logScale)'] = dl
    fns['discretizedLogisticLikelihood(split)'] = dls

    # ---- logMeanExp: scipy.special.logsumexp − log n, axis as data
    lme = []
    for i in range(N_RANDOM):
        shape = [(ri(1, 64),), (ri(1, 16), ri(1, 4)), (ri(1, 4), ri(1, 8), 3)][i % 3]
        axis = ri(0, len(shape) - 1)
        x = normal(shape, 5) + RNG.normal(0, 50)
        n = shape[axis]
        lme.append(make_case(lambda x, axis: torch.logsumexp(x, int(axis)) - math.log(n), {'x': x}, data={'axis': axis}, grad=('x',),
                             value_override=scipy.special.logsumexp(f32(x), axis=axis) - math.log(n)))
    for x, note in ((np.array([-np.inf, 0.0, 1.0]), 'one -Infinity entry'), (np.array([-np.inf, -np.inf]), 'all -Infinity'),
                    (np.array([1e4, -1e4, 1e4]), '±1e4'), (np.array([-100.0]), 'n = 1'), (np.array([80.0, 88.0, 88.5]), 'near exp overflow')):
        lme.append(make_case(lambda x, axis: torch.logsumexp(x, 0) - math.log(len(x)), {'x': x}, data={'axis': 0}, grad=('x',), note=note,
                             value_override=np.array(scipy.special.logsumexp(f32(x)) - math.log(len(x)))))
    fns['logMeanExp'] = lme

    # ---- elbo (explicit noise; encoder = its inputs; decoder = z @ W, Bernoulli likelihood)
    def elbo_ref(mc, samples):
        def f(x, loc, logVar, W, noise, **_):
            z = loc + torch.exp(0.5 * logVar) * noise.reshape((samples,) + tuple(loc.shape))  # [S, B, d]
            rec = bern_ll(x.expand((samples,) + tuple(x.shape)), z @ W).mean(0)
            if mc:
                q = D.Normal(loc, torch.exp(0.5 * logVar))
                kl = (q.log_prob(z).sum(-1) - D.Normal(0.0, 1.0).log_prob(z).sum(-1)).mean(0)
            else:
                kl = kl_std(loc, logVar)
            return rec - kl
        return f
    ea, em, iw = [], [], []
    for i in range(N_RANDOM):
        b, d, p = ri(1, 3), [1, 2, 4, 8, 16][i % 5], ri(1, 4)
        s = ri(1, 3)
        inp = {'x': (RNG.uniform(0, 1, (b, p)) < 0.5).astype(float), 'loc': normal((b, d)), 'logVar': RNG.uniform(-3, 2, (b, d)),
               'W': normal((d, p), 0.5)}
        ea.append(make_case(elbo_ref(False, s), {**inp, 'noise': normal((s, b, d))}, data={'samples': s}, grad=('x', 'loc', 'logVar', 'W')))
        em.append(make_case(elbo_ref(True, s), {**inp, 'noise': normal((s, b, d))}, data={'samples': s}, grad=('x', 'loc', 'logVar', 'W')))
        k = [1, 2, 5, 8][i % 4]
        def iwae(x, loc, logVar, W, noise, k=k, **_):
            z = loc + torch.exp(0.5 * logVar) * noise
            logw = bern_ll(x.expand((k,) + tuple(x.shape)), z @ W) + D.Normal(0.0, 1.0).log_prob(z).sum(-1) - D.Normal(loc, torch.exp(0.5 * logVar)).log_prob(z).sum(-1)
            return torch.logsumexp(logw, 0) - math.log(k)
        iw.append(make_case(iwae, {**inp, 'noise': normal((k, b, d))}, data={'k': k}, grad=('x', 'loc', 'logVar', 'W')))
    # extremes: logVar ±150 with noise 0 (z = μ exactly in float32 and float64: the float32 draw μ + σ·ε rounds
    # to μ for tiny σ, which the reference cannot reproduce from ε ≠ 0) and ε ≠ 0 where σ·ε is a clean float32
    for lv, eps in ((-150.0, 0.0), (-100.0, 0.0), (-88.0, 0.0), (40.0, 0.7), (80.0, -1.3), (150.0, 0.0)):
        inp = {'x': np.array([[1.0, 0.0, 1.0]]), 'loc': np.array([[0.5, -0.25]]), 'logVar': np.full((1, 2), lv), 'W': np.full((2, 3), 0.5)}
        note = 'logVariance %g, noise %g' % (lv, eps)
        ea.append(make_case(elbo_ref(False, 1), {**inp, 'noise': np.full((1, 1, 2), eps)}, data={'samples': 1}, grad=('x', 'loc', 'logVar', 'W'), note=note))
        if lv < 150:  # z² beyond float32 at logVar 150 with ε ≠ 0; with ε = 0 it is the same as the analytic path's check
            em.append(make_case(elbo_ref(True, 1), {**inp, 'noise': np.full((1, 1, 2), eps)}, data={'samples': 1}, grad=('x', 'loc', 'logVar', 'W'), note=note))
    # latent dimension 512 (values only: the gradient conditioning of 512·P weights is too large to store)
    for s_, d in ((1, 128), (1, 512)):
        inp = {'x': np.array([[1.0, 0.0]]), 'loc': normal((1, d)), 'logVar': RNG.uniform(-3, 1, (1, d)), 'W': normal((d, 2), 1 / math.sqrt(d))}
        ea.append(make_case(elbo_ref(False, s_), {**inp, 'noise': normal((s_, 1, d))}, data={'samples': s_}, with_grads=False, note='latent dimension %d (values only)' % d))
        if d == 512:
            continue
        em.append(make_case(elbo_ref(True, s_), {**inp, 'noise': normal((s_, 1, d))}, data={'samples': s_}, with_grads=False, note='latent dimension %d (values only)' % d))
        def iwae_big(x, loc, logVar, W, noise, k=s_ + 2, **_):
            z = loc + torch.exp(0.5 * logVar) * noise
            logw = bern_ll(x.expand((k,) + tuple(x.shape)), z @ W) + D.Normal(0.0, 1.0).log_prob(z).sum(-1) - D.Normal(loc, torch.exp(0.5 * logVar)).log_prob(z).sum(-1)
            return torch.logsumexp(logw, 0) - math.log(k)
        iw.append(make_case(iwae_big, {**inp, 'noise': normal((s_ + 2, 1, d))}, data={'k': s_ + 2}, with_grads=False, note='latent dimension %d (values only)' % d))
    fns['elbo'] = ea
    fns['elbo(analyticKl: false)'] = em
    fns['iwaeBound'] = iw

    # ---- schedules (values only; numbers in our API): Bowman et al. 2016, Fu et al. 2019
    lw, cy = [], []
    for i in range(N_RANDOM + 4):
        steps = ri(1, 1000)
        step = [0, steps, steps + 5, -3][i] if i < 4 else ri(0, 2 * steps)
        fr, to = RNG.uniform(0, 0.5), RNG.uniform(0.5, 2)
        val = fr + (to - fr) * (min(step, steps) / steps if step > 0 else 0.0)
        lw.append(make_case(lambda start, end, **_: 0 * start + 0 * end + torch.tensor(val), {'start': np.array(fr), 'end': np.array(to)},
                            data={'step': step, 'steps': steps}, with_grads=False))
        period = ri(1, 500)
        ratio = [1.0, 0.5, 0.25][i % 3] if i < 6 else RNG.uniform(0.05, 1)
        step = ri(0, 5 * period) if i >= 4 else [0, period, period // 2, 3 * period - 1][i]
        # Fu et al. 2019, Eq. 2 with t = step + 1 and T/M = period: τ = mod(t − 1, period)/period, β = f(τ) = τ/R for τ ≤ R, else 1
        tau = ((step + 1) - 1) % period / period
        beta = to * (tau / ratio if tau <= ratio else 1.0)
        cy.append(make_case(lambda ratio, end, **_: 0 * ratio + 0 * end + torch.tensor(beta), {'ratio': np.array(ratio), 'end': np.array(to)},
                            data={'step': step, 'period': period}, with_grads=False,
                            value_override=np.array(float(f32(to)) * min(1.0, tau / float(f32(ratio))))))
    fns['linearWarmup'] = lw
    fns['cyclicalAnnealing'] = cy

    # ---- codebookLookup
    cl = []
    for i in range(N_RANDOM):
        k = dims(i, [1, 2, 8, 64, 512])
        dd = ri(1, 16) if k < 64 else ri(1, 3)
        lead = [(ri(1, 4),), (ri(1, 3), ri(1, 5)), ()][i % 3] if k < 64 else (ri(1, 2),)
        y = F.softmax(torch.tensor(normal(lead + (k,), 2)), -1).numpy()
        cl.append(make_case(lambda y, codebook: y @ codebook, {'y': y, 'codebook': normal((k, dd))}, grad=('y', 'codebook'), with_grads=k <= 8))
    fns['codebookLookup'] = cl

    # ---- vectorQuantize: nearest code by scipy cdist (first on ties); zQ = z_e + sg[e − z_e]; losses as in the paper
    vq = {n: [] for n in ('zQ', 'indices', 'codebookLoss', 'commitmentLoss', 'loss', 'perplexity')}

    def vq_cases(zE, cb, beta, note=None):
        zE, cb = f32(zE), f32(cb)
        dd = cb.shape[1]
        idx = np.argmin(scipy.spatial.distance.cdist(zE.reshape(-1, dd), cb, 'sqeuclidean'), 1)
        shp = zE.shape[:-1]
        it = torch.tensor(idx)
        kw = dict(note=note, with_grads=zE.size * cb.shape[0] <= 512)
        vq['zQ'].append(make_case(lambda zE, codebook, beta, **_: zE + (codebook[it].reshape(zE.shape) - zE).detach() + 0 * beta,
                                  {'zE': zE, 'codebook': cb, 'beta': np.array(beta)}, grad=('zE', 'codebook'), **kw))
        vq['indices'].append(make_case(lambda zE, codebook, beta, **_: 0 * zE.sum() + torch.tensor(idx.reshape(shp), dtype=torch.float64),
                                       {'zE': zE, 'codebook': cb, 'beta': np.array(beta)}, with_grads=False, note=note))
        cbl = lambda zE, codebook, beta, **_: F.mse_loss(zE.detach(), codebook[it].reshape(zE.shape)) + 0 * beta
        cml = lambda zE, codebook, beta, **_: beta * F.mse_loss(zE, codebook[it].reshape(zE.shape).detach())
        vq['codebookLoss'].append(make_case(cbl, {'zE': zE, 'codebook': cb, 'beta': np.array(beta)}, grad=('zE', 'codebook'), **kw))
        vq['commitmentLoss'].append(make_case(cml, {'zE': zE, 'codebook': cb, 'beta': np.array(beta)}, grad=('zE', 'codebook'), **kw))
        # perplexity exp(H(p̂)) of the code frequencies: scipy.stats.entropy of the counts (values only)
        ppl = math.exp(scipy.stats.entropy(np.bincount(idx, minlength=cb.shape[0]) / idx.size))
        vq['perplexity'].append(make_case(lambda zE, codebook, beta, **_: 0 * zE.sum() + torch.tensor(ppl),
                                          {'zE': zE, 'codebook': cb, 'beta': np.array(beta)}, with_grads=False, note=note))
        vq['loss'].append(make_case(lambda zE, codebook, beta, **_: cbl(zE, codebook, beta) + cml(zE, codebook, beta),
                                    {'zE': zE, 'codebook': cb, 'beta': np.array(beta)}, grad=('zE', 'codebook'), **kw))
    for i in range(N_RANDOM):
        k = dims(i, [1, 2, 8, 64, 512])
        dd = min([1, 2, 4, 16, 64][(i // 5) % 5], max(1, 512 // k))
        lead = [(ri(1, 8),), (ri(1, 3), ri(1, 4))][i % 2] if k < 512 else (ri(1, 4),)
        vq_cases(normal(lead + (dd,)), normal((k, dd)), [0.25, 1.0, 0.0][i % 3])
    vq_cases(np.array([[0.0], [1.0], [0.5]]), np.array([[1.0], [-1.0], [0.0], [0.0]]), 0.25, note='ties: z = 0 between ±1 and two equal codes')
    vq_cases(np.array([[0.3, 0.3], [2.0, 2.0]]), np.array([[1.0, 1.0], [1.0, 1.0]]), 0.25, note='ties: duplicated codes')
    vq_cases(np.array([[0.0, 0.0]]), np.array([[0.0, 0.0], [1.0, 0.0]]), 0.25, note='zero distance')
    base = 1000.0
    vq_cases(base + np.array([[0.01, 0.0], [0.04, 0.0], [-0.02, 0.0]]), base + np.array([[0.0, 0.0], [0.05, 0.0], [-0.03, 0.0]]), 0.25,
             note='far from the origin (codes 1000 + 0.05 apart)')
    for n, c in vq.items():
        fns['vectorQuantize.' + n] = c

    # ---- categoricalKl: torch.distributions.kl_divergence(Categorical, Categorical), summed over N
    def kl_cat(logits, prior=None):
        p = D.Categorical(logits=prior) if prior is not None else D.Categorical(logits=torch.zeros_like(logits))
        kl = D.kl_divergence(D.Categorical(logits=logits), p)  # [B, N] or [B] (one latent)
        return kl.sum(-1) if logits.dim() == 3 else kl
    ku, kp = [], []
    for i in range(N_RANDOM):
        k = dims(i, [2, 3, 10, 64, 512])
        shp = [(ri(1, 3), ri(1, 6), k), (ri(1, 4), k)][i % 2] if k < 64 else (ri(1, 2), k)
        ku.append(make_case(lambda logits: kl_cat(logits), {'logits': normal(shp, 3)}, grad=('logits',), with_grads=k <= 10))
        pshape = [(k,), shp[1:]][i % 2]
        kp.append(make_case(lambda logits, priorLogits: kl_cat(logits, priorLogits.expand(logits.shape)),
                            {'logits': normal(shp, 3), 'priorLogits': normal(pshape, 2)}, grad=('logits', 'priorLogits'), with_grads=k <= 10))
    ku.append(make_case(lambda logits: kl_cat(logits), {'logits': np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4]])}, grad=('logits',), note='logits ±1e4'))
    ku.append(make_case(lambda logits: kl_cat(logits), {'logits': np.array([[[0.0, -np.inf, 1.0], [-np.inf, 2.0, -np.inf]]])}, with_grads=False, note='-Infinity masks (values only)'))
    ku.append(make_case(lambda logits: kl_cat(logits), {'logits': np.array([[3.0, 3.0 + 1e-6]])}, grad=('logits',), note='near-uniform q'))
    kp.append(make_case(lambda logits, priorLogits: kl_cat(logits, priorLogits.expand(logits.shape)),
                        {'logits': np.array([[0.0, -np.inf, 1.0]]), 'priorLogits': np.array([0.0, 0.0, -np.inf])}, with_grads=False,
                        note='prior -Infinity where q > 0: +Infinity'))
    kp.append(make_case(lambda logits, priorLogits: kl_cat(logits, priorLogits.expand(logits.shape)),
                        {'logits': np.array([[0.0, -np.inf, 1.0]]), 'priorLogits': np.array([0.0, -np.inf, 2.0])}, with_grads=False,
                        note='-Infinity masks on both sides (values only)'))
    kp.append(make_case(lambda logits, priorLogits: kl_cat(logits, priorLogits.expand(logits.shape)),
                        {'logits': np.array([[0.5, -1.0, 2.0]]), 'priorLogits': np.array([0.5, -1.0, 2.0 + 1e-6])}, grad=('logits', 'priorLogits'),
                        note='near-identical laws'))
    # torch's Categorical KL sets the term to +Infinity where the prior's prob underflows to 0 in float64
    # (e^-20000 here), though its log is finite: the definition Σ_k q_k·(log q_k − log p_k) with log-softmaxes instead
    kp.append(make_case(lambda logits, priorLogits: (F.softmax(logits, -1) * (F.log_softmax(logits, -1) - F.log_softmax(priorLogits, -1))).sum(-1),
                        {'logits': np.array([[1e4, -1e4, 0.0]]), 'priorLogits': np.array([-1e4, 1e4, 0.0])}, grad=('logits', 'priorLogits'),
                        note='logits ±1e4 (reference Σ q·(log q − log p) with log-softmaxes: torch gives +Infinity where p underflows)'))
    fns['categoricalKl'] = ku
    fns['categoricalKl(priorLogits)'] = kp

    # ---- discreteElbo with explicit Gumbel noise; decoder Σ_n codebookLookup(y_n) → Bernoulli logits
    de = []
    for i in range(N_RANDOM + 3):
        b, n, k, p = ri(1, 3), ri(1, 4), [2, 3, 8, 16][i % 4], ri(1, 4)
        tau = [1e-3, 1e3, 0.5][i - N_RANDOM] if i >= N_RANDOM else float(pos((), -1, 1))
        def f(x, logits, codebook, noise, temperature):
            y = F.softmax((logits + noise) / temperature, -1)
            return bern_ll(x, torch.einsum('bnk,kp->bp', y, codebook)) - kl_cat(logits)
        de.append(make_case(f, {'x': (RNG.uniform(0, 1, (b, p)) < 0.5).astype(float), 'logits': normal((b, n, k), 2), 'codebook': normal((k, p)),
                                'noise': -np.log(-np.log(RNG.uniform(1e-6, 1, (b, n, k)))), 'temperature': np.array(tau)},
                            grad=('x', 'logits', 'codebook'), note=('temperature %g' % tau) if i >= N_RANDOM else None))
    fns['discreteElbo'] = de

    # ---- causalMask (exact): numpy triu
    cm = []
    for i in range(N_RANDOM + 2):
        nn = [1, 2, 3, 7, 16, 64][i % 6] if i < 6 else ri(1, 16)
        fill = -np.inf if i % 2 else -1e9
        m = np.triu(np.full((nn, nn), fill), 1) if fill != -np.inf else np.where(np.triu(np.ones((nn, nn)), 1) > 0, -np.inf, 0.0)
        cm.append(make_case(lambda fill, **_: 0 * fill + torch.tensor(m), {'fill': np.array(fill)}, data={'n': nn}, with_grads=False, value_override=m,
                            note='n = %d, fill %g' % (nn, fill)))
    fns['causalMask'] = cm

    # ---- standardNormalPrior.logProb: Independent(Normal(0, 1), 1).log_prob
    sp = []
    for i in range(N_RANDOM):
        d = dims(i, [1, 2, 7, 64, 512])
        lead = [(), (ri(1, 4),), (ri(1, 3), ri(1, 3))][i % 3] if d < 512 else (ri(1, 2),)
        sp.append(make_case(lambda z: D.Independent(D.Normal(torch.zeros(d), torch.ones(d)), 1).log_prob(z),
                            {'z': normal(lead + (d,), 2)}, grad=('z',), with_grads=d <= 7))
    sp.append(make_case(lambda z: D.Normal(0.0, 1.0).log_prob(z).sum(-1), {'z': np.array([[1e18, 0.0], [-1e19, 1e-30]])}, grad=('z',), note='|z| up to 1e19 (z² beyond float32)'))
    fns['standardNormalPrior.logProb'] = sp

    # ---- aggregatePosterior.logProb: logsumexp_j Independent(Normal(μ_j, σ_j), 1).log_prob(z) − log n
    def agg(z, loc, logVar):
        comp = D.Independent(D.Normal(loc, torch.exp(0.5 * logVar)), 1)
        return torch.logsumexp(comp.log_prob(z.unsqueeze(-2)), -1) - math.log(loc.shape[0])
    ag = []
    for i in range(N_RANDOM):
        n, d, m = [1, 2, 5, 32][i % 4], [1, 2, 8, 16][(i // 4) % 4], ri(1, 4)
        ag.append(make_case(agg, {'z': normal((m, d), 2), 'loc': normal((n, d), 2), 'logVar': RNG.uniform(-4, 2, (n, d))}, grad=('z', 'loc', 'logVar'),
                            with_grads=n * d <= 64))
    for lv in (-150.0, 150.0):
        # points within a few σ of a component (σ = e^±75): the value and its gradients stay in float32's range
        sc = math.exp(lv / 2)
        loc = np.array([[0.1, 0.2], [1.0, 1.0]]) * (sc if lv > 0 else 1.0)
        ag.append(make_case(agg, {'z': loc + sc * np.array([[0.5, -1.0], [2.0, 0.3]]), 'loc': loc, 'logVar': np.full((2, 2), lv)},
                            grad=('z', 'loc', 'logVar'), note='logVariance %g' % lv))
    ag.append(make_case(agg, {'z': np.array([[0.0, 0.0]]), 'loc': np.array([[0.1, 0.2], [1.0, 1.0]]), 'logVar': np.full((2, 2), -150.0)},
                        with_grads=False, note='every component density beyond float32 (log q = -3.5e63): -Infinity (values only)'))
    ag.append(make_case(agg, {'z': np.array([[50.0, -50.0]]), 'loc': np.array([[0.0, 0.0], [1.0, 1.0]]), 'logVar': np.zeros((2, 2))},
                        grad=('z', 'loc', 'logVar'), note='point far from every component (logsumexp of ~-2500)'))
    fns['aggregatePosterior.logProb'] = ag

    # ---- elboSurgery.averageKl (standard normal prior: analytic, independent of the internal samples)
    es = []
    for i in range(N_RANDOM):
        n, d = ri(1, 10), [1, 2, 8, 32][i % 4]
        es.append(make_case(lambda loc, logVar: kl_std(loc, logVar).mean(), {'loc': normal((n, d), 2), 'logVar': RNG.uniform(-5, 3, (n, d))},
                            grad=('loc', 'logVar'), with_grads=n * d <= 32))
    for lv in (-150.0, 80.0):
        es.append(make_case(lambda loc, logVar: kl_std(loc, logVar).mean(), {'loc': np.array([[0.5, 0.0]]), 'logVar': np.full((1, 2), lv)},
                            grad=('loc', 'logVar'), note='logVariance %g' % lv))
    es.append(make_case(lambda loc, logVar: kl_std(loc, logVar).mean(), {'loc': np.array([[1e-6, 0.0]]), 'logVar': np.array([[1e-7, -1e-7]])},
                        grad=('loc', 'logVar'), note='near-identical laws (KL ~ 1e-13)'))
    fns['elboSurgery.averageKl'] = es

    # ---- flowPrior.logProb with an elementwise affine bijector f(u) = a + e^s·u over standardNormalPrior([d])
    fp = []
    for i in range(N_RANDOM):
        d = dims(i, [1, 2, 8, 64, 512])
        lead = [(ri(1, 4),), (ri(1, 3), 2)][i % 2] if d < 512 else (1,)
        def f(z, shift, logScale):
            base = D.Independent(D.Normal(torch.zeros(z.shape[-1]), torch.ones(z.shape[-1])), 1)
            return D.TransformedDistribution(base, [D.AffineTransform(shift, torch.exp(logScale), event_dim=1)]).log_prob(z)
        fp.append(make_case(f, {'z': normal(lead + (d,), 3), 'shift': normal((d,)), 'logScale': normal((d,), 1)}, grad=('z', 'shift', 'logScale'),
                            with_grads=d <= 8))
    fns['flowPrior.logProb'] = fp

    # ---- autoregressivePrior.logProb: network logits_n = c_{n−1}·table + bias (a Markov chain), log p(c) = Σ c·logSoftmax
    ar = []
    for i in range(N_RANDOM):
        n, k, m = ri(1, 8), [2, 3, 5, 8][i % 4], ri(1, 3)
        def f(c, table, bias):
            prev = torch.cat([torch.zeros_like(c[:, :1]), c[:, :-1]], 1)
            logits = prev @ table + bias
            return (c * D.Categorical(logits=logits).logits).sum((1, 2))
        if i % 2:
            c = F.one_hot(torch.tensor(RNG.integers(0, k, (m, n))), k).double().numpy()
        else:
            c = F.softmax(torch.tensor(normal((m, n, k), 2)), -1).numpy()
        ar.append(make_case(f, {'c': c, 'table': normal((k, k), 2), 'bias': normal((k,), 1)}, grad=('c', 'table', 'bias'),
                            note=None if i % 2 else 'relaxed one-hots'))
    fns['autoregressivePrior.logProb'] = ar

    # ---- aggregatePosterior mean / variance: torch MixtureSameFamily (equal weights) of diagonal Gaussians
    def mix(loc, logVar):
        return D.MixtureSameFamily(D.Categorical(logits=torch.zeros(loc.shape[0])), D.Independent(D.Normal(loc, torch.exp(0.5 * logVar)), 1))
    am, av = [], []
    for i in range(N_RANDOM):
        n, d = [1, 2, 5, 16][i % 4], [1, 2, 4, 8][(i // 4) % 4]
        loc, lv = normal((n, d), 2), RNG.uniform(-4, 2, (n, d))
        am.append(make_case(lambda loc, logVar: mix(loc, logVar).mean + 0 * logVar.sum(), {'loc': loc, 'logVar': lv}, grad=('loc',), with_grads=n * d <= 64))  # no gradient path to logVar
        av.append(make_case(lambda loc, logVar: mix(loc, logVar).variance, {'loc': loc, 'logVar': lv}, grad=('loc', 'logVar'), with_grads=n * d <= 64))
    fns['aggregatePosterior.mean'] = am
    fns['aggregatePosterior.variance'] = av

    # ---- autoregressivePrior.conditionalLogProbs: Categorical(logits = network(c)).logits (normalised)
    ac = []
    for i in range(N_RANDOM):
        n, k, m = ri(1, 6), [2, 3, 5, 8][i % 4], ri(1, 2)
        def f(c, table, bias):
            prev = torch.cat([torch.zeros_like(c[:, :1]), c[:, :-1]], 1)
            return D.Categorical(logits=prev @ table + bias).logits
        c = F.softmax(torch.tensor(normal((m, n, k), 2)), -1).numpy()
        ac.append(make_case(f, {'c': c, 'table': normal((k, k), 2), 'bias': normal((k,), 1)}, grad=('c', 'table', 'bias')))
    fns['autoregressivePrior.conditionalLogProbs'] = ac

    write('vae', fns)
