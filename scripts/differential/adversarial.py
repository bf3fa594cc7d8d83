"""References for @genmod/adversarial (see generate.py).

No library has GAN losses, gradient penalties or spectral normalization, so every reference is the paper's
definition written directly in torch float64 (never our formula):

- the losses: Goodfellow et al. 2014 (−E log D(x) − E log(1 − D(G(z))), D = σ(logit), log D and log(1 − D) by
  torch.nn.functional.logsigmoid), Mao et al. 2017 (LSGAN, a = 0, b = c = 1, the ½ of eq. 2), Lim & Ye 2017
  (hinge, F.relu), Arjovsky et al. 2017 (W₁ estimate), Poole et al. 2016 (−E logit);
- the penalties: Gulrajani et al. 2017 (WGAN-GP at explicit interpolation weights ε), Mescheder et al. 2018 (R1,
  R2), with the critic f(x) = Σⱼ tanh(x·W)ⱼ vⱼ, ∇ₓf from torch.autograd.grad(create_graph=True), the gradients of
  the penalty with respect to W, v, the data and ε by double backward;
- spectralNorm: σ = the largest singular value from torch.linalg.svdvals (values checked against
  np.linalg.svd), W/σ, u = the top right singular vector (sign of the start vector); gradients by autograd
  through svdvals, which equal Miyato et al.'s v·uᵀ at convergence (u, v constants);
- clipWeights: np.clip (exact);
- AVB (Mescheder et al. 2017, eq. 3.3-3.5): −E_q log σ(T) − E_p log(1 − σ(T)), E_q T, E_q[log p(x|z) − T].
"""
import math

import numpy as np
import torch
import torch.nn.functional as F

from common import *  # noqa: F401,F403  (f32, make_case, write, RNG, seed_for, ...)

# Defects of ours still open, (function, case note) -> why (the suite asserts that these cases still fail).
KNOWN_FAILURES = {}

SIZES = [1, 1, 2, 3, 4, 5, 7, 8, 13, 16, 32, 64]


def logits_like(n, col):
    s = [0.3, 1.0, 3.0, 10.0][RNG.integers(0, 4)]
    x = RNG.normal(RNG.normal(0, 1), s, size=n)
    return x.reshape(n, 1) if col else x


# ---------------------------------------------------------------------------------------------- losses
def mm_d(real, fake):  # Goodfellow 2014, eq. 1 (the discriminator's cross-entropy, minimized)
    return -F.logsigmoid(real).mean() - F.logsigmoid(-fake).mean()


def mm_g(fake):  # E log(1 − D(G(z)))
    return F.logsigmoid(-fake).mean()


def ns_g(fake):  # −E log D(G(z))
    return -F.logsigmoid(fake).mean()


def lr_g(fake):  # −E log(D/(1 − D))
    return -(F.logsigmoid(fake) - F.logsigmoid(-fake)).mean()


def ls_d(real, fake):  # Mao 2017 eq. 2, a = 0, b = 1
    return 0.5 * ((real - 1) ** 2).mean() + 0.5 * (fake ** 2).mean()


def ls_g(fake):  # c = 1
    return 0.5 * ((fake - 1) ** 2).mean()


def hinge_d(real, fake):  # Lim & Ye 2017
    return F.relu(1 - real).mean() + F.relu(1 + fake).mean()


def hinge_g(fake):
    return -fake.mean()


def w_d(real, fake):  # Arjovsky 2017: −(E f(x) − E f(G(z)))
    return -(real.mean() - fake.mean())


def w_g(fake):
    return -fake.mean()


PAIRS = {'minimaxDiscriminatorLoss': mm_d, 'leastSquaresDiscriminatorLoss': ls_d, 'hingeDiscriminatorLoss': hinge_d,
         'wassersteinCriticLoss': w_d}
SINGLES = {'minimaxGeneratorLoss': mm_g, 'nonSaturatingGeneratorLoss': ns_g, 'logRatioGeneratorLoss': lr_g,
           'leastSquaresGeneratorLoss': ls_g, 'hingeGeneratorLoss': hinge_g, 'wassersteinGeneratorLoss': w_g}
