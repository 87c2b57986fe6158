import { PlasticityError, type Rule, type RuleRegistry } from "@plasticity/core";
import {
  activationSchema,
  HebbianDense,
  type HebbianDenseState,
  tf,
  WEIGHT_INITS,
  type WeightInit,
} from "@plasticity/tfjs";
import { z } from "zod";
import type { StateValue } from "../io/state.js";
import {
  defineModelKind,
  type ExperimentModel,
  type LayerFeatures,
  type ModelContext,
  type StepMetrics,
} from "./model.js";
import { ensureKernel } from "./reference-kernel.js";

const layerSchema = z
  .strictObject({
    units: z.int().positive().default(100).describe("Units of the layer (its output size)."),
    rule: z
      .string()
      .min(1)
      .default("softhebb")
      .describe("Learning rule by name; see `plasticity list rules`."),
    params: z
      .record(z.string(), z.unknown())
      .default({})
      .describe(
        "The rule's hyper-parameters (e.g. { lr: 0.5, temperature: 0.1 }); defaults from the rule.",
      ),
    activation: activationSchema
      .default({ kind: "relu" })
      .describe(
        "y = f(u): linear, relu, tanh, kwta(k), softmax(temperature), triangle, power(n). Also the probed features.",
      ),
    init: z
      .enum(WEIGHT_INITS as [WeightInit, ...WeightInit[]])
      .default("normal")
      .describe("Initial weights: normal, uniform (same variance) or unit-norm rows."),
    initScale: z
      .number()
      .positive()
      .optional()
      .describe("Standard deviation of the initial weights (normal/uniform); default 1/√nIn."),
  })
  .describe("One dense layer learning with a local rule.");

export const hebbianMlpSchema = z
  .strictObject({
    kind: z
      .literal("hebbian-mlp")
      .describe("A stack of dense layers, each trained by its own local rule."),
    layers: z
      .array(layerSchema)
      .min(1)
      .default([
        { units: 100, rule: "softhebb", params: {}, activation: { kind: "relu" }, init: "normal" },
      ])
      .describe("The layers, input first; layer i+1 learns on layer i's output y."),
  })
  .describe(
    "hebbian-mlp: dense layers, each with its own rule, trained greedily and simultaneously.",
  );

export type HebbianMlpConfig = z.output<typeof hebbianMlpSchema>;

function layerName(i: number): string {
  return `layer${i + 1}`;
}

/** Resolve a layer's rule and parse its params, with errors naming model.layers.i.* */
function resolveRule(
  rules: RuleRegistry,
  cfg: HebbianMlpConfig["layers"][number],
  i: number,
): Rule {
  let rule: Rule;
  try {
    rule = rules.get(cfg.rule);
  } catch (err) {
    throw new PlasticityError(
      `model.layers.${i}.rule: ${(err as Error).message}`,
      `model.layers.${i}.rule`,
    );
  }
  try {
    rule.parseParams(cfg.params);
  } catch (err) {
    const e = err as PlasticityError;
    const field = e.field ? `model.layers.${i}.${e.field}` : `model.layers.${i}.params`;
    throw new PlasticityError(
      `model.layers.${i}.params (rule "${rule.name}"): ${e.message.replace(/^invalid params: /, "")}`,
      field,
    );
  }
  return rule;
}

class HebbianMlp implements ExperimentModel {
  readonly layers: readonly string[];

  constructor(
    private readonly dense: HebbianDense[],
    private readonly inputShape: readonly [number, number, number],
  ) {
    this.layers = dense.map((_, i) => layerName(i));
  }

  private get inputSize(): number {
    return this.inputShape[0] * this.inputShape[1] * this.inputShape[2];
  }

  async trainStep(
    batch: { x: Float32Array; shape: readonly number[] },
    info: { wantMetrics: boolean },
  ): Promise<StepMetrics> {
    const n = batch.shape[0]!;
    const scalars: { name: string; t: tf.Scalar }[] = [];
    tf.tidy(() => {
      let x: tf.Tensor2D = tf.tensor2d(batch.x, [n, this.inputSize]);
      this.dense.forEach((layer, i) => {
        const before = info.wantMetrics ? tf.clone(layer.W) : null;
        const { u, y } = layer.learn(x);
        if (before) {
          const p = layerName(i);
          const wNorm = tf.norm(layer.W);
          scalars.push(
            {
              name: `${p}.dw_rel`,
              t: tf.keep(tf.div(tf.norm(tf.sub(layer.W, before)), tf.maximum(wNorm, 1e-12))),
            },
            { name: `${p}.w_norm`, t: tf.keep(tf.mean(tf.norm(layer.W, 2, 1))) },
            { name: `${p}.u_mean`, t: tf.keep(tf.mean(u)) },
            { name: `${p}.active`, t: tf.keep(tf.mean(tf.cast(tf.greater(y, 0), "float32"))) },
            {
              name: `${p}.units_won`,
              t: tf.keep(
                tf.div(
                  tf.sum(
                    tf.cast(
                      tf.greater(tf.max(tf.oneHot(tf.argMax(u, 1), layer.nOut), 0), 0),
                      "float32",
                    ),
                  ),
                  layer.nOut,
                ),
              ),
            },
          );
        }
        x = y;
      });
    });
    const out: StepMetrics = {};
    for (const { name, t } of scalars) {
      out[name] = t.dataSync()[0]!;
      t.dispose();
    }
    return out;
  }

