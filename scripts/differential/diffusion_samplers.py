"""References for the few-step samplers, guidance and flow matching of @genmod/diffusion (issue 18; see generate.py).

Every sampler here is deterministic given its start (x_T or x_0 passed in), so the reference is the whole
trajectory computed in float64 from the papers' update rules, with closed-form "networks" (affine in x, with a
time term) so that no network weights are needed:
- dpmSolverSample: DPM-Solver++ (Lu et al. 2022, arXiv:2211.01095), the multistep data-prediction updates of
  Algorithm 2 (order 2) and the third-order multistep form with the exact weight of the second divided difference
  (the integral of e^(lambda - lambda_t) times the quadratic through the last three predictions), over
  lambda = log(alpha/sigma); warm-up at lower order; the last step to sigma = 0 is first order; lowerOrderFinal
  as diffusers (the second-to-last step at order <= 2 when fewer than 15 steps).
- eulerSample / heunSample: Karras et al. 2022 (arXiv:2206.00364), Algorithm 1 (Heun's last step to 0 is an Euler
  step), on the variance-exploding state x_sigma = x_t / sqrt(abar); the model sees x_t = x_sigma / sqrt(1 + sigma^2)
  and the fractional timestep t(sigma) = np.interp(log sigma, log sigma_i, i) (k-diffusion's sigma_to_t).
- karrasSigmas: the EDM grid (sigma_max^(1/rho) + i/(n-1) (sigma_min^(1/rho) - sigma_max^(1/rho)))^rho, then 0.
- scheduleSigmas: sqrt((1 - abar)/abar) of the schedule's entries, descending, then 0 (mpmath).
- classifierFreeGuidance: Ho & Salimans 2022 eq. (6), f_u + w (f_c - f_u), and the rescale of Lin et al. 2024
  (eq. (15)-(16) as diffusers' rescale_noise_cfg: std over the non-batch axes, ddof 0), on a closed-form
  conditional network; gradients with respect to x from torch autograd.
- flowMatchingLoss: Lipman et al. 2023 (arXiv:2210.02747) eq. (22)-(23) with given x0 and t, a closed-form
  velocity tanh(x W + c t) + b; gradients with respect to x1, W, c, b from torch autograd.
- otPairing: scipy.optimize.linear_sum_assignment on the squared Euclidean cost (the assignment cost is what is
  compared: optimal permutations need not be unique).
- flowSample: fixed-step Euler, Heun, midpoint and RK4 from t = 0 to 1 in float64.
- flowLogLikelihood (exact trace): log p0(x(0)) + integral_0^1 div v dt integrated backwards from t = 1 with the
  same fixed-step method on the augmented state, the divergence as the trace of torch.autograd.functional.jacobian.
"""
import math

import mpmath
import numpy as np
import scipy.optimize
import torch

from common import *  # noqa: F401,F403  (f32, make_case, write, RNG, seed_for, N_RANDOM, ...)
from diffusion import host_case, sched, trailing


# ----------------------------------------------------------------------------- schedules as sigmas

def sigmas_of(q):
    """sigma_i = sqrt((1 - abar_i)/abar_i) of every schedule entry (ascending in i), in float64 via mpmath, with
    abar clamped to at least 2^-24 (diffusers' clamp of a zero terminal SNR; our documented convention for every
    abar below it, so that the grid stays monotone)."""
    out = []
    for a in q['alphasCumprod']:
        a = max(mpmath.mpf(float(a)), mpmath.mpf(2) ** -24)
        out.append(float(mpmath.sqrt((1 - a) / a)))
    return np.array(out)


def karras(smin, smax, rho, n):
    ramp = np.linspace(0, 1, n) if n > 1 else np.zeros(1)
    lo, hi = smin ** (1 / rho), smax ** (1 / rho)
    return np.append((hi + ramp * (lo - hi)) ** rho, 0.0)


# ----------------------------------------------------------------------------- closed-form models

def affine_out(x, tau, w, b):
    """The closed-form denoiser of the DDIM cases: out = w * x + b * tau (tau = timestep / 1000)."""
    return w * x + b * tau


def x0_from(pred, x, a, out):
    """x0 from the model output at abar = a (x = x_t)."""
    ca, sa = math.sqrt(a), math.sqrt(1 - a)
    if pred == 0:
        return (x - sa * out) / ca
    if pred == 1:
        return out
    return ca * x - sa * out


# ----------------------------------------------------------------------------- DPM-Solver++

