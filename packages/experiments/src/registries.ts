import { createRuleRegistry, type RuleRegistry } from "@plasticity/core";
import { feedbackAlignment } from "./models/feedback-alignment.js";
import { hebbianConv } from "./models/hebbian-conv.js";
import { hebbianMlp } from "./models/hebbian-mlp.js";
import { ModelRegistry } from "./models/model.js";
import { similarityMatching } from "./models/similarity-matching.js";
import { builtinPresets } from "./presets/builtin.js";
import { PresetRegistry } from "./presets.js";

/** The names a config can refer to: rules (builtins + plugins), model kinds, presets. */
export interface Registries {
  readonly rules: RuleRegistry;
  readonly models: ModelRegistry;
  readonly presets: PresetRegistry;
}

/** Fresh registries with every built-in rule, model kind and preset. */
export function createRegistries(): Registries {
  const presets = new PresetRegistry();
  for (const p of builtinPresets) presets.register(p);
  return {
    rules: createRuleRegistry(),
    models: new ModelRegistry()
      .register(hebbianMlp)
      .register(feedbackAlignment)
      .register(hebbianConv)
      .register(similarityMatching),
    presets,
  };
}
