/**
 * @plasticity/experiments: experiments a researcher runs, resumes, compares and looks at.
 * Configs (zod, JSON/YAML, presets), a seeded runner with metrics.jsonl, summary.json and atomic
 * checkpoints, linear probes (ridge, softmax), figures (PNG filter grids, SVG curves), and the
 * model-kind registry model packages plug into.
 */
export { type CompareRow, compareRuns, formatComparison, formatTable } from "./compare.js";
export { type ConfigField, describeConfig } from "./config/describe.js";
export {
  ConfigError,
  type ConfigIssue,
  formatIssues,
  parseConfigSection,
  schemaAt,
  zodIssues,
} from "./config/errors.js";
export {
  applySet,
  buildConfig,
  type ConfigRegistries,
  type ConfigRequest,
  configToYaml,
  deepMerge,
  loadRawConfig,
  looksLikeConfigFile,
  parsePath,
  parseSetValue,
  type RawConfig,
  readConfigFile,
  resolveConfig,
} from "./config/load.js";
export {
  BACKENDS,
  type BackendRequest,
  type CheckpointConfig,
  checkpointSchema,
  type DataConfig,
  dataSchema,
  type EvalConfig,
  type ExperimentConfig,
  evalSchema,
  experimentSchema,
  type FiguresConfig,
  figuresSchema,
  logSchema,
  modelSchema,
  PREPROCESS,
  PROBES,
  type ProbeKind,
  type TrainConfig,
  trainSchema,
} from "./config/schema.js";
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
  accuracyOf,
  type EvalReport,
  type ProbeRow,
  type ProbeSplits,
  type ProbeVariant,
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
export { readJsonFile, writeFileAtomic, writeJsonAtomic } from "./io/atomic.js";
export { decodeState, encodeState, hashState, type StateValue } from "./io/state.js";
export { type HebbianMlpConfig, hebbianMlp, hebbianMlpSchema } from "./models/hebbian-mlp.js";
export {
  defineModelKind,
  type ExperimentModel,
  type FilterSet,
  type LayerFeatures,
  type ModelContext,
  type ModelKind,
  ModelRegistry,
  type StepMetrics,
  type TrainBatch,
} from "./models/model.js";
export { ensureKernel, referenceKernel } from "./models/reference-kernel.js";
export { importPlugin, type LoadedPlugin, loadPlugins, resolvePluginSpec } from "./plugins.js";
export { builtinPresets, DEFAULT_PRESET } from "./presets/builtin.js";
export { type Preset, PresetRegistry } from "./presets.js";
export { createRegistries, type Registries } from "./registries.js";
export {
  type Checkpoint,
  checkpointName,
  latestCheckpoint,
  listCheckpoints,
  readCheckpoint,
  writeCheckpoint,
} from "./run/checkpoint.js";
export { MetricsLog, readMetrics } from "./run/metrics-log.js";
export { createProgressBar } from "./run/progress.js";
export { createRunDir, type RunPaths, requireRunDir, runPaths, timestamp } from "./run/rundir.js";
export {
  configHash,
  drawFigures,
  evaluate,
  evaluateRun,
  figuresForRun,
  type OpenedRun,
  openRun,
  type RunEvent,
  RunInterruptedError,
  type RunOptions,
  type RunResult,
  readRunConfig,
  resumeExperiment,
  runExperiment,
  seedStreams,
  totalSteps,
} from "./run/runner.js";
export { peakRssMB, type RunSummary, readSummary, versions } from "./run/summary.js";
