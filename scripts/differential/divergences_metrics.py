"""References for the sample-quality metrics of @genmod/divergences (issue 18; see generate.py).

Values only (evaluation metrics, no gradients), in float64 from the float32-rounded features:
- frechetDistance: the common FID implementation, ||mu1 - mu2||^2 + trace(s1 + s2 - 2 sqrtm(s1 @ s2)).real with
  scipy.linalg.sqrtm and np.cov (ddof 1). cond is a scale, not a derivative (sqrtm has no autograd here):
  2 (||mu_r||^2 + ||mu_g||^2 + tr S_r + tr S_g), the size of the terms whose difference d^2 is, so the
  k * 2^-23 * cond allowance covers the cancellation of equal or near-singular sets.
- kernelDistance: the unbiased MMD^2 with the polynomial kernel (x.y/d + 1)^3 of Binkowski et al. 2018, written
  from the paper in torch float64 on explicit subsets (the integer data realIdx / genIdx [S, s], passed to our
  `indices` option), mean over subsets and standard error sd/sqrt(S) (ddof 1); cond from torch autograd.
- precisionRecall (Kynkaenniemi et al. 2019) and densityCoverage (Naeem et al. 2020) from their definitions with
  scipy.spatial.distance.cdist: k-th nearest-neighbour radii within a sample (the point itself excluded),
  membership with <=. Counts divided by sizes: cond 0.
"""
import numpy as np
import scipy.linalg
import scipy.spatial.distance
import torch

from common import *  # noqa: F401,F403  (f32, make_case, write, RNG, seed_for, N_RANDOM, ...)


def keep(v, *xs):
    """A value as a graph node of the inputs with zero derivative (cond 0)."""
    return torch.as_tensor(v, dtype=torch.float64) + 0 * sum(x.sum() for x in xs)


def fid_ref(a, b):
    mu1, mu2 = a.mean(0), b.mean(0)
    s1, s2 = np.atleast_2d(np.cov(a, rowvar=False)), np.atleast_2d(np.cov(b, rowvar=False))
    covmean = scipy.linalg.sqrtm(s1 @ s2)
    if np.iscomplexobj(covmean):
        covmean = covmean.real
    value = float(np.sum((mu1 - mu2) ** 2) + np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean))
    scale = 2 * float(np.sum(mu1 ** 2) + np.sum(mu2 ** 2) + np.trace(s1) + np.trace(s2))
    return value, scale


def fid_case(a, b, note=None):
    a, b = f32(a), f32(b)
    value, scale = fid_ref(a, b)
    case = make_case(lambda real, generated: keep(value, real, generated), {'real': a, 'generated': b},
                     with_grads=False, note=note)
    case['cond'] = [scale]
    return case


def kid_torch(real, generated, realIdx, genIdx):
    d = real.shape[1]
    k = lambda x, y: (x @ y.T / d + 1) ** 3
    out = []
    for ri, gi in zip(realIdx, genIdx):
        x, y = real[ri], generated[gi]
        s = x.shape[0]
        kxx, kyy, kxy = k(x, x), k(y, y), k(x, y)
        out.append((kxx.sum() - kxx.diagonal().sum() + kyy.sum() - kyy.diagonal().sum()) / (s * (s - 1))
                   - 2 * kxy.sum() / (s * s))
    return torch.stack(out)


def kid_cases(fns, a, b, S, s, note=None):
    n, m = len(a), len(b)
    ri = np.stack([RNG.choice(n, s, replace=False) for _ in range(S)])
    gi = np.stack([RNG.choice(m, s, replace=False) for _ in range(S)])
    data = {'realIdx': ri, 'genIdx': gi}
    inp = {'real': a, 'generated': b}
    def f(real, generated, realIdx, genIdx):
        e = kid_torch(real, generated, realIdx, genIdx)
        se = e.std(unbiased=True) / S ** 0.5 if S >= 2 else torch.tensor(float('nan')) + 0 * e.sum()
        return torch.stack([e.mean(), se])
    fns['kernelDistance'].append(make_case(f, inp, data=data, with_grads=False, note=note))


def radii(x, k):
    dist = scipy.spatial.distance.cdist(x, x, 'sqeuclidean')
    return np.sort(dist, axis=1)[:, k]  # column 0 is the point itself (distance 0)


def prdc_ref(a, b, k):
    rr = radii(a, k)
    dist = scipy.spatial.distance.cdist(a, b, 'sqeuclidean')  # [n, m]
    inside = dist <= rr[:, None]  # generated j in the ball of real i
    precision = float(np.mean(inside.any(axis=0)))
    recall = float(np.mean((dist <= radii(b, k)[None, :]).any(axis=1))) if len(b) > k else float('nan')
    density = float(inside.sum() / (k * len(b)))
    coverage = float(np.mean(inside.any(axis=1)))
    return precision, recall, density, coverage