GAN_LOSSES = {'minimaxLoss': (mm_d, mm_g), 'nonSaturatingLoss': (mm_d, ns_g), 'logRatioLoss': (mm_d, lr_g),
              'leastSquaresLoss': (ls_d, ls_g), 'hingeLoss': (hinge_d, hinge_g), 'wassersteinLoss': (w_d, w_g)}

PAIR_EXTREMES = [
    ([1e4, -1e4, 3.0], [-1e4, 1e4, -2.0], 'logits ±1e4'),
    ([1e4], [-1e4], 'logits ±1e4, one sample each (a perfect discriminator)'),
    ([-1e4, -1e4], [1e4], 'logits ∓1e4 (a fooled discriminator), batch sizes 2 and 1'),
    ([0.0], [0.0, 0.0, 0.0], 'logits 0, batch sizes 1 and 3'),
    ([1.0, 2.0, 1.0], [-1.0, -1.0, -3.0], 'scores on the hinges (1 and −1: subgradient 0, torch relu)'),
    ([88.0, 100.0, -88.0, -100.0], [-88.0, -100.0, 88.0, 100.0], 'logits ±88, ±100 (exp overflows float32)'),
    ([30.0, 17.0], [-30.0, -17.0], 'logits ±17, ±30 (σ rounds to 1 in float32)'),
]
SINGLE_EXTREMES = [
    ([1e4, -1e4, 3.0], 'logits ±1e4'),
    ([-1e4], 'logit −1e4, one sample (the minimax loss saturates)'),
    ([1e4], 'logit 1e4, one sample'),
    ([0.0, 0.0], 'logits 0'),
    ([-1.0, 0.0, 1.0, 2.0], 'scores around 1'),
    ([88.0, 100.0, -88.0, -100.0], 'logits ±88, ±100 (exp overflows float32)'),
    ([30.0, -17.0, 17.0, -30.0], 'logits ±17, ±30'),
]


def loss_cases(fn, pair, small=False):
    """small: the GanLoss objects' roles (the same functions as the named losses): batches up to 16, no B = 512."""
    cases = []
    sizes = SIZES[:-2] if small else SIZES
    for i in range(N_RANDOM):
        col = bool(RNG.integers(0, 2))
        nr, nf = sizes[RNG.integers(0, len(sizes))], sizes[RNG.integers(0, len(sizes))]
        if pair:
            cases.append(make_case(fn, {'real': logits_like(nr, col), 'fake': logits_like(nf, col)}, grad=('real', 'fake')))
        else:
            cases.append(make_case(fn, {'fake': logits_like(nf, col)}, grad=('fake',)))
    # B = 512 (values and gradients: every element is an independent term)
    if pair and not small:
        cases.append(make_case(fn, {'real': logits_like(512, False), 'fake': logits_like(300, False)},
                               grad=('real', 'fake'), note='batch sizes 512 and 300'))
    if pair:
        for r, f, note in PAIR_EXTREMES:
            cases.append(make_case(fn, {'real': np.array(r), 'fake': np.array(f)}, grad=('real', 'fake'), note=note))
        cases.append(make_case(fn, {'real': np.array([[1e4], [-1e4]]), 'fake': np.array([[-1e4]])},
                               grad=('real', 'fake'), note='logits ±1e4, shape [B, 1]'))
    else:
        if not small:
            cases.append(make_case(fn, {'fake': logits_like(512, False)}, grad=('fake',), note='batch size 512'))
        for f, note in SINGLE_EXTREMES:
            cases.append(make_case(fn, {'fake': np.array(f)}, grad=('fake',), note=note))
        cases.append(make_case(fn, {'fake': np.array([[1e4], [-1e4]])}, grad=('fake',), note='logits ±1e4, shape [B, 1]'))
    return cases


