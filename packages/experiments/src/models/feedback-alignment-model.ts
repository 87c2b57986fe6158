import { PlasticityError, Rng, type RngState } from "@plasticity/core";
import {
  FeedbackNetwork,
  type GraphNode,
  type NetworkState,
  OUTPUT,
} from "@plasticity/feedback-alignment";
import { tf } from "@plasticity/tfjs";
import type { StateValue } from "../io/state.js";
import { configLayers, type FeedbackAlignmentConfig } from "./feedback-alignment.js";
import type {
  ExperimentModel,
  FilterSet,
  LayerFeatures,
  ModelContext,
  ModelPlot,
  PlotContext,
} from "./model.js";

const EVAL_BATCH = 500;
const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** Default probe layers: max-pools and hidden dense layers of at most 4096 values. */
function defaultFeatures(nodes: readonly GraphNode[]): string[] {
  return nodes
    .filter(
      (nd) =>
        nd.name !== OUTPUT &&
        (nd.kind === "maxpool" || (nd.kind === "weight" && nd.op === "dense")) &&
        size(nd.outShape) <= 4096,
    )
    .map((nd) => nd.name);
}

/** `<layer>.<key>` metric series as lines over the logged steps. */
function seriesPlot(
  ctx: PlotContext,
  key: string,
  name: string,
  title: string,
  yTitle: string,
): ModelPlot | null {
  const values: { x: number; y: number; series: string }[] = [];
  for (const row of ctx.metrics) {
    for (const [k, v] of Object.entries(row)) {
      if (k.endsWith(`.${key}`) && !k.startsWith("output.") && Number.isFinite(v)) {
        values.push({ x: row.step, y: v, series: k.slice(0, -key.length - 1) });
      }
    }
  }
  return values.length === 0
    ? null
    : { kind: "lines", name, title, xTitle: "step", yTitle, values };
}

/** The first tied conv's W [kh, kw, cin, cout] as cout filters [kh, kw, cin]. */
async function firstConvFilters(
  net: FeedbackNetwork,
  nodes: readonly GraphNode[],
): Promise<FilterSet[]> {
  const first = nodes.find((nd) => nd.kind === "weight" && nd.op === "conv");
  if (!first) return [];
  const W = net.layer(first.name).W;
  const [kh, kw, cin, cout] = W.shape as [number, number, number, number];
  const t = tf.tidy(() => tf.transpose(W, [3, 0, 1, 2]).dataSync() as Float32Array);
  return [{ layer: first.name, count: cout, shape: [kh, kw, cin], data: Float32Array.from(t) }];
}

/** Build a `feedback-alignment` model from its config. */
export async function createFeedbackAlignmentModel(
  c: FeedbackAlignmentConfig,
  ctx: ModelContext,
): Promise<ExperimentModel> {
  const net = new FeedbackNetwork(
    { layers: configLayers(c), untied: c.untied, nonlinScale: c.nonlinScale, bias: c.bias },
    {
      inputShape: ctx.inputShape,
      classes: ctx.nClasses,
      rng: ctx.rng,
      training: {
        method: c.method,
        lr: c.lr,
        lrFeedback: c.lrFeedback,
        decay: c.decay,
        feedbackWeights: c.feedbackWeights,
        backwardBound: c.backwardBound,
        loss: c.loss,
        offClassFactor: c.offClassFactor,
        feedbackInit: c.feedbackInit,
      },
    },
  );
  const nodes = net.graph.nodes;
  const featureLayers = c.features ?? defaultFeatures(nodes);
  for (const f of featureLayers) {
    if (!nodes.some((nd) => nd.name === f)) {
      net.dispose();
      throw new PlasticityError(
        `model.features: no layer "${f}" (layers: ${nodes.map((nd) => nd.name).join(", ")})`,
        "model.features",
      );
    }
  }
  const [h, w, ch] = ctx.inputShape;
  const d = h * w * ch;

  return {
    layers: featureLayers,

    async trainStep(batch, info) {
      const b = batch.shape[0];
      const x = tf.tensor4d(batch.x, [b, h, w, ch]);
      try {
        const r = net.step(x, batch.y, {
          lrScale: info.lrScale,
          diagnose: info.wantMetrics && c.gradientAngles,
        });
        if (!Number.isFinite(r.loss)) {
          throw new PlasticityError(
            `training diverged at step ${info.step}: the loss is ${r.loss} (lower model.lr)`,
            "model.lr",
          );
        }
        const out: Record<string, number> = { loss: r.loss, train_accuracy: r.correct / b };
        if (info.wantMetrics) Object.assign(out, r.metrics, net.alignment());
        return out;
      } finally {
        x.dispose();
      }
    },

    async evaluateOutput(x, y, count) {
      return net.evaluate(x, y, count, EVAL_BATCH);
    },

    async features(x, count): Promise<LayerFeatures[]> {
      const dims = featureLayers.map((f) => size(nodes.find((nd) => nd.name === f)!.outShape));
      const data = dims.map((dim) => new Float32Array(count * dim));
      for (let s = 0; s < count; s += EVAL_BATCH) {
        const m = Math.min(EVAL_BATCH, count - s);
        const xt = tf.tensor4d(x.subarray(s * d, (s + m) * d), [m, h, w, ch]);
        const outs = net.outputs(xt, featureLayers);
        outs.forEach((o, i) => {
          data[i]!.set(o.dataSync(), s * dims[i]!);
        });
        tf.dispose([xt, ...outs]);
      }
      return featureLayers.map((layer, i) => ({ layer, dim: dims[i]!, data: data[i]! }));
    },

    filters: async () => firstConvFilters(net, nodes),

    async plots(pctx) {
      const out: (ModelPlot | null)[] = [
        seriesPlot(pctx, "angle_wr", "angle-w-r", "angle between W and R per layer", "degrees"),
        seriesPlot(
          pctx,
          "angle_grad",
          "angle-update-bp",
          "angle between the update and BP's gradient",
          "degrees",
        ),
        seriesPlot(pctx, "norm_ratio", "norm-ratio", "‖R‖ / ‖W‖ per layer", "ratio"),
      ];
      const filters = await firstConvFilters(net, nodes);
      if (filters[0]) out.push({ kind: "filters", name: "conv-filters", filters: filters[0] });
      return out.filter((p): p is ModelPlot => p !== null);
    },

    async diagnostics() {
      return net.alignment();
    },

    async getState(): Promise<StateValue> {
      const s = net.getState();
      return { layers: s.layers as unknown as StateValue, rng: s.rng as unknown as StateValue };
    },

    async setState(state: StateValue) {
      const s = state as unknown as NetworkState;
      if (s === null || typeof s !== "object" || typeof s.layers !== "object") {
        throw new PlasticityError(
          "state: expected { layers, rng } of a feedback-alignment model",
          "state",
        );
      }
      Rng.fromState(s.rng as RngState); // fails clearly on a bad rng state before weights change
      net.setState(s);
    },

    dispose() {
      net.dispose();
    },
  };
}
