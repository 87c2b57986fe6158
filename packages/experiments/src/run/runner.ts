import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { PlasticityError, Rng } from "@plasticity/core";
import { type BackendInfo, initBackend } from "@plasticity/tfjs";
import { ConfigError } from "../config/errors.js";
import { resolveConfig } from "../config/load.js";
import type { ExperimentConfig } from "../config/schema.js";
import {
  type ExperimentData,
  epochOrder,
  gatherBatch,
  head,
  loadExperimentData,
  stepsPerEpoch,
} from "../data.js";
import { type ProbeSplits, probeInput, probeModel } from "../eval/evaluate.js";
import type { EvalReport, ProbeRow } from "../eval/report.js";
import type { MetricRow } from "../figures/charts.js";
import { writeFigures } from "../figures/write.js";
import { readJsonFile, writeJsonAtomic } from "../io/atomic.js";
import { hashState } from "../io/state.js";
import type { ExperimentModel, ModelContext } from "../models/model.js";
import type { Registries } from "../registries.js";
import { type Checkpoint, latestCheckpoint, writeCheckpoint } from "./checkpoint.js";
import { RunInterruptedError } from "./interrupted.js";
import { MetricsLog } from "./metrics-log.js";
import { createRunDir, type RunPaths, requireRunDir } from "./rundir.js";
import { peakRssMB, type RunSummary, readSummary } from "./summary.js";
import { versions } from "./versions.js";

/** What the runner reports as it goes (the CLI turns these into a progress bar and lines). */
export type RunEvent =
  | {
      readonly type: "phase";
      readonly phase: "backend" | "data" | "model" | "train" | "eval" | "figures";
      readonly message: string;
    }
  | {
      readonly type: "start";
      readonly dir: string;
      readonly backend: BackendInfo;
      readonly startStep: number;
      readonly totalSteps: number;
      readonly batchSize: number;
      readonly resumed: boolean;
    }
  | {
      readonly type: "step";
      readonly step: number;
      readonly totalSteps: number;
      readonly samples: number;
    }
  | { readonly type: "checkpoint"; readonly step: number; readonly path: string }
  | { readonly type: "warning"; readonly message: string };

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

/** Independent random streams of an experiment, each derived from the seed alone. */
export function seedStreams(seed: number): {
  model: () => Rng;
  data: () => Rng;
  probeSeed: number;
} {
  return {
    model: () => Rng.seeded(seed).fork(1),
    data: () => Rng.seeded(seed).fork(2),
    probeSeed: Rng.seeded(seed).fork(3).nextUint32() | 0,
  };
}

/** sha256 of a config's canonical JSON. */
export function configHash(config: ExperimentConfig): string {
  return createHash("sha256").update(JSON.stringify(config)).digest("hex");
}

/** Total training steps of a config for a training set of `n` images. */
export function totalSteps(
  config: ExperimentConfig,
  n: number,
): { total: number; perEpoch: number } {
  const perEpoch = stepsPerEpoch(n, config.train.batchSize);
  return { total: config.train.maxSteps ?? config.train.epochs * perEpoch, perEpoch };
}

function probeSplits(data: ExperimentData, config: ExperimentConfig): ProbeSplits {
  const [, h, w, c] = data.train.shape;
  return {
    train: head(data.train, config.eval.trainLimit),
    test: { x: data.test.x, y: data.test.y, n: data.test.shape[0] },
    d: h * w * c,
  };
}

async function buildModel(
  config: ExperimentConfig,
  regs: Registries,
  data: ExperimentData,
  backend: string,
): Promise<ExperimentModel> {
  const kind = regs.models.get(config.model.kind);
  const ctx: ModelContext = {
    rng: seedStreams(config.seed).model(),
    rules: regs.rules,
    inputShape: data.inputShape,
    nClasses: data.classes.length,
    backend,
  };
  return kind.create(config.model as never, ctx);
}

/**
 * Probe every layer of the trained model, the raw input and (when configured) the same
 * architecture at its random initialisation.
 */
