import { PlasticityError, Rng, type RngState } from "@plasticity/core";
import { tf } from "@plasticity/tfjs";
import { backward, type GradientReducer } from "./backward.js";
import { angleDegrees, normRatio } from "./diagnostics.js";
import { disposeTrace, forward } from "./forward.js";
import { buildGraph, type Graph, OUTPUT } from "./graph.js";
import type { WeightOp } from "./layers/ops.js";
import { hingeLoss, type LossResult, softmaxLoss } from "./loss.js";
import { disposeParams, initParams, type LayerParams } from "./params.js";
import { type OpProfile, timed } from "./profile.js";
import {
  type ParsedTrainingOptions,
  parseTrainingOptions,
  type TrainingOptions,
} from "./schema.js";

export interface NetworkOptions {
  /** [height, width, channels] of one image. */
  readonly inputShape: readonly [number, number, number];
  readonly classes: number;
  readonly training?: TrainingOptions;
  /** Weights, feedback weights and dropout draw from this generator (or `seed`). */
  readonly rng?: Rng;
  readonly seed?: number;
}

export interface StepOptions {
  /** η multiplier (the runner's learning-rate schedule); default 1. */
  readonly lrScale?: number;
  /** Also measure each layer's update against the true BP gradient (one extra backward pass). */
  readonly diagnose?: boolean;
  /** Divide the output error by this instead of the batch size (data-parallel shares). */
  readonly norm?: number;
  readonly reduce?: GradientReducer;
  /** Accumulate each op's wall time here. */
  readonly profile?: OpProfile;
}

export interface StepResult {
  readonly loss: number;
  /** Samples of the batch whose largest output is the label (before the update). */
  readonly correct: number;
  /** With `diagnose`: per layer, `<layer>.angle_grad` (degrees between the update and BP's). */
  readonly metrics: Record<string, number>;
}

/** Per-layer tensors of a checkpoint. */
export interface NetworkState {
  readonly layers: Record<
    string,
    { W: Float32Array; R: Float32Array; bias?: Float32Array; B?: Float32Array }
  >;
  readonly rng: RngState;
}

/**
 * A feed-forward network trained by one of bp, fa, urfb, kp or dfa (Amit 2019): forward weights W,
 * feedback weights R of the same shape, an explicit backward pass. `step` is one SGD step on a
 * batch with the hinge (or softmax) cost; `evaluate` the network's own test accuracy;
 * `alignment` the per-layer W–R diagnostics.
 */
export class FeedbackNetwork {
  readonly graph: Graph;
  readonly training: ParsedTrainingOptions;
  private readonly params: Map<string, LayerParams>;
  private rng: Rng;

  constructor(spec: unknown, opts: NetworkOptions) {
    this.graph = buildGraph(spec, opts.inputShape, opts.classes);
    this.training = parseTrainingOptions(opts.training);
    const rng = opts.rng ?? (Number.isInteger(opts.seed) ? Rng.seeded(opts.seed!) : null);
    if (rng === null) throw new PlasticityError("seed: expected an integer seed or an rng", "seed");
    this.params = initParams(
      this.graph,
      rng,
      this.training.method,
      this.training.feedbackInit === "symmetric",
    );
    this.rng = rng.fork(4);
  }

  /** The weight layers' names, input first ("out" last). */
  get weightLayers(): string[] {
    return [...this.params.keys()];
  }

  /** A weight layer's W, R, DFA matrix B (or null) and op (owned by the network). */
  layer(name: string): { W: tf.Tensor; R: tf.Tensor; B: tf.Tensor | null; op: WeightOp } {
    const p = this.params.get(name);
    if (!p)
      throw new PlasticityError(
        `layer: no weight layer "${name}" (have ${this.weightLayers.join(", ")})`,
        "layer",
      );
    return { W: p.W, R: p.R, B: p.B, op: p.op };
  }

  private checkX(x: tf.Tensor4D): void {
    const [h, w, c] = this.graph.inputShape;
    const s = x.shape;
    if (s.length !== 4 || s[1] !== h || s[2] !== w || s[3] !== c) {
      throw new PlasticityError(
        `x: expected [batch, ${h}, ${w}, ${c}], got [${s.join(", ")}]`,
        "x",
      );
    }
  }

  /** The output cost of outputs o [batch × classes] for labels y: mean cost, e^L, hits. */
  outputCost(o: Float32Array, y: Int32Array, norm?: number): LossResult {
    const t = this.training;
    return t.loss === "hinge"
      ? hingeLoss(o, y, this.graph.classes, t.offClassFactor, norm)
      : softmaxLoss(o, y, this.graph.classes, norm);
  }

