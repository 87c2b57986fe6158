import { networkSchema } from "@plasticity/similarity-matching/schema";
import { z } from "zod";
import { defineModelKind, type ModelContext } from "./model.js";

export const similarityMatchingSchema = networkSchema
  .extend({
    kind: z
      .literal("similarity-matching")
      .describe("Structured and deep similarity matching (Obeid, Ramambason & Pehlevan 2019)."),
    workers: z
      .int()
      .min(0)
      .default(0)
      .describe(
        "worker_threads that run the dynamics (0: the runner's own thread; 2 uses both cores here). Needs the built packages (the CLI's). Capped by the environment's PLASTICITY_THREADS (a sweep sets 1: in-thread); the numbers do not depend on it.",
      ),
    featureBatch: z
      .int()
      .positive()
      .default(1000)
      .describe(
        "Images per dynamics batch and worker when computing the probes' features; wide layers get fewer (at most 4M images × units per call, so NpS 100 computes 204 at a time and the workers' memory stays bounded).",
      ),
    probeLayers: z
      .enum(["top", "all"])
      .default("top")
      .describe("Probe the top layer's fixed points (the paper's features) or every layer's."),
    similarityImages: z
      .int()
      .min(0)
      .max(50)
      .default(10)
      .describe(
        "Images per class kept from the first training batches to draw the representational similarity matrices.",
      ),
  })
  .describe(
    "similarity-matching: Hebbian/anti-Hebbian layers (structured, locally connected, optionally deep with feedback) run to a fixed point; probes on the fixed points.",
  );

export type SimilarityMatchingConfig = z.output<typeof similarityMatchingSchema>;

/**
 * `similarity-matching`: a `SimilarityMatchingNetwork` (@plasticity/similarity-matching, loaded
 * by `create`). Each step runs the neural dynamics of the batch to their fixed points and applies
 * the local updates (eq. 17) in micro-batches equivalent to the paper's online learning, with
 * η = model.lr × the runner's lrScale. Features: the top layer's fixed points.
 */
export const similarityMatching = defineModelKind({
  kind: "similarity-matching",
  description:
    "Structured/deep similarity matching (Obeid et al. 2019): neural dynamics to a fixed point, Hebbian W, anti-Hebbian M.",
  config: similarityMatchingSchema,
  async create(config, ctx: ModelContext) {
    const { createSimilarityMatching } = await import("./similarity-matching-model.js");
    return createSimilarityMatching(config, ctx);
  },
});
