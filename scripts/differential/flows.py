"""References for @genmod/flows (see generate.py).

Every bijector function returns its value and its log-det together, as our API does: for event rank 0 the
stored value is stack([y, logDet], -1) (shape [..., 2]), for event rank 1 cat([y, logDet[..., None]], -1)
(shape [..., D + 1]); the gradient is that of the sum of both.

Values: torch.distributions.transforms where torch has the map (Exp, Sigmoid, Tanh, Affine, Softplus via
torch.nn.functional, Compose, .inv); otherwise the map written from its paper in torch float64 (RealNVP,
MADE, MAF / IAF, neural spline flows, Glow's actnorm and LU layer, RealNVP's batch norm). The log-det is
ALWAYS computed from the map itself: log|d y_i/d x_i| by autograd for elementwise maps (their Jacobian is
diagonal), torch.autograd.functional.jacobian + slogdet per event for the others; never from a closed form.
Each section reseeds its own generator (numpy default_rng([20261209, section])), so the sections can also be
generated in parallel, FLOWS_PARTS=8 generate.py flows writing /tmp/flows_part_8.json, and joined with
flows.merge([...]) in section order; a plain run gives the same file.

Where float64 autograd itself saturates (sigmoid / tanh / softplus at |x| = 1e4, derivative 0 in float64), the
log-derivative and the gradient come from mpmath (50 digits) instead.
"""
import math
import sys
import time

import mpmath
import numpy as np
import torch
import torch.distributions as D
import torch.distributions.transforms as T
import torch.nn.functional as F

from common import *  # noqa: F401,F403  (f32, make_case, write, RNG, seed_for, ...)

mpmath.mp.dps = 50


# ---------------------------------------------------------------------------------------------------------
# log-det helpers: from the map, never from a closed form

def ld_diag(y, x):
    """log|dy_i/dx_i| of an elementwise map (x has y's full shape), differentiable."""
    g, = torch.autograd.grad(y.sum(), x, create_graph=True)
    return torch.log(torch.abs(g))


def ld_rows(frow, x):
    """log|det ∂f/∂x| per event row of x [..., D]: jacobian + slogdet, differentiable (create_graph)."""
    d = x.shape[-1]
    rows = x.reshape(-1, d)
    out = [torch.linalg.slogdet(torch.autograd.functional.jacobian(frow, rows[i], create_graph=True, vectorize=True))[1]
           for i in range(rows.shape[0])]
    return torch.stack(out).reshape(x.shape[:-1])


def ld_diag_rows(frow, x):
    """log|det ∂f/∂x| per event row for maps whose Jacobian is diagonal (actNorm): Σ_i log|∂y_i/∂x_i| by
    autograd (the full jacobian of a 512-wide map is too slow to store second derivatives of)."""
    y = frow(x)
    g, = torch.autograd.grad(y.sum(), x, create_graph=True)
    return torch.log(torch.abs(g)).sum(-1)


def pack0(y, ld):
    return torch.stack([y, ld.expand_as(y)], -1)


def pack1(y, ld):
    return torch.cat([y, ld.unsqueeze(-1)], -1)


def full(x, *ps):
    """x broadcast to the shape of x and every parameter (the elementwise log-det has the value's shape)."""
    shape = np.broadcast_shapes(np.shape(x), *[np.shape(p) for p in ps])
    return np.broadcast_to(np.asarray(x, dtype=np.float64), shape).copy()


def bshape():
    return [(), (3,), (2, 3), (4,), (2, 1, 3)][RNG.integers(0, 5)]


# ---------------------------------------------------------------------------------------------------------
# the maps of the papers, in torch float64

def linear(xm, W, b):
    return xm @ W + b


def realnvp_forward(x, m, W, b):
    """Dinh et al. 2017 eq. (4)-(9): (t, raw) = NN(x ⊙ m), s = tanh(raw) on the transformed coordinates."""
    out = linear(x * m, W, b)
    d = x.shape[-1]
    t, s = out[..., :d], torch.tanh(out[..., d:])
    return m * x + (1 - m) * (x * torch.exp(s) + t)


def realnvp_inverse(y, m, W, b):
    out = linear(y * m, W, b)
    d = y.shape[-1]
    t, s = out[..., :d], torch.tanh(out[..., d:])
    return m * y + (1 - m) * ((y - t) * torch.exp(-s))


def made_masks(d, hidden, order, params=2):
    """Germain et al. 2015, §4: input degree m⁰(i) = order[i] + 1, hidden degrees 1 + (k mod max(1, D − 1))
    (our documented assignment), hidden mask 1[mˡ(k') ≥ mˡ⁻¹(k)], output mask 1[d(out) > mᴸ(k)]."""
    m_in = np.array(order) + 1
    degs = [m_in] + [1 + (np.arange(h) % max(1, d - 1)) for h in hidden]
    masks = [(degs[l + 1][None, :] >= degs[l][:, None]).astype(np.float64) for l in range(len(hidden))]
    out_deg = np.tile(m_in, params)
    masks.append((out_deg[None, :] > degs[-1][:, None]).astype(np.float64))
    return [torch.tensor(mk) for mk in masks]


def made_net(x, ws, bs, masks):
    h = x
    for l, (w, b, mk) in enumerate(zip(ws, bs, masks)):
        h = h @ (w * mk) + b
        if l + 1 < len(ws):
            h = torch.relu(h)
    return h


def ar_params(u, ws, bs, masks):
    d = u.shape[-1]
    out = made_net(u, ws, bs, masks)
    return out[..., :d], 2 * torch.tanh(out[..., d:] / 2)  # tanhBound(2): s = 2 tanh(raw / 2)


