import type { Preset } from "../presets.js";
import { amitPresets } from "./amit.js";
import { miconiPresets } from "./miconi.js";
import { obeidPresets } from "./obeid.js";

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

/**
 * A Krotov–Hopfield layer that learns in one epoch. The rule ranks units by the normalised drive
 * Q_μ = ⟨W_μ, v⟩ / ‖W_μ‖ (the paper's text), which does not depend on the weights' scale, so an
 * untrained random unit (cosine ≈ 0 with every image) never outranks a trained one: only the units
 * that win early learn. The anti-Hebbian push of the k-th ranked unit (Δ > 0) then drives the
 * runner-up away from the image, and that runner-up is mostly a still-random unit, so Δ = 0.4
 * keeps fewer units learning (ridge 72.7 % vs 76.3 % at random init after 20k images). With Δ = 0,
 * centred images, unit-norm initial rows and a max-normalised step lr = 0.1, about 25 of the 100
 * units become digit prototypes in one epoch; the others stay at their random initialisation.
 * (The reference code ranks by the unnormalised current I_μ instead, so there untrained rows of
 * norm ≈ 28 outrank trained unit-norm ones and every unit gets to learn: see
 * `mnist-krotov-hopfield-code`.)
 */
const krotovHopfieldLayer = (units: number) => ({
  units,
  rule: "krotov-hopfield",
  params: { lr: 0.1, p: 2, k: 2, delta: 0, normalize: true },
  activation: { kind: "power", n: 2 },
  init: "unit-norm",
});

/**
 * Krotov–Hopfield as the authors' code runs it (DimaKrotov/Biological_Learning): units ranked by
 * the raw current I_μ (`rank: "current"`), Δ = 0.4, k = 2, p = 2, weights N(0, 1), the step scaled
 * so max|ΔW| = lr and lr annealed linearly to 0. The code's 200 epochs at ε₀ = 0.02 become one
 * epoch at lr 0.3: every unit becomes a digit prototype with an inhibitory surround.
 */
const krotovHopfieldCodeLayer = (units: number) => ({
  units,
  rule: "krotov-hopfield",
  params: { lr: 0.3, p: 2, k: 2, delta: 0.4, normalize: true, rank: "current" },
  activation: { kind: "power", n: 2 },
  init: "normal",
  initScale: 1,
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
  {
    name: "mnist-krotov-hopfield",
    description:
      "Krotov–Hopfield layer (100 units, Δ = 0) on centred MNIST, 1 epoch, ~25 s on 2 cores: about 25 digit-prototype filters, the rest stay random; ridge 84.9 % vs 76.3 % at random init.",
    reference: "Krotov & Hopfield (2019), Unsupervised learning by competing hidden units, PNAS",
    config: {
      name: "mnist-krotov-hopfield",
      description:
        "Krotov–Hopfield competing hidden units (100 units, p = 2, Δ = 0, lr 0.1 max-normalised) on centred MNIST for one epoch; linear probes on the RePU read-out max(0,u)² next to the random-init layer.",
      data: { dataset: "mnist", preprocess: "center" },
      model: { kind: "hebbian-mlp", layers: [krotovHopfieldLayer(100)] },
      train: { epochs: 1, batchSize: 100 },
      eval: { probes: ["ridge", "softmax"], trainLimit: 10000 },
      checkpoint: { every: 200 },
    },
  },
  {
    name: "mnist-krotov-hopfield-code",
    description:
      "Krotov–Hopfield as the authors' code ranks units (raw current, Δ = 0.4, N(0,1) init, lr annealed linearly), 100 units, 1 epoch: all 100 filters become digits; ridge 91.7 % vs 76.3 % at random init.",
    reference:
      "Krotov & Hopfield (2019), PNAS; ranking and schedule of DimaKrotov/Biological_Learning",
    config: {
      name: "mnist-krotov-hopfield-code",
      description:
        "Krotov–Hopfield competing hidden units ranked by the raw current I_μ as in the authors' notebook (rank: current), 100 units, p = 2, k = 2, Δ = 0.4, N(0,1) init, max-normalised step lr 0.3 annealed linearly to 0 over one epoch of centred MNIST; linear probes on max(0,u)² next to the random-init layer.",
      data: { dataset: "mnist", preprocess: "center" },
      model: { kind: "hebbian-mlp", layers: [krotovHopfieldCodeLayer(100)] },
      train: { epochs: 1, batchSize: 100, lrSchedule: { kind: "linear" } },
      eval: { probes: ["ridge", "softmax"], trainLimit: 10000 },
      checkpoint: { every: 200 },
    },
  },
  ...amitPresets,
  ...miconiPresets,
  ...obeidPresets,
];
