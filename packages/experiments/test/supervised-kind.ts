import { PlasticityError } from "@plasticity/core";
import { tf } from "@plasticity/tfjs";
import { z } from "zod";
import { defineModelKind, type ExperimentModel, type ModelContext } from "../src/index.js";

/**
 * A real supervised model kind for the runner's tests: softmax regression on the pixels trained
 * by SGD with lr × info.lrScale, scoring its own output and drawing one plot of each kind.
 */
export const softmaxKind = defineModelKind({
  kind: "test-softmax",
  description: "softmax regression on pixels (runner tests)",
  config: z.strictObject({
    kind: z.literal("test-softmax"),
    lr: z.number().positive().default(0.5),
  }),
  async create(config, ctx: ModelContext): Promise<ExperimentModel> {
    const [h, w, c] = ctx.inputShape;
    const d = h * w * c;
    const k = ctx.nClasses;
    const init = new Float32Array(d * k);
    ctx.rng.fillNormal(init, 0, 0.01);
    let W = tf.variable(tf.tensor2d(init, [d, k]));
    const scales: number[] = [];
    const logits = (x: Float32Array, n: number) => tf.matMul(tf.tensor2d(x, [n, d]), W);
    const filters = async () => {
      const t = tf.tidy(() => W.transpose().dataSync() as Float32Array);
      return [{ layer: "logits", count: k, shape: [h, w, c] as const, data: Float32Array.from(t) }];
    };
    return {
      layers: ["logits"],
      async trainStep(batch, info) {
        scales.push(info.lrScale);
        const n = batch.shape[0];
        tf.tidy(() => {
          const y = tf.oneHot(tf.tensor1d(batch.y, "int32"), k).toFloat();
          const g = tf.grad((w: tf.Tensor) =>
            tf.losses.softmaxCrossEntropy(
              y,
              tf.matMul(tf.tensor2d(batch.x, [n, d]), w as tf.Tensor2D),
            ),
          )(W);
          W.assign(tf.sub(W, tf.mul(g, config.lr * info.lrScale)));
        });
        return { lr_scale_seen: info.lrScale };
      },
      async evaluateOutput(x, y, n) {
        return tf.tidy(() => {
          const o = logits(x, n);
          const pred = o.argMax(1).dataSync();
          let ok = 0;
          for (let i = 0; i < n; i++) if (pred[i] === y[i]) ok++;
          const t = tf.oneHot(tf.tensor1d(y, "int32"), k).toFloat();
          const loss = tf.losses.softmaxCrossEntropy(t, o).dataSync()[0]!;
          return { accuracy: ok / n, loss };
        });
      },
      async features(x, n) {
        const data = tf.tidy(() => logits(x, n).dataSync() as Float32Array);
        return [{ layer: "logits", dim: k, data: Float32Array.from(data) }];
      },
      async filters() {
        const t = tf.tidy(() => W.transpose().dataSync() as Float32Array);
        return [
          { layer: "logits", count: k, shape: [h, w, c] as const, data: Float32Array.from(t) },
        ];
      },
      async plots(pctx) {
        const wt = await filters();
        return [
          { kind: "filters", name: "class-templates", filters: wt[0]! },
          { kind: "heatmap", name: "w-gram", title: "WᵀW", rows: k, cols: k, data: gram(W, k) },
          {
            kind: "bars",
            name: "w-norms",
            title: "‖w_c‖",
            xTitle: "class",
            yTitle: "norm",
            values: norms(W).map((v, i) => ({ x: String(i), y: v })),
          },
          {
            kind: "histogram",
            name: "w-hist",
            title: "weights",
            xTitle: "w",
            values: Array.from(W.dataSync()).map((v) => ({ value: v })),
          },
          {
            kind: "lines",
            name: "lr-scale",
            title: "lr factor",
            xTitle: "step",
            yTitle: "factor",
            values: pctx.metrics
              .filter((r) => typeof r.lr_scale_seen === "number")
              .map((r) => ({ x: r.step, y: r.lr_scale_seen!, series: "lr" })),
          },
        ];
      },
      async diagnostics() {
        return { steps_seen: scales.length };
      },
      async getState() {
        return { W: Float32Array.from(W.dataSync()) };
      },
      async setState(s) {
        const w0 = (s as { W?: unknown }).W;
        if (!(w0 instanceof Float32Array) || w0.length !== d * k) {
          throw new PlasticityError("state.W: expected d × k floats", "state.W");
        }
        W.dispose();
        W = tf.variable(tf.tensor2d(w0, [d, k]));
      },
      dispose() {
        W.dispose();
      },
    };
  },
});

function gram(W: tf.Variable, k: number): Float32Array {
  return tf.tidy(
    () =>
      tf
        .matMul(W.transpose(), W)
        .reshape([k * k])
        .dataSync() as Float32Array,
  );
}

function norms(W: tf.Variable): number[] {
  return Array.from(tf.tidy(() => tf.norm(W, 2, 0).dataSync()));
}
