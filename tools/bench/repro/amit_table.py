#!/usr/bin/env python3
"""Markdown table of the reproduction's test errors: one row per setting and engine, one column per
method (several seeds: mean ± half the range). Reads OUT/results.jsonl of tools/bench/repro/amit.sh.

  /usr/bin/python3 tools/bench/repro/amit_table.py runs/amit-repro
"""

import json
import sys
from collections import defaultdict

METHODS = ["bp", "fa", "urfb", "kp", "dfa"]


def main(root):
    cells = defaultdict(list)
    times = defaultdict(list)
    for line in open(f"{root}/results.jsonl"):
        r = json.loads(line)
        key = (r["net"], r["dataset"], "untied" if r["untied"] else "tied", r["engine"])
        cells[key, r["method"]].append(100 * r["testError"])
        times[key].append(r["seconds"])
    keys = sorted({k for k, _ in cells})
    print("| network | data | conv | engine | " + " | ".join(METHODS) + " | s/run |")
    print("|---|---|---|---|" + "---|" * len(METHODS) + "---|")
    for k in keys:
        row = []
        for m in METHODS:
            v = cells.get((k, m), [])
            if not v:
                row.append("–")
            elif len(v) == 1:
                row.append(f"{v[0]:.1f}")
            else:
                mean = sum(v) / len(v)
                row.append(f"{mean:.1f} ± {(max(v) - min(v)) / 2:.1f} ({len(v)} seeds)")
        t = times[k]
        print(f"| {k[0]} | {k[1]} | {k[2]} | {k[3]} | " + " | ".join(row) + f" | {sum(t) / len(t):.0f} |")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "runs/amit-repro")
