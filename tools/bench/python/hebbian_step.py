#!/usr/bin/env python3
"""Dense Hebbian step in PyTorch (CPU), the side-by-side baseline of `pnpm bench rules|torch`.

Same work as tools/bench's tfjs benchmark: x [B x nIn] uniform in [0, 1), W [nOut x nIn] normal
with std 1/sqrt(nIn); one step = forward u = x W^T, linear activity y = u, the rule's update dW
(averaged over the batch, lr included, the same equations as @plasticity/core's reference rules)
and W += dW. W is reset (untimed) after every timed step so no rule drifts into overflow.

Prints ONE JSON object on stdout with raw step times in ms; the TypeScript side applies the
same statistics (median, MAD) and the same FLOP formula (tools/bench/src/flops.ts) as for tfjs.
Run it alone:  /usr/bin/python3 tools/bench/python/hebbian_step.py --threads 1,2
"""

import argparse
import ctypes
import json
import math
import os
import platform
import resource
import sys
import time

try:
    import torch
except ImportError as e:  # the caller turns this into "torch: skipped (...)"
    print(json.dumps({"ok": False, "error": f"torch is not importable by {sys.executable}: {e}"}))
    sys.exit(0)


# ---- rules: dW for one batch, averaged over the batch (mean over axis 0), lr included ----------


def hebb(x, u, y, w, p):
    """Hebb (1949): dW = lr <y x^T>."""
    return (p["lr"] / x.shape[0]) * (y.t() @ x)


def anti_hebb(x, u, y, w, p):
    """Anti-Hebb: dW = -lr <y x^T>."""
    return (-p["lr"] / x.shape[0]) * (y.t() @ x)


def oja(x, u, y, w, p):
    """Oja (1982), per unit: dW_i = lr (<y_i x> - <y_i^2> W_i)."""
    b = x.shape[0]
    return (p["lr"] / b) * (y.t() @ x - (y * y).sum(0).unsqueeze(1) * w)


def sanger(x, u, y, w, p):
    """Sanger (1989), GHA: dW = lr (<y x^T> - LT(<y y^T>) W)."""
    b = x.shape[0]
    return (p["lr"] / b) * (y.t() @ x - torch.tril(y.t() @ y) @ w)


def krotov_hopfield(x, u, y, w, p):
    """Krotov & Hopfield (2019), p = 2: units ranked per sample by Q_mu = u_mu / ||W_mu||; g = 1 for
    the top unit, -delta for the k-th ranked; dW_mu = <g_mu x> - <g_mu u_mu> W_mu, rescaled so that
    max |dW| = lr when normalize (the paper's code, core's default), else lr times the batch mean."""
    if p.get("p", 2) != 2:
        raise ValueError("krotov-hopfield: the torch baseline implements p = 2 only")
    k = int(p["k"])
    q = u / w.norm(dim=1).clamp_min(1e-30)
    top = torch.topk(q, min(k, u.shape[1]), dim=1).indices
    g = torch.zeros_like(u)
    g.scatter_(1, top[:, :1], 1.0)
    if top.shape[1] >= k:
        g.scatter_(1, top[:, k - 1 : k], -p["delta"])
    ds = g.t() @ x - (g * u).sum(0).unsqueeze(1) * w
    if p.get("normalize", True):
        m = ds.abs().max()
        return ds * (p["lr"] / m) if m > 0 else ds.zero_()
    return (p["lr"] / x.shape[0]) * ds


def softhebb(x, u, y, w, p):
    """SoftHebb (Moraitis et al. 2022): the rule's own y = softmax(u / t) (with antiHebbian, -y for
    every unit but the argmax of u); dW_i = lr <y_i (x - u_i W_i)>."""
    b = x.shape[0]
    s = torch.softmax(u / p["temperature"], dim=1)
    if p.get("antiHebbian", False):
        win = torch.zeros_like(s, dtype=torch.bool)
        win.scatter_(1, u.argmax(1, keepdim=True), True)
        s = torch.where(win, s, -s)
    return (p["lr"] / b) * (s.t() @ x - (s * u).sum(0).unsqueeze(1) * w)


# Defaults = @plasticity/core's parameter defaults; `pnpm bench` passes its own via --spec.
RULES = {
    "hebb": (hebb, {"lr": 1e-3}),
    "anti-hebb": (anti_hebb, {"lr": 1e-3}),
    "oja": (oja, {"lr": 1e-3}),
    "sanger": (sanger, {"lr": 1e-3}),
    "krotov-hopfield": (krotov_hopfield, {"lr": 2e-2, "p": 2, "k": 2, "delta": 0.4, "normalize": True}),
    "softhebb": (softhebb, {"lr": 1e-2, "temperature": 1.0, "antiHebbian": False}),
}


