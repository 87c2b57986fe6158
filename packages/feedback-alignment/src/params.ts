import type { Rng } from "@plasticity/core";
import { tf } from "@plasticity/tfjs";
import { type Graph, OUTPUT, type WeightNode, weightNodes } from "./graph.js";
import { ConvOp, DenseOp, type WeightOp } from "./layers/ops.js";
import { UntiedOp } from "./layers/untied.js";
import type { Method } from "./schema.js";

/**
 * One weight layer's tensors: forward weights W, feedback weights R of the same shape (drawn
 * independently, Glorot-uniform like W), an optional bias, and under DFA the fixed random matrix
 * B [classes, outSize] that sends the output error straight to the layer (e = e^L B).
 */
export interface LayerParams {
  readonly node: WeightNode;
  readonly op: WeightOp;
  readonly W: tf.Variable;
  readonly R: tf.Variable;
  readonly bias: tf.Variable | null;
  readonly B: tf.Variable | null;
}

export function makeOp(n: WeightNode): WeightOp {
  switch (n.op) {
    case "dense":
      return new DenseOp(n.inShape, n.width);
    case "conv":
      return new ConvOp(n.inShape, n.width, n.kernel);
    case "untied":
      return new UntiedOp(n.inShape, n.width, n.kernel);
  }
}

const count = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

function uniform(rng: Rng, n: number, lim: number): Float32Array {
  return rng.fillUniform(new Float32Array(n), -lim, lim);
}

function variable(values: Float32Array, shape: readonly number[]): tf.Variable {
  return tf.tidy(() => tf.variable(tf.tensor(values, [...shape]), false));
}

/**
 * Draw every layer's parameters. W, R and the DFA matrices come from separate streams forked from
 * `rng` (W first, then R, then B), so W₀ is the same for every method and R₀ the same for fa,
 * urfb and kp under one seed. `symmetric`: R₀ = W₀.
 */
export function initParams(
  graph: Graph,
  rng: Rng,
  method: Method,
  symmetric: boolean,
): Map<string, LayerParams> {
  const wRng = rng.fork(1);
  const rRng = rng.fork(2);
  const bRng = rng.fork(3);
  const out = new Map<string, LayerParams>();
  for (const node of weightNodes(graph)) {
    const op = makeOp(node);
    const n = count(op.shape);
    const w = uniform(wRng, n, op.glorotLimit);
    const r = symmetric ? w : uniform(rRng, n, op.glorotLimit);
    const outSize = count(node.outShape);
    const B =
      method === "dfa" && node.name !== OUTPUT
        ? variable(
            uniform(bRng, graph.classes * outSize, Math.sqrt(6 / (graph.classes + outSize))),
            [graph.classes, outSize],
          )
        : null;
    out.set(node.name, {
      node,
      op,
      W: variable(w, op.shape),
      R: variable(r, op.shape),
      bias: graph.spec.bias ? variable(new Float32Array(node.width), [node.width]) : null,
      B,
    });
  }
  return out;
}

export function disposeParams(params: Map<string, LayerParams>): void {
  for (const p of params.values()) {
    tf.dispose([p.W, p.R]);
    if (p.bias) p.bias.dispose();
    if (p.B) p.B.dispose();
    p.op.dispose();
  }
}