  /** One SGD step of the configured method on a batch x [b, h, w, c] with labels y. */
  step(x: tf.Tensor4D, y: Int32Array, opts: StepOptions = {}): StepResult {
    this.checkX(x);
    const s = this.graph.spec.nonlinScale;
    const profile = opts.profile;
    const trace = forward(this.graph, this.params, x, s, {
      train: true,
      keep: true,
      dropoutSeed: () => this.rng.nextUint32(),
      profile,
    });
    try {
      const res = timed(profile, "loss", () =>
        this.outputCost(trace.values.get(OUTPUT)!.dataSync() as Float32Array, y, opts.norm),
      );
      const eTop = tf.tensor2d(res.grad, [y.length, this.graph.classes]);
      const metrics: Record<string, number> = {};
      const lrScale = opts.lrScale ?? 1;
      const method = this.training.method;
      if (opts.diagnose) {
        const bp = new Map<string, tf.Tensor>();
        const mine = new Map<string, tf.Tensor>();
        backward(this.graph, this.params, trace, eTop, this.training, {
          method: "bp",
          apply: false,
          lrScale,
          record: bp,
          reduce: opts.reduce,
        });
        backward(this.graph, this.params, trace, eTop, this.training, {
          method,
          apply: true,
          lrScale,
          record: mine,
          reduce: opts.reduce,
          profile,
        });
        for (const [name, g] of mine)
          metrics[`${name}.angle_grad`] = angleDegrees(g, bp.get(name)!);
        tf.dispose([...bp.values(), ...mine.values()]);
      } else {
        backward(this.graph, this.params, trace, eTop, this.training, {
          method,
          apply: true,
          lrScale,
          reduce: opts.reduce,
          profile,
        });
      }
      eTop.dispose();
      return { loss: res.loss, correct: res.correct, metrics };
    } finally {
      disposeTrace(trace);
    }
  }

  /** Each layer's gradient G = Σ δ ⊗ x under `method` (no update, no dropout unless `train`). */
  gradients(
    x: tf.Tensor4D,
    y: Int32Array,
    method = this.training.method,
    train = false,
  ): Map<string, tf.Tensor> {
    this.checkX(x);
    const trace = forward(this.graph, this.params, x, this.graph.spec.nonlinScale, {
      train,
      keep: true,
      dropoutSeed: () => this.rng.nextUint32(),
    });
    const record = new Map<string, tf.Tensor>();
    try {
      const res = this.outputCost(trace.values.get(OUTPUT)!.dataSync() as Float32Array, y);
      const eTop = tf.tensor2d(res.grad, [y.length, this.graph.classes]);
      backward(this.graph, this.params, trace, eTop, this.training, {
        method,
        apply: false,
        lrScale: 1,
        record,
      });
      eTop.dispose();
    } finally {
      disposeTrace(trace);
    }
    return record;
  }

  /** The output o [b, classes] in evaluation mode (no dropout). The caller owns it. */
  predict(x: tf.Tensor4D): tf.Tensor2D {
    return this.outputs(x, [OUTPUT])[0] as tf.Tensor2D;
  }

  /** The outputs of the named layers in evaluation mode, in the order asked. The caller owns them. */
  outputs(x: tf.Tensor4D, names: readonly string[]): tf.Tensor[] {
    this.checkX(x);
    const known = new Set(this.graph.nodes.map((n) => n.name));
    for (const n of names)
      if (!known.has(n)) throw new PlasticityError(`names: no layer "${n}"`, "names");
    const trace = forward(
      this.graph,
      this.params,
      x,
      this.graph.spec.nonlinScale,
      { train: false, keep: false, dropoutSeed: () => 0 },
      new Set(names),
    );
    const out = names.map((n) => tf.clone(trace.values.get(n)!));
    disposeTrace(trace);
    return out;
  }

  /** Accuracy and mean cost of the network's own output on n images, in batches. */
  evaluate(
    x: Float32Array,
    y: Int32Array,
    n: number,
    batch = 500,
  ): { accuracy: number; loss: number } {
    const [h, w, c] = this.graph.inputShape;
    const d = h * w * c;
    let correct = 0;
    let loss = 0;
    for (let s = 0; s < n; s += batch) {
      const m = Math.min(batch, n - s);
      const xt = tf.tensor4d(x.subarray(s * d, (s + m) * d), [m, h, w, c]);
      const o = this.predict(xt);
      const r = this.outputCost(o.dataSync() as Float32Array, y.subarray(s, s + m));
      tf.dispose([xt, o]);
      correct += r.correct;
      loss += r.loss * m;
    }
    return { accuracy: correct / n, loss: loss / n };
  }

  /** Per weight layer: the angle between W and R (degrees) and ‖R‖/‖W‖. */
  alignment(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, p] of this.params) {
      out[`${name}.angle_wr`] = angleDegrees(p.W, p.R);
      out[`${name}.norm_ratio`] = normRatio(p.R, p.W);
    }
    return out;
  }

  getState(): NetworkState {
    const layers: NetworkState["layers"] = {};
    for (const [name, p] of this.params) {
      layers[name] = {
        W: p.W.dataSync().slice() as Float32Array,
        R: p.R.dataSync().slice() as Float32Array,
        ...(p.bias ? { bias: p.bias.dataSync().slice() as Float32Array } : {}),
        ...(p.B ? { B: p.B.dataSync().slice() as Float32Array } : {}),
      };
    }
    return { layers, rng: this.rng.getState() };
  }

  setState(state: NetworkState): void {
    for (const [name, p] of this.params) {
      const l = state?.layers?.[name];
      const field = `state.layers.${name}`;
      if (!l) throw new PlasticityError(`${field}: missing`, field);
      const put = (v: tf.Variable | null, a: Float32Array | undefined, key: string) => {
        if (v === null) return;
        if (!(a instanceof Float32Array) || a.length !== v.size) {
          throw new PlasticityError(
            `${field}.${key}: expected a Float32Array of ${v.size} values`,
            `${field}.${key}`,
          );
        }
        tf.tidy(() => v.assign(tf.tensor(a, v.shape)));
      };
      put(p.W, l.W, "W");
      put(p.R, l.R, "R");
      put(p.bias, l.bias, "bias");
      put(p.B, l.B, "B");
    }
    this.rng = Rng.fromState(state.rng);
  }

  dispose(): void {
    disposeParams(this.params);
  }
}