def ar_recursive(w, ws, bs, masks, order, direction):
    """Papamakarios et al. 2017 eq. (2) (MAF sampling) / Kingma et al. 2016 (IAF density): coordinate by
    coordinate in the autoregressive order, each from the coordinates already computed."""
    d = w.shape[-1]
    out = torch.zeros_like(w)
    for pos in range(d):
        i = int(np.where(np.array(order) == pos)[0][0])
        mu, s = ar_params(out, ws, bs, masks)
        if direction == 1:
            new = w[..., i] * torch.exp(s[..., i]) + mu[..., i]
        else:
            new = (w[..., i] - mu[..., i]) * torch.exp(-s[..., i])
        out = torch.cat([out[..., :i], new.unsqueeze(-1), out[..., i + 1:]], -1)
    return out


def spline_knots(raw, K, B, mw=1e-3, mh=1e-3, md=1e-3):
    """Durkan et al. 2019 §3.1 / appendix: widths and heights softmax-normalised with minimum sizes, knots at
    −B + cumsum, the outer knots exactly ±B; interior derivatives md + softplus(raw + c), c such that raw 0
    gives 1 (the documented parameterisation), outer derivatives 1 (linear tails)."""
    def knots(u, mn):
        sizes = mn + (1 - K * mn) * torch.softmax(u, -1)
        cum = torch.cumsum(sizes, -1) * 2 * B - B
        z = torch.zeros(raw.shape[:-1] + (1,))
        return torch.cat([z - B, cum[..., :-1], z + B], -1)
    c = math.log(math.expm1(1 - md))
    one = torch.ones(raw.shape[:-1] + (1,))
    der = torch.cat([one, md + F.softplus(raw[..., 2 * K:] + c), one], -1)
    return knots(raw[..., :K], mw), knots(raw[..., K:2 * K], mh), der


def gather(t, idx):
    return torch.gather(t, -1, idx.unsqueeze(-1)).squeeze(-1)


def rq_forward(x, raw, K, B):
    """Durkan et al. eq. (4): in bin k, y = y_k + h_k [s ξ² + δ_k ξ(1−ξ)] / [s + (δ_{k+1} + δ_k − 2s) ξ(1−ξ)];
    identity outside [−B, B]."""
    kx, ky, dv = spline_knots(raw, K, B)
    inside = (x >= -B) & (x <= B)
    xc = torch.clamp(x, -B, B)
    idx = torch.clamp(torch.searchsorted(kx.detach().contiguous(), xc.detach().unsqueeze(-1)).squeeze(-1) - 1, 0, K - 1)
    x0, x1, y0, y1 = gather(kx, idx), gather(kx, idx + 1), gather(ky, idx), gather(ky, idx + 1)
    d0, d1 = gather(dv, idx), gather(dv, idx + 1)
    w, h = x1 - x0, y1 - y0
    s = h / w
    xi = (xc - x0) / w
    y = y0 + h * (s * xi ** 2 + d0 * xi * (1 - xi)) / (s + (d1 + d0 - 2 * s) * xi * (1 - xi))
    return torch.where(inside, y, x)


def rq_inverse(y, raw, K, B):
    """Durkan et al. appendix A: ξ = 2c / (−b − √(b² − 4ac)) with a, b, c from the bin's knots."""
    kx, ky, dv = spline_knots(raw, K, B)
    inside = (y >= -B) & (y <= B)
    yc = torch.clamp(y, -B, B)
    idx = torch.clamp(torch.searchsorted(ky.detach().contiguous(), yc.detach().unsqueeze(-1)).squeeze(-1) - 1, 0, K - 1)
    x0, x1, y0, y1 = gather(kx, idx), gather(kx, idx + 1), gather(ky, idx), gather(ky, idx + 1)
    d0, d1 = gather(dv, idx), gather(dv, idx + 1)
    w, h = x1 - x0, y1 - y0
    s = h / w
    dd = d1 + d0 - 2 * s
    a = h * (s - d0) + (yc - y0) * dd
    bq = h * d0 - (yc - y0) * dd
    c = -s * (yc - y0)
    disc = torch.clamp(bq ** 2 - 4 * a * c, min=0)
    xi = 2 * c / (-bq - torch.sqrt(disc))
    xi = torch.where(torch.isfinite(xi), xi, torch.zeros_like(xi))
    return torch.where(inside, x0 + xi * w, y)


def spline_coupling(v, m, W, b, K, B, inverse):
    d = v.shape[-1]
    raw = linear(v * m, W, b).reshape(v.shape[:-1] + (d, 3 * K - 1))
    g = (rq_inverse if inverse else rq_forward)(v, raw, K, B)
    return m * v + (1 - m) * g


# ---------------------------------------------------------------------------------------------------------

def mp_sig(x):
    return 1 / (1 + mpmath.exp(-x))


# exact log-derivative and d(y + logDet)/dx of the saturating elementwise maps, for |x| where float64 underflows
SAT = {
    'softplus': (lambda x: mpmath.log(mp_sig(x)), lambda x: mp_sig(x) + mp_sig(-x)),
    'sigmoid': (lambda x: mpmath.log(mp_sig(x)) + mpmath.log(mp_sig(-x)),
                lambda x: mp_sig(x) * mp_sig(-x) + mp_sig(-x) - mp_sig(x)),
    'tanh': (lambda x: mpmath.log(1 / mpmath.cosh(x) ** 2),
             lambda x: 1 / mpmath.cosh(x) ** 2 - 2 * mpmath.tanh(x)),
}


def softplus_inv(y):
    return torch.log(torch.expm1(y))


ELEMENTWISE = {
    # name: (forward, inverse, sampler of x, sampler of y)
    'exp': (lambda x: T.ExpTransform()(x), lambda y: T.ExpTransform().inv(y),
            lambda s: normal(s, 2), lambda s: pos(s, -3, 3)),
    'softplus': (lambda x: torch.logaddexp(x, torch.zeros_like(x)), softplus_inv,
                 lambda s: normal(s, 3), lambda s: pos(s, -3, 2)),
    'sigmoid': (lambda x: torch.sigmoid(x), lambda y: torch.log(y) - torch.log1p(-y),
                # the logit directly: torch's SigmoidTransform().inv clamps y to [tiny, 1 − eps]
                lambda s: normal(s, 3), lambda s: RNG.uniform(0.001, 0.999, size=s)),
    'tanh': (lambda x: T.TanhTransform()(x), lambda y: T.TanhTransform().inv(y),
             lambda s: normal(s, 1.5), lambda s: RNG.uniform(-0.999, 0.999, size=s)),
}


