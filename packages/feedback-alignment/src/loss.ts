import { PlasticityError } from "@plasticity/core";

/** What the output cost gives the backward pass: the cost, ∂C/∂o and the batch's hits. */
export interface LossResult {
  /** Mean cost over the batch. */
  readonly loss: number;
  /** e^L = ∂(mean C)/∂o [batch × classes] (already divided by the batch size `norm`). */
  readonly grad: Float32Array;
  /** Samples whose largest output is the label. */
  readonly correct: number;
}

function checkLabels(y: Int32Array, batch: number, classes: number): void {
  if (y.length !== batch) {
    throw new PlasticityError(`y: expected ${batch} labels, got ${y.length}`, "y");
  }
  for (let b = 0; b < batch; b++) {
    if (!(y[b] >= 0 && y[b] < classes)) {
      throw new PlasticityError(`y: label ${y[b]} at ${b} is not in [0, ${classes})`, "y");
    }
  }
}

function argmaxRow(o: ArrayLike<number>, b: number, classes: number): number {
  let best = 0;
  for (let c = 1; c < classes; c++) if (o[b * classes + c] > o[b * classes + best]) best = c;
  return best;
}

/**
 * Amit's multi-class hinge, per sample:
 *   C = max(0, 1 − o_y) + μ/(C−1) Σ_{c≠y} max(0, 1 + o_c).
 * ∂C/∂o_y = −1{o_y < 1}, ∂C/∂o_c = μ/(C−1)·1{o_c > −1}: a label-driven, binary feedback unit, so
 * the top layer's update δ ⊗ x is Hebbian. `norm` divides the gradient (the full batch size; a
 * data-parallel worker passes the whole batch's size for its share).
 */
export function hingeLoss(
  o: ArrayLike<number>,
  y: Int32Array,
  classes: number,
  mu: number,
  norm = y.length,
): LossResult {
  const batch = y.length;
  checkLabels(y, batch, classes);
  const off = classes > 1 ? mu / (classes - 1) : 0;
  const grad = new Float32Array(batch * classes);
  let loss = 0;
  let correct = 0;
  for (let b = 0; b < batch; b++) {
    for (let c = 0; c < classes; c++) {
      const v = o[b * classes + c];
      if (c === y[b]) {
        if (v < 1) {
          loss += 1 - v;
          grad[b * classes + c] = -1 / norm;
        }
      } else if (v > -1) {
        loss += off * (1 + v);
        grad[b * classes + c] = off / norm;
      }
    }
    if (argmaxRow(o, b, classes) === y[b]) correct++;
  }
  return { loss: loss / batch, grad, correct };
}

/** Softmax cross-entropy: C = −log softmax(o)_y, ∂C/∂o = softmax(o) − onehot(y). */
export function softmaxLoss(
  o: ArrayLike<number>,
  y: Int32Array,
  classes: number,
  norm = y.length,
): LossResult {
  const batch = y.length;
  checkLabels(y, batch, classes);
  const grad = new Float32Array(batch * classes);
  let loss = 0;
  let correct = 0;
  for (let b = 0; b < batch; b++) {
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < classes; c++) max = Math.max(max, o[b * classes + c]);
    let z = 0;
    for (let c = 0; c < classes; c++) z += Math.exp(o[b * classes + c] - max);
    for (let c = 0; c < classes; c++) {
      const p = Math.exp(o[b * classes + c] - max) / z;
      grad[b * classes + c] = (p - (c === y[b] ? 1 : 0)) / norm;
    }
    loss += Math.log(z) + max - o[b * classes + y[b]];
    if (argmaxRow(o, b, classes) === y[b]) correct++;
  }
  return { loss: loss / batch, grad, correct };
}
