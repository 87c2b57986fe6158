import { PlasticityError, parseOrThrow } from "@plasticity/core";
import { z } from "zod";

/*
 * The config side of a layer, with no tensor library: what a config file, `plasticity config`
 * or `run --help` needs without loading tfjs (`@plasticity/tfjs/schema`). The layers parse the
 * same values when they are built.
 */

/**
 * The post-synaptic non-linearity y = f(u) of a layer, applied per sample across units (the last
 * axis). Each batched form matches core's typed-array reference in `activity.ts` where there is
 * one (`kWTA`, `softmaxRows`, `relu`, `triangle`).
 */
export const activationSchema = z.discriminatedUnion("kind", [
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

export type Activation = z.output<typeof activationSchema>;

/** Parse an activation config; throws a PlasticityError naming the field (`activation.k`, ...). */
export function parseActivation(raw: unknown, field = "activation"): Activation {
  if (raw === undefined || raw === null) {
    throw new PlasticityError(`${field}: expected an object like { kind: "relu" }`, field);
  }
  return parseOrThrow(activationSchema, raw, field);
}

/** Weight initialisation schemes of a layer. */
export const WEIGHT_INITS = ["normal", "uniform", "unit-norm"] as const;
export type WeightInit = (typeof WEIGHT_INITS)[number];
