import { parseOrThrow } from "@plasticity/core";
import { z } from "zod";

/*
 * The config side of a feedback-alignment network, with no tensor library (the
 * `@plasticity/feedback-alignment/schema` entry): the layer list, the learning method and its
 * options, and Amit's two architectures as layer lists.
 */

/** Credit-assignment methods, one switch on the same network. */
export const METHODS = ["bp", "fa", "urfb", "kp", "dfa"] as const;
export type Method = (typeof METHODS)[number];

/** Non-linearities: Amit's clipped ramp σ(h) = clip(s·h, −1, 1), and standard ones. */
export const ACTIVATIONS = ["ramp", "relu", "tanh", "linear"] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];

const name = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]*$/)
  .describe(
    "The layer's name (metrics, features, `from`); default: type and position, e.g. conv1.",
  );
const from = z
  .string()
  .describe('The layer this one reads ("input" for the image); default: the previous layer.');
const size = z.int().positive();
const kernel = z.union([size, z.tuple([size, size])]);

export const convLayerSchema = z
  .strictObject({
    type: z.literal("conv"),
    name: name.optional(),
    from: from.optional(),
    filters: size.describe("Output channels."),
    kernel: kernel.describe("Window [kh, kw] (or one number); 'same' padding, stride 1."),
    untied: z
      .boolean()
      .default(false)
      .describe(
        "Locally connected: the conv's windows with separate weights per position (Amit's untied layers).",
      ),
    activation: z.enum(ACTIVATIONS).default("ramp").describe("σ after the layer."),
  })
  .describe("Convolution ('same', stride 1, no bias unless `bias`), W and R [kh, kw, cin, cout].");

export const denseLayerSchema = z
  .strictObject({
    type: z.literal("dense"),
    name: name.optional(),
    from: from.optional(),
    units: size.describe("Output units."),
    activation: z.enum(ACTIVATIONS).default("ramp").describe("σ after the layer."),
  })
  .describe("Dense layer on the flattened input, W and R [nIn, nOut].");

export const poolLayerSchema = z
  .strictObject({
    type: z.literal("maxpool"),
    name: name.optional(),
    from: from.optional(),
    size: size.describe("Window side."),
    stride: size.describe("Step between windows ('same' padding: ⌈H / stride⌉ outputs)."),
  })
  .describe("Max-pool; the error goes to each window's (first) maximum.");

export const dropoutLayerSchema = z
  .strictObject({
    type: z.literal("dropout"),
    name: name.optional(),
    from: from.optional(),
    p: z
      .number()
      .min(0)
      .lt(1)
      .describe("Drop probability (the code's `drop`); kept units are scaled by 1/(1 − p)."),
  })
  .describe("Dropout during training only.");

export const sumLayerSchema = z
  .strictObject({
    type: z.literal("sum"),
    name: name.optional(),
    from: z.tuple([z.string(), z.string()]).describe("The two equal-shape layers to add."),
  })
  .describe("Sum of two equal-shape layers (the code's concatsum, a residual merge).");

export const layerSpecSchema = z.discriminatedUnion("type", [
  convLayerSchema,
  denseLayerSchema,
  poolLayerSchema,
  dropoutLayerSchema,
  sumLayerSchema,
]);
export type LayerSpec = z.input<typeof layerSpecSchema>;
export type ParsedLayerSpec = z.output<typeof layerSpecSchema>;

export const networkSpecSchema = z
  .strictObject({
    layers: z
      .array(layerSpecSchema)
      .min(1)
      .describe(
        "Hidden layers, input first; a linear dense output layer (one unit per class) follows.",
      ),
    nonlinScale: z
      .number()
      .positive()
      .default(0.5)
      .describe("s in the ramp σ(h) = clip(s·h, −1, 1) (the code's nonlin_scale)."),
    bias: z
      .boolean()
      .default(false)
      .describe("Biases on conv and dense layers (the code has none)."),
    untied: z
      .boolean()
      .default(false)
      .describe("Make every conv layer locally connected (overrides each layer's `untied`)."),
  })
  .describe("A feed-forward network as a list of layers (a DAG through `from` and sums).");
export type NetworkSpec = z.input<typeof networkSpecSchema>;
export type ParsedNetworkSpec = z.output<typeof networkSpecSchema>;

