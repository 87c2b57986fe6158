import { existsSync } from "node:fs";
import { hostname } from "node:os";
import { ConfigError } from "../config/errors.js";
import type { ExperimentConfig } from "../config/schema.js";
import { writeJsonAtomic } from "../io/atomic.js";
import { hashState } from "../io/state.js";
import type { ExperimentModel } from "../models/model.js";
import type { Registries } from "../registries.js";
import { type Checkpoint, latestCheckpoint, writeCheckpoint } from "./checkpoint.js";
import { drawFigures, evaluate } from "./evaluate-run.js";
import type { RunEvent } from "./events.js";
import { RunInterruptedError } from "./interrupted.js";
import { MetricsLog } from "./metrics-log.js";
import { readRunConfig } from "./read-config.js";
import { createRunDir, type RunPaths, requireRunDir } from "./rundir.js";
import { buildModel, configHash, prepareRun, type RunInputs, totalSteps } from "./setup.js";
import { peakRssMB, type RunSummary, readSummary } from "./summary.js";
import { type LoopPosition, trainLoop } from "./train-loop.js";
import { versions } from "./versions.js";

export type { RunEvent } from "./events.js";

export interface RunOptions {
  readonly registries: Registries;
  /** Root for new run directories (default "runs"). */
  readonly outDir?: string;
  /** Aborting finishes the current step, writes a checkpoint and rejects with RunInterruptedError. */
  readonly signal?: AbortSignal;
  readonly onEvent?: (e: RunEvent) => void;
  /** Where the config came from, for summary.json. */
  readonly source?: string;
  /** Resolved plugin modules loaded for this run, recorded for `--resume`. */
  readonly plugins?: readonly string[];
  readonly now?: () => Date;
}

export interface RunResult {
  readonly dir: string;
  readonly summary: RunSummary;
}

/** The backend, the data and the model, made before a new run's directory exists. */
interface Prepared extends RunInputs {
  readonly model: ExperimentModel;
}

async function prepare(config: ExperimentConfig, opts: RunOptions): Promise<Prepared> {
  const emit = opts.onEvent ?? (() => {});
  const inputs = await prepareRun(config, emit);
  emit({ type: "phase", phase: "model", message: `model: ${config.model.kind}` });
  const model = await buildModel(config, opts.registries, inputs.data, inputs.backend.name);
  return { ...inputs, model };
}

/**
 * Start a new run of a validated config in `<outDir>/<name>-<timestamp>/`. The backend, data and
 * model are set up first, so a config that cannot run leaves no run directory behind.
 */
export async function runExperiment(
  config: ExperimentConfig,
  opts: RunOptions,
): Promise<RunResult> {
  const now = opts.now ?? (() => new Date());
  const prepared = await prepare(config, opts);
  let paths: RunPaths;
  try {
    paths = createRunDir(opts.outDir ?? "runs", config.name, now());
    writeJsonAtomic(paths.config, config);
  } catch (err) {
    prepared.model.dispose();
    throw err;
  }
  return execute(paths, config, null, opts, prepared);
}

/**
 * Continue the run in `dir` from its newest valid checkpoint, bit for bit as if it had never
 * stopped (same config, same backend); corrupt newer checkpoints are skipped with a warning.
 * Without a checkpoint it starts that run over in the same directory.
 */
export async function resumeExperiment(dir: string, opts: RunOptions): Promise<RunResult> {
  const emit = opts.onEvent ?? (() => {});
  const paths = requireRunDir(dir);
  const config = readRunConfig(paths, opts.registries);
  const latest = latestCheckpoint(paths.checkpoints);
  for (const s of latest?.skipped ?? []) {
    emit({ type: "warning", message: `skipping unreadable checkpoint: ${s.error}` });
  }
  // A final checkpoint with an unfinished summary: the process stopped while probing or drawing;
  // resuming redoes only that part.
  if (latest?.checkpoint.final && readSummary(paths.summary)?.status === "completed") {
    throw new ConfigError(
      `run ${paths.dir} already finished (final checkpoint at step ${latest.checkpoint.step}); nothing to resume. ` +
        `Use "plasticity eval ${dir}" to evaluate it again, or start a new run.`,
      "--resume",
    );
  }
  if (latest && latest.checkpoint.configHash !== configHash(config)) {
    throw new ConfigError(
      `${paths.config} changed since checkpoint ${latest.path} was written; resuming needs the same config. ` +
        `Restore config.json, or start a new run with it.`,
      "--resume",
    );
  }
  if (latest) {
    emit({
      type: "phase",
      phase: "train",
      message: `resuming from ${latest.path} (step ${latest.checkpoint.step})`,
    });
  }
  const prepared = await prepare(config, opts);
  return execute(paths, config, latest?.checkpoint ?? null, opts, prepared);
}

