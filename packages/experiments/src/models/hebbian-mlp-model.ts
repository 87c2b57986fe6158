import { PlasticityError } from "@plasticity/core";
import { HebbianDense, type HebbianDenseState, tf } from "@plasticity/tfjs";
import type { StateValue } from "../io/state.js";
import { type HebbianMlpConfig, layerName, resolveRule } from "./hebbian-mlp.js";
import type { ExperimentModel, LayerFeatures, ModelContext, StepMetrics } from "./model.js";
import { ensureKernel } from "./reference-kernel.js";

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
    info: { wantMetrics: boolean; lrScale: number },
  ): Promise<StepMetrics> {
    const n = batch.shape[0]!;
    const scalars: { name: string; t: tf.Scalar }[] = [];
    tf.tidy(() => {
      let x: tf.Tensor2D = tf.tensor2d(batch.x, [n, this.inputSize]);
      this.dense.forEach((layer, i) => {
        const before = info.wantMetrics ? tf.clone(layer.W) : null;
        const { u, y } = layer.learn(x, { lrScale: info.lrScale });
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

/** Build a `hebbian-mlp` model: one `HebbianDense` per configured layer, each with its own rng stream. */
export async function createHebbianMlp(
  config: HebbianMlpConfig,
  ctx: ModelContext,
): Promise<ExperimentModel> {
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
}