export const trainingSchema = z
  .strictObject({
    method: z
      .enum(METHODS)
      .default("urfb")
      .describe(
        "bp: Wᵀ carries the error; fa: fixed random R; urfb: ΔR = ΔW; kp: urfb with weight decay; dfa: the output error through a fixed random matrix per layer.",
      ),
    lr: z
      .number()
      .positive()
      .default(0.1)
      .describe("η for W (SGD, gradients averaged over the batch)."),
    lrFeedback: z
      .number()
      .nonnegative()
      .optional()
      .describe("η_R for R under urfb and kp; default the same as lr (Amit's URFB)."),
    decay: z
      .number()
      .nonnegative()
      .default(1e-3)
      .describe("Weight decay λ of kp on both W and R: W ← W − η(G + λW), R ← R − η_R(G + λR)."),
    feedbackWeights: z
      .enum(["post", "pre"])
      .default("post")
      .describe(
        "Propagate the error with each layer's weights after (the official code) or before its update.",
      ),
    backwardBound: z
      .number()
      .nonnegative()
      .default(0)
      .describe(
        "b > 0 bounds the backward signal to clip(b·e, −1, 1) (the code's b_nonlin_scale); 0: off.",
      ),
    loss: z
      .enum(["hinge", "softmax"])
      .default("hinge")
      .describe(
        "Output cost: Amit's multi-class hinge (a Hebbian top-layer update) or softmax cross-entropy.",
      ),
    offClassFactor: z
      .number()
      .nonnegative()
      .default(1)
      .describe("μ in the hinge: max(0, 1 − o_c) + μ/(C−1) Σ_{c′≠c} max(0, 1 + o_c′)."),
    feedbackInit: z
      .enum(["independent", "symmetric"])
      .default("independent")
      .describe("R₀ drawn independently of W₀ (Amit), or R₀ = W₀ (URFB is then exactly BP)."),
  })
  .describe("How the network learns.");
export type TrainingOptions = z.input<typeof trainingSchema>;
export type ParsedTrainingOptions = z.output<typeof trainingSchema>;

export function parseNetworkSpec(spec: unknown): ParsedNetworkSpec {
  return parseOrThrow(networkSpecSchema, spec, "network");
}

export function parseTrainingOptions(opts: unknown): ParsedTrainingOptions {
  return parseOrThrow(trainingSchema, opts ?? {}, "training");
}

/**
 * Amit's simple network (`_pars/simpnet`): conv 32@5×5 → maxpool 3/3 → dropout .8 → dense 500 →
 * dropout .3 (→ dense classes, linear).
 */
export function simpleNet(): LayerSpec[] {
  return [
    { type: "conv", name: "conv1", filters: 32, kernel: 5 },
    { type: "maxpool", name: "pool1", size: 3, stride: 3 },
    { type: "dropout", name: "drop1", p: 0.8 },
    { type: "dense", name: "dense1", units: 500 },
    { type: "dropout", name: "drop2", p: 0.3 },
  ];
}

/** A pair of convs whose outputs are summed: conv{n} → conv{n}a, sum{n} = conv{n} + conv{n}a. */
function convPair(n: number, filters: number, k1: number, k2: number, from?: string): LayerSpec[] {
  return [
    { type: "conv", name: `conv${n}`, filters, kernel: k1, ...(from ? { from } : {}) },
    { type: "conv", name: `conv${n}a`, filters, kernel: k2 },
    { type: "sum", name: `sum${n}`, from: [`conv${n}`, `conv${n}a`] },
  ];
}

/**
 * Amit's deeper network (`_pars/deepernet`): [conv16@3 → conv16@3, sum] → [conv32@3 → conv32@3,
 * sum] → maxpool 3/2 → dropout .5 → [conv64@3 → conv64@3, sum] → maxpool 3/2 → [conv128@2 →
 * conv128@3, sum] → maxpool 3/2 → dropout .8 → dense 500 (→ dense classes). Any input size.
 */
export function deepNet(): LayerSpec[] {
  return [
    ...convPair(0, 16, 3, 3),
    ...convPair(1, 32, 3, 3),
    { type: "maxpool", name: "pool1", size: 3, stride: 2 },
    { type: "dropout", name: "drop1", p: 0.5 },
    ...convPair(2, 64, 3, 3),
    { type: "maxpool", name: "pool2", size: 3, stride: 2 },
    ...convPair(3, 128, 2, 3),
    { type: "maxpool", name: "pool3", size: 3, stride: 2 },
    { type: "dropout", name: "drop2", p: 0.8 },
    { type: "dense", name: "dense1", units: 500 },
  ];
}

export const ARCHITECTURES = { simple: simpleNet, deep: deepNet } as const;
export type ArchitectureName = keyof typeof ARCHITECTURES;
