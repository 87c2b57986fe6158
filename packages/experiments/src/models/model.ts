import { PlasticityError, type Rng, type RuleRegistry, UnknownNameError } from "@plasticity/core";
import type { z } from "zod";
import type { StateValue } from "../io/state.js";
import { NamedRegistry } from "../named-registry.js";

/** One training batch, NHWC images flattened row-major. */
export interface TrainBatch {
  readonly x: Float32Array;
  readonly y: Int32Array;
  /** [batch, height, width, channels] */
  readonly shape: readonly [number, number, number, number];
}

/** What a model kind gets when it builds a model. */
export interface ModelContext {
  /** The model's own random stream (weights, dropout, ...): forked from the experiment seed. */
  readonly rng: Rng;
  /** Learning rules by name: builtins plus loaded plugins. */
  readonly rules: RuleRegistry;
  /** [height, width, channels] of one input image. */
  readonly inputShape: readonly [number, number, number];
  readonly nClasses: number;
  /** The tfjs backend in use ("tensorflow", "wasm" or "cpu"). */
  readonly backend: string;
}

/** Features of one layer for `n` images: row-major [n × dim]. */
export interface LayerFeatures {
  readonly layer: string;
  readonly dim: number;
  readonly data: Float32Array;
}

/** Weights to draw as a grid of tiles: `count` filters, each `shape` = [h, w, c] (row-major HWC). */
export interface FilterSet {
  readonly layer: string;
  readonly count: number;
  readonly shape: readonly [number, number, number];
  readonly data: Float32Array;
}

/** Scalars a model reports after a step, e.g. { "layer1.dw_norm": 0.01 }; finite numbers. */
export type StepMetrics = Record<string, number>;

/** What the runner tells a model about the step it is asked to take. */
export interface StepInfo {
  /** Steps done before this one (0-based index of this step). */
  readonly step: number;
  readonly epoch: number;
  /** False when the runner will not log this step's metrics (the model may skip computing them). */
  readonly wantMetrics: boolean;
  /**
   * The factor of `train.lrSchedule` at this step (1 for the constant schedule): multiply every
   * learning rate of the model by it.
   */
  readonly lrScale: number;
}

/** A supervised model's own output scored on labelled images. */
export interface OutputEval {
  /** Fraction of images whose predicted class is the label. */
  readonly accuracy: number;
  /** Mean training loss on these images, when the model has one. */
  readonly loss?: number;
}

/** A model-specific figure, rendered by the runner into the run's figures/ as `<name>.png|svg`. */
export type ModelPlot =
  | { readonly kind: "filters"; readonly name: string; readonly filters: FilterSet }
  | {
      readonly kind: "bars";
      readonly name: string;
      readonly title: string;
      readonly xTitle: string;
      readonly yTitle: string;
      readonly values: readonly { x: string; y: number; group?: string }[];
    }
  | {
      readonly kind: "histogram";
      readonly name: string;
      readonly title: string;
      readonly xTitle: string;
      readonly values: readonly { value: number; group?: string }[];
      readonly bins?: number;
      readonly logY?: boolean;
    }
  | {
      readonly kind: "heatmap";
      readonly name: string;
      readonly title: string;
      readonly rows: number;
      readonly cols: number;
      /** Row-major [rows × cols]. */
      readonly data: ArrayLike<number>;
    }
  | {
      readonly kind: "lines";
      readonly name: string;
      readonly title: string;
      readonly xTitle: string;
      readonly yTitle: string;
      readonly values: readonly { x: number; y: number; series: string }[];
      readonly logY?: boolean;
    };

/** What `plots` gets: the run's logged metrics so far. */
export interface PlotContext {
  readonly metrics: readonly { readonly step: number; readonly [k: string]: number }[];
}

/**
 * The contract every model kind implements so the runner can train, checkpoint, probe and draw
 * it. Models are deterministic given their context's rng and the batches they see.
 */
export interface ExperimentModel {
  /** Names of the layers `features` returns, in order (e.g. ["layer1", "layer2"]). */
  readonly layers: readonly string[];
  /** One step of learning on a batch; returns the metrics to log (`wantMetrics` false: may skip them). */
  trainStep(batch: TrainBatch, info: StepInfo): Promise<StepMetrics>;
  /** Frozen per-layer features of `n` images (`x` is [n × h × w × c]), for the linear probes. */
  features(x: Float32Array, n: number): Promise<LayerFeatures[]>;
  /** Weights to draw as filter/receptive-field grids (may be empty). */
  filters(): Promise<FilterSet[]>;
  /**
   * Supervised models: the network's own output on `n` labelled images (`x` is [n × h × w × c]).
   * The runner scores the test set (and the probes' training images) after every epoch and at the end.
   */
  evaluateOutput?(x: Float32Array, y: Int32Array, n: number): Promise<OutputEval>;
  /** Model-specific figures of the trained model (receptive fields, histograms, similarity matrices, ...). */
  plots?(ctx: PlotContext): Promise<ModelPlot[]>;
  /** The model's own diagnostics for summary.json (weight norms, sparsity, objective values, ...). */
  diagnostics(): Promise<Record<string, number>>;
  /** Everything needed to continue bit for bit: weights, rule states, the model's rng state. */
  getState(): Promise<StateValue>;
  setState(state: StateValue): Promise<void>;
  /** Release tensors. */
  dispose(): void;
}

/** A model kind: its config schema and a factory. Register it in a ModelRegistry. */
export interface ModelKind<S extends z.ZodType = z.ZodType> {
  /** The value of `model.kind` in configs. */
  readonly kind: string;
  /** One line for `plasticity list models`. */
  readonly description: string;
  /** Validates the `model` section (including `kind`); every field has a default. */
  readonly config: S;
  /**
   * Checks that need more than the schema (rule names exist, rule params parse), at config time so
   * that a bad config fails before any work. Throws a PlasticityError whose `field` is the config path.
   */
  check?(config: z.output<S>, ctx: { rules: RuleRegistry }): void;
  /** Build an initialised model. */
  create(config: z.output<S>, ctx: ModelContext): Promise<ExperimentModel>;
}

/** Define a model kind (identity with type checking). */
export function defineModelKind<S extends z.ZodType>(def: ModelKind<S>): ModelKind<S> {
  if (typeof def?.kind !== "string" || !/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(def.kind)) {
    throw new PlasticityError(
      `model kind: expected a kebab-case name like "hebbian-mlp", got ${JSON.stringify(def?.kind)}`,
      "kind",
    );
  }
  return Object.freeze({ ...def });
}

/** Model kinds keyed by `model.kind`. */
export class ModelRegistry extends NamedRegistry<ModelKind> {
  constructor() {
    super("model kind", "model.kind");
  }

  register(kind: ModelKind): this {
    this.add(kind.kind, kind);
    return this;
  }

  /** Unknown kinds fail as a config error on `model.kind`, with suggestions. */
  protected override unknown(name: string): Error {
    const err = new UnknownNameError("model kind", name, this.names());
    return new PlasticityError(`model.kind: ${err.message}`, "model.kind");
  }
}
