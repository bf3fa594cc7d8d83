"""References for @genmod/diffusion (see generate.py).

No library has a diffusion schedule, so every reference is written from the papers' definitions, independently
of our TypeScript and in the most direct form:

- schedule quantities: mpmath at 50 digits from the betas (Ho et al. 2020 eqs. 4, 6, 7), the posterior variance
  and mean coefficients by conditioning the two Gaussians q(x_{t-1} | x0) and q(x_t | x_{t-1}) (Bayes), not from
  the closed forms our code uses; the cosine schedule from Nichol & Dhariwal's f(t)/f(0) with its 0.999 cap, the
  sigmoid schedule from its continuous-time abar(u), the zero-terminal-SNR rescale by Lin et al.'s Algorithm 1
  (their torch code, float64), the timestep spacings by Lin et al. Table 2 / diffusers in numpy;
- tensor functions: torch float64 with autograd, v-parameterization in Salimans & Ho's angle form
  (alpha = cos phi, sigma = sin phi), KL from torch.distributions.kl_divergence (values in mpmath),
  the discretized likelihood from scipy.special.log_ndtr (torch.special.log_ndtr for gradients),
  dynamic thresholding from np.quantile (torch.quantile for gradients), DDIM from Song et al. eq. 12.
"""
import math

import mpmath
import numpy as np
import scipy
import scipy.special
import torch
import torch.distributions as D

from common import *  # noqa: F401,F403  (f32, make_case, write, RNG, seed_for, ...)

mpmath.mp.dps = 50
QUANTITIES = ['betas', 'alphas', 'alphasCumprod', 'alphasCumprodPrev', 'sqrtAlphasCumprod', 'sqrtOneMinusAlphasCumprod',
              'sqrtRecipAlphasCumprod', 'sqrtRecipm1AlphasCumprod', 'posteriorVariance', 'posteriorLogVarianceClipped',
              'posteriorMeanCoef1', 'posteriorMeanCoef2', 'snr', 'logSnr']
# the log quantities are checked apart, with an absolute tolerance (an absolute error of a log is a relative error
# of the quantity; both cross 0, where a relative tolerance would ask for digits float64 does not have)
LOGS = ['posteriorLogVarianceClipped', 'logSnr']
PLAIN = [q for q in QUANTITIES if q not in LOGS]
INF = float('inf')


def quantities(betas):
    """Every schedule quantity from the betas, mpmath at 50 digits; -> dict of float64 arrays."""
    T = len(betas)
    b = [mpmath.mpf(float(x)) for x in betas]
    al = [1 - x for x in b]
    ac, p = [], mpmath.mpf(1)
    for a in al:
        p *= a
        ac.append(p)
    prev = [mpmath.mpf(1)] + ac[:-1]
    q = {k: [] for k in QUANTITIES}
    post_var, c1s, c2s = [], [], []
    for i in range(T):
        # q(x_{t-1} | x_t, x0) by conditioning: precision 1/(1 - abar_{t-1}) + alpha_t/beta_t
        if prev[i] == 1:
            var, c1, c2 = mpmath.mpf(0), mpmath.mpf(1), mpmath.mpf(0)  # t = 1: a point mass at x0
        else:
            var = 1 / (1 / (1 - prev[i]) + al[i] / b[i])
            c1 = var * mpmath.sqrt(prev[i]) / (1 - prev[i])
            c2 = var * mpmath.sqrt(al[i]) / b[i]
        post_var.append(var)
        c1s.append(c1)
        c2s.append(c2)
    for i in range(T):
        q['betas'].append(b[i])
        q['alphas'].append(al[i])
        q['alphasCumprod'].append(ac[i])
        q['alphasCumprodPrev'].append(prev[i])
        q['sqrtAlphasCumprod'].append(mpmath.sqrt(ac[i]))
        q['sqrtOneMinusAlphasCumprod'].append(mpmath.sqrt(1 - ac[i]))
        q['sqrtRecipAlphasCumprod'].append(INF if ac[i] == 0 else 1 / mpmath.sqrt(ac[i]))
        q['sqrtRecipm1AlphasCumprod'].append(INF if ac[i] == 0 else mpmath.sqrt((1 - ac[i]) / ac[i]))
        q['posteriorVariance'].append(post_var[i])
        # improved-diffusion's clipping: log of the t = 2 variance at t = 1 (log beta_1 when T = 1)
        q['posteriorLogVarianceClipped'].append(mpmath.log(post_var[1] if i == 0 and T > 1 else b[0] if i == 0 else post_var[i]))
        q['posteriorMeanCoef1'].append(c1s[i])
        q['posteriorMeanCoef2'].append(c2s[i])
        q['snr'].append(ac[i] / (1 - ac[i]))
        q['logSnr'].append(-INF if ac[i] == 0 else mpmath.log(ac[i]) - mpmath.log(1 - ac[i]))
    return {k: np.array([float(v) for v in vs]) for k, vs in q.items()}


def host_case(inputs, value, data=None, note=None):
    """A values-only case of a host (float64) function: both sides see the same float32 inputs and compute in
    float64, so there is no input rounding to allow for (cond = 0)."""
    value = np.asarray(value, dtype=np.float64)
    case = {'inputs': {k: {'shape': list(np.shape(v)), 'data': enc_list(f32(v))} for k, v in inputs.items()}}
    if data:
        case['data'] = {k: {'shape': list(np.shape(v)), 'data': [int(i) for i in np.asarray(v).reshape(-1)]}
                        for k, v in data.items()}
    case['value'] = {'shape': list(value.shape), 'data': enc_short(value)}
    case['cond'] = [0] * value.size
    if note:
        case['note'] = note
    return case


def stack(q, names):
    return np.stack([q[n] for n in names])


# ---- the schedules the tensor functions use (kind 0 linear, 1 cosine, 2 zero-terminal-SNR scaled linear)