# ---- timing: the same loop as tools/bench/src/harness.ts timeIt --------------------------------


SLOW_REPEATS = 3


def time_it(fn, warmup, min_repeats, min_time_ms, max_repeats, slow_call_ms, between):
    """Warm-up calls, then timed calls until min_repeats calls and min_time_ms have passed (at most
    max_repeats); a call slower than slow_call_ms ends the warm-up and caps the timed calls at
    SLOW_REPEATS. Returns the timed calls in ms."""
    done = 0
    slow = False
    while done < warmup and not slow:
        t0 = time.perf_counter()
        fn()
        slow = (time.perf_counter() - t0) * 1000.0 > slow_call_ms
        done += 1
        between()
    samples = []
    spent = 0.0
    lo = min(min_repeats, SLOW_REPEATS) if slow else min_repeats
    while len(samples) < (min(max_repeats, SLOW_REPEATS) if slow else max_repeats) and (
        len(samples) < lo or spent < min_time_ms
    ):
        t0 = time.perf_counter()
        fn()
        dt = (time.perf_counter() - t0) * 1000.0
        samples.append(dt)
        spent += dt
        slow = slow or dt > slow_call_ms
        between()
    return {"warmup": done, "samplesMs": samples}


def blas_libraries():
    """Shared BLAS/LAPACK libraries mapped into this process (Debian switches them with
    update-alternatives: the reference libblas is far slower than OpenBLAS)."""
    libs = set()
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                path = line.split()[-1] if len(line.split()) >= 6 else ""
                name = os.path.basename(path)
                if any(s in name for s in ("blas", "lapack", "mkl")):
                    libs.add(os.path.realpath(path))
    except OSError:
        pass
    return sorted(libs)


def openblas():
    """The OpenBLAS library mapped into this process (Debian's libopenblas0-pthread behind
    libblas.so.3), or None. torch.set_num_threads sets only torch's own (OpenMP) threads; OpenBLAS
    keeps its own pool, all cores by default, so a "1 thread" row would multiply on every core."""
    for path in blas_libraries():
        if "libopenblas" in os.path.basename(path):
            try:
                lib = ctypes.CDLL(path)
                lib.openblas_set_num_threads.argtypes = [ctypes.c_int]
                lib.openblas_get_num_threads.restype = ctypes.c_int
                return lib
            except (OSError, AttributeError):
                return None
    return None


def set_threads(n, blas):
    """torch's thread count and, with OpenBLAS, its BLAS thread count; returns the BLAS count
    (None when the BLAS has no thread control: the reference libblas is single-threaded)."""
    torch.set_num_threads(n)
    if blas is None:
        return None
    blas.openblas_set_num_threads(n)
    return blas.openblas_get_num_threads()


def parse_threads(spec, cpu):
    out = []
    for t in spec.split(","):
        n = cpu if t == "all" else int(t) if t.isdigit() else 0
        if n <= 0:
            raise ValueError(f"--threads: expected positive integers or 'all', got {t!r}")
        if n not in out:
            out.append(n)
    return out


def parse_params(text):
    try:
        overrides = json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(f"--params: expected JSON {{rule: {{param: value}}}}: {e}") from e
    if not isinstance(overrides, dict):
        raise ValueError("--params: expected a JSON object {rule: {param: value}}")
    for r, v in overrides.items():
        if r not in RULES or not isinstance(v, dict):
            raise ValueError(f"--params.{r}: expected one of {', '.join(RULES)} mapped to an object")
    return overrides


def blas_info():
    for s in torch.__config__.show().replace(",", "\n").split("\n"):
        if "BLAS_INFO" in s:
            return s.split("=", 1)[1].strip()
    return "unknown"