# ------------------------------------------------------------------------------------------- penalties
def critic(x, W, v):
    """f(x) = Σⱼ tanh(x·W)ⱼ vⱼ, x flattened to [B, d]."""
    return (torch.tanh(x.reshape(x.shape[0], -1) @ W) * v).sum(-1)


def mixed_critic(x, W, v):
    """f(x) = Σⱼ vⱼ·a(x·W)ⱼ, a(z) = σ(z) + elu(z) + softplus(z) + leakyRelu(z, 0.2) + 0.1·z³: every activation
    whose second derivative tfjs 4.22 gets wrong or refuses without enableHigherOrderGradients, in one critic."""
    z = x.reshape(x.shape[0], -1) @ W
    a = torch.sigmoid(z) + F.elu(z) + F.softplus(z) + F.leaky_relu(z, 0.2) + 0.1 * z ** 3
    return (a * v).sum(-1)


def input_grad(x, W, v, f=None):
    return torch.autograd.grad((f or critic)(x, W, v).sum(), x, create_graph=True)[0]


def gp_ref(real, fake, epsilon, W, v, target, weight, f=None):
    """Gulrajani 2017, Algorithm 1: λ·E(‖∇ D(x̂)‖₂ − target)², x̂ = ε x + (1 − ε) x̃."""
    e = epsilon.reshape([-1] + [1] * (real.dim() - 1))
    xhat = e * real + (1 - e) * fake
    g = input_grad(xhat, W, v, f).reshape(real.shape[0], -1)
    return weight * ((torch.linalg.vector_norm(g, dim=1) - target) ** 2).mean()


def r1_ref(x, W, v, weight, f=None):
    """Mescheder 2018, eq. 9 / 10: γ/2 · E‖∇D(x)‖²."""
    g = input_grad(x, W, v, f).reshape(x.shape[0], -1)
    return weight / 2 * (g ** 2).sum(-1).mean()


def penalty_shapes():
    B = [1, 2, 3, 4, 6, 8][RNG.integers(0, 6)]
    d = [1, 2, 3, 5, 8, 12, 16][RNG.integers(0, 7)]
    h = [1, 2, 3, 4][RNG.integers(0, 4)]
    event = (d,) if d != 6 else (2, 3)
    if RNG.integers(0, 5) == 0:
        event, d = (2, 3), 6
    return B, event, d, h


def weights(d, h, scale=1.0):
    return RNG.normal(0, scale / math.sqrt(d), size=(d, h)), RNG.normal(0, 1, size=h)