function initialSummary(
  paths: RunPaths,
  config: ExperimentConfig,
  ckpt: Checkpoint | null,
  previous: RunSummary | null,
  opts: RunOptions,
  createdAt: string,
): RunSummary {
  return {
    format: "plasticity.summary",
    version: 1,
    name: config.name,
    status: "running",
    source: opts.source ?? previous?.source ?? "config",
    dir: paths.dir,
    createdAt,
    updatedAt: createdAt,
    seed: config.seed,
    model: config.model.kind,
    dataset: null,
    backend: null,
    versions: versions(),
    plugins: opts.plugins ?? previous?.plugins ?? [],
    steps: { done: ckpt?.step ?? 0, total: 0, perEpoch: 0 },
    samples: ckpt?.samples ?? 0,
    finalMetrics: null,
    eval: null,
    diagnostics: {},
    stateHash: null,
    trainSeconds: ckpt?.elapsedS ?? 0,
    wallSeconds: 0,
    peakRssMB: 0,
    resumedAt: [...(previous?.resumedAt ?? []), ...(ckpt ? [ckpt.step] : [])],
    checkpoint: ckpt ? { step: ckpt.step } : null,
    process: { pid: process.pid, host: hostname() },
    figures: [],
    error: null,
  };
}

async function execute(
  paths: RunPaths,
  config: ExperimentConfig,
  ckpt: Checkpoint | null,
  opts: RunOptions,
  prepared: Prepared,
): Promise<RunResult> {
  const t0 = performance.now();
  const emit = opts.onEvent ?? (() => {});
  const now = opts.now ?? (() => new Date());
  const previous = ckpt ? readSummary(paths.summary) : null;
  const { backend, data, model } = prepared;
  let summary = initialSummary(
    paths,
    config,
    ckpt,
    previous,
    opts,
    previous?.createdAt ?? now().toISOString(),
  );
  const save = (patch: Partial<RunSummary>) => {
    summary = {
      ...summary,
      ...patch,
      updatedAt: now().toISOString(),
      peakRssMB: peakRssMB(),
      wallSeconds: (performance.now() - t0) / 1000,
    };
    writeJsonAtomic(paths.summary, summary);
  };
  const nTrain = data.train.shape[0];
  const { total, perEpoch } = totalSteps(config, nTrain);
  try {
    if (previous?.backend && previous.backend.name !== backend.name) {
      emit({
        type: "warning",
        message: `this run started on the ${previous.backend.name} backend and resumes on ${backend.name}; numbers may differ in the last bits`,
      });
    }
    save({
      backend,
      dataset: {
        name: config.data.dataset,
        source: data.source,
        train: nTrain,
        test: data.test.shape[0],
        shape: data.train.shape.slice(1),
      },
      steps: { done: ckpt?.step ?? 0, total, perEpoch },
    });
    if (ckpt) await model.setState(ckpt.model);
    const log = new MetricsLog(paths.metrics, ckpt?.metrics ?? []);
    const hash = configHash(config);
    const trainStart = performance.now();
    const elapsed = () => (ckpt?.elapsedS ?? 0) + (performance.now() - trainStart) / 1000;
    emit({
      type: "start",
      dir: paths.dir,
      backend,
      startStep: ckpt?.step ?? 0,
      totalSteps: total,
      batchSize: config.train.batchSize,
      resumed: ckpt !== null,
    });
    emit({
      type: "phase",
      phase: "train",
      message: `train: steps ${(ckpt?.step ?? 0) + 1}..${total} of ${total}`,
    });
    const pos: LoopPosition = await trainLoop({
      dir: paths.dir,
      config,
      data,
      model,
      log,
      total,
      perEpoch,
      ckpt,
      signal: opts.signal,
      emit,
      elapsed,
      snapshot: async (p, dataRng, final) => {
        const c: Checkpoint = {
          ...p,
          dataRng,
          model: await model.getState(),
          metrics: log.rows,
          configHash: hash,
          elapsedS: elapsed(),
          final,
        };
        const path = writeCheckpoint(paths.checkpoints, c, config.checkpoint.keep);
        emit({ type: "checkpoint", step: p.step, path });
        return path;
      },
      onProgress: (p, status) =>
        save({
          status,
          steps: { done: p.step, total, perEpoch },
          samples: p.samples,
          trainSeconds: elapsed(),
          checkpoint: { step: p.step },
        }),
    });
    save({
      steps: { done: pos.step, total, perEpoch },
      samples: pos.samples,
      trainSeconds: elapsed(),
      checkpoint: { step: pos.step },
      finalMetrics: log.rows[log.rows.length - 1] ?? null,
      stateHash: hashState(await model.getState()),
      diagnostics: await model.diagnostics(),
    });
    emit({ type: "phase", phase: "eval", message: "eval: linear probes per layer" });
    const report = await evaluate(
      model,
      config,
      opts.registries,
      data,
      backend.name,
      pos.step,
      emit,
    );
    save({ eval: report });
    let figures: string[] = [];
    if (config.figures.enabled) {
      emit({ type: "phase", phase: "figures", message: "figures" });
      figures = await drawFigures(
        paths,
        model,
        config,
        opts.registries,
        data,
        backend.name,
        log.rows,
        report,
      );
    }
    save({ status: "completed", figures });
    return { dir: paths.dir, summary };
  } catch (err) {
    if (!(err instanceof RunInterruptedError) && existsSync(paths.dir)) {
      save({ status: "failed", error: (err as Error).message ?? String(err) });
    }
    throw err;
  } finally {
    model.dispose();
  }
}

export {
  drawFigures,
  evaluate,
  evaluateRun,
  figuresForRun,
  type OpenedRun,
  openRun,
} from "./evaluate-run.js";
export { readRunConfig } from "./read-config.js";
export { configHash, seedStreams, totalSteps } from "./setup.js";
