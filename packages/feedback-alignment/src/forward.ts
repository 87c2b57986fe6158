import { tf } from "@plasticity/tfjs";
import { type Graph, type GraphNode, INPUT, inputsOf } from "./graph.js";
import { activate } from "./kernels/activation.js";
import { dropoutMask } from "./kernels/dropout.js";
import { maxPoolForward, type PoolResult } from "./kernels/pool.js";
import type { LayerParams } from "./params.js";
import { type OpProfile, timed } from "./profile.js";

/** What the forward pass keeps for the backward pass (all tensors owned by the trace). */
export interface Trace {
  /** Every node's output, and "input" (not owned: the caller's image batch). */
  readonly values: Map<string, tf.Tensor>;
  readonly pools: Map<string, PoolResult>;
  readonly masks: Map<string, tf.Tensor>;
  readonly batch: number;
}

export interface ForwardOptions {
  /** Dropout on (training). */
  readonly train: boolean;
  /** A 32-bit seed per dropout layer and step (the model's Rng). */
  readonly dropoutSeed: () => number;
  /** Keep every value for a backward pass (false: free each one after its last reader). */
  readonly keep: boolean;
  readonly profile?: OpProfile;
}

function lastReaders(nodes: readonly GraphNode[]): Map<string, number> {
  const last = new Map<string, number>();
  nodes.forEach((n, i) => {
    for (const src of inputsOf(n)) last.set(src, i);
  });
  return last;
}

function runNode(
  node: GraphNode,
  values: Map<string, tf.Tensor>,
  params: Map<string, LayerParams>,
  trace: Trace,
  s: number,
  o: ForwardOptions,
): tf.Tensor {
  const x = values.get(inputsOf(node)[0]!)!;
  switch (node.kind) {
    case "weight": {
      const p = params.get(node.name)!;
      const h = timed(o.profile, `${node.op}.forward`, () => p.op.forward(x, p.W));
      const out = timed(o.profile, "activation", () =>
        tf.tidy(() => activate(p.bias ? tf.add(h, p.bias) : h, node.activation, s)),
      );
      h.dispose();
      return out;
    }
    case "maxpool": {
      const pool = timed(o.profile, "maxpool.forward", () =>
        maxPoolForward(x as tf.Tensor4D, node.size, node.stride),
      );
      if (o.keep) trace.pools.set(node.name, pool);
      return pool.y;
    }
    case "dropout": {
      if (!o.train || node.p === 0) return tf.clone(x);
      const mask = timed(o.profile, "dropout.mask", () =>
        dropoutMask(x.shape, node.p, o.dropoutSeed()),
      );
      if (o.keep) trace.masks.set(node.name, mask);
      const y = timed(o.profile, "dropout.forward", () => tf.mul(x, mask));
      if (!o.keep) mask.dispose();
      return y;
    }
    case "sum":
      return timed(o.profile, "sum.forward", () => tf.add(x, values.get(node.from[1])!));
  }
}

/**
 * The forward pass: h = W * x (+ b), x' = σ(h) per weight layer; max-pools keep their argmax,
 * dropout its mask. With `keep` the trace holds every output for the backward pass; without it
 * only the output layer's value survives (and `stopAt` nodes', for features).
 */
export function forward(
  graph: Graph,
  params: Map<string, LayerParams>,
  x: tf.Tensor4D,
  s: number,
  o: ForwardOptions,
  stopAt: ReadonlySet<string> = new Set(),
): Trace {
  const trace: Trace = { values: new Map(), pools: new Map(), masks: new Map(), batch: x.shape[0] };
  trace.values.set(INPUT, x);
  const last = o.keep ? null : lastReaders(graph.nodes);
  graph.nodes.forEach((node, i) => {
    trace.values.set(node.name, runNode(node, trace.values, params, trace, s, o));
    if (last === null) return;
    for (const src of inputsOf(node)) {
      if (last.get(src) === i && src !== INPUT && !stopAt.has(src)) {
        trace.values.get(src)!.dispose();
        trace.values.delete(src);
      }
    }
  });
  return trace;
}

/** Free a trace's tensors (not the input). */
export function disposeTrace(t: Trace): void {
  for (const [k, v] of t.values) if (k !== INPUT) v.dispose();
  for (const m of t.masks.values()) m.dispose();
  t.values.clear();
  t.masks.clear();
  t.pools.clear();
}