def penalty_cases():
    gp, r1, r2 = [], [], []
    for i in range(N_RANDOM):
        B, event, d, h = penalty_shapes()
        W, v = weights(d, h, [0.5, 1.0, 3.0][RNG.integers(0, 3)])
        real = RNG.normal(0, 1, size=(B,) + event)
        fake = RNG.normal(RNG.normal(0, 1), 1.5, size=(B,) + event)
        eps = RNG.uniform(0, 1, size=B)
        target = [1.0, 1.0, 0.5, 2.0][RNG.integers(0, 4)]
        weight = [10.0, 10.0, 1.0, 0.1][RNG.integers(0, 4)]
        gp.append(make_case(gp_ref, {'real': real, 'fake': fake, 'epsilon': eps, 'W': W, 'v': v,
                                     'target': np.float64(target), 'weight': np.float64(weight)},
                            grad=('real', 'fake', 'epsilon', 'W', 'v')))
        r1.append(make_case(lambda real, W, v, weight: r1_ref(real, W, v, weight),
                            {'real': real, 'W': W, 'v': v, 'weight': np.float64(weight)}, grad=('real', 'W', 'v')))
        r2.append(make_case(lambda fake, W, v, weight: r1_ref(fake, W, v, weight),
                            {'fake': fake, 'W': W, 'v': v, 'weight': np.float64(weight)}, grad=('fake', 'W', 'v')))

    def ext(B, d, h, note, W=None, v=None, real=None, fake=None, eps=None, target=1.0, weight=10.0, grads=True):
        W0, v0 = weights(d, h)
        W = W0 if W is None else W
        v = v0 if v is None else v
        real = RNG.normal(0, 1, size=(B, d)) if real is None else real
        fake = RNG.normal(0, 1, size=(B, d)) if fake is None else fake
        eps = RNG.uniform(0, 1, size=B) if eps is None else eps
        g = ('real', 'fake', 'epsilon', 'W', 'v') if grads else ()
        gp.append(make_case(gp_ref, {'real': real, 'fake': fake, 'epsilon': eps, 'W': W, 'v': v,
                                     'target': np.float64(target), 'weight': np.float64(weight)}, grad=g, note=note,
                            with_grads=grads))
        r1.append(make_case(lambda real, W, v, weight: r1_ref(real, W, v, weight),
                            {'real': real, 'W': W, 'v': v, 'weight': np.float64(weight)},
                            grad=('real', 'W', 'v') if grads else (), note=note, with_grads=grads))
        r2.append(make_case(lambda fake, W, v, weight: r1_ref(fake, W, v, weight),
                            {'fake': fake, 'W': W, 'v': v, 'weight': np.float64(weight)},
                            grad=('fake', 'W', 'v') if grads else (), note=note, with_grads=grads))

    ext(1, 4, 3, 'one sample')
    ext(1, 1, 1, 'one sample, d = 1, one hidden unit')
    ext(2, 128, 2, 'd = 128')
    ext(2, 512, 2, 'd = 512 (values only)', grads=False)
    ext(1, 512, 1, 'one sample, d = 512, one hidden unit')
    ext(3, 3, 2, 'v = 0: ∇D = 0 at every point (‖∇‖ = 0, whose sqrt has an infinite derivative: torch and ours take 0)',
        v=np.zeros(2))
    sat = np.array([[1e4, -1e4], [-1e4, 1e4], [1e4, 1e4]])
    ext(3, 2, 2, 'x·W = ±1e4 at every point: tanh saturated, ∇D = 0 exactly',
        W=np.eye(2), real=sat, fake=sat)
    ext(3, 3, 2, 'critic outputs about ±1e4 (v = ±1e4)', v=np.array([1e4, -1e4]))
    ext(4, 3, 2, 'ε exactly 0 and 1', eps=np.array([0.0, 1.0, 0.0, 1.0]))
    ext(3, 3, 2, 'target 0', target=0.0)
    ext(3, 3, 2, 'weight 0', weight=0.0)
    ext(3, 3, 2, 'real = fake (zero-distance interpolates)', real=np.ones((3, 3)) * 0.3, fake=np.ones((3, 3)) * 0.3)
    return gp, r1, r2


def mixed_penalty_cases():
    """The penalties with mixed_critic (B ≤ 4, d ≤ 8, h ≤ 3), random cases and one sample."""
    gp, r1 = [], []
    for i in range(N_RANDOM + 1):
        B, d, h = (1, 3, 2) if i == N_RANDOM else (int(RNG.integers(1, 5)), int(RNG.integers(1, 9)), int(RNG.integers(1, 4)))
        W, v = weights(d, h, [0.5, 1.0, 2.0][RNG.integers(0, 3)])
        real, fake = RNG.normal(0, 1, size=(B, d)), RNG.normal(0.5, 1.5, size=(B, d))
        note = 'one sample' if i == N_RANDOM else None
        gp.append(make_case(lambda real, fake, epsilon, W, v, target, weight:
                            gp_ref(real, fake, epsilon, W, v, target, weight, mixed_critic),
                            {'real': real, 'fake': fake, 'epsilon': RNG.uniform(0, 1, size=B), 'W': W, 'v': v,
                             'target': np.float64(1.0), 'weight': np.float64(10.0)},
                            grad=('real', 'fake', 'epsilon', 'W', 'v'), note=note))
        r1.append(make_case(lambda real, W, v, weight: r1_ref(real, W, v, weight, mixed_critic),
                            {'real': real, 'W': W, 'v': v, 'weight': np.float64(10.0)}, grad=('real', 'W', 'v'),
                            note=note))
    return gp, r1


