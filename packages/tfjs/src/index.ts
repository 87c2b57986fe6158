/**
 * @plasticity/tfjs: the tfjs backend adapter of plasticity. Backend choice (tfjs-node → wasm →
 * cpu in Node, webgl → wasm → cpu in browsers), typed arrays ↔ tensors, one batched kernel per
 * core rule (tested against the typed-array reference), Miconi's surrogate losses, and Hebbian
 * layers.
 */
import * as tf from "@tensorflow/tfjs-core";

/**
 * Types only: brings tfjs-core's declarations of the chained tensor methods (t.reshape(),
 * t.transpose(), ...) into every program that imports this package; gen/register-gradients.js
 * registers the methods themselves.
 */
export type * as chainedOps from "@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.js";

export {
  type Activation,
  activationSchema,
  applyActivation,
  kwta,
  parseActivation,
  triangle,
} from "./activation.js";
export {
  autoBackendOrder,
  BACKEND_NAMES,
  type BackendAttempt,
  type BackendInfo,
  type BackendName,
  type BackendRequest,
  getBackendInfo,
  type InitBackendOptions,
  initBackend,
} from "./backend.js";
export {
  checkFiniteTensor,
  checkShape,
  tensor2d,
  tensorOf,
  toFloat32,
  toFloat32Sync,
} from "./convert.js";
export {
  getRuleKernel,
  hasRuleKernel,
  kernelRuleNames,
  listRuleKernels,
  type RuleKernelConfig,
  type RuleKernelFunc,
  type RuleKernelInputs,
  registerRuleKernel,
  runRuleKernel,
  type TensorRuleState,
  unregisterRuleKernel,
} from "./kernel-registry.js";
export { builtinKernels, smFeedforwardDelta, smLateralDelta } from "./kernels/index.js";
export * as kernelOps from "./kernels/ops.js";
export { conv2dFilterGrad, ensureConv2dFilterGrad } from "./layers/conv-grad.js";
export {
  HebbianConv2d,
  type HebbianConv2dOptions,
  type HebbianConv2dState,
} from "./layers/conv2d.js";
export { HebbianDense, type HebbianDenseOptions, type HebbianDenseState } from "./layers/dense.js";
export {
  initWeights,
  rngFrom,
  type SeedOptions,
  WEIGHT_INITS,
  type WeightInit,
} from "./layers/init.js";
export { LocallyConnected2d, type LocallyConnected2dOptions } from "./layers/locally-connected.js";
export { type DiscLayout, discLayout, discMask } from "./layers/masks.js";
export {
  extractPatches,
  type Padding2d,
  padSpatial,
  samePadding1d,
  validOutSize,
} from "./layers/patches.js";
export {
  MaskedWeights,
  type RuleActivity,
  RuleLayer,
  type RuleLayerOptions,
  type RuleLayerState,
  type WeightDraw,
  type WeightLayout,
} from "./layers/plasticity.js";
export { kernelRunner, type RuleKernelRunner, stateFromTensors, stateToTensors } from "./runner.js";
export {
  SURROGATE_KINDS,
  type SurrogateKind,
  type SurrogateOptions,
  surrogateLossConv2d,
  surrogateLossDense,
} from "./surrogate.js";
export { tf };
