import { createHash } from "node:crypto";
import { Rng } from "@plasticity/core";
import { type BackendInfo, initBackend } from "@plasticity/tfjs";
import type { ExperimentConfig } from "../config/schema.js";
import { type ExperimentData, head, loadExperimentData, stepsPerEpoch } from "../data.js";
import type { ProbeSplits } from "../eval/evaluate.js";
import type { ExperimentModel, ModelContext } from "../models/model.js";
import type { Registries } from "../registries.js";
import type { RunEvent } from "./events.js";

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

/** The probes' training images (the first eval.trainLimit) and the whole test set. */
export function probeSplits(data: ExperimentData, config: ExperimentConfig): ProbeSplits {
  const [, h, w, c] = data.train.shape;
  return {
    train: head(data.train, config.eval.trainLimit),
    test: { x: data.test.x, y: data.test.y, n: data.test.shape[0] },
    d: h * w * c,
  };
}

/** Build the config's model, initialised from the seed's model stream. */
export async function buildModel(
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

/** What a run needs before its first step: the backend and the preprocessed data. */
export interface RunInputs {
  readonly backend: BackendInfo;
  readonly data: ExperimentData;
}

/**
 * Start the backend and load the data, checking what can only be checked with the data in hand
 * (the batch fits the training set). Everything that fails here fails before a run directory
 * exists, so typos leave nothing behind.
 */
export async function prepareRun(
  config: ExperimentConfig,
  emit: (e: RunEvent) => void,
): Promise<RunInputs> {
  emit({ type: "phase", phase: "backend", message: `backend: requesting ${config.backend}` });
  const backend = await initBackend({ backend: config.backend });
  emit({ type: "phase", phase: "data", message: `data: loading ${config.data.dataset}` });
  const data = await loadExperimentData(config.data);
  totalSteps(config, data.train.shape[0]); // throws on a batch larger than the training set
  return { backend, data };
}