def cosine_betas(T, s=0.008, max_beta=0.999):
    f = lambda u: mpmath.cos((u + s) / (1 + s) * mpmath.pi / 2) ** 2
    return [float(min(1 - f(mpmath.mpf(i + 1) / T) / f(mpmath.mpf(i) / T), max_beta)) for i in range(T)]


def sigmoid_betas(T, start=-3.0, end=3.0, tau=1.0, max_beta=0.999):
    sg = lambda z: 1 / (1 + mpmath.exp(-z))
    abar = lambda u: (sg(mpmath.mpf(end) / tau) - sg((u * (end - start) + start) / tau)) / (sg(mpmath.mpf(end) / tau) - sg(mpmath.mpf(start) / tau))
    return [float(min(max(1 - abar(mpmath.mpf(i + 1) / T) / abar(mpmath.mpf(i) / T), 0), max_beta)) for i in range(T)]


def lin_zero_snr(betas):
    """Lin et al. 2024, Algorithm 1, verbatim in torch float64."""
    betas = torch.tensor(np.asarray(betas, dtype=np.float64))
    alphas = 1 - betas
    alphas_bar = alphas.cumprod(0)
    alphas_bar_sqrt = alphas_bar.sqrt()
    a0 = alphas_bar_sqrt[0].clone()
    aT = alphas_bar_sqrt[-1].clone()
    alphas_bar_sqrt -= aT
    alphas_bar_sqrt *= a0 / (a0 - aT)
    alphas_bar = alphas_bar_sqrt ** 2
    alphas = alphas_bar[1:] / alphas_bar[:-1]
    alphas = torch.cat([alphas_bar[0:1], alphas])
    return (1 - alphas).numpy()


_SCHED = {}


def sched(kind, T):
    if (kind, T) not in _SCHED:
        if kind == 0:
            betas = np.linspace(1e-4, 0.02, T)
        elif kind == 1:
            betas = cosine_betas(T)
        else:
            betas = lin_zero_snr(np.linspace(math.sqrt(0.00085), math.sqrt(0.012), T) ** 2)
        _SCHED[(kind, T)] = quantities(betas)
    return _SCHED[(kind, T)]


def trailing(T, n):
    """diffusers' timestep_spacing="trailing": np.round(np.arange(T, 0, -T/n)) - 1, ascending; the first n values
    (arange's own count, ceil(T/(T/n)), can be n + 1 when T/n rounds down: its extra value is below 1)."""
    taus = np.round(np.arange(T, 0, -T / n)[:n]).astype(np.int64) - 1
    return np.sort(taus)


def coef(q, name, t, rank):
    """q[name] at indices t (scalar or [B]) as a torch constant shaped [B, 1, ..., 1] (or [])."""
    v = q[name][np.asarray(t)]
    if np.ndim(t) == 0:
        return torch.tensor(float(v))
    return torch.tensor(v).reshape([-1] + [1] * (rank - 1))


def angle(q, t, rank):
    """phi with (cos phi, sin phi) = (sqrt(abar), sqrt(1 - abar)) (Salimans & Ho 2022, sec. 4)."""
    return torch.atan2(coef(q, 'sqrtOneMinusAlphasCumprod', t, rank), coef(q, 'sqrtAlphasCumprod', t, rank))


def rand_event():
    return [(), (3,), (2, 3), (5,), (1,)][RNG.integers(0, 5)]


def timestep_case(T, B, scalar):
    return int(RNG.integers(0, T)) if scalar else RNG.integers(0, T, size=B)