def prdc_cases(fns, a, b, k, note=None, dc_only=False):
    a, b = f32(a), f32(b)
    p, r, dn, c = prdc_ref(a, b, k)
    inp = {'real': a, 'generated': b}
    data = {'k': np.array(k)}
    fns['densityCoverage'].append(make_case(lambda real, generated, k: keep([dn, c], real, generated), inp, data=data,
                                            with_grads=False, note=note))
    if not dc_only:
        fns['precisionRecall'].append(make_case(lambda real, generated, k: keep([p, r], real, generated), inp,
                                                data=data, with_grads=False, note=note))


def sample_pair(n, m, d):
    """Two feature samples of different laws: random means, scales and correlations."""
    a = normal((n, d)) @ (np.eye(d) + 0.3 * normal((d, d))) + normal(d)
    b = normal((m, d)) @ (np.eye(d) * RNG.uniform(0.5, 2) + 0.3 * normal((d, d))) + normal(d) * RNG.uniform(0, 1.5)
    return a, b


def gen():
    seed_for('divergences_metrics')
    # values as vectors: kernelDistance [value, standardError] (NaN for one subset), precisionRecall
    # [precision, recall], densityCoverage [density, coverage]
    names = ['frechetDistance', 'kernelDistance', 'precisionRecall', 'densityCoverage']
    fns = {n: [] for n in names}
    for i in range(N_RANDOM + 4):
        d = int(RNG.integers(1, 65))
        cap = max(12, min(300, 800 // d))  # a few hundred points in low d, fewer in high d (file size)
        n, m = int(RNG.integers(2, cap)), int(RNG.integers(2, cap))
        a, b = sample_pair(n, m, d)
        fns['frechetDistance'].append(fid_case(a, b, note='n %d, m %d, d %d' % (n, m, d)))
        a, b = f32(a), f32(b)
        S, s = int(RNG.integers(2, 6)), int(RNG.integers(2, min(n, m) + 1))
        kid_cases(fns, a, b, S, s, note='n %d, m %d, d %d, %d subsets of %d' % (n, m, d, S, s))
        k = int(RNG.integers(1, 8))
        n, m = int(RNG.integers(k + 1, cap + k)), int(RNG.integers(k + 1, cap + k))
        a, b = sample_pair(n, m, d)
        prdc_cases(fns, a, b, k, note='n %d, m %d, d %d, k %d' % (n, m, d, k))
    # extremes
    x = normal((60, 5))
    fns['frechetDistance'].append(fid_case(x, x, note='identical sets'))
    fns['frechetDistance'].append(fid_case(normal((80, 1)), normal((50, 1)) + 2, note='d = 1'))
    lowrank = normal((100, 2)) @ normal((2, 8)) + 1e-4 * normal((100, 8))
    fns['frechetDistance'].append(fid_case(lowrank, normal((90, 8)), note='near-singular covariance (rank 2 + 1e-4 noise)'))
    fns['frechetDistance'].append(fid_case(normal((20, 30)), normal((25, 30)), note='singular covariances (n < d)'))
    for sc in (1e-3, 1e3):
        a, b = sample_pair(120, 100, 16)
        fns['frechetDistance'].append(fid_case(sc * a, sc * b, note='features of scale %g' % sc))
        kid_cases(fns, f32(sc * a), f32(sc * b), 3, 50, note='features of scale %g' % sc)
        prdc_cases(fns, sc * a, sc * b, 3, note='features of scale %g' % sc)
    x = f32(normal((70, 4)))
    kid_cases(fns, x, x, 1, 70, note='identical sets, one subset of all points (the full-sample MMD^2)')
    a, b = sample_pair(40, 40, 3)
    kid_cases(fns, f32(a), f32(b), 1, 40, note='one subset of all points (the full-sample unbiased MMD^2)')
    kid_cases(fns, f32(normal((30, 1))), f32(normal((40, 1)) + 1), 4, 10, note='d = 1')
    for k in (3, 5):
        prdc_cases(fns, x, x, k, note='identical sets, k %d' % k)
        prdc_cases(fns, x, x + 100, k, note='far-apart sets, k %d' % k)
    prdc_cases(fns, normal((30, 1)), normal((20, 1)), 5, note='d = 1')
    prdc_cases(fns, normal((6, 2)), normal((1, 2)), 5, note='n = k + 1, m = 1', dc_only=True)
    write('divergences_metrics', fns)
