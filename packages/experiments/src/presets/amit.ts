import type { Preset } from "../presets.js";

/*
 * Amit (2019), "Deep learning with asymmetric connections and Hebbian updates": the simple and the
 * deeper network of the official code (yaliamit/URFB, `_pars/simpnet`, `_pars/deepernet`), SGD
 * without momentum, batch 500, hinge cost with μ = 1, clipped ramp σ(h) = clip(0.5·h, −1, 1), no
 * biases, Glorot init with W and R drawn independently, backward through the updated weights.
 * URFB by default; switch with `--set model.method=bp|fa|kp|dfa`. Each has an untied variant
 * (every conv locally connected: the same windows, separate weights per position).
 */

const REFERENCE =
  "Amit (2019), Deep learning with asymmetric connections and Hebbian updates, Front. Comput. Neurosci. 13:18; code yaliamit/URFB";

interface Setting {
  readonly name: string;
  readonly dataset: string;
  readonly architecture: "simple" | "deep";
  readonly lr: number;
  readonly epochs: number;
  /** Training images (the code's 50k MNIST train = the first 50k, the last 10k being validation). */
  readonly limit?: number;
  readonly what: string;
}

function preset(s: Setting, untied: boolean): Preset {
  const name = untied ? `${s.name}-untied` : s.name;
  const net = s.architecture === "simple" ? "simple network" : "deeper network";
  return {
    name,
    description: `Amit's ${net}${untied ? " with untied (locally connected) conv layers" : ""} on ${s.what}, URFB (bp/fa/kp/dfa by model.method), ${s.epochs} epochs of batch 500; own test accuracy and W–R angles.`,
    reference: REFERENCE,
    config: {
      name,
      description: `Amit (2019) ${net}${untied ? ", untied conv layers" : ""} on ${s.what}: hinge cost, clipped ramp, SGD lr ${s.lr}, batch 500, ${s.epochs} epochs.`,
      data: { dataset: s.dataset, preprocess: "none", ...(s.limit ? { limit: s.limit } : {}) },
      model: {
        kind: "feedback-alignment",
        architecture: s.architecture,
        untied,
        method: "urfb",
        lr: s.lr,
      },
      train: { epochs: s.epochs, batchSize: 500 },
      eval: { probes: ["ridge"], trainLimit: 10000 },
      log: { every: 20 },
      checkpoint: { every: 100 },
    },
  };
}

const SETTINGS: readonly Setting[] = [
  {
    name: "amit-simple-mnist",
    dataset: "mnist",
    architecture: "simple",
    lr: 0.07,
    epochs: 20,
    limit: 50000,
    what: "MNIST (first 50k training images, as the code)",
  },
  {
    name: "amit-simple-fmnist",
    dataset: "fashion-mnist",
    architecture: "simple",
    lr: 0.1,
    epochs: 20,
    limit: 50000,
    what: "Fashion-MNIST (first 50k training images)",
  },
  {
    name: "amit-deep-fmnist",
    dataset: "fashion-mnist",
    architecture: "deep",
    lr: 0.1,
    epochs: 20,
    limit: 50000,
    what: "Fashion-MNIST (28×28×1, first 50k training images)",
  },
  {
    name: "amit-deep-cifar10",
    dataset: "cifar10",
    architecture: "deep",
    lr: 0.1,
    epochs: 200,
    what: "CIFAR-10 (the code's deepernet settings: 200 epochs, step 0.1)",
  },
  {
    name: "amit-deep-cifar100",
    dataset: "cifar100",
    architecture: "deep",
    lr: 0.1,
    epochs: 200,
    what: "CIFAR-100 (deepernet settings, 100 classes)",
  },
];

export const amitPresets: readonly Preset[] = SETTINGS.flatMap((s) => [
  preset(s, false),
  preset(s, true),
]);
