/**
 * @plasticity/hebbian-conv: the Hebbian convolutional networks of Miconi (2021), "Hebbian learning
 * with gradients": per-image standardisation, 'valid' convs, adaptive thresholds, binarised k-WTA
 * plasticity, triangle outputs, pruning, unit-norm filters; ΔW through tf autodiff of the surrogate
 * loss or as the equal direct gather-add over the winners' patches; per-layer decoding features.
 */
export {
  type CollectOptions,
  type ConvLayer,
  type ForwardOptions,
  forwardShard,
  type LayerParams,
  type LayerResult,
} from "./forward.js";
export { type LayerGeometry, networkGeometry, patchOffsets, sizes } from "./geometry.js";
export {
  HebbianConvNet,
  type HebbianConvNetOptions,
  type LayerReport,
  SPARSE_DENSITY,
} from "./network.js";
export {
  type CompetitionOptions,
  type CompetitionShape,
  competeAndPool,
  competeAndPoolWithSums,
  Winners,
} from "./ops/competition.js";
export {
  denseConv,
  fromFilterLayout,
  gatherKept,
  type KeptSynapses,
  keptSynapses,
  sparseConv,
  toFilterLayout,
  toFilterLayoutWithSum,
} from "./ops/conv.js";
export { avgPool, padImages, quadrantMeans, standardizeImages } from "./ops/images.js";
export { LocalExecutor, type Shard, type ShardExecutor, splitBatch } from "./parallel/executor.js";
export { WorkerExecutor, workerExecutor, workerScript } from "./parallel/pool.js";
export {
  initFilters,
  maskAndNormalize,
  normalizeKept,
  pruningMask,
} from "./plasticity/constraints.js";
export {
  accumulateStats,
  addStats,
  applyDirectStep,
  emptyStats,
  type LayerStats,
} from "./plasticity/direct.js";
export { surrogateStep, winnersToDense } from "./plasticity/surrogate.js";
export { type ReceptiveFields, receptiveFields } from "./receptive-fields.js";
export * from "./schema.js";
export { checkState, type HebbianConvLayerState, type HebbianConvState } from "./state.js";