def one_step(a, rules, overrides):
    """Cross-check mode: the W each rule's step gives from the caller's x and W0 (no timing)."""
    try:
        with open(a.check_input) as f:
            data = json.load(f)
        x = torch.tensor(data["x"], dtype=torch.float32).reshape(a.batch, a.n_in)
        w0 = torch.tensor(data["w0"], dtype=torch.float32).reshape(a.n_out, a.n_in)
    except (OSError, KeyError, ValueError, RuntimeError) as e:
        sys.exit(f"--check-input {a.check_input}: expected JSON {{x: [B*nIn numbers], w0: [nOut*nIn numbers]}}: {e}")
    weights = {}
    with torch.no_grad():
        for r in rules:
            fn, defaults = RULES[r]
            params = {**defaults, **overrides.get(r, {})}
            w = w0.clone()
            u = x @ w.t()
            w.add_(fn(x, u, u, w, params))
            weights[r] = w.reshape(-1).tolist()
    print(json.dumps({"ok": True, "torch": torch.__version__, "weights": weights}))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--batch", type=int, default=100)
    ap.add_argument("--n-in", type=int, default=784)
    ap.add_argument("--n-out", type=int, default=1000)
    ap.add_argument("--rules", default="hebb,oja,sanger,krotov-hopfield,softhebb")
    ap.add_argument("--threads", default="1,all", help='comma list of thread counts; "all" = os.cpu_count()')
    ap.add_argument("--matmul-sizes", default="256,512,1024", help="square matmul sides; the peak is the best")
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--min-repeats", type=int, default=5)
    ap.add_argument("--min-time-ms", type=float, default=2000.0)
    ap.add_argument("--max-repeats", type=int, default=50)
    ap.add_argument("--slow-call-ms", type=float, default=1000.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--params", default="{}", help="JSON {rule: {param: value}} overriding the defaults")
    ap.add_argument(
        "--check-input",
        help="JSON file {x, w0} (flat row-major lists): print W after ONE step of each rule instead of timing",
    )
    a = ap.parse_args()

    for name in ("batch", "n_in", "n_out", "min_repeats", "max_repeats"):
        if getattr(a, name) <= 0:
            ap.error(f"--{name.replace('_', '-')}: expected a positive integer, got {getattr(a, name)}")
    if a.warmup < 0 or a.min_time_ms < 0 or a.max_repeats < a.min_repeats or a.slow_call_ms <= 0:
        ap.error("--warmup, --min-time-ms: expected >= 0; --max-repeats: expected >= --min-repeats; --slow-call-ms > 0")
    sizes = [int(v) for v in a.matmul_sizes.split(",") if v.strip().isdigit() and int(v) > 0]
    if len(sizes) != len([v for v in a.matmul_sizes.split(",") if v.strip()]):
        ap.error(f"--matmul-sizes: expected comma-separated positive integers, got {a.matmul_sizes!r}")
    rules = [r for r in a.rules.split(",") if r]
    for r in rules:
        if r not in RULES:
            ap.error(f"--rules: unknown rule {r!r}; known: {', '.join(RULES)}")
    cpu = os.cpu_count() or 1
    try:
        threads = parse_threads(a.threads, cpu)
        overrides = parse_params(a.params)
    except ValueError as e:
        ap.error(str(e))

    if a.check_input:
        one_step(a, rules, overrides)
        return

    torch.manual_seed(a.seed)
    timing = (a.warmup, a.min_repeats, a.min_time_ms, a.max_repeats, a.slow_call_ms)
    x = torch.rand(a.batch, a.n_in)
    w0 = torch.randn(a.n_out, a.n_in) / math.sqrt(a.n_in)
    squares = {n: (torch.randn(n, n), torch.randn(n, n)) for n in sizes}

    results = []
    blas = openblas()
    with torch.no_grad():
        for nt in threads:
            blas_threads = set_threads(nt, blas)
            mm = [
                {"size": n, **time_it(lambda ma=ma, mb=mb: torch.mm(ma, mb), *timing, lambda: None)}
                for n, (ma, mb) in squares.items()
            ]
            per_rule = []
            for r in rules:
                fn, defaults = RULES[r]
                params = {**defaults, **overrides.get(r, {})}
                w = w0.clone()

                def step(fn=fn, w=w, params=params):
                    u = x @ w.t()
                    w.add_(fn(x, u, u, w, params))

                t = time_it(step, *timing, lambda w=w: w.copy_(w0))
                per_rule.append({"rule": r, "params": params, **t})
            results.append({"threads": nt, "blasThreads": blas_threads, "matmul": mm, "rules": per_rule})

    out = {
        "ok": True,
        "python": sys.executable,
        "pythonVersion": platform.python_version(),
        "torch": torch.__version__,
        "blasInfo": blas_info(),
        "blasLibraries": blas_libraries(),
        "cpuCount": cpu,
        "peakRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,  # ru_maxrss: KiB on Linux
        "config": {"batch": a.batch, "nIn": a.n_in, "nOut": a.n_out, "seed": a.seed},
        "results": results,
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