def dpm_solver(xT, w, b, abar, taus, pred, order, lower_final):
    """DPM-Solver++ multistep over the kept entries (abar[k], taus[k]), k = n-1 .. 0, then to abar = 1."""
    n = len(abar)
    x = xT
    hist = []  # (lambda, x0) of the previous evaluations, newest first
    alpha = lambda a: math.sqrt(a)
    sigma = lambda a: math.sqrt(1 - a)
    lam = lambda a: -math.inf if a == 0 else (math.inf if a == 1 else 0.5 * (math.log(a) - math.log1p(-a)))
    for step, k in enumerate(range(n - 1, -1, -1)):
        a = float(abar[k])
        out = affine_out(x, taus[k] / 1000.0, w, b)
        m0 = x0_from(pred, x, a, out)
        at = float(abar[k - 1]) if k > 0 else 1.0
        if k == 0:
            x = m0  # the last step to sigma = 0 is first order: x = alpha_t * m0 with alpha_t = 1
            hist.insert(0, (lam(a), m0))
            continue
        ls, lt = lam(a), lam(at)
        h = lt - ls
        eff = min(order, len(hist) + 1)
        if lower_final and n < 15:
            if step == n - 1:
                eff = 1
            elif step == n - 2:
                eff = min(eff, 2)
        st, ss = sigma(at), sigma(a)
        ratio = st / ss if ss > 0 else 0.0
        em = math.expm1(-h) if math.isfinite(h) else -1.0  # e^{-h} - 1
        if eff == 1 or not math.isfinite(h):
            x = ratio * x - alpha(at) * em * m0
        elif eff == 2:
            l1, m1 = hist[0]
            h0 = ls - l1
            if not math.isfinite(h0):
                d1 = 0 * m0
            else:
                d1 = (m0 - m1) / (h0 / h)
            x = ratio * x - alpha(at) * em * m0 - 0.5 * alpha(at) * em * d1
        else:
            (l1, m1), (l2, m2) = hist[0], hist[1]
            h0, h1 = ls - l1, l1 - l2
            r0, r1 = h0 / h, h1 / h
            d1_0 = (m0 - m1) / r0
            d1_1 = (m1 - m2) / r1 if math.isfinite(h1) else 0 * m0
            d1 = d1_0 + (r0 / (r0 + r1)) * (d1_0 - d1_1) if math.isfinite(h1) else d1_0
            d2 = (d1_0 - d1_1) / (r0 + r1) if math.isfinite(h1) else 0 * m0
            # the exact integral of alpha_t e^{lambda - lambda_t} times the quadratic through m0, m1, m2 weights
            # D2 = h^2 f[s2, s1, s] by -2 phi_3 (DPM-Solver's code and diffusers weight it by -phi_3, which leaves
            # an O(h^3) local error: second order; ours is third order, see dpm-solver-sample.ts)
            x = (ratio * x - alpha(at) * em * m0 + alpha(at) * (em / h + 1) * d1
                 - 2 * alpha(at) * ((em + h) / h ** 2 - 0.5) * d2)
        hist.insert(0, (ls, m0))
    return x


# ----------------------------------------------------------------------------- Euler / Heun on sigma grids

def euler_heun(xT, w, b, grid, log_sig, steps_ts, pred, heun):
    """EDM Algorithm 1 (deterministic) on x_sigma; the model sees x_t = x_sigma/sqrt(1+s^2) at t = interp(log s)."""
    def denoised(xs, s):
        a = 1 / (1 + s * s)
        t = float(np.interp(math.log(s), log_sig, steps_ts))
        xt = xs * math.sqrt(a)
        return x0_from(pred, xt, a, affine_out(xt, t / 1000.0, w, b))

    x = xT * math.sqrt(1 + grid[0] ** 2)
    for i in range(len(grid) - 1):
        s, sn = grid[i], grid[i + 1]
        d = (x - denoised(x, s)) / s
        xe = x + (sn - s) * d
        if heun and sn > 0:
            d2 = (xe - denoised(xe, sn)) / sn
            x = x + (sn - s) * 0.5 * (d + d2)
        else:
            x = xe
    return x  # sigma = 0: the DDPM latent equals x_sigma


# ----------------------------------------------------------------------------- flow matching

def velocity_t(x, t, W, c, b):
    """tanh(x W + c t) + b for x [B, d], t [B] (torch)."""
    return torch.tanh(x @ W + c * t[:, None]) + b


