import { PlasticityError, Rng, type RngState } from "@plasticity/core";
import type { ExperimentConfig } from "../config/schema.js";
import { type ExperimentData, epochOrder, gatherBatch } from "../data.js";
import { probeModel } from "../eval/evaluate.js";
import type { MetricRow } from "../figures/charts.js";
import type { ExperimentModel } from "../models/model.js";
import type { Checkpoint } from "./checkpoint.js";
import { evaluateOutput } from "./evaluate-run.js";
import type { RunEvent } from "./events.js";
import { RunInterruptedError } from "./interrupted.js";
import type { MetricsLog } from "./metrics-log.js";
import { lrFactor } from "./schedule.js";
import { probeSplits, seedStreams } from "./setup.js";

/** Where training is: what a checkpoint stores besides the model. */
export interface LoopPosition {
  step: number;
  epoch: number;
  batchInEpoch: number;
  samples: number;
}

export interface LoopContext {
  /** The run directory (for the resume command of an interruption). */
  readonly dir: string;
  readonly config: ExperimentConfig;
  readonly data: ExperimentData;
  readonly model: ExperimentModel;
  readonly log: MetricsLog;
  readonly total: number;
  readonly perEpoch: number;
  readonly ckpt: Checkpoint | null;
  readonly signal?: AbortSignal;
  readonly emit: (e: RunEvent) => void;
  /** Seconds of training before this process (from the checkpoint). */
  readonly elapsed: () => number;
  /** Write a checkpoint of the model at `pos` with the data generator's state. */
  readonly snapshot: (pos: LoopPosition, dataRng: RngState, final: boolean) => Promise<string>;
  /** Called after each checkpoint and on interruption, to update summary.json. */
  readonly onProgress: (pos: LoopPosition, status: "running" | "interrupted") => void;
}

function checkFinite(m: Record<string, number>, step: number): void {
  for (const [k, v] of Object.entries(m)) {
    if (!Number.isFinite(v)) {
      throw new PlasticityError(
        `training diverged at step ${step}: ${k} is ${v}. Lower the learning rate(s) or the initial weight scale ` +
          `(for hebbian-mlp: model.layers.N.params.lr, model.layers.N.initScale)`,
        k,
      );
    }
  }
}

/** The metrics row of the step just taken: model metrics, ridge probes, the output at epoch end. */
async function metricsRow(
  ctx: LoopContext,
  pos: LoopPosition,
  rowEpoch: number,
  m: Record<string, number>,
  flags: { log: boolean; probe: boolean; output: boolean },
): Promise<MetricRow> {
  const { config, data, model } = ctx;
  const row: Record<string, number> = {
    step: pos.step,
    epoch: rowEpoch,
    samples: pos.samples,
    ...(flags.log ? m : {}),
  };
  if (flags.probe) {
    const { probeSeed } = seedStreams(config.seed);
    const k = data.classes.length;
    const rows = await probeModel(
      model,
      probeSplits(data, config),
      "trained",
      k,
      config.eval,
      ["ridge"],
      probeSeed,
    );
    for (const r of rows) row[`probe.${r.layer}.ridge`] = r.probes.ridge!.testAccuracy;
  }
  if (flags.output) {
    const out = await evaluateOutput(model, config, data, pos.step);
    if (out) {
      row["output.testAccuracy"] = out.testAccuracy;
      row["output.trainAccuracy"] = out.trainAccuracy;
      if (out.testLoss !== undefined) row["output.testLoss"] = out.testLoss;
    }
  }
  return row as MetricRow;
}

/**
 * Train from the checkpoint's position (or step 0) to `total` steps: batches in the seeded order
 * of `train.sampling`, the learning-rate factor of `train.lrSchedule`, metrics, periodic
 * checkpoints, and a clean stop (checkpoint, then RunInterruptedError) when `signal` aborts.
 */
export async function trainLoop(ctx: LoopContext): Promise<LoopPosition> {
  const { config, data, model, log, total, perEpoch, ckpt } = ctx;
  const pos: LoopPosition = {
    step: ckpt?.step ?? 0,
    epoch: ckpt?.epoch ?? 0,
    batchInEpoch: ckpt?.batchInEpoch ?? 0,
    samples: ckpt?.samples ?? 0,
  };
  const nTrain = data.train.shape[0];
  const bs = config.train.batchSize;
  const replacement =
    config.train.sampling === "replacement" ? { count: perEpoch * bs } : undefined;
  const dataRng = ckpt ? Rng.fromState(ckpt.dataRng) : seedStreams(config.seed).data();
  // The order of the current epoch, and the generator state it was drawn from (a checkpoint
  // stores that state, and a resumed run draws the same order again).
  let order: Int32Array | null = null;
  let epochRngState = dataRng.getState();
  const ensureOrder = (): Int32Array => {
    if (!order) {
      epochRngState = dataRng.getState();
      order = epochOrder(dataRng, nTrain, config.train.shuffle, replacement);
    }
    return order;
  };
  if (pos.batchInEpoch > 0) ensureOrder();
  const rngState = () => (order ? epochRngState : dataRng.getState());
  const hasOutput = typeof model.evaluateOutput === "function";
  while (pos.step < total) {
    const batch = gatherBatch(data.train, ensureOrder(), pos.batchInEpoch * bs, bs);
    const next = pos.step + 1;
    const lrScale = lrFactor(config.train.lrSchedule, pos.step, total);
    const logNow = next % config.log.every === 0 || next === total;
    const probeNow = config.eval.every > 0 && (next % config.eval.every === 0 || next === total);
    const m = await model.trainStep(batch, {
      step: pos.step,
      epoch: pos.epoch,
      wantMetrics: logNow,
      lrScale,
    });
    checkFinite(m, next);
    pos.step = next;
    pos.samples += bs;
    const rowEpoch = pos.epoch;
    pos.batchInEpoch++;
    const epochEnd = pos.batchInEpoch === perEpoch;
    if (epochEnd) {
      pos.epoch++;
      pos.batchInEpoch = 0;
      order = null;
    }
    const outputNow = hasOutput && (epochEnd || next === total);
    if (logNow || probeNow || outputNow) {
      const flags = { log: logNow, probe: probeNow, output: outputNow };
      const scheduled =
        config.train.lrSchedule.kind === "constant" ? m : { ...m, lr_scale: lrScale };
      log.append(await metricsRow(ctx, pos, rowEpoch, scheduled, flags));
    }
    ctx.emit({ type: "step", step: pos.step, totalSteps: total, samples: pos.samples });
    // Let the event loop run (signal handlers, the progress bar's timer): training itself
    // never waits on I/O, so without this a Ctrl-C would only be seen after the last step.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const every = config.checkpoint.every;
    if (pos.step < total && every > 0 && pos.step % every === 0) {
      await ctx.snapshot(pos, rngState(), false);
      ctx.onProgress(pos, "running");
    }
    if (ctx.signal?.aborted && pos.step < total) {
      const p = await ctx.snapshot(pos, rngState(), false);
      ctx.onProgress(pos, "interrupted");
      throw new RunInterruptedError(ctx.dir, pos.step, p);
    }
  }
  await ctx.snapshot(pos, rngState(), true);
  return pos;
}
