import { PlasticityError } from "@plasticity/core";
import * as tf from "@tensorflow/tfjs-core";
import { checkShape } from "./convert.js";

/** The three Hebbian rules of Miconi (2021) that have a surrogate loss. */
export type SurrogateKind = "hebb" | "instar" | "oja";
export const SURROGATE_KINDS: readonly SurrogateKind[] = ["hebb", "instar", "oja"];

export interface SurrogateOptions {
  /**
   * "sum" (default, Miconi's code): the loss sums over samples (and positions), so
   * −∂L/∂W = N · ΔW_core / lr with N = batch (dense) or batch · oh · ow (conv).
   * "mean": the loss is divided by N, so −∂L/∂W = ΔW_core / lr exactly, and plain SGD with
   * step lr on it is the core rule.
   */
  readonly reduction?: "sum" | "mean";
}

function checkKind(kind: unknown): SurrogateKind {
  if (!SURROGATE_KINDS.includes(kind as SurrogateKind)) {
    throw new PlasticityError(
      `kind: expected "hebb", "instar" or "oja", got ${JSON.stringify(kind)}`,
      "kind",
    );
  }
  return kind as SurrogateKind;
}

function checkReduction(opts: SurrogateOptions): "sum" | "mean" {
  const r = opts.reduction ?? "sum";
  if (r !== "sum" && r !== "mean") {
    throw new PlasticityError(
      `opts.reduction: expected "sum" or "mean", got ${JSON.stringify(r)}`,
      "opts.reduction",
    );
  }
  return r;
}

/**
 * The stop-gradient surrogate (PAPERS.md §3.2) from u = the pre-activations that depend on W,
 * y = the actual (constant) post activity, both [N × nOut], and the per-unit squared weight
 * norms ‖w_c‖² [nOut]:
 *
 *   hebb:   L = −Σ y·u
 *   instar: L = −Σ y·u + ½ Σ_c (Σ_n y_nc) ‖w_c‖²
 *   oja:    L = −Σ y·u + ½ Σ_c (Σ_n y_nc²) ‖w_c‖²
 */
function surrogate(
  kind: SurrogateKind,
  u: tf.Tensor2D,
  y: tf.Tensor2D,
  sqNorms: tf.Tensor1D,
): tf.Scalar {
  const hebbian = tf.neg(tf.sum<tf.Scalar>(tf.mul(y, u)));
  if (kind === "hebb") return hebbian;
  const coef = kind === "instar" ? tf.sum(y, 0) : tf.sum(tf.square(y), 0);
  return tf.add<tf.Scalar>(hebbian, tf.mul(0.5, tf.sum(tf.mul(coef, sqNorms))));
}

/**
 * Miconi's (2021) surrogate loss for a dense layer: a scalar whose gradient with respect to W is
 * exactly −(the Hebbian update), so any optimiser's gradient step on it is the Hebbian rule.
 * x [batch × nIn], W [nOut × nIn], y [batch × nOut] the post activity (constant: it carries no
 * gradient, e.g. a k-WTA of x Wᵀ computed outside `tf.grad`).
 *
 *   −∂L/∂W_c = Σ_b y_bc x_b                  (hebb)
 *            = Σ_b y_bc (x_b − W_c)          (instar)
 *            = Σ_b y_bc (x_b − y_bc W_c)     (oja)
 *
 * With `reduction: "mean"` the sums become batch means, matching core's rules: −∂L/∂W = ΔW / lr.
 *
 * @example
 * const g = tf.grad((w) => surrogateLossDense("instar", x, w, y))(W); // g = −ΔW_instar · batch / lr
 */
export function surrogateLossDense(
  kind: SurrogateKind,
  x: tf.Tensor2D,
  w: tf.Tensor2D,
  y: tf.Tensor2D,
  opts: SurrogateOptions = {},
): tf.Scalar {
  checkKind(kind);
  const reduction = checkReduction(opts);
  checkShape(w, [-1, -1], "w", "nOut × nIn");
  const [nOut, nIn] = w.shape;
  checkShape(x, [-1, nIn], "x", "batch × nIn");
  const batch = x.shape[0];
  checkShape(y, [batch, nOut], "y", "batch × nOut");
  return tf.tidy(() => {
    const u = tf.matMul<tf.Tensor2D>(x, tf.transpose(w));
    const loss = surrogate(kind, u, y, tf.sum<tf.Tensor1D>(tf.square(w), 1));
    return reduction === "mean" ? tf.div(loss, batch) : loss;
  });
}

function strides2(stride: number | readonly [number, number]): [number, number] {
  const s: [number, number] =
    typeof stride === "number" ? [stride, stride] : [stride[0], stride[1]];
  if (!s.every((v) => Number.isInteger(v) && v >= 1)) {
    throw new PlasticityError(
      `stride: expected a positive integer or [sh, sw], got ${JSON.stringify(stride)}`,
      "stride",
    );
  }
  return s;
}

/**
 * Miconi's (2021) surrogate loss for a conv layer ('valid' padding): x NHWC [b, h, w, cin],
 * filters [kh, kw, cin, cout], y [b, oh, ow, cout] the post activity at each position (constant).
 * With u = conv2d(x, W) and patches p_{b,pos} (the kh·kw·cin inputs under the filter):
 *
 *   −∂L/∂w_c = Σ_{b,pos} y_c p                    (hebb)
 *            = Σ_{b,pos} y_c (p − w_c)            (instar: decay × the number of wins of c)
 *            = Σ_{b,pos} y_c (p − y_c w_c)        (oja)
 *
 * `reduction: "mean"` divides by b · oh · ow. (On wasm, `initBackend` registers the
 * Conv2DBackpropFilter kernel that tfjs-backend-wasm 4.22 lacks, so `tf.grad` works there.)
 */
export function surrogateLossConv2d(
  kind: SurrogateKind,
  x: tf.Tensor4D,
  w: tf.Tensor4D,
  y: tf.Tensor4D,
  stride: number | readonly [number, number] = 1,
  opts: SurrogateOptions = {},
): tf.Scalar {
  checkKind(kind);
  const reduction = checkReduction(opts);
  const [sh, sw] = strides2(stride);
  checkShape(w, [-1, -1, -1, -1], "w", "kh × kw × cin × cout");
  const [kh, kw, cin, cout] = w.shape;
  checkShape(x, [-1, -1, -1, cin], "x", "batch × height × width × cin");
  const [b, h, wd] = x.shape;
  if (h < kh || wd < kw) {
    throw new PlasticityError(`x: input ${h}×${wd} is smaller than the ${kh}×${kw} filter`, "x");
  }
  const oh = Math.floor((h - kh) / sh) + 1;
  const ow = Math.floor((wd - kw) / sw) + 1;
  checkShape(y, [b, oh, ow, cout], "y", "batch × oh × ow × cout");
  const n = b * oh * ow;
  return tf.tidy(() => {
    const u = tf.reshape<tf.Rank.R2>(tf.conv2d(x, w, [sh, sw], "valid"), [n, cout]);
    const sqNorms = tf.sum<tf.Tensor1D>(tf.square(tf.reshape(w, [kh * kw * cin, cout])), 0);
    const loss = surrogate(kind, u, tf.reshape<tf.Rank.R2>(y, [n, cout]), sqNorms);
    return reduction === "mean" ? tf.div(loss, n) : loss;
  });
}
