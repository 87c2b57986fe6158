import type { RuleKernelConfig } from "../kernel-registry.js";
import { antiHebbKernel } from "./anti-hebb.js";
import { bcmKernel } from "./bcm.js";
import { covarianceKernel } from "./covariance.js";
import { hebbKernel } from "./hebb.js";
import { instarKernel } from "./instar.js";
import { krotovHopfieldKernel } from "./krotov-hopfield.js";
import { ojaKernel } from "./oja.js";
import { ojaSubspaceKernel } from "./oja-subspace.js";
import { sangerKernel } from "./sanger.js";
import { smFeedforwardKernel } from "./sm-feedforward.js";
import { smLateralKernel } from "./sm-lateral.js";
import { softhebbKernel } from "./softhebb.js";

export { antiHebbKernel } from "./anti-hebb.js";
export { bcmKernel } from "./bcm.js";
export { covarianceKernel } from "./covariance.js";
export { hebbKernel } from "./hebb.js";
export { instarKernel } from "./instar.js";
export { krotovHopfieldKernel } from "./krotov-hopfield.js";
export { ojaKernel } from "./oja.js";
export { ojaSubspaceKernel } from "./oja-subspace.js";
export { sangerKernel } from "./sanger.js";
export { smFeedforwardDelta, smFeedforwardKernel } from "./sm-feedforward.js";
export { smLateralDelta, smLateralKernel } from "./sm-lateral.js";
export { softhebbKernel } from "./softhebb.js";

/** The batched kernel of every built-in core rule; the kernel registry registers them at load. */
export const builtinKernels: readonly RuleKernelConfig[] = Object.freeze([
  antiHebbKernel,
  bcmKernel,
  covarianceKernel,
  hebbKernel,
  instarKernel,
  krotovHopfieldKernel,
  ojaKernel,
  ojaSubspaceKernel,
  sangerKernel,
  smFeedforwardKernel,
  smLateralKernel,
  softhebbKernel,
] as RuleKernelConfig[]);
