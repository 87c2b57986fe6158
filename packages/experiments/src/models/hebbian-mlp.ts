import { PlasticityError, type Rule, type RuleRegistry } from "@plasticity/core";
import { z } from "zod";
import { activationConfigSchema, WEIGHT_INIT_NAMES } from "./layer-schema.js";
import { defineModelKind, type ModelContext } from "./model.js";

const layerSchema = z
  .strictObject({
    units: z.int().positive().default(100).describe("Units of the layer (its output size)."),
    rule: z
      .string()
      .min(1)
      .default("softhebb")
      .describe("Learning rule by name; see `plasticity list rules`."),
    params: z
      .record(z.string(), z.unknown())
      .default({})
      .describe(
        "The rule's hyper-parameters (e.g. { lr: 0.5, temperature: 0.1 }); defaults from the rule.",
      ),
    activation: activationConfigSchema
      .default({ kind: "relu" })
      .describe(
        "y = f(u): linear, relu, tanh, kwta(k), softmax(temperature), triangle, power(n). Also the probed features.",
      ),
    init: z
      .enum(WEIGHT_INIT_NAMES)
      .default("normal")
      .describe("Initial weights: normal, uniform (same variance) or unit-norm rows."),
    initScale: z
      .number()
      .positive()
      .optional()
      .describe("Standard deviation of the initial weights (normal/uniform); default 1/√nIn."),
  })
  .describe("One dense layer learning with a local rule.");

export const hebbianMlpSchema = z
  .strictObject({
    kind: z
      .literal("hebbian-mlp")
      .describe("A stack of dense layers, each trained by its own local rule."),
    layers: z
      .array(layerSchema)
      .min(1)
      .default([
        { units: 100, rule: "softhebb", params: {}, activation: { kind: "relu" }, init: "normal" },
      ])
      .describe("The layers, input first; layer i+1 learns on layer i's output y."),
  })
  .describe(
    "hebbian-mlp: dense layers, each with its own rule, trained greedily and simultaneously.",
  );

export type HebbianMlpConfig = z.output<typeof hebbianMlpSchema>;

/** The name of layer `i` (0-based) in features, filters and metrics: layer1, layer2, ... */
export function layerName(i: number): string {
  return `layer${i + 1}`;
}

/** Resolve a layer's rule and parse its params, with errors naming model.layers.i.* */
export function resolveRule(
  rules: RuleRegistry,
  cfg: HebbianMlpConfig["layers"][number],
  i: number,
): Rule {
  let rule: Rule;
  try {
    rule = rules.get(cfg.rule);
  } catch (err) {
    throw new PlasticityError(
      `model.layers.${i}.rule: ${(err as Error).message}`,
      `model.layers.${i}.rule`,
    );
  }
  try {
    rule.parseParams(cfg.params);
  } catch (err) {
    const e = err as PlasticityError;
    const field = e.field ? `model.layers.${i}.${e.field}` : `model.layers.${i}.params`;
    const inner = e.message.replace(/^invalid params: /, "");
    throw new PlasticityError(
      inner.startsWith("params.")
        ? `model.layers.${i}.${inner} (rule "${rule.name}")`
        : `model.layers.${i}.params (rule "${rule.name}"): ${inner}`,
      field,
    );
  }
  return rule;
}

/**
 * `hebbian-mlp`: a stack of `HebbianDense` layers (@plasticity/tfjs, loaded by `create`). Every step, each layer
 * learns on the current batch with its own rule, layer i+1 on layer i's output (greedy and
 * simultaneous, no backpropagation). Features for the probes: each layer's output y.
 */
export const hebbianMlp = defineModelKind({
  kind: "hebbian-mlp",
  description:
    "Dense layers each trained by a local rule (builtins or plugins); probes on every layer's output.",
  config: hebbianMlpSchema,
  check(config, { rules }) {
    config.layers.forEach((l, i) => {
      resolveRule(rules, l, i);
      if (l.activation.kind === "kwta" && l.activation.k > l.units) {
        throw new PlasticityError(
          `model.layers.${i}.activation.k: ${l.activation.k} winners but the layer has ${l.units} units`,
          `model.layers.${i}.activation.k`,
        );
      }
    });
  },
  async create(config, ctx: ModelContext) {
    // the tensor stack loads only when a model is built, not when configs are read
    const { createHebbianMlp } = await import("./hebbian-mlp-model.js");
    return createHebbianMlp(config, ctx);
  },
});
