/**
 * @plasticity/feedback-alignment: Amit (2019), "Deep learning with asymmetric connections and
 * Hebbian updates". One network, five ways to send the error down: bp (Wᵀ), fa (fixed random R),
 * urfb (R updated with ΔR = ΔW), kp (urfb with weight decay) and dfa (the output error through a
 * fixed random matrix per layer); dense, conv and untied (locally connected) layers, max-pool,
 * dropout and sum-merges; the hinge cost whose top-layer update is Hebbian; W–R alignment
 * diagnostics.
 */
export { type BackwardOptions, backward, type GradientReducer } from "./backward.js";
export { angleDegrees, angleDegreesArray, normRatio } from "./diagnostics.js";
export { disposeTrace, forward, type Trace } from "./forward.js";
export {
  buildGraph,
  type Graph,
  type GraphNode,
  INPUT,
  inputsOf,
  OUTPUT,
  type WeightNode,
  weightNodes,
} from "./graph.js";
export { activate, activationGrad, activationGradArray } from "./kernels/activation.js";
export { dropoutMask, dropoutMaskArray } from "./kernels/dropout.js";
export {
  maxPoolArgmax,
  maxPoolBackward,
  maxPoolForward,
  maxPoolScatter,
  type PoolGeometry,
  type PoolResult,
  poolGeometry,
} from "./kernels/pool.js";
export { ConvOp, DenseOp, type WeightOp } from "./layers/ops.js";
export { UntiedOp } from "./layers/untied.js";
export {
  type LinearExperimentOptions,
  type LinearExperimentResult,
  linearFeedbackExperiment,
} from "./linear.js";
export { hingeLoss, type LossResult, softmaxLoss } from "./loss.js";
export {
  FeedbackNetwork,
  type NetworkOptions,
  type NetworkState,
  type StepOptions,
  type StepResult,
} from "./network.js";
export {
  barrier,
  type SharedGradients,
  sharedGradients,
  sharedReducer,
} from "./parallel/allreduce.js";
export type { LayerParams } from "./params.js";
export { OpProfile, timed } from "./profile.js";
export * from "./schema.js";
