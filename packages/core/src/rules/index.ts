import { RuleRegistry } from "../registry.js";
import type { Rule } from "../rule.js";
import { antiHebb } from "./anti-hebb.js";
import { bcm } from "./bcm.js";
import { covariance } from "./covariance.js";
import { hebb } from "./hebb.js";
import { instar } from "./instar.js";
import { krotovHopfield } from "./krotov-hopfield.js";
import { oja } from "./oja.js";
import { ojaSubspace } from "./oja-subspace.js";
import { sanger } from "./sanger.js";
import { smFeedforward } from "./sm-feedforward.js";
import { smLateral } from "./sm-lateral.js";
import { softhebb } from "./softhebb.js";

export { antiHebb } from "./anti-hebb.js";
export { type BcmState, bcm } from "./bcm.js";
export { type CovarianceState, covariance } from "./covariance.js";
export { hebb } from "./hebb.js";
export { instar } from "./instar.js";
export { krotovHopfield } from "./krotov-hopfield.js";
export { oja } from "./oja.js";
export { ojaSubspace } from "./oja-subspace.js";
export { sanger } from "./sanger.js";
export { smFeedforward } from "./sm-feedforward.js";
export { smLateral } from "./sm-lateral.js";
export { softhebb } from "./softhebb.js";

/** Every rule that ships with @plasticity/core, in registry-name order. */
export const builtinRules: readonly Rule[] = Object.freeze([
  antiHebb,
  bcm,
  covariance,
  hebb,
  instar,
  krotovHopfield,
  oja,
  ojaSubspace,
  sanger,
  smFeedforward,
  smLateral,
  softhebb,
]);

/**
 * A fresh registry. With `builtins` (default true) it holds every built-in rule, origin
 * "builtin"; add plugins with `registry.use(plugin)`.
 */
export function createRuleRegistry({ builtins = true }: { builtins?: boolean } = {}): RuleRegistry {
  const registry = new RuleRegistry();
  if (builtins) for (const rule of builtinRules) registry.register(rule, "builtin");
  return registry;
}
