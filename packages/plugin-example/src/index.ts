/**
 * @plasticity/plugin-example: a small plasticity plugin. It ships one rule, `hebb-decay`, whose
 * typed-array reference lives here; its batched tfjs kernel is in the separate entry
 * `@plasticity/plugin-example/tfjs`, so using the rule never pulls in tfjs.
 *
 * @example
 * import { createRuleRegistry } from "@plasticity/core";
 * import examplePlugin from "@plasticity/plugin-example";
 * const registry = createRuleRegistry().use(examplePlugin);
 * registry.get("hebb-decay");
 */
import { definePlugin } from "@plasticity/core";
import { hebbDecay } from "./hebb-decay.js";

export { hebbDecay } from "./hebb-decay.js";

const plugin = definePlugin({ name: "example", rules: [hebbDecay] });
export default plugin;
