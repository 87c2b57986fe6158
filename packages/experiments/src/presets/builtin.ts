import type { Preset } from "../presets.js";

/** The preset `plasticity run` uses when given none. */
export const DEFAULT_PRESET = "mnist-quick";

const softhebbLayer = (units: number) => ({
  units,
  rule: "softhebb",
  params: { lr: 1, temperature: 0.1 },
  activation: { kind: "relu" },
  init: "normal",
  initScale: 1,
});

export const builtinPresets: readonly Preset[] = [
  {
    name: "mnist-quick",
    description:
      "One SoftHebb layer of 100 units on centred MNIST, 1 epoch (a few minutes on 2 cores); probes vs random init.",
    reference: "Moraitis et al. (2022), SoftHebb",
    config: {
      name: "mnist-quick",
      description:
        "SoftHebb soft winner-take-all layer (100 units) on MNIST, one epoch; linear probes vs the random-init layer.",
      data: { dataset: "mnist", preprocess: "center" },
      model: { kind: "hebbian-mlp", layers: [softhebbLayer(100)] },
      train: { epochs: 1, batchSize: 100 },
      eval: { probes: ["ridge", "softmax"], trainLimit: 10000 },
      checkpoint: { every: 200 },
    },
  },
];
