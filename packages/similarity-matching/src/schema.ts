/**
 * The network's configuration, validated with zod at every boundary. Every field has a default
 * and a description; defaults are the official code's (Pehlevan-Group/Deep_Structured_SM,
 * `runscript.py` and `deep_network_GPU`, PAPERS.md §1.3–1.4).
 */
import { formatZodError, PlasticityError } from "@plasticity/core";
import { z } from "zod";

export const denseLayerSchema = z
  .object({
    kind: z.literal("dense"),
    nps: z.number().int().positive().describe("neurons of the layer (all share one site)"),
    mult: z
      .number()
      .positive()
      .default(1)
      .describe(
        "the code's mult_factor m: the layer's drive is W r/m and its feedback into the layer below γ·m·Wᵀ r (1: eq. 15 as written)",
      ),
  })
  .strict()
  .describe("Földiák's single layer: every neuron sees every input; lateral all-to-all");

export const structuredLayerSchema = z
  .object({
    kind: z.literal("structured").default("structured"),
    nps: z.number().int().positive().default(4).describe("neurons per site (NpS)"),
    radius: z
      .number()
      .positive()
      .default(4)
      .describe("receptive-field radius in input pixels (the code's distance_parameter)"),
    stride: z.number().int().positive().default(2).describe("site spacing in input pixels"),
    lateralRadius: z
      .number()
      .min(0)
      .default(0)
      .describe(
        "lateral connections reach the neurons of sites within this distance (0: own site)",
      ),
    mult: z
      .number()
      .positive()
      .default(1)
      .describe(
        "the code's mult_factor m: the layer's drive is W r/m and its feedback into the layer below γ·m·Wᵀ r (1: eq. 15 as written)",
      ),
  })
  .strict()
  .describe("a locally connected layer: NpS neurons per site sharing a disc receptive field");

export const layerSpecSchema = z.union([denseLayerSchema, structuredLayerSchema]);
export type LayerSpec = z.output<typeof layerSpecSchema>;

export const ACTIVATIONS = ["tanh", "rectified", "bounded-linear"] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];

export const stepSchema = z
  .object({
    h0: z.number().positive().default(0.2).describe("first Euler step (the code's euler_step)"),
    decay: z.number().min(0).default(0.005).describe("h_s = max(h0 / (1 + decay·s), min)"),
    min: z.number().positive().default(0.05).describe("smallest Euler step"),
  })
  .strict();

export const dynamicsSchema = z
  .object({
    mode: z
      .enum(["tolerance", "fixed"])
      .default("tolerance")
      .describe(
        "tolerance: each sample stops once ‖du‖/‖u‖ < tol in every layer; fixed: exactly `steps` steps",
      ),
    tol: z.number().positive().default(1e-4).describe("relative tolerance ‖du‖/‖u‖"),
    maxSteps: z.number().int().positive().default(3000).describe("step limit (tolerance mode)"),
    checkEvery: z
      .number()
      .int()
      .positive()
      .default(10)
      .describe(
        "test the tolerance every this many steps (the code meant 100, but its test reads a zero slice, so it always stops after 99 steps)",
      ),
    steps: z
      .number()
      .int()
      .positive()
      .default(99)
      .describe("steps of the fixed mode (99 is what the official code runs in practice)"),
    step: stepSchema.prefault({}).describe("the decaying Euler step of the official code"),
  })
  .strict();
export type DynamicsOptions = z.output<typeof dynamicsSchema>;

export const networkSchema = z
  .object({
    layers: z
      .array(layerSpecSchema)
      .min(1)
      .default([{ kind: "structured", nps: 4, radius: 4, stride: 2, lateralRadius: 0, mult: 1 }])
      .describe("layers bottom to top"),
    activation: z
      .enum(ACTIVATIONS)
      .default("tanh")
      .describe(
        "r = f(u): tanh (the code's), rectified max(u, 0), or bounded-linear clip(u, lo, hi)",
      ),
    bounds: z
      .tuple([z.number(), z.number()])
      .default([0, 1])
      .describe("[lo, hi] of the bounded-linear activation"),
    gamma: z.number().min(0).default(0).describe("feedback strength γ of deep networks"),
    layerLrFactor: z
      .boolean()
      .default(false)
      .describe(
        "scale layer p's learning rate by γ^(p−P) as eq. (17) (the official code does not)",
      ),
    lr: z.number().positive().default(5e-3).describe("η0, multiplied by the runner's lrScale"),
    maxDrift: z
      .number()
      .positive()
      .max(1)
      .default(0.05)
      .describe(
        "batch learning: a batch is cut into micro-batches of B samples with η·B ≤ maxDrift, each applying the B online steps' compounded decay 1 − (1 − η)^B",
      ),
    dynamics: dynamicsSchema.prefault({}),
  })
  .strict();
export type NetworkConfig = z.output<typeof networkSchema>;
export type NetworkConfigInput = z.input<typeof networkSchema>;

/** Parse a network config; throws a PlasticityError naming the field. */
export function parseNetworkConfig(raw: unknown, prefix = "config"): NetworkConfig {
  const r = networkSchema.safeParse(raw ?? {});
  if (!r.success) {
    const first = r.error.issues[0];
    throw new PlasticityError(
      `invalid ${prefix}: ${formatZodError(r.error, prefix)}`,
      [prefix, ...(first?.path ?? []).map(String)].join("."),
    );
  }
  const c = r.data;
  if (c.bounds[0] >= c.bounds[1]) {
    throw new PlasticityError(
      `${prefix}.bounds: expected lo < hi, got [${c.bounds.join(", ")}]`,
      `${prefix}.bounds`,
    );
  }
  if (c.layerLrFactor && c.layers.length > 1 && c.gamma === 0) {
    throw new PlasticityError(
      `${prefix}.layerLrFactor: γ^(p−P) is infinite for γ = 0 below the top layer; set gamma > 0`,
      `${prefix}.layerLrFactor`,
    );
  }
  return c;
}
