import { PlasticityError } from "@plasticity/core";

/** Index of the largest score in each row of `scores` [n × k] (first one on ties). */
export function argmaxRows(scores: ArrayLike<number>, n: number, k: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestV = scores[i * k]!;
    for (let c = 1; c < k; c++) {
      const v = scores[i * k + c]!;
      if (v > bestV) {
        bestV = v;
        best = c;
      }
    }
    out[i] = best;
  }
  return out;
}

/** Fraction of `pred[i] === labels[i]`. */
export function accuracy(pred: Int32Array, labels: Int32Array): number {
  if (pred.length !== labels.length) {
    throw new PlasticityError(
      `pred: expected ${labels.length} predictions, got ${pred.length}`,
      "pred",
    );
  }
  if (labels.length === 0)
    throw new PlasticityError("labels: expected at least one label", "labels");
  let ok = 0;
  for (let i = 0; i < labels.length; i++) if (pred[i] === labels[i]) ok++;
  return ok / labels.length;
}

/** Confusion counts C[true][predicted] for `k` classes. */
export function confusionMatrix(pred: Int32Array, labels: Int32Array, k: number): number[][] {
  const c = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < labels.length; i++) {
    const t = labels[i]!;
    const p = pred[i]!;
    if (t < 0 || t >= k)
      throw new PlasticityError(`labels[${i}]: ${t} is outside 0..${k - 1}`, "labels");
    c[t]![p]! += 1;
  }
  return c;
}

/** Checks that `labels` are integers in [0, k). */
export function checkLabels(name: string, labels: Int32Array, n: number, k: number): void {
  if (!(labels instanceof Int32Array) || labels.length !== n) {
    throw new PlasticityError(`${name}: expected an Int32Array of ${n} labels`, name);
  }
  for (let i = 0; i < n; i++) {
    const v = labels[i]!;
    if (v < 0 || v >= k)
      throw new PlasticityError(`${name}[${i}]: ${v} is outside 0..${k - 1}`, name);
  }
}
