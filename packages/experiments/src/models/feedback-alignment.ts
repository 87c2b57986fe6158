import { PlasticityError } from "@plasticity/core";
import {
  ARCHITECTURES,
  layerSpecSchema,
  networkSpecSchema,
  trainingSchema,
} from "@plasticity/feedback-alignment/schema";
import { z } from "zod";
import { defineModelKind, type ModelContext } from "./model.js";

const t = trainingSchema.shape;
const n = networkSpecSchema.shape;

export const feedbackAlignmentSchema = z
  .strictObject({
    kind: z
      .literal("feedback-alignment")
      .describe("A deep network trained without weight transport (Amit 2019)."),
    architecture: z
      .enum(["simple", "deep"])
      .default("simple")
      .describe(
        "simple: conv 32@5×5 → maxpool 3/3 → dropout .8 → dense 500 → dropout .3; deep: pairs of 3×3 convs with sum-merges, three max-pools, dense 500 (Amit's deepernet). A linear dense layer per class follows.",
      ),
    layers: z
      .array(layerSpecSchema)
      .min(1)
      .optional()
      .describe(
        "Your own hidden layers instead of `architecture` (conv, dense, maxpool, dropout, sum).",
      ),
    untied: n.untied,
    nonlinScale: n.nonlinScale,
    bias: n.bias,
    method: t.method,
    lr: t.lr,
    lrFeedback: t.lrFeedback,
    decay: t.decay,
    feedbackWeights: t.feedbackWeights,
    backwardBound: t.backwardBound,
    loss: t.loss,
    offClassFactor: t.offClassFactor,
    feedbackInit: t.feedbackInit,
    gradientAngles: z
      .boolean()
      .default(true)
      .describe(
        "On logged steps, also measure each layer's update against the true BP gradient (one extra backward pass).",
      ),
    features: z
      .array(z.string())
      .optional()
      .describe(
        "Layers whose outputs the probes read; default: every max-pool and hidden dense layer with at most 4096 values.",
      ),
  })
  .describe(
    "feedback-alignment: bp, fa, urfb, kp or dfa on one network; the network's own test accuracy, W–R alignment per layer.",
  );

export type FeedbackAlignmentConfig = z.output<typeof feedbackAlignmentSchema>;

/** The hidden layers a config describes. */
export function configLayers(c: FeedbackAlignmentConfig): unknown[] {
  return c.layers ?? ARCHITECTURES[c.architecture]();
}

/**
 * `feedback-alignment`: Amit (2019)'s networks trained by backprop (bp), fixed random feedback
 * (fa), updated random feedback (urfb: ΔR = ΔW), Kolen–Pollack (kp) or direct feedback alignment
 * (dfa), with the hinge cost whose top-layer update is Hebbian. Reports the network's own test
 * accuracy, per-layer W–R angles, update-vs-BP angles and ‖R‖/‖W‖; probes read the pooled and
 * dense layers.
 */
export const feedbackAlignment = defineModelKind({
  kind: "feedback-alignment",
  description:
    "Amit (2019): BP, feedback alignment, URFB, Kolen–Pollack or DFA on one conv net (tied or untied); own test accuracy and W–R angles.",
  config: feedbackAlignmentSchema,
  check(config) {
    if (config.features !== undefined && config.features.length === 0) {
      throw new PlasticityError(
        "model.features: name at least one layer, or leave it out",
        "model.features",
      );
    }
  },
  async create(config, ctx: ModelContext) {
    const { createFeedbackAlignmentModel } = await import("./feedback-alignment-model.js");
    return createFeedbackAlignmentModel(config, ctx);
  },
});
