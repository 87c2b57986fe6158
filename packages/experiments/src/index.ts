/**
 * @plasticity/experiments: experiments a researcher runs, resumes, compares and looks at.
 * Configs (zod, JSON/YAML, presets), a seeded runner with metrics.jsonl, summary.json and atomic
 * checkpoints, linear probes (ridge, softmax), figures (PNG filter grids, SVG curves), and the
 * model-kind registry model packages plug into. The tensor-free part (configs, presets,
 * registries, plugins, run directories, compare) is also `@plasticity/experiments/config`.
 */
export * from "./config-entry.js";
export {
  centerImages,
  type ExperimentData,
  epochOrder,
  gatherBatch,
  loadExperimentData,
  preprocess,
  stepsPerEpoch,
} from "./data.js";
export {
  type ProbeSplits,
  probeInput,
  probeLayer,
  probeModel,
} from "./eval/evaluate.js";
export { accuracy, argmaxRows, confusionMatrix } from "./eval/metrics.js";
export {
  fitRidge,
  gramMatrix,
  type LinearReadout,
  type ProbeData,
  type ProbeResult,
  readoutPredict,
  readoutScores,
  ridgeProbe,
  scoreReadout,
} from "./eval/ridge.js";
export { fitSoftmax, type SoftmaxOptions, softmaxProbe } from "./eval/softmax.js";
export { type FeatureStats, featureStats, standardize } from "./eval/standardize.js";
export {
  type AccuracyPoint,
  accuracyChartSpec,
  confusionChartSpec,
  type MetricRow,
  metricsChartSpec,
  renderSvg,
} from "./figures/charts.js";
export { bwr, type FilterGridOptions, filterGridPng } from "./figures/filters.js";
export { type FigureInputs, writeFigures } from "./figures/write.js";
export { ensureKernel, referenceKernel } from "./models/reference-kernel.js";
export { createProgressBar } from "./run/progress.js";
export {
  configHash,
  drawFigures,
  evaluate,
  evaluateRun,
  figuresForRun,
  type OpenedRun,
  openRun,
  type RunEvent,
  type RunOptions,
  type RunResult,
  readRunConfig,
  resumeExperiment,
  runExperiment,
  seedStreams,
  totalSteps,
} from "./run/runner.js";
export { versions } from "./run/versions.js";