# ----------------------------------------------------------------------------------------- clipWeights
def clip_cases():
    cases = []

    def add(w, c, note=None):
        cases.append(make_case(lambda w, c: torch.clamp(w, -c, c), {'w': w, 'c': np.float64(c)}, with_grads=False,
                               note=note, value_override=np.clip(f32(w), -f32(c), f32(c))))

    for i in range(N_RANDOM):
        shape = [(5,), (3, 4), (2, 3, 4), (64,), (7, 1)][RNG.integers(0, 5)]
        c = float(pos((), -3, 1))
        add(RNG.normal(0, 1, size=shape) * c * 2, c)
    add(RNG.normal(0, 1, size=512), 0.01, 'd = 512, the paper\'s c = 0.01')
    add(np.array([-1e30, -1.0, 1e-30, 1e30]), 1e-30, 'c = 1e-30')
    add(np.array([-1e30, -1.0, 1e-30, 3e38]), 1e30, 'c = 1e30')
    add(np.array([-np.inf, np.inf, 0.5]), 0.25, 'weights ±Infinity')
    add(np.array([-0.25, 0.25, 0.1]), 0.25, 'weights exactly ±c')
    add(np.array([np.nan, 1.0]), 0.5, 'a NaN weight stays NaN')
    return cases


# ---------------------------------------------------------------------------------------- spectralNorm
def top_u(W2, u0):
    """The top right singular vector of W (as [m, n]) with the sign of the start vector u0."""
    _, _, vh = np.linalg.svd(W2)
    u = vh[0]
    return u if float(u @ u0) >= 0 else -u


def sn_matrix(shape, min_ratio=1.25):
    """A random kernel whose two largest singular values differ by min_ratio (power iteration converges)."""
    m = int(np.prod(shape[:-1]))
    n = shape[-1]
    while True:
        W = RNG.normal(0, 1, size=shape)
        if m * n >= 256:
            # large random matrices have their singular values packed near √max(m, n): add a rank-one spike
            a, b = RNG.normal(0, 1, size=m), RNG.normal(0, 1, size=n)
            W = W + 2 * math.sqrt(max(m, n)) * np.outer(a / np.linalg.norm(a), b / np.linalg.norm(b)).reshape(shape)
        W = W * [0.05, 1.0, 20.0][RNG.integers(0, 3)]
        s = np.linalg.svd(f32(W).reshape(m, n), compute_uv=False)
        if len(s) == 1 or s[0] / s[1] >= min_ratio:
            return W, s


def iterations_for(s):
    if len(s) == 1 or s[1] == 0:
        return 3
    return int(min(2000, math.ceil(math.log(1e-16) / (2 * math.log(s[1] / s[0]))) + 3))


def sigma_t(W, n):
    return torch.linalg.svdvals(W.reshape(-1, n))[0]


