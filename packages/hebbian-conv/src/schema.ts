import { PlasticityError, parseOrThrow } from "@plasticity/core";
import { z } from "zod";

/*
 * The config side of a Hebbian CNN, with no tensor library (`@plasticity/hebbian-conv/schema`):
 * what a config file, `plasticity config` or a model kind needs without loading tfjs. Defaults are
 * the configuration of Miconi's (2021) best CIFAR-10 result (PAPERS.md §3.3).
 */

/** Miconi's three rules that have a surrogate loss (PAPERS.md §3.2). */
export const CONV_RULES = ["instar", "hebb", "oja"] as const;
export type ConvRule = (typeof CONV_RULES)[number];

export const convLayerSchema = z
  .strictObject({
    channels: z.int().positive().describe("N: filters (output channels) of the layer."),
    kernel: z.int().positive().describe("Side of the square filters (stride 1, 'valid', no bias)."),
    k: z
      .int()
      .positive()
      .default(1)
      .describe("K: winners per position of the k-WTA across channels that drives plasticity."),
    lr: z
      .number()
      .nonnegative()
      .describe("SGD learning rate on the summed surrogate loss (Miconi: 1e-4, 1e-4, 1e-3)."),
    prune: z
      .number()
      .min(0)
      .max(0.999)
      .default(0)
      .describe(
        "Probability that a weight is pruned by the layer's fixed random mask (Miconi: 0, 0.99, 0.99).",
      ),
  })
  .describe("One Hebbian conv layer: conv → threshold → k-WTA plasticity, output, 2×2 avg pool.");

export type ConvLayerConfig = z.output<typeof convLayerSchema>;

/** Miconi's (2021) layers: 100/196/400 filters, kernels 5/3/3, lr 1e-4/1e-4/1e-3, 99 % pruning of L2/L3. */
export const MICONI_LAYERS: readonly ConvLayerConfig[] = [
  { channels: 100, kernel: 5, k: 1, lr: 1e-4, prune: 0 },
  { channels: 196, kernel: 3, k: 1, lr: 1e-4, prune: 0.99 },
  { channels: 400, kernel: 3, k: 1, lr: 1e-3, prune: 0.99 },
];

export const hebbianConvSchema = z
  .strictObject({
    layers: z
      .array(convLayerSchema)
      .min(1)
      .default(MICONI_LAYERS.map((l) => ({ ...l })))
      .describe("The conv layers, input first (default: Miconi's 100/196/400, kernels 5/3/3)."),
    rule: z
      .enum(CONV_RULES)
      .default("instar")
      .describe(
        "Plasticity: instar Δw = y(x − w) (Miconi's results), hebb Δw = yx, oja y(x − yw).",
      ),
    output: z
      .enum(["triangle", "wta"])
      .default("triangle")
      .describe(
        "What a layer passes on: triangle relu(z − mean_c z) (dense output, sparse plasticity) or the k-WTA y itself (no intervention).",
      ),
    binarize: z
      .boolean()
      .default(true)
      .describe(
        "Plasticity y = 1 for each k-WTA winner with z > 0 (Miconi's BINARIZEDPLAST); false keeps y = z.",
      ),
    muThres: z
      .number()
      .nonnegative()
      .default(3)
      .describe("θ_c += muThres · (win rate_c − K/N) after every batch (0 freezes θ at 0)."),
    burnIn: z
      .int()
      .nonnegative()
      .default(200)
      .describe("Batches at the start with threshold adaptation but no weight updates."),
    pool: z
      .int()
      .positive()
      .default(2)
      .describe("Average pooling window and stride after each layer (1 = none)."),
    inputPadding: z
      .int()
      .nonnegative()
      .default(0)
      .describe("Zeros added around the input image before layer 1 (2 turns 28×28 into 32×32)."),
    plasticity: z
      .enum(["direct", "surrogate"])
      .default("direct")
      .describe(
        "direct: ΔW as a gather-add over the winners' patches (fast); surrogate: tf autodiff of Miconi's loss + tf.train.sgd (same ΔW).",
      ),
    conv: z
      .enum(["auto", "dense", "sparse"])
      .default("auto")
      .describe(
        "Forward conv of each layer: dense (tf.conv2d), sparse (only the mask's weights), auto (sparse below 25 % density).",
      ),
    shards: z
      .int()
      .positive()
      .default(2)
      .describe(
        "Each batch is split in this many fixed shards whose ΔW statistics add up in order, so the numbers do not depend on the worker count.",
      ),
    workers: z
      .int()
      .min(1)
      .max(16)
      .default(1)
      .describe(
        "Threads computing shards (1 = this thread; more need the built package). The experiments runner caps it by the environment's PLASTICITY_THREADS (a sweep sets 1).",
      ),
  })
  .describe("A Hebbian CNN trained layer by layer with sparse plasticity (Miconi 2021).");

export type HebbianConvConfig = z.output<typeof hebbianConvSchema>;
export type HebbianConvInput = z.input<typeof hebbianConvSchema>;

/** Parse a network config, filling defaults; errors name the field (`layers.1.prune`, ...). */
export function parseHebbianConvConfig(raw: unknown, field = "config"): HebbianConvConfig {
  const cfg = parseOrThrow(hebbianConvSchema, raw ?? {}, field);
  cfg.layers.forEach((l, i) => {
    if (l.k > l.channels) {
      throw new PlasticityError(
        `${field}.layers.${i}.k: ${l.k} winners but the layer has ${l.channels} channels`,
        `${field}.layers.${i}.k`,
      );
    }
  });
  if (cfg.workers > cfg.shards) {
    throw new PlasticityError(
      `${field}.workers: ${cfg.workers} workers but only ${cfg.shards} shards per batch`,
      `${field}.workers`,
    );
  }
  if (cfg.plasticity === "surrogate" && cfg.workers > 1) {
    throw new PlasticityError(
      `${field}.workers: the surrogate path runs tf autodiff in this thread; use workers: 1`,
      `${field}.workers`,
    );
  }
  return cfg;
}