export async function evaluate(
  model: ExperimentModel,
  config: ExperimentConfig,
  regs: Registries,
  data: ExperimentData,
  backend: string,
  step: number,
): Promise<EvalReport> {
  const splits = probeSplits(data, config);
  const k = data.classes.length;
  const { probeSeed } = seedStreams(config.seed);
  const kinds = config.eval.probes;
  const rows: ProbeRow[] = [];
  if (config.eval.input) rows.push(probeInput(splits, k, config.eval, kinds, probeSeed));
  rows.push(...(await probeModel(model, splits, "trained", k, config.eval, kinds, probeSeed)));
  if (config.eval.randomBaseline) {
    const init = await buildModel(config, regs, data, backend);
    try {
      rows.push(
        ...(await probeModel(init, splits, "random-init", k, config.eval, kinds, probeSeed)),
      );
    } finally {
      init.dispose();
    }
  }
  return {
    step,
    probes: kinds,
    nTrain: splits.train.n,
    nTest: splits.test.n,
    classes: data.classes,
    rows,
  };
}

/** Draw the run's figures from the model, its random-init twin, metrics and probes. */
export async function drawFigures(
  paths: RunPaths,
  model: ExperimentModel,
  config: ExperimentConfig,
  regs: Registries,
  data: ExperimentData,
  backend: string,
  metrics: readonly MetricRow[],
  report: EvalReport | null,
): Promise<string[]> {
  const init = await buildModel(config, regs, data, backend);
  try {
    return await writeFigures(paths.figures, {
      metrics,
      eval: report,
      filters: await model.filters(),
      initFilters: await init.filters(),
      maxFilters: config.figures.maxFilters,
      scale: config.figures.scale,
    });
  } finally {
    init.dispose();
  }
}

/** Start a new run of a validated config in `<outDir>/<name>-<timestamp>/`. */
export async function runExperiment(
  config: ExperimentConfig,
  opts: RunOptions,
): Promise<RunResult> {
  const now = opts.now ?? (() => new Date());
  const paths = createRunDir(opts.outDir ?? "runs", config.name, now());
  writeJsonAtomic(paths.config, config);
  return execute(paths, config, null, opts);
}

/** Read and validate a run directory's config.json with the given registries. */
export function readRunConfig(paths: RunPaths, regs: Registries): ExperimentConfig {
  return resolveConfig(readJsonFile(paths.config, "config"), regs, `file ${paths.config}`);
}

/**
 * Continue the run in `dir` from its newest checkpoint, bit for bit as if it had never stopped
 * (same config, same backend). Without a checkpoint it starts that run over in the same directory.
 */
export async function resumeExperiment(dir: string, opts: RunOptions): Promise<RunResult> {
  const paths = requireRunDir(dir);
  const config = readRunConfig(paths, opts.registries);
  const latest = latestCheckpoint(paths.checkpoints);
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
  return execute(paths, config, latest?.checkpoint ?? null, opts);
}