def integrate(f, y, t0, t1, steps, method):
    """steps fixed steps of Euler, Heun, midpoint or RK4 for dy/dt = f(y, t) from t0 to t1 (t1 < t0 runs backwards)."""
    h = (t1 - t0) / steps
    t = t0
    for _ in range(steps):
        if method == 'euler':
            y = y + h * f(y, t)
        elif method == 'heun':
            k1 = f(y, t)
            k2 = f(y + h * k1, t + h)
            y = y + 0.5 * h * (k1 + k2)
        elif method == 'midpoint':
            y = y + h * f(y + 0.5 * h * f(y, t), t + 0.5 * h)
        else:
            k1 = f(y, t)
            k2 = f(y + 0.5 * h * k1, t + 0.5 * h)
            k3 = f(y + 0.5 * h * k2, t + 0.5 * h)
            k4 = f(y + h * k3, t + h)
            y = y + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        t += h
    return y


def ode(x, W, c, b, steps, method):
    """x(1) from x(0) = x along dx/dt = v(x, t)."""
    return integrate(lambda y, t: velocity_t(y, torch.full((y.shape[0],), t), W, c, b), x, 0.0, 1.0, steps, method)


def log_likelihood(x1, W, c, b, steps, method):
    """Integrates (x, l) backwards from t = 1: dx/dt = v, dl/dt = div v, l(1) = 0, so l(0) = -int_0^1 div v dt and
    log p1(x1) = log N(x(0)) - int_0^1 div v dt = log N(x(0)) + l(0) (Chen et al. 2018, Theorem 1)."""
    d = x1.shape[1]

    def f(y, t):
        x = y[:, :d]
        v = velocity_t(x, torch.full((x.shape[0],), t), W, c, b)
        divs = []
        for i in range(x.shape[0]):
            J = torch.autograd.functional.jacobian(lambda z: velocity_t(z[None], torch.tensor([t]), W, c, b)[0], x[i])
            divs.append(torch.trace(J))
        return torch.cat([v, torch.stack(divs)[:, None]], 1)

    y = integrate(f, torch.cat([x1, torch.zeros(x1.shape[0], 1)], 1), 1.0, 0.0, steps, method)
    x0, l0 = y[:, :d], y[:, d]
    logp0 = -0.5 * (x0 ** 2).sum(1) - 0.5 * d * math.log(2 * math.pi)
    return logp0 + l0


METHODS = ['euler', 'heun', 'midpoint', 'rk4']


