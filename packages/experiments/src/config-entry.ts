/**
 * @plasticity/experiments/config: everything about experiments that needs no tensor library, so a
 * tool can read, check and print configs, list presets, rules and model kinds, load plugins, and
 * read and compare run directories without loading tfjs (about a second per process). Training,
 * probing and figures live in the main entry, `@plasticity/experiments`, which re-exports all of
 * this. Model kinds registered here load their tensor code only when a model is built.
 */
export {
  type CompareRow,
  compareChartSvg,
  compareRuns,
  formatComparison,
  formatTable,
} from "./compare.js";
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
  applySets,
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
  type LrSchedule,
  logSchema,
  lrScheduleSchema,
  modelSchema,
  PREPROCESS,
  PROBES,
  type ProbeKind,
  type TrainConfig,
  trainSchema,
} from "./config/schema.js";
export {
  accuracyOf,
  type EvalReport,
  type ProbeRow,
  type ProbeVariant,
} from "./eval/report.js";
export { readJsonFile, writeFileAtomic, writeJsonAtomic } from "./io/atomic.js";
export { decodeState, encodeState, hashState, type StateValue } from "./io/state.js";
export {
  type FeedbackAlignmentConfig,
  feedbackAlignment,
  feedbackAlignmentSchema,
} from "./models/feedback-alignment.js";
export {
  type HebbianConvModelConfig,
  hebbianConv,
  hebbianConvModelSchema,
} from "./models/hebbian-conv.js";
export { type HebbianMlpConfig, hebbianMlp, hebbianMlpSchema } from "./models/hebbian-mlp.js";
export { activationConfigSchema, WEIGHT_INIT_NAMES } from "./models/layer-schema.js";
export {
  defineModelKind,
  type ExperimentModel,
  type FilterSet,
  type LayerFeatures,
  type ModelContext,
  type ModelKind,
  type ModelPlot,
  ModelRegistry,
  type OutputEval,
  type PlotContext,
  type StepInfo,
  type StepMetrics,
  type TrainBatch,
} from "./models/model.js";
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
export { RunInterruptedError } from "./run/interrupted.js";
export { MetricsLog, readMetrics } from "./run/metrics-log.js";
export { createRunDir, type RunPaths, requireRunDir, runPaths, timestamp } from "./run/rundir.js";
export { peakRssMB, type RunSummary, readSummary } from "./run/summary.js";
export * from "./sweep/index.js";
