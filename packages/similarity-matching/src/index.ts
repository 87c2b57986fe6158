/**
 * @plasticity/similarity-matching: structured and deep similarity matching (Obeid, Ramambason
 * & Pehlevan 2019) as Hebbian/anti-Hebbian networks whose neural dynamics run to a fixed point,
 * batched on tfjs, with per-site (locally connected) weights.
 */
export { type Activation, activate, activateScalar, regulariser } from "./activation.js";
export {
  Dynamics,
  eulerStep,
  type FixedPoints,
  type LayerWeights,
  MAX_DENSE_UNITS,
  relativeChange,
} from "./dynamics.js";
export {
  type GridShape,
  type LayerGeometry,
  layerGeometry,
  networkGeometry,
} from "./geometry.js";
export { feedforwardLr, lateralLr, layerRate, microBatchSize } from "./learning.js";
export {
  type FixedPointSolver,
  InThreadSolver,
  type LearnStats,
  type NetworkOptions,
  type NetworkState,
  SimilarityMatchingNetwork,
} from "./network.js";
export { MAX_DENSE_INPUTS, ObjectiveAccumulator } from "./objective.js";
export { WORKER_SCRIPT, type WorkerInit, WorkerPool } from "./parallel.js";
export {
  ACTIVATIONS,
  type ActivationName,
  type DynamicsOptions,
  dynamicsSchema,
  type LayerSpec,
  layerSpecSchema,
  type NetworkConfig,
  type NetworkConfigInput,
  networkSchema,
  parseNetworkConfig,
} from "./schema.js";
