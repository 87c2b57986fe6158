import { PlasticityError } from "@plasticity/core";
import type { ExperimentConfig } from "../config/schema.js";
import type { ExperimentData } from "../data.js";
import { type ProbeProgress, probeInput, probeModel } from "../eval/evaluate.js";
import type { EvalReport, OutputReport, ProbeRow } from "../eval/report.js";
import type { MetricRow } from "../figures/charts.js";
import { writeFigures } from "../figures/write.js";
import { writeJsonAtomic } from "../io/atomic.js";
import type { ExperimentModel } from "../models/model.js";
import type { Registries } from "../registries.js";
import { type Checkpoint, latestCheckpoint } from "./checkpoint.js";
import type { RunEvent } from "./events.js";
import { readRunConfig } from "./read-config.js";
import { type RunPaths, requireRunDir } from "./rundir.js";
import { buildModel, prepareRun, probeSplits, seedStreams } from "./setup.js";
import { type RunSummary, readSummary } from "./summary.js";

/** The network's own output on the test set and the probes' training images (supervised kinds). */
export async function evaluateOutput(
  model: ExperimentModel,
  config: ExperimentConfig,
  data: ExperimentData,
  step: number,
): Promise<OutputReport | undefined> {
  if (!model.evaluateOutput) return undefined;
  const { train, test } = probeSplits(data, config);
  const te = await model.evaluateOutput(test.x, test.y, test.n);
  const tr = await model.evaluateOutput(train.x, train.y, train.n);
  return {
    step,
    testAccuracy: te.accuracy,
    trainAccuracy: tr.accuracy,
    ...(te.loss !== undefined ? { testLoss: te.loss } : {}),
    ...(tr.loss !== undefined ? { trainLoss: tr.loss } : {}),
  };
}

/** Counts the evaluation's parts so the CLI can show "eval 3/9: layer2 ridge". */
function progressOf(
  config: ExperimentConfig,
  model: ExperimentModel,
  emit: (e: RunEvent) => void,
): ProbeProgress & { output(): void } {
  const K = config.eval.probes.length;
  const perModel = 1 + model.layers.length * K;
  const total =
    (config.eval.input ? K : 0) +
    perModel * (config.eval.randomBaseline ? 2 : 1) +
    (model.evaluateOutput ? 1 : 0);
  let done = 0;
  const fn = ((p) => {
    const what = p.probe === "features" ? "features" : `${p.layer} ${p.probe} (dim ${p.dim})`;
    emit({ type: "eval", done: done++, total, message: `${p.variant}: ${what}` });
  }) as ProbeProgress & { output(): void };
  fn.output = () => emit({ type: "eval", done: done++, total, message: "network output" });
  return fn;
}

/**
 * Probe every layer of the trained model, the raw input and (when configured) the same
 * architecture at its random initialisation; supervised kinds also score their own output.
 */
export async function evaluate(
  model: ExperimentModel,
  config: ExperimentConfig,
  regs: Registries,
  data: ExperimentData,
  backend: string,
  step: number,
  emit: (e: RunEvent) => void = () => {},
): Promise<EvalReport> {
  const splits = probeSplits(data, config);
  const k = data.classes.length;
  const { probeSeed } = seedStreams(config.seed);
  const kinds = config.eval.probes;
  const progress = progressOf(config, model, emit);
  const rows: ProbeRow[] = [];
  if (config.eval.input) rows.push(probeInput(splits, k, config.eval, kinds, probeSeed, progress));
  rows.push(
    ...(await probeModel(model, splits, "trained", k, config.eval, kinds, probeSeed, progress)),
  );
  if (config.eval.randomBaseline) {
    const init = await buildModel(config, regs, data, backend);
    try {
      rows.push(
        ...(await probeModel(
          init,
          splits,
          "random-init",
          k,
          config.eval,
          kinds,
          probeSeed,
          progress,
        )),
      );
    } finally {
      init.dispose();
    }
  }
  if (model.evaluateOutput) progress.output();
  const output = await evaluateOutput(model, config, data, step);
  return {
    step,
    probes: kinds,
    nTrain: splits.train.n,
    nTest: splits.test.n,
    classes: data.classes,
    rows,
    ...(output ? { output } : {}),
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
      plots: model.plots ? await model.plots({ metrics }) : [],
      maxFilters: config.figures.maxFilters,
      scale: config.figures.scale,
    });
  } finally {
    init.dispose();
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
  const { backend, data } = await prepareRun(run.config, emit);
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
    const report = await evaluate(
      model,
      run.config,
      regs,
      data,
      backend.name,
      run.checkpoint.step,
      onEvent,
    );
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