async function execute(
  paths: RunPaths,
  config: ExperimentConfig,
  ckpt: Checkpoint | null,
  opts: RunOptions,
): Promise<RunResult> {
  const t0 = performance.now();
  const emit = opts.onEvent ?? (() => {});
  const now = opts.now ?? (() => new Date());
  const previous = ckpt ? readSummary(paths.summary) : null;
  const createdAt = previous?.createdAt ?? now().toISOString();
  const resumedAt = [...(previous?.resumedAt ?? []), ...(ckpt ? [ckpt.step] : [])];
  const hash = configHash(config);

  let summary: RunSummary = {
    format: "plasticity.summary",
    version: 1,
    name: config.name,
    status: "running",
    source: opts.source ?? previous?.source ?? "config",
    dir: paths.dir,
    createdAt,
    updatedAt: now().toISOString(),
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
    resumedAt,
    figures: [],
    error: null,
  };
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
  save({});

  let model: ExperimentModel | null = null;
  try {
    emit({ type: "phase", phase: "backend", message: `backend: requesting ${config.backend}` });
    const backend = await initBackend({ backend: config.backend });
    if (previous?.backend && previous.backend.name !== backend.name) {
      emit({
        type: "warning",
        message: `this run started on the ${previous.backend.name} backend and resumes on ${backend.name}; numbers may differ in the last bits`,
      });
    }
    emit({ type: "phase", phase: "data", message: `data: loading ${config.data.dataset}` });
    const data = await loadExperimentData(config.data);
    const nTrain = data.train.shape[0];
    const { total, perEpoch } = totalSteps(config, nTrain);
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
    emit({ type: "phase", phase: "model", message: `model: ${config.model.kind}` });
    model = await buildModel(config, opts.registries, data, backend.name);

    let step = 0;
    let epoch = 0;
    let batchInEpoch = 0;
    let samples = 0;
    let dataRng = seedStreams(config.seed).data();
    if (ckpt) {
      await model.setState(ckpt.model);
      step = ckpt.step;
      epoch = ckpt.epoch;
      batchInEpoch = ckpt.batchInEpoch;
      samples = ckpt.samples;
      dataRng = Rng.fromState(ckpt.dataRng);
    }
    const log = new MetricsLog(paths.metrics, ckpt?.metrics ?? []);
    const bs = config.train.batchSize;
    const trainStart = performance.now();
    const elapsedBefore = ckpt?.elapsedS ?? 0;
    const elapsed = () => elapsedBefore + (performance.now() - trainStart) / 1000;
    // The permutation of the current epoch, and the generator state it was drawn from.
    let order: Int32Array | null = null;
    let epochRngState = dataRng.getState();
    const ensureOrder = (): Int32Array => {
      if (!order) {
        epochRngState = dataRng.getState();
        order = epochOrder(dataRng, nTrain, config.train.shuffle);
      }
      return order;
    };
    if (batchInEpoch > 0) ensureOrder();
    const snapshot = async (final: boolean): Promise<string> => {
      const c: Checkpoint = {
        step,
        epoch,
        batchInEpoch,
        samples,
        dataRng: order ? epochRngState : dataRng.getState(),
        model: await model!.getState(),
        metrics: log.rows,
        configHash: hash,
        elapsedS: elapsed(),
        final,
      };
      const p = writeCheckpoint(paths.checkpoints, c, config.checkpoint.keep);
      emit({ type: "checkpoint", step, path: p });
      return p;
    };

    emit({
      type: "start",
      dir: paths.dir,
      backend,
      startStep: step,
      totalSteps: total,
      batchSize: bs,
      resumed: ckpt !== null,
    });
    emit({
      type: "phase",
      phase: "train",
      message: `train: steps ${step + 1}..${total} of ${total}`,
    });
    const splits = config.eval.every > 0 ? probeSplits(data, config) : null;
    const { probeSeed } = seedStreams(config.seed);
    while (step < total) {
      const ord = ensureOrder();
      const batch = gatherBatch(data.train, ord, batchInEpoch * bs, bs);
      const next = step + 1;
      const logNow = next % config.log.every === 0 || next === total;
      const evalNow = config.eval.every > 0 && (next % config.eval.every === 0 || next === total);
      const m = await model.trainStep(batch, { step, epoch, wantMetrics: logNow });
      for (const [k, v] of Object.entries(m)) {
        if (!Number.isFinite(v)) {
          throw new PlasticityError(
            `training diverged at step ${next}: ${k} is ${v}. Lower the learning rate(s) or the initial weight scale ` +
              `(for hebbian-mlp: model.layers.N.params.lr, model.layers.N.initScale)`,
            k,
          );
        }
      }
      step = next;
      samples += bs;
      const rowEpoch = epoch;
      batchInEpoch++;
      if (batchInEpoch === perEpoch) {
        epoch++;
        batchInEpoch = 0;
        order = null;
      }
      if (logNow || evalNow) {
        const row: Record<string, number> = {
          step,
          epoch: rowEpoch,
          samples,
          ...(logNow ? m : {}),
        };
        if (evalNow && splits) {
          const rows = await probeModel(
            model,
            splits,
            "trained",
            data.classes.length,
            config.eval,
            ["ridge"],
            probeSeed,
          );
          for (const r of rows) row[`probe.${r.layer}.ridge`] = r.probes.ridge!.testAccuracy;
        }
        log.append(row as MetricRow);
      }
      emit({ type: "step", step, totalSteps: total, samples });
      // Let the event loop run (signal handlers, the progress bar's timer): training itself
      // never waits on I/O, so without this a Ctrl-C would only be seen after the last step.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (step < total && config.checkpoint.every > 0 && step % config.checkpoint.every === 0) {
        await snapshot(false);
      }
      if (opts.signal?.aborted && step < total) {
        const p = await snapshot(false);
        save({
          status: "interrupted",
          steps: { done: step, total, perEpoch },
          samples,
          trainSeconds: elapsed(),
        });
        throw new RunInterruptedError(paths.dir, step, p);
      }
    }
    const trainSeconds = elapsed();
    await snapshot(true);
    const state = await model.getState();
    save({
      steps: { done: step, total, perEpoch },
      samples,
      trainSeconds,
      finalMetrics: log.rows[log.rows.length - 1] ?? null,
      stateHash: hashState(state),
      diagnostics: await model.diagnostics(),
    });

    emit({ type: "phase", phase: "eval", message: "eval: linear probes per layer" });
    const report = await evaluate(model, config, opts.registries, data, backend.name, step);
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
    model?.dispose();
  }
}