def spectral_cases():
    sig, wsn, uu = [], [], []

    def add(W, u0, note=None, grads=True, its=None, u_too=True):
        n = W.shape[-1]
        W2 = f32(W).reshape(-1, n)
        s = np.linalg.svd(W2, compute_uv=False)
        its = its or iterations_for(s)
        data = {'iterations': np.array([its])}
        svd_sigma = s[0]
        g = ('W', 'u') if grads else ()
        sig.append(make_case(lambda W, u, iterations: sigma_t(W, n) + 0 * u.sum(), {'W': W, 'u': u0}, grad=g, data=data,
                             note=note, with_grads=grads, value_override=np.array(svd_sigma)))
        wsn.append(make_case(lambda W, u, iterations: W / sigma_t(W, n) + 0 * u.sum(), {'W': W, 'u': u0}, grad=g, data=data,
                             note=note, with_grads=grads, value_override=f32(W) / svd_sigma))
        if u_too:
            def u_ref(W, u, iterations):
                _, _, vh = torch.linalg.svd(W.reshape(-1, n), full_matrices=False)
                top = vh[0]
                return top * torch.sign((top * u.detach()).sum())
            uu.append(make_case(u_ref, {'W': W, 'u': u0}, with_grads=False, data=data, note=note,
                                value_override=top_u(W2, f32(u0))))

    for i in range(N_RANDOM):
        shape = [(3, 2), (4, 4), (2, 5), (8, 3), (10, 10), (3, 3, 2, 4), (1, 6), (6, 1), (12, 5)][RNG.integers(0, 9)]
        W, s = sn_matrix(shape)
        add(W, RNG.normal(0, 1, size=shape[-1]))
    W, _ = sn_matrix((512, 4))
    add(W, RNG.normal(0, 1, size=4), note='W [512, 4] (values only)', grads=False)
    W, _ = sn_matrix((4, 512), 1.1)
    add(W, RNG.normal(0, 1, size=512), note='W [4, 512] (values only)', grads=False)
    add(np.array([[-2.5]]), np.array([1.0]), note='W [1, 1]')
    add(np.outer([1.0, -2.0, 0.5], [0.3, 0.4]), np.array([1.0, 0.2]), note='rank 1')
    base, _ = sn_matrix((4, 3), 1.5)
    for sc in [1e-30, 1e-20, 1e-10, 1e10, 1e20, 1e30]:
        add(base * sc, np.array([0.3, -1.0, 0.5]), note='W scaled by %g' % sc)
    add(base, np.array([0.3, -1.0, 0.5]) * 1e-20, note='start vector u of norm 1e-20')
    add(np.diag([2.0, 2.0, 1.0]), np.array([0.6, 0.8, 0.1]), note='σ₁ = σ₂ (values only: u not unique)',
        grads=False, its=50, u_too=False)
    return sig, wsn, uu


def one_step(W, u, n):
    """Miyato et al. 2018, Algorithm 1, one update from u (u and v constants for differentiation): with W as
    [m, n] (tfjs [in, out]), v = W u/‖W u‖, u' = Wᵀv/‖Wᵀv‖, σ = vᵀ W u'."""
    Wm = W.reshape(-1, n)
    with torch.no_grad():
        v = Wm @ u
        v = v / torch.linalg.vector_norm(v)
        u1 = Wm.T @ v
        u1 = u1 / torch.linalg.vector_norm(u1)
    return v @ Wm @ u1


def spectral_one_step_cases():
    sig, wsn = [], []

    def add(W, u0, note=None):
        n = W.shape[-1]
        data = {'iterations': np.array([1])}
        sig.append(make_case(lambda W, u, iterations: one_step(W, u, n), {'W': W, 'u': u0}, grad=('W',), data=data,
                             note=note))
        wsn.append(make_case(lambda W, u, iterations: W / one_step(W, u, n), {'W': W, 'u': u0}, grad=('W',),
                             data=data, note=note))

    for i in range(N_RANDOM):
        shape = [(3, 2), (4, 4), (2, 5), (8, 3), (3, 3, 2, 4), (1, 6), (6, 1), (12, 5)][RNG.integers(0, 8)]
        add(RNG.normal(0, 1, size=shape) * [0.05, 1.0, 20.0][RNG.integers(0, 3)], RNG.normal(0, 1, size=shape[-1]))
    base = RNG.normal(0, 1, size=(4, 3))
    for sc in [1e-30, 1e-20, 1e-10, 1e10, 1e20, 1e30]:
        add(base * sc, np.array([0.3, -1.0, 0.5]), note='W scaled by %g' % sc)
    add(base, np.array([0.3, -1.0, 0.5]) * 1e-20, note='start vector u of norm 1e-20')
    add(base, np.array([0.3, -1.0, 0.5]) * 1e20, note='start vector u of norm 1e20')
    return sig, wsn


# ------------------------------------------------------------------------------------------------ AVB
def avb_d(posterior, prior):  # Mescheder 2017 eq. 3.3
    return -F.logsigmoid(posterior).mean() - F.logsigmoid(-prior).mean()


