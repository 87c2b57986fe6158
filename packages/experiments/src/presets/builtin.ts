import type { Preset } from "../presets.js";

/** The preset `plasticity run` uses when given none. */
export const DEFAULT_PRESET = "mnist-quick";

/**
 * A SoftHebb layer tuned for one epoch of centred MNIST: soft winner-take-all at temperature
 * 0.05, lr 1 (per batch mean), initial weights N(0, 0.5²) so untrained units have larger
 * potentials than trained unit-norm ones and win often enough to learn (no dead units), and a
 * rectified-square read-out y = max(0, u)² (Krotov & Hopfield's RePU) for the probes.
 */
const softhebbLayer = (units: number) => ({
  units,
  rule: "softhebb",
  params: { lr: 1, temperature: 0.05 },
  activation: { kind: "power", n: 2 },
  init: "normal",
  initScale: 0.5,
});

const mnist = (name: string, description: string, units: number) => ({
  name,
  description,
  data: { dataset: "mnist", preprocess: "center" },
  model: { kind: "hebbian-mlp", layers: [softhebbLayer(units)] },
  train: { epochs: 1, batchSize: 100 },
  eval: { probes: ["ridge", "softmax"], trainLimit: 10000 },
  checkpoint: { every: 200 },
});

export const builtinPresets: readonly Preset[] = [
  {
    name: "mnist-quick",
    description:
      "One SoftHebb layer (400 units) on centred MNIST, 1 epoch, well under a minute on 2 cores; probes vs random init.",
    reference: "Moraitis et al. (2022), SoftHebb; Krotov & Hopfield (2019) for the RePU read-out",
    config: mnist(
      "mnist-quick",
      "SoftHebb soft winner-take-all layer (400 units) on MNIST for one epoch; linear probes next to the same layer at random init.",
      400,
    ),
  },
  {
    name: "mnist-softhebb-100",
    description: "The same with 100 units: lower accuracy, the largest gap to random init.",
    reference: "Moraitis et al. (2022), SoftHebb",
    config: mnist(
      "mnist-softhebb-100",
      "SoftHebb layer of 100 units on MNIST for one epoch; linear probes next to the random-init layer.",
      100,
    ),
  },
];