def gen():
    seed_for('diffusion')
    fns = {}

    # ------------------------------------------------------------------ schedules (host, float64)
    fb, fa, fbl, fal = [], [], [], []

    def both(plain, logs, inputs, q, note):
        plain.append(host_case(inputs, stack(q, PLAIN), note=note))
        logs.append(host_case(inputs, stack(q, LOGS), note=note))
    Ts = [1, 2, 3, 5, 8, 10, 16, 20, 50, 30] * 4 + [200]
    for i, T in enumerate(Ts):
        lo, hi = RNG.uniform(-6, -3), RNG.uniform(-2.5, -0.3)
        betas = f32(np.sort(np.exp(RNG.uniform(lo * math.log(10), hi * math.log(10), size=T))))
        if i % 7 == 3:
            betas = f32(RNG.uniform(1e-4, 0.9, size=T))  # unsorted betas are allowed
        both(fb, fbl, {'betas': betas}, quantities(betas), note='T = %d' % T)
        abar = np.cumprod(1 - betas)
        abar = f32(abar)
        if np.all(np.diff(abar) < 0) and abar[0] < 1:
            betas_a = [1 - abar[0]] + [1 - abar[k] / abar[k - 1] for k in range(1, T)]
            # the betas our scheduleFromAlphasCumprod forms from the given abar (float64), then the quantities
            both(fa, fal, {'alphasCumprod': abar}, quantities(np.array(betas_a)), note='T = %d' % T)
    extremes = [
        (np.array([1.0]), 'T = 1, beta = 1 (zero terminal SNR)'),
        (f32(np.array([1e-4, 0.02, 1.0])), 'beta_T = 1: abar_T = 0 (zero terminal SNR, t = T - 1)'),
        (f32(np.array([1e-20, 1e-12, 1e-8, 1e-4])), 'betas 1e-20 to 1e-4: abar -> 1 (t = 0)'),
        (f32(np.array([2.0 ** -30, 2.0 ** -24, 0.5, 0.999])), 'betas 2^-30, 2^-24, 0.5, 0.999'),
        (f32(np.full(300, 0.06)), 'T = 300, abar_T = 8.5e-9'),
        (f32(np.array([0.999, 0.999, 0.999])), 'betas 0.999: abar to 1e-9'),
    ]
    for betas, note in extremes:
        both(fb, fbl, {'betas': betas}, quantities(betas), note=note)
    for abar, note in [
        (f32(np.array([1 - 2.0 ** -24, 0.5, 0.0])), 'abar 1 - 2^-24 and 0 (both ends)'),
        (f32(np.array([1 - 1e-7, 1e-30, 0.0])), 'abar 1 - 1e-7, 1e-30, 0'),
        (f32(np.array([0.0])), 'T = 1, abar = 0'),
        (f32(np.array([0.9999, 0.99])), 'abar near 1'),
    ]:
        betas_a = [1 - abar[0]] + [1 - abar[k] / abar[k - 1] for k in range(1, len(abar))]
        both(fa, fal, {'alphasCumprod': abar}, quantities(np.array(betas_a)), note=note)
    fns['scheduleFromBetas'] = fb
    fns['scheduleFromBetas.logs'] = fbl
    fns['scheduleFromAlphasCumprod'] = fa
    fns['scheduleFromAlphasCumprod.logs'] = fal

    BA = ['betas', 'alphasCumprod']
    lin, slin, cos, sig = [], [], [], []
    for i in range(N_RANDOM + 4):
        T = int([1, 2, 3, 7, 10, 50, 30, 64, 20, 5][i % 10]) if i < N_RANDOM else [1, 1000, 1200, 2][i - N_RANDOM]
        b0, b1 = f32(np.exp(RNG.uniform(-10, -3))), f32(np.exp(RNG.uniform(-5, -0.01)))
        if i % 5 == 0:
            b0, b1 = f32(1e-4), f32(0.02)
        note = 'T = %d' % T
        lin.append(host_case({'betaStart': b0, 'betaEnd': b1}, stack(quantities(np.linspace(b0, b1, T)), BA),
                             data={'T': T}, note=note))
        betas = np.linspace(math.sqrt(b0), math.sqrt(b1), T) ** 2
        slin.append(host_case({'betaStart': b0, 'betaEnd': b1}, stack(quantities(betas), BA), data={'T': T}, note=note))
        s, mb = f32(RNG.uniform(0, 0.05)), f32(RNG.choice([0.999, 0.9, 0.5, 1.0]))
        if i % 5 == 0:
            s, mb = f32(0.008), f32(0.999)
        if i % 11 == 4:
            s = f32(0.0)
        cb = cosine_betas(T, float(s), float(mb))
        if min(cb) > 0:
            cos.append(host_case({'s': s, 'maxBeta': mb}, stack(quantities(cb), BA), data={'T': T}, note=note + ('' if s else ', s = 0')))
        st, en, tau = f32(RNG.uniform(-5, 0)), f32(RNG.uniform(0.5, 5)), f32(np.exp(RNG.uniform(-1.5, 1.5)))
        mb = f32(RNG.choice([0.999, 0.9]))
        sb = sigmoid_betas(T, float(st), float(en), float(tau), float(mb))
        if min(sb) > 0:
            sig.append(host_case({'start': st, 'end': en, 'tau': tau, 'maxBeta': mb}, stack(quantities(sb), BA),
                                 data={'T': T}, note=note))
    fns['linearSchedule'] = lin
    fns['scaledLinearSchedule'] = slin
    fns['cosineSchedule'] = cos
    fns['sigmoidSchedule'] = sig

    # rescaleZeroTerminalSnr of scheduleFromBetas(betas): Lin et al. Algorithm 1
    rz, rzl = [], []
    for i in range(N_RANDOM + 2):
        T = [2, 3, 5, 10, 16, 30, 20][i % 7] if i < N_RANDOM else [2, 1000][i - N_RANDOM]
        if i % 3 == 0 or i >= N_RANDOM:
            betas = f32(np.linspace(math.sqrt(0.00085), math.sqrt(0.012), T) ** 2)
        else:
            betas = f32(np.sort(RNG.uniform(1e-4, 0.5 if T < 20 else 0.05, size=T)))
        nb = lin_zero_snr(betas)
        both(rz, rzl, {'betas': betas}, quantities(nb), note='T = %d' % T)
    fns['rescaleZeroTerminalSnr'] = rz
    fns['rescaleZeroTerminalSnr.logs'] = rzl

    # respace(scheduleFromBetas(betas), timesteps): beta'_k = 1 - abar_{tau_k}/abar_{tau_{k-1}} (mpmath)
    rs = []
    for i in range(N_RANDOM + 2):
        T = [1, 2, 10, 50, 100, 20][i % 6] if i < N_RANDOM else 1000
        betas = f32(np.linspace(1e-4, 0.02, T) * (1000 / max(T, 20)))
        n = int(RNG.integers(1, T + 1)) if i < N_RANDOM else [1, 1000][i - N_RANDOM]
        ts = np.sort(RNG.choice(T, size=n, replace=False))
        qf = quantities(betas)
        ab = [mpmath.mpf(1)]
        # the cumulative products again at 50 digits
        p = mpmath.mpf(1)
        full = []
        for x in betas:
            p *= 1 - mpmath.mpf(float(x))
            full.append(p)
        nb = [float(1 - full[k] / (full[ts[j - 1]] if j > 0 else 1)) for j, k in enumerate(ts)]
        q = quantities(nb)
        rs.append(host_case({'betas': betas}, np.stack([q['betas'], q['alphasCumprod'], ts.astype(np.float64)]),
                            data={'timesteps': ts}, note='T = %d, n = %d' % (T, n)))
        del qf, ab
    fns['respace'] = rs

    # timestep spacings (integers, exact): Lin et al. 2024 Table 2 / diffusers, in numpy
    lead, lins, trail = [], [], []
    pairs = [(int(T), int(RNG.integers(1, min(T, 200) + 1))) for T in RNG.integers(1, 1200, size=N_RANDOM)]
    pairs += [(1, 1), (1000, 1), (1000, 1000), (1000, 50), (1000, 999), (999, 1000 // 3), (7, 3), (4000, 17)]
    for T, n in pairs:
        note = 'T = %d, n = %d' % (T, n)
        ratio = T // n
        offset = int(RNG.integers(0, T - (n - 1) * ratio)) if RNG.uniform() < 0.4 else 0
        lead.append(host_case({}, (np.arange(0, n) * ratio).round() + offset, data={'T': T, 'n': n, 'offset': offset},
                              note=note + ', offset %d' % offset))
        lins.append(host_case({}, np.sort(np.linspace(0, T - 1, n).round()), data={'T': T, 'n': n}, note=note))
        tr = np.sort(np.round(np.arange(T, 0, -T / n)).astype(np.int64) - 1)
        if len(tr) != n:
            # numpy's arange gave n + 1 values (its length is ceil(T/(T/n)) in float): its first n, as numpy fills
            # them (T + i·δ, δ = (T − T/n) − T)
            tr = np.sort(np.round(np.arange(T, 0, -T / n)[:n]).astype(np.int64) - 1)
        trail.append(host_case({}, tr, data={'T': T, 'n': n}, note=note))
    fns['leadingTimesteps'] = lead
    fns['linspaceTimesteps'] = lins
    fns['trailingTimesteps'] = trail

    # ------------------------------------------------------------------ tensor functions
    def tcases(n_extra=()):
        """(T, kind, B, event, t, mode, note) for the random cases plus the extremes."""
        out = []
        for i in range(N_RANDOM):
            kind = i % 3
            T = int(RNG.choice([2, 10, 100, 1000]))
            B = int(RNG.integers(1, 5))
            ev = rand_event() if i != 7 else (64,)
            scalar = RNG.uniform() < 0.3
            out.append((T, kind, B, ev, timestep_case(T, B, scalar), i % 2, None))
        for kind, kname in [(0, 'linear'), (1, 'cosine'), (2, 'zero terminal SNR')]:
            out.append((1000, kind, 3, (2,), np.array([0, 1, 999]), 0, '%s T = 1000, t = 0, 1, T - 1 (host t)' % kname))
            out.append((1000, kind, 3, (2,), np.array([999, 0, 500]), 1, '%s T = 1000, t = T - 1, 0, 500 (tensor t)' % kname))
        out.append((1, 0, 2, (3,), np.array([0, 0]), 0, 'T = 1'))
        out.append((1, 0, 2, (3,), 0, 1, 'T = 1, scalar tensor t'))
        return out

    def bc(q, name, t, rank):
        return coef(q, name, t, rank)

    conv = {k: [] for k in ['qSample', 'qPosterior.mean', 'qPosterior.variance', 'qPosterior.logVariance',
                            'predictX0FromEps', 'predictEpsFromX0', 'predictX0FromV', 'predictEpsFromV', 'velocity',
                            'reverseMeanFromEps'] + ['predictX0AndEps(%s).%s' % (p, o) for p in ['epsilon', 'x0', 'v'] for o in ['x0', 'eps']]}
    for (T, kind, B, ev, t, mode, note) in tcases():
        q = sched(kind, T)
        rank = 1 + len(ev)
        data = {'t': t, 'T': T, 'kind': kind, 'mode': mode}
        x0, eps = normal((B,) + ev), normal((B,) + ev)
        sa, s1a = (lambda t=t: bc(q, 'sqrtAlphasCumprod', t, rank)), (lambda t=t: bc(q, 'sqrtOneMinusAlphasCumprod', t, rank))
        xt = f32(sa().numpy() * x0 + s1a().numpy() * eps)
        ph = lambda t=t: angle(q, t, rank)
        nt = ('' if note is None else note)
        conv['qSample'].append(make_case(lambda x0, noise, **k: sa() * x0 + s1a() * noise, {'x0': x0, 'noise': eps},
                                         grad=('x0', 'noise'), data=data, note=note))
        c1, c2 = bc(q, 'posteriorMeanCoef1', t, rank), bc(q, 'posteriorMeanCoef2', t, rank)
        conv['qPosterior.mean'].append(make_case(lambda x0, xt, **k: c1 * x0 + c2 * xt, {'x0': x0, 'xt': xt},
                                                 grad=('x0', 'xt'), data=data, note=note))
        for nm, qn in [('qPosterior.variance', 'posteriorVariance'), ('qPosterior.logVariance', 'posteriorLogVarianceClipped')]:
            v = bc(q, qn, t, rank)
            conv[nm].append(make_case(lambda x0, xt, v=v, **k: v + 0 * x0.sum() + 0 * xt.sum(), {'x0': x0, 'xt': xt},
                                      with_grads=False, data=data, note=note))
        x0_of_eps = lambda xt, e: (xt - s1a() * e) / sa()
        eps_of_x0 = lambda xt, x: (xt - sa() * x) / s1a()
        v_true = f32(torch.cos(ph()).numpy() * eps - torch.sin(ph()).numpy() * x0)
        conv['predictX0FromEps'].append(make_case(lambda xt, eps, **k: x0_of_eps(xt, eps), {'xt': xt, 'eps': eps},
                                                  grad=('xt', 'eps'), data=data, note=note))
        conv['predictEpsFromX0'].append(make_case(lambda xt, x0, **k: eps_of_x0(xt, x0), {'xt': xt, 'x0': x0},
                                                  grad=('xt', 'x0'), data=data, note=note))
        conv['predictX0FromV'].append(make_case(lambda xt, v, **k: torch.cos(ph()) * xt - torch.sin(ph()) * v,
                                                {'xt': xt, 'v': v_true}, grad=('xt', 'v'), data=data, note=note))
        conv['predictEpsFromV'].append(make_case(lambda xt, v, **k: torch.sin(ph()) * xt + torch.cos(ph()) * v,
                                                 {'xt': xt, 'v': v_true}, grad=('xt', 'v'), data=data, note=note))
        conv['velocity'].append(make_case(lambda x0, eps, **k: torch.cos(ph()) * eps - torch.sin(ph()) * x0,
                                          {'x0': x0, 'eps': eps}, grad=('x0', 'eps'), data=data, note=note))
        conv['reverseMeanFromEps'].append(make_case(lambda xt, eps, **k: c1 * x0_of_eps(xt, eps) + c2 * xt,
                                                    {'xt': xt, 'eps': eps}, grad=('xt', 'eps'), data=data, note=note))
        out = normal((B,) + ev)
        refs = {
            'epsilon': (lambda xt, output: x0_of_eps(xt, output), lambda xt, output: output + 0 * xt),
            'x0': (lambda xt, output: output + 0 * xt, lambda xt, output: eps_of_x0(xt, output)),
            'v': (lambda xt, output: torch.cos(ph()) * xt - torch.sin(ph()) * output,
                  lambda xt, output: torch.sin(ph()) * xt + torch.cos(ph()) * output),
        }
        for pi, (p, (fx, fe)) in enumerate(refs.items()):
            d2 = {**data, 'prediction': pi}
            conv['predictX0AndEps(%s).x0' % p].append(make_case(lambda xt, output, fx=fx, **k: fx(xt, output),
                                                                {'xt': xt, 'output': out}, grad=('xt', 'output'), data=d2, note=note))
            conv['predictX0AndEps(%s).eps' % p].append(make_case(lambda xt, output, fe=fe, **k: fe(xt, output),
                                                                 {'xt': xt, 'output': out}, grad=('xt', 'output'), data=d2, note=note))
    fns.update(conv)

    # ------------------------------------------------------------------ timestep embedding (Vaswani / DDPM)
    def embed(t, dim, max_period):
        half = dim // 2
        freqs = torch.exp(-math.log(max_period) * torch.arange(half, dtype=torch.float64) / half)
        tt = t.reshape(-1, 1)
        e = torch.cat([torch.cos(tt * freqs), torch.sin(tt * freqs)] + ([torch.zeros(tt.shape[0], 1)] if dim % 2 else []), 1)
        return e.reshape(dim) if t.dim() == 0 else e

    host, dev = [], []
    for i in range(N_RANDOM + 8):
        if i < N_RANDOM:
            dim = int(RNG.choice([1, 2, 3, 4, 7, 8, 16, 31, 32, 64, 128, 65]))
            B = int(RNG.integers(1, 5))
            t = RNG.integers(0, 1000, size=B).astype(np.float64) if i % 3 else RNG.uniform(0, 1, size=B) * 1000
            if i % 7 == 0:
                t = np.float64(RNG.integers(0, 1000))
            mp = int(RNG.choice([10000, 10000, 1000, 100]))
            note = 'dim %d' % dim
        else:
            dim = [2, 3, 1, 64, 33, 512, 128, 16][i - N_RANDOM]
            t = [np.array([0.0, 999.0]), np.array([1e6, 12345678.0]), np.array([5.0]), np.array([1e4, 1e5, 1e6]),
                 np.array([0.0, 1.0]), np.array([999.0]), np.array([2.0 ** 24, 3e7]), np.array([0.5, 1e-3])][i - N_RANDOM]
            mp = 10000
            note = 'dim %d, t %s' % (dim, ', '.join('%g' % v for v in np.atleast_1d(t)))
        data = {'dim': dim, 'maxPeriod': mp}
        dim_, mp_ = dim, mp
        host.append(make_case(lambda t, **k: embed(t, dim_, mp_), {'t': t}, data=data, with_grads=False, note=note + ' (host numbers)'))
        big = np.max(np.abs(t)) * 1.0 > 1e5
        if np.max(np.abs(t)) < 2.0 ** 24:  # float32 t·f beyond: documented as meaningless on the tensor path
            dev.append(make_case(lambda t, **k: embed(t, dim_, mp_), {'t': t}, data=data, grad=('t',), note=note))
    fns['sinusoidalTimestepEmbedding'] = host
    fns['sinusoidalTimestepEmbedding(tensor)'] = dev

    # ------------------------------------------------------------------ normalKl (torch.distributions, mpmath values)
    def kl_t(pLoc, pLogVar, qLoc, qLogVar):
        return D.kl_divergence(D.Normal(pLoc, torch.exp(0.5 * pLogVar)), D.Normal(qLoc, torch.exp(0.5 * qLogVar)))

    def kl_mp(pl, plv, ql, qlv):
        shape = np.broadcast_shapes(*(np.shape(v) for v in (pl, plv, ql, qlv)))
        a = [np.broadcast_to(f32(v), shape).reshape(-1) for v in (pl, plv, ql, qlv)]
        out = []
        for m1, l1, m2, l2 in zip(*a):
            m1, l1, m2, l2 = (mpmath.mpf(float(v)) for v in (m1, l1, m2, l2))
            d = l1 - l2
            out.append(float(0.5 * ((mpmath.expm1(d) - d) + (m1 - m2) ** 2 * mpmath.exp(-l2))))
        return np.array(out).reshape(shape)

    kls = []
    for i in range(N_RANDOM):
        ps, xs = bcast_shapes()
        args = (normal(ps, 2), normal(ps, 3), normal(xs, 2), normal(np.broadcast_shapes(ps, xs), 3))
        kls.append(make_case(kl_t, dict(zip(['pLoc', 'pLogVar', 'qLoc', 'qLogVar'], args)),
                             grad=('pLoc', 'pLogVar', 'qLoc', 'qLogVar'), value_override=kl_mp(*args)))
    for args, note in [
        ((np.zeros(4), np.array([150.0, -150.0, 150.0, -150.0]), np.array([0.0, 0.0, 1.0, 1e-30]), np.array([150.0, -150.0, -150.0, 150.0])),
         'logVariance ±150'),
        ((np.array([0.0, 1.0]), np.array([-150.0, 150.0]), np.array([1e-30, -1.0]), np.array([-150.0, 150.0])), 'logVariance ±150, equal variances'),
        ((np.array([0.3, -1.0, 2.0]), np.array([0.1, -2.0, 5.0]), np.array([0.3, -1.0, 2.0]) + 1e-4, np.array([0.1, -2.0, 5.0]) + 1e-4),
         'near-identical laws (locs and logVar 1e-4 apart)'),
        ((np.array([0.3, -1.0, 2.0]), np.array([0.1, -2.0, 5.0]), np.array([0.3, -1.0, 2.0]), np.array([0.1, -2.0, 5.0])), 'identical laws'),
        ((np.array([0.0]), np.array([60.0]), np.array([0.0]), np.array([-60.0])), 'KL = e^120/2: beyond float32'),
    ]:
        kls.append(make_case(kl_t, dict(zip(['pLoc', 'pLogVar', 'qLoc', 'qLogVar'], args)),
                             grad=('pLoc', 'pLogVar', 'qLoc', 'qLogVar'), value_override=kl_mp(*args), note=note))
    fns['normalKl'] = kls

    # ------------------------------------------------------------------ discretized Gaussian (Ho et al. eq. 13)
    FLOOR = math.log(1e-12)

    def disc_np(x, m, ls):
        x, m, ls = np.broadcast_arrays(f32(x), f32(m), f32(ls))
        s = np.exp(ls)
        a, b = (x - 1 / 255 - m) / s, (x + 1 / 255 - m) / s
        out = np.empty(x.shape)
        for idx in np.ndindex(x.shape):
            xi, ai, bi = x[idx], a[idx], b[idx]
            if xi < -0.999:
                v = scipy.special.log_ndtr(bi)
            elif xi > 0.999:
                v = scipy.special.log_ndtr(-ai)
            elif ai > 0:  # both ends in the upper tail: Phi(b) - Phi(a) = Phi(-a) - Phi(-b)
                la, lb = scipy.special.log_ndtr(-ai), scipy.special.log_ndtr(-bi)
                v = la + np.log1p(-np.exp(lb - la))
            else:
                la, lb = scipy.special.log_ndtr(ai), scipy.special.log_ndtr(bi)
                v = lb + np.log1p(-np.exp(la - lb))
            out[idx] = max(v, FLOOR)  # the documented floor of the probability at 1e-12
        return out

    def disc_t(x, mean, logScale):
        s = torch.exp(logScale)
        a, b = (x - 1 / 255 - mean) / s, (x + 1 / 255 - mean) / s
        ln = torch.special.log_ndtr
        # each branch of torch.where gets safe arguments where it is not taken (its gradient would be NaN)
        upper = a > 0
        au, bu = torch.where(upper, a, torch.ones_like(a)), torch.where(upper, b, 2 * torch.ones_like(b))
        al, bl = torch.where(upper, -2 * torch.ones_like(a), a), torch.where(upper, -torch.ones_like(b), b)
        up = ln(-au) + torch.log(-torch.expm1(ln(-bu) - ln(-au)))
        lo = ln(bl) + torch.log(-torch.expm1(ln(al) - ln(bl)))
        mid = torch.where(upper, up, lo)
        v = torch.where(x < -0.999, ln(b), torch.where(x > 0.999, ln(-a), mid))
        return torch.clamp(v, min=FLOOR)

    grid = lambda shape: f32(RNG.integers(0, 256, size=shape) / 127.5 - 1)
    dl = []
    for i in range(N_RANDOM):
        ps, xs = bcast_shapes()
        x = grid(np.broadcast_shapes(ps, xs))
        if i % 4 == 0:
            x = np.where(RNG.uniform(size=x.shape) < 0.5, -1.0, 1.0)
        m, ls = f32(np.clip(normal(ps, 0.7), -1.5, 1.5)), f32(RNG.uniform(-7, 0.5, size=ps))
        dl.append(make_case(disc_t, {'x': x, 'mean': m, 'logScale': ls}, grad=('mean', 'logScale'),
                            value_override=disc_np(x, m, ls)))
    for x, m, ls, note in [
        (np.array([-1.0, 1.0, -1.0, 1.0]), np.array([-1.0, 1.0, 1.0, -1.0]), np.full(4, -3.0), 'pixels at the ±1 edges'),
        (np.array([-1.0, 1.0, -1.0, 1.0]), np.array([-1.0, 1.0, 0.99, -0.99]), np.full(4, -6.0), 'pixels at the ±1 edges, narrow'),
        (f32(np.array([0.0, 0.0, 0.0, 0.0])), np.array([-0.02, -0.03, 0.02, 0.03]), np.full(4, -5.0), 'bins 2.5 to 4 sigma out'),
        (f32(np.array([0.5, -0.5, 0.5, -0.5])), np.array([0.49, -0.49, 0.5, -0.5]), np.full(4, -8.0), 'sigma 3e-4'),
        (f32(np.array([1 / 127.5 - 1, 1 - 1 / 127.5, 0.0])), np.array([0.0, 0.0, 0.0]), np.full(3, 3.0), 'sigma 20: wide'),
        (f32(np.array([0.0, 0.2, -1.0, 1.0])), np.array([0.0, 0.0, 0.5, -0.5]), np.full(4, -30.0), 'logScale -30: floored'),
    ]:
        # at logScale -30 the bins are 1e11 sigma wide: every gradient is 0 to double precision (the bin holding the
        # mean has mass 1 - 1e-(1e21), the others are floored), where torch's log_ndtr gradient is 0·Infinity = NaN
        zero = {'mean': np.zeros(4), 'logScale': np.zeros(4)} if ls[0] == -30 else None
        dl.append(make_case(disc_t, {'x': x, 'mean': m, 'logScale': ls}, grad=('mean', 'logScale'),
                            value_override=disc_np(x, m, ls), note=note, grad_override=zero))
    fns['discretizedGaussianLogLikelihood'] = dl

    # ------------------------------------------------------------------ diffusionLoss with a closed-form denoiser
    # denoiser(x_t, t) = w * x_t + b * t/1000 (w of the event shape, b scalar), explicit t and noise
    loss = []
    for i in range(N_RANDOM + 6):
        if i < N_RANDOM:
            kind, T, B, ev = i % 3, int(RNG.choice([2, 10, 100, 1000])), int(RNG.integers(1, 5)), rand_event()
            if i == 5:
                B, ev = 1, (512,)
            t = timestep_case(T, B, RNG.uniform() < 0.25)
            pred, gamma, note = i % 3 if i % 6 < 3 else (i + 1) % 3, int(RNG.choice([0, 0, 1, 5])), None
        else:
            kind, T, B, ev = 2, 1000, 3, (4,)
            t, pred, gamma = np.array([999, 0, 500]), (i - N_RANDOM) % 3, [0, 5][(i - N_RANDOM) // 3]
            note = 'zero terminal SNR, t = T - 1, 0, 500, %s, gamma %s' % (['epsilon', 'x0', 'v'][pred], gamma or 'none')
        q = sched(kind, T)
        rank = 1 + len(ev)
        data = {'t': t, 'T': T, 'kind': kind, 'mode': i % 2, 'prediction': pred, 'gamma': gamma}
        tb = np.broadcast_to(np.asarray(t), (B,))
        snr = q['snr'][tb]
        if gamma:
            # Hang et al. 2023: min(SNR, gamma)/SNR (eps), min(SNR, gamma) (x0), min(SNR, gamma)/(SNR + 1) (v);
            # for eps at SNR = 0 its limit 1
            wts = [np.where(snr < gamma, 1.0, gamma / np.maximum(snr, 1e-300)), np.minimum(snr, gamma), np.minimum(snr, gamma) / (snr + 1)][pred]
        else:
            wts = np.ones(B)

        def lossf(x0, noise, w, b, q_=q, t_=t, rank=rank, pred_=pred, wts=wts, tb=tb, **k):
            q, t, pred = q_, t_, pred_
            sa, s1a = coef(q, 'sqrtAlphasCumprod', t, rank), coef(q, 'sqrtOneMinusAlphasCumprod', t, rank)
            xt = sa * x0 + s1a * noise
            tau = torch.tensor(tb / 1000.0).reshape([-1] + [1] * (rank - 1))
            out = w * xt + b * tau
            ph = angle(q, t, rank)
            target = [noise, x0, torch.cos(ph) * noise - torch.sin(ph) * x0][pred]
            se = ((out - target) ** 2).reshape(x0.shape[0], -1).mean(1)
            return (torch.tensor(wts) * se).mean()

        loss.append(make_case(lossf, {'x0': normal((B,) + ev), 'noise': normal((B,) + ev), 'w': normal(ev, 0.5),
                                      'b': np.array(RNG.normal())}, grad=('x0', 'noise', 'w', 'b'), data=data, note=note))
    fns['diffusionLoss'] = loss

    # ------------------------------------------------------------------ variationalBound, x0-prediction that ignores x_t
    # denoiser(x_t, t) = a + b * t/1000: then mu_theta - mu_tilde = c1 (x0hat - x0) and mu_theta(x_1) = x0hat, so the
    # bound does not depend on the internal draws of x_t (the reference uses the definitions with x_t = 0)
    def vb(x0, a, b, q, T, variance, decoder, clip):
        B = x0.shape[0]
        flat = lambda v: v.reshape(B, -1).sum(1)
        lv = [math.log(q['posteriorVariance'][1] if (i == 0 and T > 1) else q['betas'][i]) for i in range(T)] if variance == 0 \
            else list(q['posteriorLogVarianceClipped'])
        prior = flat(D.kl_divergence(D.Normal(math.sqrt(q['alphasCumprod'][T - 1]) * x0, math.sqrt(1 - q['alphasCumprod'][T - 1])),
                                     D.Normal(torch.zeros_like(x0), torch.ones_like(x0))))
        terms = []
        for i in range(T):
            x0hat = a + b * (i / 1000.0) + 0 * x0
            if clip:
                x0hat = torch.clamp(x0hat, -1, 1)
            sd = math.exp(0.5 * lv[i])
            if i == 0:
                if decoder == 0:
                    terms.append(-flat(disc_t(x0, x0hat, torch.full_like(x0, 0.5 * lv[i]))))
                else:
                    terms.append(-flat(D.Normal(x0hat, sd).log_prob(x0)))
            else:
                c1 = q['posteriorMeanCoef1'][i]
                terms.append(flat(D.kl_divergence(D.Normal(c1 * x0, math.sqrt(q['posteriorVariance'][i])), D.Normal(c1 * x0hat, sd))))
        terms = torch.stack(terms, 1)
        return prior, terms, prior + terms.sum(1)

    vbn, vbt = [], []
    for i in range(N_RANDOM + 4):
        if i < N_RANDOM:
            T = int([1, 2, 3, 5, 10, 20][i % 6])
            kind, B, ev = int(RNG.integers(0, 3)) if T > 1 else 0, int(RNG.integers(1, 4)), [(2,), (3,), (2, 2), (8,)][i % 4]
            variance, decoder, clip = i % 2, (i // 2) % 2, int(i % 5 == 0)
            note = 'T = %d' % T
        else:
            T, kind, B, ev = 1000, [0, 2, 1, 2][i - N_RANDOM], 1, (3,)
            variance, decoder, clip = (i - N_RANDOM) % 2, 0, 0
            note = 'T = 1000, %s' % ['linear', 'zero terminal SNR', 'cosine', 'zero terminal SNR'][i - N_RANDOM]
        q = sched(kind, T)
        x0 = grid((B,) + ev) if decoder == 0 else normal((B,) + ev)
        a, b = f32(np.clip(x0[0] + normal(ev, 0.1), -1.2, 1.2)), np.array(RNG.normal(0, 0.5))
        data = {'T': T, 'kind': kind, 'variance': variance, 'decoder': decoder, 'clip': clip}
        ins = {'x0': x0, 'a': a, 'b': b}
        vbn.append(make_case(lambda x0, a, b, **k: vb(x0, a, b, q, T, variance, decoder, clip)[2], ins,
                             grad=('x0', 'a', 'b') if T <= 20 else ('a', 'b'), data=data, note=note))
        if T <= 20:
            vbt.append(make_case(lambda x0, a, b, **k: vb(x0, a, b, q, T, variance, decoder, clip)[1], ins,
                                 with_grads=False, data=data, note=note))
    fns['variationalBound.nats'] = vbn
    fns['variationalBound.terms'] = vbt

    # ------------------------------------------------------------------ dynamicThreshold (Imagen; np.quantile)
    dt = []
    for i in range(N_RANDOM + 4):
        if i < N_RANDOM:
            B, ev = int(RNG.integers(1, 4)), [(2,), (5,), (3, 4), (64,), (1,)][i % 5]
            x = normal((B,) + ev, [0.5, 1.5, 3.0][i % 3])
            pk = int(RNG.choice([9950, 9000, 5000, 10000, 1, 7777]))
            mv = int(RNG.choice([0, 0, 2, 1]))
            note = None
        else:
            B, ev = 2, [(512,), (3,), (4,), (1,)][i - N_RANDOM]
            x = normal((B,) + ev, 2.0)
            pk, mv = [9950, 10000, 9950, 9950][i - N_RANDOM], 0
            if i - N_RANDOM == 2:
                x = f32(np.array([[0.1, -0.2, 0.3, 0.4], [5.0, -6.0, 7.0, -8.0]]))  # s <= 1: plain clipping / s = 8ish
            note = 'x0 %s' % (ev,)
        p = pk / 10000
        xf = f32(x)
        qs = np.quantile(np.abs(xf.reshape(B, -1)), p, axis=1)
        # an element within 1e-4 of the threshold s sits on clip's kink, where the float32 rounding of s decides
        # the side (an interpolation weight of 0.995 puts s 3e-7 below its upper order statistic): redrawn
        while i < N_RANDOM and np.any((np.abs(np.abs(xf.reshape(B, -1)) - qs[:, None]) < 1e-4 * qs[:, None]) &
                                      (np.abs(xf.reshape(B, -1)) != qs[:, None])):
            x = normal((B,) + ev, 1.0)
            xf = f32(x)
            qs = np.quantile(np.abs(xf.reshape(B, -1)), p, axis=1)
        s = np.clip(qs, 1, np.inf if mv == 0 else mv).reshape([B] + [1] * len(ev))
        val = np.clip(xf, -s, s) / s

        def thr(x0, p=p, mv=mv, ev=ev, **k):
            Bq = x0.shape[0]
            qq = torch.quantile(x0.abs().reshape(Bq, -1), p, dim=1)
            ss = torch.clamp(qq, min=1.0, max=float('inf') if mv == 0 else float(mv)).reshape([Bq] + [1] * len(ev))
            return torch.maximum(torch.minimum(x0, ss), -ss) / ss

        dt.append(make_case(thr, {'x0': x}, grad=('x0',), data={'percentile': pk, 'maxValue': mv}, value_override=val, note=note))
    fns['dynamicThreshold'] = dt

    # ------------------------------------------------------------------ DDIM (eta = 0), Song et al. 2021 eq. 12
    # eps-, x0- or v-prediction from a closed-form denoiser out = w * x + b * tau/1000, over
    # respace(kind schedule, trailingTimesteps(T, n)); x_T given
    dd = []
    for i in range(N_RANDOM + 3):
        if i < N_RANDOM:
            T, kind = int(RNG.choice([10, 100, 1000])), int(RNG.integers(0, 2))
            n = int(RNG.integers(1, min(T, 50) + 1))
            pred = i % 3
            B, ev = int(RNG.integers(1, 4)), [(2,), (3,), (2, 2)][i % 3]
            note = 'T = %d, n = %d' % (T, n)
        else:
            T, kind, n, pred, B, ev = 1000, 2, [50, 1000, 1][i - N_RANDOM], 2, 2, (2,)
            note = 'zero terminal SNR, v-prediction, T = 1000, n = %d' % n
        q = sched(kind, T)
        taus = trailing(T, n)
        abar = q['alphasCumprod'][taus]
        w, b = f32(RNG.uniform(-0.3, 0.3, size=ev)), f32(RNG.normal(0, 0.3))
        xT = f32(normal((B,) + ev))
        def ddim(xT, w, b, abar=abar, taus=taus, n=n, pred=pred, **k):
            x = xT
            for k_ in range(n - 1, -1, -1):
                a, ap = float(abar[k_]), float(abar[k_ - 1]) if k_ > 0 else 1.0
                out = w * x + b * (taus[k_] / 1000.0)
                ca, sa_ = math.sqrt(a), math.sqrt(1 - a)
                if pred == 0:
                    eps = out
                    x0h = (x - sa_ * eps) / ca
                elif pred == 1:
                    x0h = out
                    eps = (x - ca * x0h) / sa_
                else:
                    x0h = ca * x - sa_ * out
                    eps = sa_ * x + ca * out
                x = math.sqrt(ap) * x0h + math.sqrt(1 - ap) * eps  # eq. (12) with sigma = 0
            return x

        dd.append(make_case(ddim, {'xT': xT, 'w': w, 'b': b}, with_grads=False,
                            data={'T': T, 'kind': kind, 'n': n, 'prediction': pred}, note=note + ' (values only)'))
    fns['ddimSample'] = dd
    write('diffusion', fns)