def mask_for(d):
    while True:
        m = RNG.integers(0, 2, size=d).astype(np.float64)
        if 0 < m.sum() < d:
            return m


def _parts():
    import os
    p = os.environ.get('FLOWS_PARTS')
    return None if p is None else [int(v) for v in p.split(',') if v]


def gen():
    seed_for('flows')
    fns = {}
    parts = _parts()
    import common

    if parts is None or 0 in parts:
        common._Rng.gen = np.random.default_rng([20261209, 0])
        sys.stderr.write('section 0 %.0f\n' % time.time())
        # --- elementwise maps without parameters
        for name, (fwd, inv, sx, sy) in ELEMENTWISE.items():
            fc, ic = [], []
            for i in range(N_RANDOM):
                s = bshape()
                fc.append(make_case(lambda x: pack0(fwd(x), ld_diag(fwd(x), x)), {'x': sx(s)}, grad=('x',)))
                ic.append(make_case(lambda y: pack0(inv(y), ld_diag(inv(y), y)), {'y': sy(s)}, grad=('y',)))
            # saturation: |x| = 1e4 and the edge of float64's exp; the log-derivative is finite (what it should be:
            # exp: x; softplus: log σ(x) → x below −40, −e^(−x) → −0 above; sigmoid: −|x| − 2 log1p(e^(−|x|));
            # tanh: 2(log 2 − |x| − log1p(e^(−2|x|)))) and never NaN
            xe = f32(np.array([1e4, -1e4, 80.0, -80.0, 30.0, -30.0]))
            if name == 'exp':
                fc.append(make_case(lambda x: pack0(fwd(x), ld_diag(fwd(x), x)), {'x': xe[2:]}, grad=('x',),
                                    note='x ±80, ±30'))
                fc.append(make_case(lambda x: pack0(torch.exp(x), x + 0 * x), {'x': xe[:2]},
                                    note='x ±1e4 (y = Infinity and 0: values only; log-det x)'))
            else:
                ldf, gf = SAT[name]
                val = np.stack([fwd(torch.tensor(xe)).numpy(), [float(ldf(mpmath.mpf(v))) for v in xe]], -1)
                gr = [float(gf(mpmath.mpf(v))) for v in xe]
                fc.append(make_case(lambda x: pack0(fwd(x), ld_diag(fwd(x), x)), {'x': xe}, grad=('x',),
                                    value_override=val, grad_override={'x': gr},
                                    note='x ±1e4, ±80, ±30 (saturation: mpmath log-derivative and gradient)'))
            # the inverse at the ends of the codomain: x = ∓Infinity, log-det +Infinity (values only)
            ye = {'exp': [0.0, 1e-30, 1e30], 'softplus': [1e-30, 1e-6, 50.0],
                  'sigmoid': [0.0, 1.0, 1e-30, 0.5], 'tanh': [-1.0, 1.0, 0.0, 1e-30]}[name]
            ic.append(make_case(lambda y: pack0(inv(y), ld_diag(inv(y), y)), {'y': np.array(ye)},
                                with_grads=False, note='y at / near the ends of the codomain (values only)'))
            fns[name + '.forward'], fns[name + '.inverse'] = fc, ic

    if parts is None or 1 in parts:
        common._Rng.gen = np.random.default_rng([20261209, 1])
        sys.stderr.write('section 1 %.0f\n' % time.time())
        # --- shift, scale, affine: torch AffineTransform
        for name in ['shift', 'scale', 'affine']:
            fc, ic = [], []

            def tr(p):
                return T.AffineTransform(p.get('shift', 0.0), p.get('scale', 1.0))

            def add(pars, x, y, note=None):
                keys = list(pars)
                fc.append(make_case(
                    lambda **a: pack0(tr(a)(a['x']), ld_diag(tr(a)(a['x']), a['x'])),
                    {**pars, 'x': full(x, *pars.values())}, grad=tuple(keys) + ('x',), note=note))
                ic.append(make_case(
                    lambda **a: pack0(tr(a).inv(a['y']), ld_diag(tr(a).inv(a['y']), a['y'])),
                    {**pars, 'y': full(y, *pars.values())}, grad=tuple(keys) + ('y',), note=note))

            for i in range(N_RANDOM):
                ps, xs = bcast_shapes()
                pars = {}
                if name in ('shift', 'affine'):
                    pars['shift'] = normal(ps, 3)
                if name in ('scale', 'affine'):
                    pars['scale'] = pos(ps, -2, 2) * RNG.choice([-1, 1], size=ps)
                add(pars, normal(xs, 2), normal(xs, 2))
            if name != 'shift':
                for e in [1e-30, 1e30]:
                    pars = {'scale': np.array([e, -e, e])}
                    if name == 'affine':
                        pars['shift'] = np.array([0.5, -1.0, 0.0])
                    add(pars, np.array([1.0, 2.0, -1e-3]), np.array([1.0, -3.0, 1e-3]) * e, note='scale %g' % e)
            fns[name + '.forward'], fns[name + '.inverse'] = fc, ic

    if parts is None or 2 in parts:
        common._Rng.gen = np.random.default_rng([20261209, 2])
        sys.stderr.write('section 2 %.0f\n' % time.time())
        # --- chain(shift(b), exp(), scale(s)): y = exp(s·x) + b, torch ComposeTransform
        def comp(a):
            return T.ComposeTransform([T.AffineTransform(0.0, a['scale']), T.ExpTransform(), T.AffineTransform(a['shift'], 1.0)])
        fc, ic = [], []
        for i in range(N_RANDOM):
            ps, xs = bcast_shapes()
            sh, sc = normal(ps, 2), pos(ps, -1, 0.5) * RNG.choice([-1, 1], size=ps)
            x = full(normal(xs, 1), sh, sc)
            fc.append(make_case(lambda shift, scale, x: pack0(comp({'shift': shift, 'scale': scale})(x),
                                                              ld_diag(comp({'shift': shift, 'scale': scale})(x), x)),
                                {'shift': sh, 'scale': sc, 'x': x}, grad=('shift', 'scale', 'x')))
            y = f32(sh) + pos(np.shape(x), -2, 2)
            ic.append(make_case(lambda shift, scale, y: pack0(comp({'shift': shift, 'scale': scale}).inv(y),
                                                              ld_diag(comp({'shift': shift, 'scale': scale}).inv(y), y)),
                                {'shift': sh, 'scale': sc, 'y': full(y, sh, sc)}, grad=('shift', 'scale', 'y')))
        fns['chain.forward'], fns['chain.inverse'] = fc, ic

    if parts is None or 3 in parts:
        common._Rng.gen = np.random.default_rng([20261209, 3])
        sys.stderr.write('section 3 %.0f\n' % time.time())
        # --- invert(sigmoid()): forward is torch's SigmoidTransform().inv (the logit), inverse the sigmoid
        fc, ic = [], []
        for i in range(N_RANDOM):
            s = bshape()
            lg = T.SigmoidTransform().inv
            fc.append(make_case(lambda x: pack0(lg(x), ld_diag(lg(x), x)), {'x': RNG.uniform(0.001, 0.999, size=s)}, grad=('x',)))
            ic.append(make_case(lambda y: pack0(torch.sigmoid(y), ld_diag(torch.sigmoid(y), y)), {'y': normal(s, 3)}, grad=('y',)))
        fns['invert(sigmoid).forward'], fns['invert(sigmoid).inverse'] = fc, ic

    if parts is None or 4 in parts:
        common._Rng.gen = np.random.default_rng([20261209, 4])
        sys.stderr.write('section 4 %.0f\n' % time.time())
        # --- permute / reverse: indexing; log-det from the jacobian (0)
        dims = [1, 2, 3, 4, 5, 8] * 6 + [16, 64, 256, 512]
        for name in ['permute', 'reverse']:
            fc, ic = [], []
            for i, d in enumerate(dims):
                batch = [(), (3,), (2, 3)][i % 3] if d <= 8 else (2,)
                perm = RNG.permutation(d) if name == 'permute' else np.arange(d)[::-1].copy()
                inv = np.argsort(perm)
                grads = ('x',) if d <= 16 else ()
                data = {'perm': perm} if name == 'permute' else None
                note = 'd = %d' % d + ('' if grads else ' (values only)')
                fc.append(make_case(lambda x, perm=None, p=perm: pack1(x[..., p], ld_rows(lambda r: r[p], x)),
                                    {'x': normal(batch + (d,), 2)}, data=data, grad=grads, note=note))
                ic.append(make_case(lambda y, perm=None, p=inv: pack1(y[..., p], ld_rows(lambda r: r[p], y)),
                                    {'y': normal(batch + (d,), 2)}, data=data, grad=tuple(g.replace('x', 'y') for g in grads), note=note))
            fns[name + '.forward'], fns[name + '.inverse'] = fc, ic

    if parts is None or 5 in parts:
        common._Rng.gen = np.random.default_rng([20261209, 5])
        sys.stderr.write('section 5 %.0f\n' % time.time())
        # --- tanhBound(c), softClamp(c): RealNVP's c·tanh(s/c) and FrEIA's (2c/π)·atan(πs/(2c)), by definition
        for name, f in [('tanhBound', lambda s, c: c * torch.tanh(s / c)),
                        ('softClamp', lambda s, c: 2 * c / math.pi * torch.atan(math.pi * s / (2 * c)))]:
            cs = []
            for i in range(N_RANDOM):
                c = float(RNG.choice([1.0, 2.0, 0.5, 5.0, 3.0]))
                cs.append(make_case(lambda s, limit: f(s, limit), {'s': normal(bshape(), 3) * c, 'limit': np.array(c)}, grad=('s',)))
            cs.append(make_case(lambda s, limit: f(s, limit), {'s': np.array([1e4, -1e4, 1e30, -1e30, 0.0, 1e-30]),
                                                               'limit': np.array(2.0)}, grad=('s',), note='s ±1e4, ±1e30, 0'))
            fns[name] = cs

    if parts is None or 6 in parts:
        common._Rng.gen = np.random.default_rng([20261209, 6])
        sys.stderr.write('section 6 %.0f\n' % time.time())
        # --- affineCoupling with a linear conditioner (t, raw) = (x ⊙ m)·W + b: gradients reach W and b
        fc, ic = [], []
        cdims = [2, 3, 4, 5, 8] * 8 + [16, 64, 128]
        for i, d in enumerate(cdims):
            batch = [(), (3,), (2,), (1, 2)][i % 4] if d <= 8 else ((2,) if d <= 64 else ())
            m = mask_for(d)
            sc = 1.0 / math.sqrt(d)
            W, b = normal((d, 2 * d), sc), normal((2 * d,), 0.5)
            grads = ('x', 'W', 'b') if d <= 4 else ('x', 'b') if d <= 16 else ()
            note = None if d <= 8 else 'd = %d' % d + ('' if grads else ' (values only)')
            if d == 128:
                W = np.zeros((d, 2 * d))  # the file stores W densely: a diagonal conditioner keeps it small
                W[np.arange(d), d + np.arange(d)] = 0.5
            mt = torch.tensor(m)
            x = normal(batch + (d,), 1.5)
            fc.append(make_case(lambda x, W, b, mask: pack1(realnvp_forward(x, mt, W, b), ld_rows(lambda r: realnvp_forward(r, mt, W, b), x)),
                                {'x': x, 'W': W, 'b': b}, data={'mask': m.astype(int)}, grad=grads, note=note))
            y = normal(batch + (d,), 1.5)
            ic.append(make_case(lambda y, W, b, mask: pack1(realnvp_inverse(y, mt, W, b), ld_rows(lambda r: realnvp_inverse(r, mt, W, b), y)),
                                {'y': y, 'W': W, 'b': b}, data={'mask': m.astype(int)}, grad=tuple(g.replace('x', 'y') for g in grads), note=note))
        # saturated log-scales: raw ±1e4 → s = ±1 exactly
        m = np.array([1.0, 0.0, 0.0])
        W, b = np.zeros((3, 6)), np.array([0.0, 1.0, -1.0, 0.0, 1e4, -1e4])
        fc.append(make_case(lambda x, W, b, mask: pack1(realnvp_forward(x, torch.tensor(m), W, b), ld_rows(lambda r: realnvp_forward(r, torch.tensor(m), W, b), x)),
                            {'x': np.array([[0.5, 1.0, -2.0]]), 'W': W, 'b': b}, data={'mask': m.astype(int)}, grad=('x', 'W', 'b'), note='raw log-scale ±1e4'))
        fns['affineCoupling.forward'], fns['affineCoupling.inverse'] = fc, ic

    if parts is None or 7 in parts:
        common._Rng.gen = np.random.default_rng([20261209, 7])
        sys.stderr.write('section 7 %.0f\n' % time.time())
        # --- MADE, MAF, IAF: made({ features: D, hidden, zeroLast: false }) with the case's weights assigned
        def made_spec(d, hidden):
            ws, bs = [], []
            sizes = [d] + hidden + [2 * d]
            for l in range(len(sizes) - 1):
                ws.append(normal((sizes[l], sizes[l + 1]), 1 / math.sqrt(sizes[l])))
                bs.append(normal((sizes[l + 1],), 0.3))
            return ws, bs

        mc, mafF, mafI, iafF, iafI = [], [], [], [], []
        mdims = [1, 2, 3, 4, 5, 8] * 7 + [16, 64]
        for i, d in enumerate(mdims):
            hidden = [[8], [16], [6, 7]][i % 3] if d <= 8 else [32]
            batch = [(), (3,), (2,)][i % 3] if d <= 8 else (1,)
            order = list(RNG.permutation(d)) if i % 2 else list(range(d))
            ws, bs = made_spec(d, hidden)
            masks = made_masks(d, hidden, order)
            ins = {}
            for l in range(len(ws)):
                ins['w%d' % l], ins['b%d' % l] = ws[l], bs[l]
            data = {'order': np.array(order), 'hidden': np.array(hidden)}
            grads = ('x',) if d <= 16 else ()
            note = None if d <= 8 else 'd = %d' % d + ('' if grads else ' (values only)')

            def split(a):
                n = len(hidden) + 1
                return [a['w%d' % l] for l in range(n)], [a['b%d' % l] for l in range(n)]

            x = normal(batch + (d,), 1.5)
            mc.append(make_case(lambda x, **a: made_net(x, *split(a), masks), {'x': x, **ins}, data=data, grad=grads, note=note))
            # autoregressive property of the reference: output i independent of inputs at or after i in the order
            J = torch.autograd.functional.jacobian(lambda r: made_net(r, [torch.tensor(w) for w in ws], [torch.tensor(b) for b in bs], masks), torch.tensor(f32(x.reshape(-1, d)[0])))
            for o in range(2 * d):
                for j in range(d):
                    if order[j] >= order[o % d]:
                        assert J[o, j] == 0
            g1 = tuple(grads)
            gy = tuple(g.replace('x', 'y') for g in grads)

            def maf_inv(y, a):
                mu, s = ar_params(y, *split(a), masks)
                return (y - mu) * torch.exp(-s)

            def iaf_fwd(x, a):
                mu, s = ar_params(x, *split(a), masks)
                return x * torch.exp(s) + mu
            mafI.append(make_case(lambda y, **a: pack1(maf_inv(y, a), ld_rows(lambda r: maf_inv(r, a), y)),
                                  {'y': normal(batch + (d,), 1.5), **ins}, data=data, grad=gy, note=note))
            iafF.append(make_case(lambda x, **a: pack1(iaf_fwd(x, a), ld_rows(lambda r: iaf_fwd(r, a), x)),
                                  {'x': normal(batch + (d,), 1.5), **ins}, data=data, grad=g1, note=note))
            if d <= 16:
                maf_f = lambda x, a: ar_recursive(x, *split(a), masks, order, 1)  # noqa: E731
                iaf_i = lambda y, a: ar_recursive(y, *split(a), masks, order, -1)  # noqa: E731
                zz = normal(batch + (d,), 1.5)
                mafF.append(make_case(lambda x, **a: pack1(maf_f(x, a), ld_rows(lambda r: maf_f(r, a), x)),
                                      {'x': zz, **ins}, data=data, grad=g1, note=note))
                # the forward and inverse references are inverses of each other
                xx = maf_f(torch.tensor(f32(zz)), {k: torch.tensor(f32(v)) for k, v in ins.items()})
                back = maf_inv(xx, {k: torch.tensor(f32(v)) for k, v in ins.items()})
                assert torch.allclose(back, torch.tensor(f32(zz)), atol=1e-9)
                iafI.append(make_case(lambda y, **a: pack1(iaf_i(y, a), ld_rows(lambda r: iaf_i(r, a), y)),
                                      {'y': normal(batch + (d,), 1.5), **ins}, data=data, grad=gy, note=note))
        fns['made'] = mc
        fns['maskedAutoregressive.forward'], fns['maskedAutoregressive.inverse'] = mafF, mafI
        fns['inverseAutoregressive.forward'], fns['inverseAutoregressive.inverse'] = iafF, iafI

    if parts is None or 8 in parts:
        common._Rng.gen = np.random.default_rng([20261209, 8])
        sys.stderr.write('section 8 %.0f\n' % time.time())
        # --- rationalQuadraticSpline with a linear conditioner raw = (x ⊙ m)·W + b, [..., D, 3K − 1]
        sf, si = [], []

        def add_spline(x, m, W, b, K, B, note=None, grads=True, wgrad=True):
            mt = torch.tensor(m)
            data = {'mask': m.astype(int), 'bins': np.array(K)}
            ins = {'W': W, 'b': b, 'bound': np.array(B)}
            g = (('x', 'W', 'b') if wgrad else ('x', 'b')) if grads else ()
            sf.append(make_case(lambda x, W, b, bound, mask, bins: pack1(spline_coupling(x, mt, W, b, K, B, False),
                                                                          ld_rows(lambda r: spline_coupling(r, mt, W, b, K, B, False), x)),
                                {'x': x, **ins}, data=data, grad=g, note=note))
            # the inverse reference is checked as forward ∘ inverse = identity in float64
            yv = f32(x)
            xi = spline_coupling(torch.tensor(yv), mt, torch.tensor(f32(W)), torch.tensor(f32(b)), K, B, True)
            back = spline_coupling(xi, mt, torch.tensor(f32(W)), torch.tensor(f32(b)), K, B, False)
            assert torch.allclose(back, torch.tensor(yv), atol=1e-8, rtol=1e-8), (note, back, yv)
            si.append(make_case(lambda y, W, b, bound, mask, bins: pack1(spline_coupling(y, mt, W, b, K, B, True),
                                                                          ld_rows(lambda r: spline_coupling(r, mt, W, b, K, B, True), y)),
                                {'y': x, **ins}, data=data, grad=tuple(v.replace('x', 'y') for v in g), note=note))

        sdims = [2, 3, 4, 5, 6] * 8 + [16]
        sys.stderr.write('spline\n')
        for i, d in enumerate(sdims):
            K = int(RNG.choice([2, 4, 8]))
            B = float(RNG.choice([3.0, 1.0, 5.0]))
            batch = [(), (3,), (1, 2)][i % 3]
            m = mask_for(d)
            n = d * (3 * K - 1)
            W, b = normal((d, n), 0.5 / math.sqrt(d)), normal((n,), 1.0)
            x = RNG.uniform(-1.2 * B, 1.2 * B, size=batch + (d,))
            add_spline(x, m, W, b, K, B, note=None if d <= 8 else 'd = 16 (values only)', grads=d <= 8, wgrad=d <= 2)
        # extremes: no dependence on x (W = 0), the raw parameters in b
        d, K, B = 4, 4, 3.0
        m = np.array([1.0, 0.0, 0.0, 0.0])
        n = d * (3 * K - 1)
        xb = np.array([[0.3, -3.0, 3.0, 0.0], [1.0, -4.0, 7.0, -3.0], [0.0, 3.0, -1e4, 1e4]])
        add_spline(xb, m, np.zeros((d, n)), normal((n,), 1.0), K, B, note='x at ±B exactly and outside (identity tails)', wgrad=False)
        bb = np.zeros((d, 3 * K - 1))
        bb[:, 2 * K:] = [7.0, 1e3 / 1.0, -2.0]  # knot derivatives ≈ 7, 1e3 and small
        bb[:, :K] = [0.0, 2.0, -1.0, 0.5]
        add_spline(RNG.uniform(-B, B, size=(3, d)), m, np.zeros((d, n)), bb.reshape(-1), K, B, note='steep bins (knot derivative 1e3)', wgrad=False)
        bb = np.zeros((d, 3 * K - 1))
        bb[:, :K] = [-30.0, 5.0, -30.0, 0.0]  # bins 1 and 3 at the minimum width 2B·1e-3
        bb[:, K:2 * K] = [0.0, -30.0, 3.0, 0.0]
        xt = np.array([[0.0, -B + 0.003, -B + 0.001, 0.5], [0.0, 2.0, -1.0, B - 0.0005]])
        add_spline(xt, m, np.zeros((d, n)), bb.reshape(-1), K, B, note='tiny bins (width and height 2B·1e-3)', wgrad=False)
        fns['rationalQuadraticSpline.forward'], fns['rationalQuadraticSpline.inverse'] = sf, si

    if parts is None or 9 in parts:
        common._Rng.gen = np.random.default_rng([20261209, 9])
        sys.stderr.write('section 9 %.0f\n' % time.time())
        # --- actNorm (Glow §3.1): initialised with the case's (log σ, b); and after its data-dependent initialisation
        af, ai, a0i, a0f = [], [], [], []
        adims = [1, 2, 3, 4, 5, 8] * 7 + [64, 512]
        LDR = ld_diag_rows
        for i, d in enumerate(adims):
            batch = [(3,), (2,), (4,)][i % 3] if d <= 8 else (2,)
            ls, bi = normal((d,), 1), normal((d,), 2)
            grads = d <= 16
            note = None if d <= 8 else 'd = %d' % d + ('' if grads else ' (values only)')
            af.append(make_case(lambda x, logScale, bias: pack1(x * torch.exp(logScale) + bias, LDR(lambda r: r * torch.exp(logScale) + bias, x)),
                                {'x': normal(batch + (d,), 2), 'logScale': ls, 'bias': bi}, grad=('x',) if grads else (), note=note))
            ai.append(make_case(lambda y, logScale, bias: pack1((y - bias) * torch.exp(-logScale), LDR(lambda r: (r - bias) * torch.exp(-logScale), y)),
                                {'y': normal(batch + (d,), 2), 'logScale': ls, 'bias': bi}, grad=('y',) if grads else (), note=note))

        def stats(v, eps=1e-6):
            flat = v.detach().reshape(-1, v.shape[-1])
            mu = flat.mean(0)
            return mu, torch.sqrt(((flat - mu) ** 2).mean(0)) + eps

        def init_inv(y):
            mu, sd = stats(y)
            return (y - mu) / sd

        def init_fwd(x):
            mu, sd = stats(x)
            return x / sd - mu / sd
        for i, d in enumerate(adims):
            batch = [(3,), (2,), (4,)][i % 3] if d <= 8 else (2,)
            grads = ('y',) if d <= 16 else ()
            note = None if d <= 8 else 'd = %d' % d + ('' if grads else ' (values only)')
            y = normal(d, 3) + pos(d, -1, 1) * normal(batch + (d,), 1)
            a0i.append(make_case(lambda y: pack1(init_inv(y), LDR(lambda r: (r - stats(y)[0]) / stats(y)[1], y)),
                                 {'y': y}, grad=grads, note=note))
            a0f.append(make_case(lambda x: pack1(init_fwd(x), LDR(lambda r: r / stats(x)[1] - stats(x)[0] / stats(x)[1], x)),
                                 {'x': y}, grad=tuple(g.replace('y', 'x') for g in grads), note=note))
        # near-constant data: spread 1e-4 around 5 (float32 resolves it in ~200 steps)
        yc = 5.0 + 1e-4 * normal((6, 3), 1)
        a0i.append(make_case(lambda y: pack1(init_inv(y), LDR(lambda r: (r - stats(y)[0]) / stats(y)[1], y)),
                             {'y': yc}, grad=('y',), note='near-constant data (5 ± 1e-4)'))
        # exactly constant data: sd = 0, σ = epsilon = 1e-6
        a0i.append(make_case(lambda y: pack1(init_inv(y), LDR(lambda r: (r - stats(y)[0]) / stats(y)[1], y)),
                             {'y': np.full((4, 2), 0.75)}, grad=('y',), note='constant data (sd 0: σ = epsilon)'))
        fns['actNorm.forward'], fns['actNorm.inverse'] = af, ai
        fns['actNorm.inverse(init)'], fns['actNorm.forward(init)'] = a0i, a0f

    if parts is None or 10 in parts:
        common._Rng.gen = np.random.default_rng([20261209, 10])
        sys.stderr.write('section 10 %.0f\n' % time.time())
        # --- batchNorm (RealNVP §3.7): training inverse with the batch's statistics (gradient through them), and
        # inference forward / inverse with running statistics
        bt, bf, bi_ = [], [], []
        bdims = [1, 2, 3, 4, 5, 8] * 7 + [64]
        eps = 1e-5

        def bn_train(y, lg, be):
            flat = y.reshape(-1, y.shape[-1])
            mu = flat.mean(0)
            var = ((flat - mu) ** 2).mean(0)
            return lambda r: (r - mu) / torch.sqrt(var + eps) * torch.exp(lg) + be
        for i, d in enumerate(bdims):
            n = [3, 5, 8][i % 3]
            grads = d <= 16
            note = None if d <= 8 else 'd = %d' % d
            y = normal(d, 2) + pos(d, -1, 1) * normal((n, d), 1)
            lg, be = normal((d,), 0.5), normal((d,), 1)
            bt.append(make_case(lambda y, logGamma, beta: pack1(bn_train(y, logGamma, beta)(y), ld_rows(bn_train(y, logGamma, beta), y)),
                                {'y': y, 'logGamma': lg, 'beta': be}, grad=('y',) if grads else (), note=note))
            rm, rv = normal((d,), 2), pos((d,), -2, 2)
            batch = [(), (3,), (2, 3)][i % 3]

            def inv_inf(y, lg, be, rm, rv):
                return (y - rm) / torch.sqrt(rv + eps) * torch.exp(lg) + be

            def fwd_inf(x, lg, be, rm, rv):
                return (x - be) * torch.exp(-lg) * torch.sqrt(rv + eps) + rm
            g = ('logGamma', 'beta', 'runningMean', 'runningVariance')
            bi_.append(make_case(lambda y, logGamma, beta, runningMean, runningVariance: pack1(
                inv_inf(y, logGamma, beta, runningMean, runningVariance),
                ld_rows(lambda r: inv_inf(r, logGamma, beta, runningMean, runningVariance), y)),
                {'y': normal(batch + (d,), 2), 'logGamma': lg, 'beta': be, 'runningMean': rm, 'runningVariance': rv},
                grad=('y',) if grads else (), note=note))
            bf.append(make_case(lambda x, logGamma, beta, runningMean, runningVariance: pack1(
                fwd_inf(x, logGamma, beta, runningMean, runningVariance),
                ld_rows(lambda r: fwd_inf(r, logGamma, beta, runningMean, runningVariance), x)),
                {'x': normal(batch + (d,), 2), 'logGamma': lg, 'beta': be, 'runningMean': rm, 'runningVariance': rv},
                grad=('x',) if grads else (), note=note))
        yc = 2.0 + 1e-3 * normal((8, 2), 1)
        bt.append(make_case(lambda y, logGamma, beta: pack1(bn_train(y, logGamma, beta)(y), ld_rows(bn_train(y, logGamma, beta), y)),
                            {'y': yc, 'logGamma': np.zeros(2), 'beta': np.zeros(2)}, grad=('y',), note='near-constant batch (2 ± 1e-3)'))
        fns['batchNorm.inverse(training)'] = bt
        fns['batchNorm.forward(inference)'], fns['batchNorm.inverse(inference)'] = bf, bi_

    if parts is None or 11 in parts:
        common._Rng.gen = np.random.default_rng([20261209, 11])
        sys.stderr.write('section 11 %.0f\n' % time.time())
        # --- luLinear (Glow §3.2): y = x[π]·L·U, L unit lower, U upper with diagonal exp(log u)
        lf, li = [], []
        ldims = [1, 2, 3, 4, 5, 8] * 7 + [16, 64]  # d = 128 would store 2·128² parameters per case (1 MB)

        def lu(L, U, logDiag):
            return torch.tril(L, -1) + torch.eye(L.shape[0]), torch.triu(U, 1) + torch.diag(torch.exp(logDiag))
        for i, d in enumerate(ldims):
            batch = [(), (3,), (2,)][i % 3] if d <= 8 else (1,)
            perm = RNG.permutation(d)
            inv = np.argsort(perm)
            sc = 0.3 / math.sqrt(d)
            L, U, ld = normal((d, d), sc), normal((d, d), sc), normal((d,), 0.3)
            grads = d <= 16
            note = None if d <= 8 else 'd = %d' % d + ('' if grads else ' (values only)')
            ins = {'L': L, 'U': U, 'logDiag': ld}
            g = ('L', 'U', 'logDiag')

            def f_lu(x, L, U, logDiag, p=perm):
                l, u = lu(L, U, logDiag)
                return x[..., p] @ l @ u

            def i_lu(y, L, U, logDiag, p=inv):
                l, u = lu(L, U, logDiag)
                w = torch.linalg.solve((l @ u).T, y.unsqueeze(-1)).squeeze(-1)  # w·(LU) = y
                return w[..., p]
            if d > 5:
                g = ('logDiag',)
            lf.append(make_case(lambda x, L, U, logDiag, perm: pack1(f_lu(x, L, U, logDiag), ld_rows(lambda r: f_lu(r, L, U, logDiag), x)),
                                {'x': normal(batch + (d,), 1.5), **ins}, data={'perm': perm}, grad=('x',) if grads else (), note=note))
            li.append(make_case(lambda y, L, U, logDiag, perm: pack1(i_lu(y, L, U, logDiag), ld_rows(lambda r: i_lu(r, L, U, logDiag), y)),
                                {'y': normal(batch + (d,), 1.5), **ins}, data={'perm': perm}, grad=('y',) if grads else (), note=note))
        fns['luLinear.forward'], fns['luLinear.inverse'] = lf, li

    if parts is None or 12 in parts:
        common._Rng.gen = np.random.default_rng([20261209, 12])
        sys.stderr.write('section 12 %.0f\n' % time.time())
        # --- StandardNormal.logProb: torch Independent(Normal(0, 1), event rank)
        sn = []
        shapes = [((), (3,)), ((2,), (4,)), ((1,), ()), ((3,), (2,)), ((2, 3), ()), ((5,), (2, 2)), ((8,), ())] * 6
        shapes += [((64,), (2,)), ((512,), ())]
        for ev, batch in shapes:
            z = normal(batch + ev, 2)
            sn.append(make_case(lambda z, eventShape: D.Independent(D.Normal(torch.zeros_like(z), torch.ones_like(z)), len(ev)).log_prob(z),
                                {'z': z}, data={'eventShape': np.array(ev, dtype=int)}, grad=('z',), note='event %s' % (list(ev),)))
        sn.append(make_case(lambda z, eventShape: D.Normal(0.0, 1.0).log_prob(z).sum(-1), {'z': np.array([[1e4, -1e4], [1e20, 0.0], [1e-30, 3.0]])},
                            data={'eventShape': np.array([2])}, grad=('z',), note='z ±1e4, 1e20 (z² beyond float32: −Infinity)'))
        fns['StandardNormal.logProb'] = sn

    if parts is None or 13 in parts:
        common._Rng.gen = np.random.default_rng([20261209, 13])
        sys.stderr.write('section 13 %.0f\n' % time.time())
        # --- TransformedDistribution.logProb: (a) StandardNormal([D]) through chain(affine({shift, scale}), exp()):
        # torch Independent(TransformedDistribution(Normal(0, 1), [Exp, Affine]), 1); (b) through
        # chain(affineCoupling(linear), reverse()): log N(f⁻¹(y)) + log|det ∂f⁻¹/∂y| (jacobian + slogdet)
        ta, tb = [], []
        for i in range(N_RANDOM):
            d = [1, 2, 3, 5][i % 4]
            batch = [(), (3,), (2, 2)][i % 3]
            sh, sc = normal((d,), 2), pos((d,), -1, 1)
            y = f32(sh) + f32(sc) * np.exp(normal(batch + (d,), 1))
            ta.append(make_case(lambda shift, scale, y: D.Independent(D.TransformedDistribution(D.Normal(torch.zeros(d), 1.0), [T.ExpTransform(), T.AffineTransform(shift, scale)]), 1).log_prob(y),
                                {'shift': sh, 'scale': sc, 'y': y}, grad=('shift', 'scale', 'y')))
            d = [2, 3, 4, 6][i % 4]
            m = mask_for(d)
            mt = torch.tensor(m)
            W, b = normal((d, 2 * d), 1 / math.sqrt(d)), normal((2 * d,), 0.5)

            def finv(r, W, b):
                # chain(coupling, reverse()).inverse: the coupling's inverse first, then reverse's
                return realnvp_inverse(r, mt, W, b).flip(-1)

            def lp(y, W, b, mask):
                z = finv(y, W, b)
                return D.Normal(0.0, 1.0).log_prob(z).sum(-1) + ld_rows(lambda r: finv(r, W, b), y)
            tb.append(make_case(lp, {'y': normal(batch + (d,), 1.5), 'W': W, 'b': b}, data={'mask': m.astype(int)}, grad=('y', 'W', 'b') if d <= 3 else ('y', 'b')))
        fns['TransformedDistribution.logProb(affine, exp)'] = ta
        fns['TransformedDistribution.logProb(coupling, reverse)'] = tb


    if parts is not None:
        import json
        with open('/tmp/flows_part_%s.json' % '_'.join(map(str, parts)), 'w') as fh:
            json.dump(fns, fh)
        return
    write('flows', fns)


def merge(names):
    """Writes references/flows.json from part files (pass them in section order: the file's key order)."""
    import json
    fns = {}
    for n in names:
        with open(n) as fh:
            fns.update(json.load(fh))
    write('flows', fns)