def gen():
    seed_for('diffusion_samplers')
    fns = {}

    # ------------------------------------------------------------------ karrasSigmas / scheduleSigmas (host)
    ks = []
    for i in range(N_RANDOM):
        smin = float(f32(10 ** RNG.uniform(-3, 0)))
        smax = float(f32(10 ** RNG.uniform(0.5, 2.5)))
        rho = float(f32(RNG.uniform(1, 10)))
        n = int(RNG.integers(1, 60))
        ks.append(host_case({'sigmaMin': smin, 'sigmaMax': smax, 'rho': rho}, karras(smin, smax, rho, n), data={'n': n},
                            note='n %d' % n))
    ks.append(host_case({'sigmaMin': 0.002, 'sigmaMax': 80.0, 'rho': 7.0}, karras(0.002, 80.0, 7.0, 18), data={'n': 18},
                        note='EDM defaults, n 18'))
    fns['karrasSigmas'] = ks
    ss = []
    for kind in (0, 1, 2):
        for T in (10, 1000):
            q = sched(kind, T)
            sig = sigmas_of(q)
            val = np.append(sig[::-1], 0.0)
            clamped = int(np.sum(q['alphasCumprod'] < 2.0 ** -24))
            ss.append(host_case({}, val, data={'kind': kind, 'T': T}, note='kind %d, T %d%s' % (kind, T, ' (%d abar clamped to 2^-24)' % clamped if clamped else '')))
    fns['scheduleSigmas'] = ss

    # ------------------------------------------------------------------ DPM-Solver++
    dp = []
    for i in range(N_RANDOM + 4):
        if i < N_RANDOM:
            T, kind = int(RNG.choice([10, 100, 1000])), int(RNG.integers(0, 2))
            n = int(RNG.integers(1, min(T, 40) + 1))
            pred, order, lower = i % 3, 1 + (i // 3) % 3, bool(i % 2)
            B, ev = int(RNG.integers(1, 4)), [(2,), (3,), (2, 2)][i % 3]
            note = 'T = %d, n = %d, order %d, prediction %d, lowerOrderFinal %s' % (T, n, order, pred, lower)
        else:
            T, kind, n, pred, order, lower, B, ev = 1000, 2, [25, 10, 1, 2][i - N_RANDOM], 2, [2, 3, 2, 3][i - N_RANDOM], True, 2, (2,)
            note = 'zero terminal SNR, v-prediction, T = 1000, n = %d, order %d' % (n, order)
        q = sched(kind, T)
        taus = trailing(T, n)
        abar = q['alphasCumprod'][taus]
        w, b = f32(RNG.uniform(-0.3, 0.3, size=ev)), f32(RNG.normal(0, 0.3))
        xT = f32(normal((B,) + ev))
        f = lambda xT, w, b, a_=abar, t_=taus, p_=pred, o_=order, l_=lower, **k: dpm_solver(xT, w, b, a_, t_, p_, o_, l_)
        dp.append(make_case(f, {'xT': xT, 'w': w, 'b': b}, with_grads=False,
                            data={'T': T, 'kind': kind, 'n': n, 'prediction': pred, 'order': order, 'lowerOrderFinal': int(lower)},
                            note=note + ' (values only)'))
    fns['dpmSolverSample'] = dp

    # ------------------------------------------------------------------ Euler / Heun on Karras and schedule grids
    for name, heun in (('eulerSample', False), ('heunSample', True)):
        cases = []
        for i in range(N_RANDOM + 2):
            T, kind = int(RNG.choice([100, 1000])), int(RNG.integers(0, 2)) if i < N_RANDOM else 2
            q = sched(kind, T)
            sig = sigmas_of(q)
            log_sig = np.log(sig)
            grid_kind = i % 2  # 0 karras, 1 the schedule's own sigmas respaced (trailing)
            n = int(RNG.integers(1, 30))
            if grid_kind == 0:
                grid = karras(float(sig[0]), float(sig[-1]), 7.0, n)
            else:
                taus = trailing(T, n)
                grid = np.append(sig[taus][::-1], 0.0)
            pred = i % 3
            B, ev = int(RNG.integers(1, 4)), [(2,), (3,), (2, 2)][i % 3]
            w, b = f32(RNG.uniform(-0.3, 0.3, size=ev)), f32(RNG.normal(0, 0.3))
            xT = f32(normal((B,) + ev))
            f = lambda xT, w, b, g_=grid, ls_=log_sig, T_=T, p_=pred, h_=heun, **k: euler_heun(xT, w, b, g_, ls_, np.arange(T_, dtype=np.float64), p_, h_)
            data = {'T': T, 'kind': kind, 'n': n, 'prediction': pred, 'grid': grid_kind}
            cases.append(make_case(f, {'xT': xT, 'w': w, 'b': b}, with_grads=False, data=data,
                                   note='T = %d, kind %d, n = %d, %s grid, prediction %d (values only)' % (T, kind, n, ['karras', 'trailing schedule'][grid_kind], pred)))
        fns[name] = cases

    # ------------------------------------------------------------------ classifier-free guidance
    cf = []
    for i in range(N_RANDOM + 3):
        B, d, K = int(RNG.integers(1, 6)), int(RNG.integers(1, 6)), int(RNG.integers(2, 6))
        scale = float(f32(RNG.choice([0.0, 1.0, float(RNG.uniform(-1, 8))]))) if i < N_RANDOM else [0.0, 1.0, 7.5][i - N_RANDOM]
        rescale = float(f32(RNG.choice([0.0, 0.7, float(RNG.uniform(0, 1))]))) if i < N_RANDOM else 0.7
        x = normal((B, d))
        W = normal((d, d), 0.5)
        E = normal((K + 1, d))  # class embeddings; row K is the null condition
        labels = RNG.integers(0, K, size=B)
        tsteps = RNG.integers(0, 1000, size=B)

        if rescale > 0 and d == 1:
            d = 2  # the rescale divides by the std over the features: one feature has std 0
            x, W, E = normal((B, d)), normal((d, d), 0.5), normal((K + 1, d))

        def guided(x, W, E, scale, rescale, labels, t, K, on=rescale > 0):
            tau = (t.double() / 1000.0)[:, None]
            f = lambda c: torch.tanh(x @ W + E[c]) + tau * E[c]
            fc, fu = f(labels.long()), f(torch.full((x.shape[0],), int(K)))
            g = fu + scale * (fc - fu)
            if on:
                sc = fc.std(dim=1, unbiased=False, keepdim=True)
                sg = g.std(dim=1, unbiased=False, keepdim=True)
                g = rescale * (g * sc / sg) + (1 - rescale) * g
            return g

        cf.append(make_case(guided, {'x': x, 'W': W, 'E': E, 'scale': scale, 'rescale': rescale}, grad=('x',),
                            data={'labels': labels, 't': tsteps, 'K': K},
                            note='B %d, d %d, K %d, scale %r, rescale %r' % (B, d, K, scale, rescale)))
    fns['classifierFreeGuidance'] = cf

    # ------------------------------------------------------------------ flow matching loss (given x0, t)
    fm = []
    for i in range(N_RANDOM + 2):
        B, d = int(RNG.integers(1, 9)), int(RNG.integers(1, 6))
        smin = 0.0 if i % 2 == 0 else float(f32(10 ** RNG.uniform(-4, -1)))
        x1, x0 = normal((B, d), 2.0), normal((B, d))
        t = RNG.uniform(0, 1, size=B) if i < N_RANDOM else np.array([0.0, 1.0] * (B // 2) + [0.5] * (B % 2))
        W, c, b = normal((d, d), 0.5), normal(d), normal(d, 0.3)

        def loss(x1, x0, t, W, c, b, sigmaMin):
            smin = sigmaMin
            xt = (1 - (1 - smin) * t[:, None]) * x0 + t[:, None] * x1
            u = x1 - (1 - smin) * x0
            return ((velocity_t(xt, t, W, c, b) - u) ** 2).mean()

        fm.append(make_case(loss, {'x1': x1, 'x0': x0, 't': t, 'W': W, 'c': c, 'b': b, 'sigmaMin': smin},
                            grad=('x1', 'W', 'c', 'b'), note='B %d, d %d, sigmaMin %r' % (B, d, smin)))
    fns['flowMatchingLoss'] = fm

    # ------------------------------------------------------------------ otPairing (scipy's assignment cost)
    ot = []
    for i in range(N_RANDOM):
        B, d = int(RNG.integers(1, 40)), int(RNG.integers(1, 6))
        x0, x1 = f32(normal((B, d))), f32(normal((B, d), 2.0))
        cost = ((x0[:, None, :] - x1[None, :, :]) ** 2).sum(-1)  # cost[j, i]: x0[j] paired with x1[i]
        r, cidx = scipy.optimize.linear_sum_assignment(cost.T)   # rows: x1[i], columns: x0[pi(i)]
        ot.append(host_case({'x0': x0, 'x1': x1}, [cost.T[r, cidx].sum()], note='B %d, d %d (the optimal cost)' % (B, d)))
    x = f32(normal((6, 2)))
    ot.append(host_case({'x0': x, 'x1': x}, [0.0], note='identical sets (cost 0)'))
    fns['otPairing'] = ot

    # ------------------------------------------------------------------ flowSample and flowLogLikelihood
    fs, fl = [], []
    for i in range(N_RANDOM):
        B, d = int(RNG.integers(1, 5)), int(RNG.integers(1, 4))
        method, steps = METHODS[i % 4], int(RNG.integers(1, 12))
        x0 = f32(normal((B, d)))
        W, c, b = f32(normal((d, d), 0.5)), f32(normal(d)), f32(normal(d, 0.3))
        tW, tc, tb = torch.tensor(W), torch.tensor(c), torch.tensor(b)
        fs.append(make_case(lambda x0, W, c, b, s_=steps, m_=method, **k: ode(x0, W, c, b, s_, m_), {'x0': x0, 'W': W, 'c': c, 'b': b},
                            with_grads=False, data={'steps': steps, 'method': i % 4}, note='B %d, d %d, %s, %d steps' % (B, d, method, steps)))
        x1 = f32(normal((B, d)))
        fl.append(host_case({'x1': x1, 'W': W, 'c': c, 'b': b}, log_likelihood(torch.tensor(x1), tW, tc, tb, steps, method).detach().numpy(),
                            data={'steps': steps, 'method': i % 4}, note='B %d, d %d, %s, %d steps, exact trace (values only, cond 0: its Jacobians are not differentiated again)' % (B, d, method, steps)))
    fns['flowSample'] = fs
    fns['flowLogLikelihood'] = fl
    write('diffusion_samplers', fns)
