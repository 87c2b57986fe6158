#!/usr/bin/env python3
"""Figures of the Amit (2019) reproduction: error curves per method and the W-R angle per layer.

Reads the run directories of tools/bench/repro/amit.sh (OUT/ours/<run>/metrics.jsonl, config.json)
and writes PNGs into the given figure directory:
  errors-<net>-<dataset>[-untied].png  training error (1 - batch accuracy, mean of each logged
                                       window) per method over the steps, test error at the end
  angles-<net>-<dataset>[-untied].png  angle between W and R per layer over training, per method

  /usr/bin/python3 tools/bench/repro/amit_figures.py runs/amit-repro packages/feedback-alignment/figures
"""

import glob
import json
import os
import sys
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

COLORS = {"bp": "black", "fa": "tab:red", "urfb": "tab:blue", "kp": "tab:green", "dfa": "tab:orange"}


def runs(root):
    out = defaultdict(dict)
    for cfg_path in sorted(glob.glob(os.path.join(root, "ours", "*", "config.json"))):
        d = os.path.dirname(cfg_path)
        cfg = json.load(open(cfg_path))
        summ_path = os.path.join(d, "summary.json")
        if not os.path.exists(summ_path):
            continue
        summ = json.load(open(summ_path))
        if summ.get("status") != "completed":
            continue
        m = cfg["model"]
        key = f"{m['architecture']}-{cfg['data']['dataset']}{'-untied' if m['untied'] else ''}"
        rows = [json.loads(line) for line in open(os.path.join(d, "metrics.jsonl"))]
        out[key][m["method"]] = {"rows": rows, "test": 1 - summ["eval"]["output"]["testAccuracy"]}
    return out


def main(root, figdir):
    os.makedirs(figdir, exist_ok=True)
    for key, methods in runs(root).items():
        fig, ax = plt.subplots(figsize=(6, 4))
        for method, r in sorted(methods.items()):
            pts = [(row["step"], 1 - row["train_accuracy"]) for row in r["rows"] if "train_accuracy" in row]
            ax.plot([p[0] for p in pts], [p[1] for p in pts], color=COLORS[method], alpha=0.8,
                    label=f"{method} (test {100 * r['test']:.1f} %)")
            last = max(p[0] for p in pts)
            ax.scatter([last], [r["test"]], color=COLORS[method], marker="*", s=80, zorder=3)
        ax.set_xlabel("step")
        ax.set_ylabel("error (lines: training batches; stars: test set)")
        ax.set_title(f"{key}: error per method")
        ax.set_ylim(0, 1)
        ax.legend()
        fig.tight_layout()
        fig.savefig(os.path.join(figdir, f"errors-{key}.png"), dpi=110)
        plt.close(fig)

        shown = [m for m in ("fa", "urfb", "kp") if m in methods]
        if not shown:
            continue
        fig, axes = plt.subplots(1, len(shown), figsize=(4.5 * len(shown), 3.8), sharey=True, squeeze=False)
        for ax, method in zip(axes[0], shown):
            series = defaultdict(list)
            for row in methods[method]["rows"]:
                for k, v in row.items():
                    if k.endswith(".angle_wr"):
                        series[k[: -len(".angle_wr")]].append((row["step"], v))
            for layer, pts in series.items():
                ax.plot([p[0] for p in pts], [p[1] for p in pts], label=layer)
            ax.set_title(f"{method}")
            ax.set_xlabel("step")
            ax.axhline(90, color="grey", lw=0.5)
        axes[0][0].set_ylabel("angle between W and R (degrees)")
        axes[0][-1].legend(fontsize=7)
        fig.suptitle(f"{key}: W-R angle per layer")
        fig.tight_layout()
        fig.savefig(os.path.join(figdir, f"angles-{key}.png"), dpi=110)
        plt.close(fig)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "runs/amit-repro",
         sys.argv[2] if len(sys.argv) > 2 else "packages/feedback-alignment/figures")
