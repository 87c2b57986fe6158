import { z } from "zod";

/**
 * The config side of a @plasticity/tfjs layer, without loading tfjs: the post-synaptic
 * non-linearity y = f(u) and the weight initialisations, as `activationSchema` and
 * `WEIGHT_INITS` of @plasticity/tfjs define them. Configs are parsed, printed and described
 * (`plasticity config`, `run --help`) with these; the layers parse the same values again when
 * a model is built. A test checks both stay identical to the tfjs definitions (JSON Schema).
 */
export const activationConfigSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("linear") }).describe("y = u"),
  z.object({ kind: z.literal("relu") }).describe("y = max(0, u)"),
  z.object({ kind: z.literal("tanh") }).describe("y = tanh(u)"),
  z
    .object({ kind: z.literal("kwta"), k: z.number().int().min(1).describe("winners per sample") })
    .describe("k-winners-take-all: the k largest u keep their value, the others are 0"),
  z
    .object({
      kind: z.literal("softmax"),
      temperature: z.number().positive().describe("T in softmax(u / T)"),
    })
    .describe("y = softmax(u / T) across units"),
  z
    .object({ kind: z.literal("triangle") })
    .describe("Coates' triangle: y = max(0, u − mean_units u)"),
  z
    .object({ kind: z.literal("power"), n: z.number().positive().describe("exponent n") })
    .describe("rectified power (Krotov–Hopfield RePU): y = max(0, u)^n"),
]);

/** Weight initialisation schemes of a layer (@plasticity/tfjs `WEIGHT_INITS`). */
export const WEIGHT_INIT_NAMES = ["normal", "uniform", "unit-norm"] as const;