/** A run directory opened for `eval` / `figures`: its config and newest checkpoint. */
export interface OpenedRun {
  readonly paths: RunPaths;
  readonly config: ExperimentConfig;
  readonly summary: RunSummary | null;
  readonly checkpoint: Checkpoint;
  readonly checkpointPath: string;
}

/** Open a finished (or checkpointed) run. */
export function openRun(dir: string, regs: Registries): OpenedRun {
  const paths = requireRunDir(dir);
  const config = readRunConfig(paths, regs);
  const latest = latestCheckpoint(paths.checkpoints);
  if (!latest) {
    throw new PlasticityError(
      `run ${paths.dir} has no checkpoint yet (checkpoints/ is empty); nothing to evaluate`,
      dir,
    );
  }
  return {
    paths,
    config,
    summary: readSummary(paths.summary),
    checkpoint: latest.checkpoint,
    checkpointPath: latest.path,
  };
}

/** Restore a run's model from its newest checkpoint, with its data and backend. */
async function restore(run: OpenedRun, regs: Registries, emit: (e: RunEvent) => void) {
  emit({ type: "phase", phase: "backend", message: `backend: requesting ${run.config.backend}` });
  const backend = await initBackend({ backend: run.config.backend });
  emit({ type: "phase", phase: "data", message: `data: loading ${run.config.data.dataset}` });
  const data = await loadExperimentData(run.config.data);
  const model = await buildModel(run.config, regs, data, backend.name);
  await model.setState(run.checkpoint.model);
  return { backend, data, model };
}

/** Re-run the probes of a run from its newest checkpoint; updates summary.json's eval. */
export async function evaluateRun(
  dir: string,
  regs: Registries,
  onEvent: (e: RunEvent) => void = () => {},
): Promise<{ run: OpenedRun; report: EvalReport }> {
  const run = openRun(dir, regs);
  if (!run.checkpoint.final) {
    onEvent({
      type: "warning",
      message: `the run is not finished; evaluating its checkpoint at step ${run.checkpoint.step}`,
    });
  }
  const { backend, data, model } = await restore(run, regs, onEvent);
  try {
    onEvent({ type: "phase", phase: "eval", message: "eval: linear probes per layer" });
    const report = await evaluate(model, run.config, regs, data, backend.name, run.checkpoint.step);
    if (run.summary) {
      writeJsonAtomic(run.paths.summary, {
        ...run.summary,
        eval: report,
        updatedAt: new Date().toISOString(),
      });
    }
    return { run, report };
  } finally {
    model.dispose();
  }
}

/** Redraw a run's figures from its newest checkpoint, metrics.jsonl and summary.json. */
export async function figuresForRun(
  dir: string,
  regs: Registries,
  metrics: readonly MetricRow[],
  onEvent: (e: RunEvent) => void = () => {},
): Promise<string[]> {
  const run = openRun(dir, regs);
  const { backend, data, model } = await restore(run, regs, onEvent);
  try {
    onEvent({ type: "phase", phase: "figures", message: "figures" });
    const figures = await drawFigures(
      run.paths,
      model,
      run.config,
      regs,
      data,
      backend.name,
      metrics,
      run.summary?.eval ?? null,
    );
    if (run.summary) {
      writeJsonAtomic(run.paths.summary, {
        ...run.summary,
        figures,
        updatedAt: new Date().toISOString(),
      });
    }
    return figures;
  } finally {
    model.dispose();
  }
}
