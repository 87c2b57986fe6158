import { hebbianConvSchema, parseHebbianConvConfig } from "@plasticity/hebbian-conv/schema";
import { z } from "zod";
import { defineModelKind, type ModelContext } from "./model.js";

export const hebbianConvModelSchema = z
  .strictObject({
    kind: z
      .literal("hebbian-conv")
      .describe("Miconi's (2021) Hebbian CNN: sparse k-WTA plasticity, thresholds, pruning."),
    ...hebbianConvSchema.shape,
  })
  .describe(
    "hebbian-conv: conv layers trained layer by layer with Hebbian rules through surrogate losses (Miconi 2021).",
  );

export type HebbianConvModelConfig = z.output<typeof hebbianConvModelSchema>;

/**
 * `hebbian-conv`: the Hebbian CNN of @plasticity/hebbian-conv (loaded by `create`). Every step,
 * each layer's filters learn from the binarised 1-WTA of its thresholded conv output (instar by
 * default), the thresholds adapt, and each layer passes a triangle (or WTA) output on through 2×2
 * average pooling. Features for the probes: each layer's pooled output averaged over the 4 image
 * quadrants (Miconi's per-layer decoding protocol).
 */
export const hebbianConv = defineModelKind({
  kind: "hebbian-conv",
  description:
    "Miconi's (2021) Hebbian CNN (surrogate-gradient Hebbian learning, 1-WTA plasticity, triangle outputs, pruning); probes on every layer's quadrant-pooled output.",
  config: hebbianConvModelSchema,
  check(config) {
    const { kind: _kind, ...net } = config;
    parseHebbianConvConfig(net, "model");
  },
  async create(config, ctx: ModelContext) {
    // the tensor stack loads only when a model is built, not when configs are read
    const { createHebbianConv } = await import("./hebbian-conv-model.js");
    return createHebbianConv(config, ctx);
  },
});