  async features(x: Float32Array, n: number): Promise<LayerFeatures[]> {
    const d = this.inputSize;
    if (x.length !== n * d) {
      throw new PlasticityError(`x: expected ${n} × ${d} values, got ${x.length}`, "x");
    }
    const outs = this.dense.map((l) => new Float32Array(n * l.nOut));
    const chunk = 1000;
    for (let s = 0; s < n; s += chunk) {
      const m = Math.min(chunk, n - s);
      const ys = tf.tidy(() => {
        let h: tf.Tensor2D = tf.tensor2d(x.subarray(s * d, (s + m) * d), [m, d]);
        const res: tf.Tensor2D[] = [];
        for (const layer of this.dense) {
          h = layer.forward(h).y;
          res.push(h);
        }
        return res;
      });
      ys.forEach((t, i) => {
        outs[i]!.set(t.dataSync(), s * this.dense[i]!.nOut);
        t.dispose();
      });
    }
    return this.dense.map((l, i) => ({ layer: layerName(i), dim: l.nOut, data: outs[i]! }));
  }

  async filters() {
    const first = this.dense[0]!;
    return [
      { layer: layerName(0), count: first.nOut, shape: this.inputShape, data: first.weights() },
    ];
  }

  async diagnostics(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    this.dense.forEach((layer, i) => {
      const p = layerName(i);
      const [mean, min, max, wMean] = tf.tidy(() => {
        const norms = tf.norm(layer.W, 2, 1);
        return [tf.mean(norms), tf.min(norms), tf.max(norms), tf.mean(layer.W)].map(
          (t) => t.dataSync()[0]!,
        );
      });
      Object.assign(out, {
        [`${p}.units`]: layer.nOut,
        [`${p}.w_norm_mean`]: mean!,
        [`${p}.w_norm_min`]: min!,
        [`${p}.w_norm_max`]: max!,
        [`${p}.w_mean`]: wMean!,
      });
    });
    return out;
  }

  async getState(): Promise<StateValue> {
    return {
      kind: "hebbian-mlp",
      layers: this.dense.map((l) => l.getState() as unknown as StateValue),
    };
  }

  async setState(state: StateValue): Promise<void> {
    const s = state as { kind?: unknown; layers?: unknown };
    if (
      s?.kind !== "hebbian-mlp" ||
      !Array.isArray(s.layers) ||
      s.layers.length !== this.dense.length
    ) {
      throw new PlasticityError(
        `model state: expected { kind: "hebbian-mlp", layers: [${this.dense.length} layer states] }`,
        "model",
      );
    }
    s.layers.forEach((ls, i) => {
      try {
        this.dense[i]!.setState(ls as HebbianDenseState);
      } catch (err) {
        throw new PlasticityError(
          `model state layers[${i}]: ${(err as Error).message}`,
          `model.layers.${i}`,
        );
      }
    });
  }

  dispose(): void {
    for (const l of this.dense) l.dispose();
  }
}

/**
 * `hebbian-mlp`: a stack of `HebbianDense` layers (@plasticity/tfjs). Every step, each layer
 * learns on the current batch with its own rule, layer i+1 on layer i's output (greedy and
 * simultaneous, no backpropagation). Features for the probes: each layer's output y.
 */
export const hebbianMlp = defineModelKind({
  kind: "hebbian-mlp",
  description:
    "Dense layers each trained by a local rule (builtins or plugins); probes on every layer's output.",
  config: hebbianMlpSchema,
  check(config, { rules }) {
    config.layers.forEach((l, i) => {
      resolveRule(rules, l, i);
      if (l.activation.kind === "kwta" && l.activation.k > l.units) {
        throw new PlasticityError(
          `model.layers.${i}.activation.k: ${l.activation.k} winners but the layer has ${l.units} units`,
          `model.layers.${i}.activation.k`,
        );
      }
    });
  },
  async create(config, ctx: ModelContext) {
    const dense: HebbianDense[] = [];
    let nIn = ctx.inputShape[0] * ctx.inputShape[1] * ctx.inputShape[2];
    try {
      config.layers.forEach((l, i) => {
        const rule = resolveRule(ctx.rules, l, i);
        ensureKernel(rule);
        dense.push(
          new HebbianDense({
            nIn,
            nOut: l.units,
            rule,
            params: l.params,
            activation: l.activation,
            rng: ctx.rng.fork(i + 1),
            init: l.init,
            initScale: l.initScale,
          }),
        );
        nIn = l.units;
      });
    } catch (err) {
      for (const d of dense) d.dispose();
      throw err;
    }
    return new HebbianMlp(dense, ctx.inputShape);
  },
});
