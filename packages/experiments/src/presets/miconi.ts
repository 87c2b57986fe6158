import type { Preset } from "../presets.js";

/*
 * Miconi (2021), "Hebbian learning with gradients: Hebbian convolutional neural networks with
 * modern deep learning frameworks" (PAPERS.md §3), as `hebbian-conv` presets. The model kind's
 * defaults are the paper's network (100/196/400 filters, kernels 5/3/3, instar, binarised 1-WTA
 * plasticity, θ rate 3, triangle output, layer-2/3 pruning 0.99, lr 1e-4/1e-4/1e-3, 200 burn-in
 * batches); the presets add the data, the schedule and the paper's probe: Ridge(alpha = 1) on the
 * raw (unstandardised) quadrant features of every layer.
 */

const REFERENCE =
  "Miconi (2021), Hebbian learning with gradients: Hebbian convolutional neural networks with modern deep learning frameworks, arXiv:2107.01729";

/** The paper's probe: scikit-learn's Ridge() (alpha 1, intercept) on unnormalised features. */
const paperProbe = (trainLimit: number) => ({
  probes: ["ridge"],
  trainLimit,
  ridge: { alpha: 1, standardize: false },
});

/** Whole-image ZCA after per-image standardisation, fitted on 9000 training images (the code). */
const zcaData = (dataset: string) => ({
  dataset,
  preprocess: "zca",
  zca: { images: 9000, epsilon: 1e-3 },
});

const ADAPTED_28 =
  "Adapted to 28×28×1: the whitened image is zero-padded by 2 pixels to 32×32 before layer 1, so every " +
  "layer has the paper's geometry (28×28 → 14×14 → 12×12 → 6×6 → 4×4 → 2×2, receptive fields 5/10/20 px) " +
  "and layer 3 keeps a 2×2 map for its four quadrant features (unpadded, its pooled map would be 1×1); " +
  "one input channel instead of three (layer-1 filters 5×5×1); ZCA on the 784-pixel images; every other " +
  "setting is the paper's.";

const fashionConfig = (name: string, description: string, model: Record<string, unknown>) => ({
  name,
  description,
  data: zcaData("fashion-mnist"),
  model: { kind: "hebbian-conv", inputPadding: 2, ...model },
  train: { epochs: 1, batchSize: 100 },
  eval: paperProbe(60000),
  checkpoint: { every: 100 },
  log: { every: 10 },
});

export const miconiPresets: readonly Preset[] = [
  {
    name: "miconi-cifar10",
    description:
      "The paper's CIFAR-10 network and schedule: 20 Hebbian epochs, triangle output, 99 % pruning, Ridge(alpha=1) per layer (paper: 64.55 ± 0.4 % on layer 3).",
    reference: REFERENCE,
    config: {
      name: "miconi-cifar10",
      description:
        "Miconi (2021)'s exact configuration on CIFAR-10 (needs the CIFAR-10 binary files): whole-image ZCA " +
        "(9000 images, ε 1e-3), 3 conv layers 100/196/400, kernels 5/3/3, instar with binarised 1-WTA plasticity, " +
        "adaptive thresholds (rate 3), triangle outputs, layer-2/3 pruning 0.99, lr 1e-4/1e-4/1e-3, 200 burn-in " +
        "batches, batch 100, 20 epochs; Ridge(alpha=1) on every layer's quadrant features, fitted on all 50000 " +
        "training images. The paper reports 64.55 ± 0.4 % test accuracy on layer 3 (10 runs). No random flips.",
      data: zcaData("cifar10"),
      model: { kind: "hebbian-conv" },
      train: { epochs: 20, batchSize: 100 },
      eval: paperProbe(50000),
      checkpoint: { every: 500 },
      log: { every: 50 },
    },
  },
  {
    name: "miconi-fmnist",
    description:
      "The paper's network with its interventions (triangle output, 99 % pruning) on Fashion-MNIST padded to 32×32, 1 epoch; Ridge(alpha=1) per layer.",
    reference: REFERENCE,
    config: fashionConfig(
      "miconi-fmnist",
      `Miconi (2021)'s recipe with both interventions (dense triangle outputs with sparse 1-WTA plasticity; random pruning of 99 % of the layer-2/3 weights) on Fashion-MNIST, 1 epoch. ${ADAPTED_28} Decoding accuracy should rise from layer 1 to layer 3.`,
      {},
    ),
  },
  {
    name: "miconi-fmnist-baseline",
    description:
      "The same without interventions (WTA output, no pruning): decoding accuracy falls from layer 1 to layer 3.",
    reference: REFERENCE,
    config: fashionConfig(
      "miconi-fmnist-baseline",
      `Miconi (2021)'s network without its interventions on Fashion-MNIST, 1 epoch: each layer passes on its binary 1-WTA output (no triangle) and no weight is pruned. ${ADAPTED_28} The paper's finding: without the interventions, decoding accuracy falls over layers.`,
      {
        output: "wta",
        layers: [
          { channels: 100, kernel: 5, lr: 1e-4 },
          { channels: 196, kernel: 3, lr: 1e-4 },
          { channels: 400, kernel: 3, lr: 1e-3 },
        ],
      },
    ),
  },
  {
    name: "miconi-mnist",
    description:
      "The paper's network with its interventions on MNIST padded to 32×32, 1 epoch; Ridge(alpha=1) per layer.",
    reference: REFERENCE,
    config: {
      ...fashionConfig(
        "miconi-mnist",
        `Miconi (2021)'s recipe with both interventions on MNIST, 1 epoch. ${ADAPTED_28}`,
        {},
      ),
      data: zcaData("mnist"),
    },
  },
];