def avb_kl(posterior):  # eq. 3.4: E_q T*
    return posterior.mean()


def avb_elbo(logLikelihood, posterior):  # eq. 3.5
    return (logLikelihood.reshape(-1) - posterior.reshape(-1)).mean()


def avb_cases():
    d, kl, el = [], [], []
    for i in range(N_RANDOM):
        col = bool(RNG.integers(0, 2))
        nq, npr = SIZES[RNG.integers(0, len(SIZES))], SIZES[RNG.integers(0, len(SIZES))]
        d.append(make_case(avb_d, {'posterior': logits_like(nq, col), 'prior': logits_like(npr, col)},
                           grad=('posterior', 'prior')))
        kl.append(make_case(avb_kl, {'posterior': logits_like(nq, col)}, grad=('posterior',)))
        ll = -np.abs(RNG.normal(0, 1, size=nq)) * [1.0, 100.0, 1e4][RNG.integers(0, 3)]
        el.append(make_case(avb_elbo, {'logLikelihood': ll.reshape(nq, 1) if col else ll,
                                       'posterior': logits_like(nq, not col if RNG.integers(0, 2) else col)},
                            grad=('logLikelihood', 'posterior')))
    for r, f, note in PAIR_EXTREMES:
        if 'hinge' in note:
            continue
        d.append(make_case(avb_d, {'posterior': np.array(r), 'prior': np.array(f)}, grad=('posterior', 'prior'), note=note))
    d.append(make_case(avb_d, {'posterior': logits_like(512, False), 'prior': logits_like(512, False)},
                       grad=('posterior', 'prior'), note='B = 512'))
    for f, note in SINGLE_EXTREMES:
        kl.append(make_case(avb_kl, {'posterior': np.array(f)}, grad=('posterior',), note=note))
    el.append(make_case(avb_elbo, {'logLikelihood': np.array([-1e30, -1.0]), 'posterior': np.array([1e4, -1e4])},
                        grad=('logLikelihood', 'posterior'), note='log-likelihood −1e30, logits ±1e4'))
    el.append(make_case(avb_elbo, {'logLikelihood': np.array([-3.0]), 'posterior': np.array([[0.5]])},
                        grad=('logLikelihood', 'posterior'), note='one sample, [1] against [1, 1]'))
    el.append(make_case(avb_elbo, {'logLikelihood': RNG.normal(-50, 10, size=512), 'posterior': logits_like(512, False)},
                        grad=('logLikelihood', 'posterior'), note='B = 512'))
    return d, kl, el


def gen():
    seed_for('adversarial')
    fns = {}
    for name, fn in PAIRS.items():
        fns[name] = loss_cases(fn, True)
    for name, fn in SINGLES.items():
        fns[name] = loss_cases(fn, False)
    for name, (dfn, gfn) in GAN_LOSSES.items():
        fns[name + '.discriminator'] = loss_cases(dfn, True, small=True)
        fns[name + '.generator'] = loss_cases(gfn, False, small=True)
    gp, r1, r2 = penalty_cases()
    fns['gradientPenalty'] = gp
    fns['r1Penalty'] = r1
    fns['r2Penalty'] = r2
    gpm, r1m = mixed_penalty_cases()
    fns['gradientPenalty(mixed activations)'] = gpm
    fns['r1Penalty(mixed activations)'] = r1m
    fns['clipWeights'] = clip_cases()
    sig, wsn, uu = spectral_cases()
    fns['spectralNorm.sigma'] = sig
    fns['spectralNorm.weight'] = wsn
    fns['spectralNorm.u'] = uu
    sig1, wsn1 = spectral_one_step_cases()
    fns['spectralNorm.sigma(1 step)'] = sig1
    fns['spectralNorm.weight(1 step)'] = wsn1
    d, kl, el = avb_cases()
    fns['avbDiscriminatorLoss'] = d
    fns['avbKl'] = kl
    fns['avbElbo'] = el
    write('adversarial', fns, KNOWN_FAILURES)
