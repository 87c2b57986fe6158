import { tf } from "@plasticity/tfjs";
import type { Trace } from "./forward.js";
import { type Graph, INPUT, OUTPUT, type WeightNode } from "./graph.js";
import { activationGrad } from "./kernels/activation.js";
import { maxPoolBackward } from "./kernels/pool.js";
import type { LayerParams } from "./params.js";
import { type OpProfile, timed } from "./profile.js";
import type { Method, ParsedTrainingOptions } from "./schema.js";

/**
 * Combines a layer's gradient across data-parallel replicas before it is used (identity in one
 * process). Called once per weight layer and tensor ("W" or "bias"), top layer first; returns a
 * new tensor (the input is disposed by the caller).
 */
export type GradientReducer = (layer: string, which: "W" | "bias", g: tf.Tensor) => tf.Tensor;

export interface BackwardOptions {
  readonly method: Method;
  /** Apply the updates to W, R and the bias (false: only compute the gradients). */
  readonly apply: boolean;
  /** η multiplier of this step (the runner's schedule). */
  readonly lrScale: number;
  /** Record each layer's G here (kept tensors, owned by the caller). */
  readonly record?: Map<string, tf.Tensor>;
  readonly reduce?: GradientReducer;
  readonly profile?: OpProfile;
}

/** θ ← θ − η (G + λ θ) (λ = 0: plain SGD). */
function sgd(theta: tf.Variable, g: tf.Tensor, lr: number, decay: number): void {
  tf.tidy(() => {
    const step = decay > 0 ? tf.add(g, tf.mul(theta, decay)) : g;
    theta.assign(tf.sub(theta, tf.mul(step, lr)));
  });
}

/** The updates of one layer for its gradient G: W always; R too under urfb (ΔR = ΔW) and kp. */
function update(
  p: LayerParams,
  g: tf.Tensor,
  gb: tf.Tensor | null,
  t: ParsedTrainingOptions,
  scale: number,
): void {
  const lr = t.lr * scale;
  const lrR = (t.lrFeedback ?? t.lr) * scale;
  const decay = t.method === "kp" ? t.decay : 0;
  sgd(p.W, g, lr, decay);
  if (t.method === "urfb" || t.method === "kp") sgd(p.R, g, lrR, decay);
  if (p.bias && gb) sgd(p.bias, gb, lr, 0);
}

/** The bias gradient: δ summed over every axis but the last (channels / units). */
function biasGrad(delta: tf.Tensor): tf.Tensor {
  const axes = delta.shape.map((_, i) => i).slice(0, -1);
  return tf.sum(delta, axes);
}

function add(errs: Map<string, tf.Tensor>, name: string, e: tf.Tensor, profile?: OpProfile): void {
  if (name === INPUT) {
    e.dispose();
    return;
  }
  const prev = errs.get(name);
  if (prev === undefined) {
    errs.set(name, e);
    return;
  }
  errs.set(
    name,
    timed(profile, "sum.backward", () => tf.add(prev, e)),
  );
  tf.dispose([prev, e]);
}

/**
 * One weight layer: δ = e ⊙ σ′(h); G = Σ δ ⊗ x; the update; the error sent down, eˡ⁻¹ = Fᵀ δ with
 * F = W (bp) or R, taken after the update ("post", the official code) or before it ("pre"), and
 * bounded to clip(b·e, −1, 1) when b > 0. Returns eˡ⁻¹, or null when nothing is sent down.
 */
function weightLayer(
  node: WeightNode,
  p: LayerParams,
  e: tf.Tensor,
  trace: Trace,
  graph: Graph,
  t: ParsedTrainingOptions,
  o: BackwardOptions,
): tf.Tensor | null {
  const x = trace.values.get(node.from)!;
  const P = o.profile;
  const delta = timed(P, "activation.backward", () =>
    activationGrad(e, trace.values.get(node.name)!, node.activation, graph.spec.nonlinScale),
  );
  const reduce = (which: "W" | "bias", g: tf.Tensor) => {
    if (!o.reduce) return g;
    const r = timed(P, "reduce", () => o.reduce!(node.name, which, g));
    g.dispose();
    return r;
  };
  const g = reduce(
    "W",
    timed(P, `${node.op}.weightGrad`, () => p.op.weightGrad(x, delta)),
  );
  const gb = p.bias ? reduce("bias", biasGrad(delta)) : null;
  const sendDown = node.from !== INPUT && o.method !== "dfa";
  const feedback = () => {
    const F = o.method === "bp" ? p.W : p.R;
    const down = timed(P, `${node.op}.inputGrad`, () => p.op.inputGrad(delta, F));
    if (t.backwardBound <= 0) return down;
    const bounded = tf.tidy(() => tf.clipByValue(tf.mul(down, t.backwardBound), -1, 1));
    down.dispose();
    return bounded;
  };
  let down: tf.Tensor | null = null;
  if (sendDown && (t.feedbackWeights === "pre" || !o.apply)) down = feedback();
  if (o.apply) timed(P, "update", () => update(p, g, gb, t, o.lrScale));
  if (sendDown && down === null) down = feedback();
  if (o.record) o.record.set(node.name, g);
  else g.dispose();
  if (gb) gb.dispose();
  delta.dispose();
  return down;
}

/**
 * The backward pass of every method on one network, top layer first, from the output error
 * e^L = ∂C/∂o [batch, classes]. Under dfa each hidden weight layer gets e^L B_l instead of the
 * error from above, and nothing travels through the layers. Pools route the error to each
 * window's maximum, dropout through its mask, sums to both inputs.
 */
export function backward(
  graph: Graph,
  params: Map<string, LayerParams>,
  trace: Trace,
  eTop: tf.Tensor2D,
  t: ParsedTrainingOptions,
  o: BackwardOptions,
): void {
  const errs = new Map<string, tf.Tensor>([[OUTPUT, tf.clone(eTop)]]);
  if (o.method === "dfa") {
    for (const p of params.values()) {
      if (p.B === null) continue;
      const shape = [trace.batch, ...p.node.outShape];
      errs.set(
        p.node.name,
        tf.tidy(() => tf.reshape(tf.matMul(eTop, p.B as tf.Tensor2D), shape)),
      );
    }
  }
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const node = graph.nodes[i]!;
    const e = errs.get(node.name);
    if (e === undefined) continue;
    errs.delete(node.name);
    switch (node.kind) {
      case "weight": {
        const down = weightLayer(node, params.get(node.name)!, e, trace, graph, t, o);
        if (down) add(errs, node.from, down, o.profile);
        break;
      }
      case "maxpool":
        add(
          errs,
          node.from,
          timed(o.profile, "maxpool.backward", () =>
            maxPoolBackward(e, trace.pools.get(node.name)!),
          ),
        );
        break;
      case "dropout": {
        const mask = trace.masks.get(node.name);
        add(
          errs,
          node.from,
          timed(o.profile, "dropout.backward", () => (mask ? tf.mul(e, mask) : tf.clone(e))),
        );
        break;
      }
      case "sum":
        add(errs, node.from[0], tf.clone(e));
        add(errs, node.from[1], tf.clone(e));
        break;
    }
    e.dispose();
  }
  for (const e of errs.values()) e.dispose();
}
