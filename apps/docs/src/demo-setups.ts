import { builtinRules } from "@plasticity/core";
import type { Preset } from "@plasticity/experiments/config";
import type { Setup } from "../site/.vitepress/theme/demo/protocol";
import { type ParamField, paramFields } from "./schema-fields";

/** A rule the demo offers: where its starting settings come from, and its parameter form. */
export interface DemoRule {
  readonly rule: string;
  readonly description: string;
  /** "preset mnist-quick" or "demo settings". */
  readonly origin: string;
  readonly note: string;
  readonly setup: Setup;
  readonly fields: readonly ParamField[];
}

/** Images in one epoch of the full MNIST training set: a preset's one epoch, in samples. */
const MNIST_TRAIN = 60000;

interface LayerConfig {
  units: number;
  rule: string;
  params?: Record<string, unknown>;
  activation?: Setup["activation"];
  init?: Setup["init"];
  initScale?: number;
}

/** The demo setup of a one-layer hebbian-mlp preset: its layer, batch size and schedule. */
export function setupFromPreset(preset: Preset): Setup {
  const cfg = preset.config as {
    model?: { kind?: string; layers?: LayerConfig[] };
    train?: { batchSize?: number; epochs?: number; lrSchedule?: { kind: string } };
  };
  const layer = cfg.model?.layers?.[0];
  if (cfg.model?.kind !== "hebbian-mlp" || layer === undefined || cfg.model.layers!.length !== 1) {
    throw new Error(`preset ${preset.name}: expected a one-layer hebbian-mlp`);
  }
  const schedule = cfg.train?.lrSchedule?.kind ?? "constant";
  if (schedule !== "constant" && schedule !== "linear") {
    throw new Error(`preset ${preset.name}: lr schedule ${schedule} is not in the demo`);
  }
  return {
    rule: layer.rule,
    params: layer.params ?? {},
    units: layer.units,
    activation: layer.activation ?? { kind: "linear" },
    init: layer.init ?? "normal",
    ...(layer.initScale === undefined ? {} : { initScale: layer.initScale }),
    batchSize: cfg.train?.batchSize ?? 100,
    seed: 0,
    schedule:
      schedule === "linear"
        ? { kind: "linear", totalSamples: (cfg.train?.epochs ?? 1) * MNIST_TRAIN }
        : { kind: "constant" },
  };
}

const demo = (rule: string, units: number, rest: Partial<Setup>): Setup => ({
  rule,
  params: {},
  units,
  activation: { kind: "linear" },
  init: "normal",
  batchSize: 100,
  seed: 0,
  schedule: { kind: "constant" },
  ...rest,
});

/**
 * The rules of the demo, in the picker's order. SoftHebb and Krotov–Hopfield start from the
 * presets (read from `presets` at build time); the others from settings checked in Node on the
 * same 6000-image subset with the same ridge probe (wasm, seed 1, up to 60,000 samples): the
 * accuracies quoted in the notes, and lr values that do not diverge.
 */
export function demoRules(presets: { get(name: string): Preset }): DemoRule[] {
  const entries: [string, string, string, Setup][] = [
    [
      "preset mnist-softhebb-100",
      "Soft winner-take-all: units become digit prototypes through competition alone.",
      "softhebb",
      setupFromPreset(presets.get("mnist-softhebb-100")),
    ],
    [
      "preset mnist-krotov-hopfield-code",
      "The authors' ranking by raw current; lr anneals linearly to 0 over 60,000 samples (the preset's one MNIST epoch), then training stops.",
      "krotov-hopfield",
      setupFromPreset(presets.get("mnist-krotov-hopfield-code")),
    ],
    [
      "demo settings",
      "Competitive learning: only the k-WTA winner learns and moves toward the image (about 49% probe accuracy: one active unit per image).",
      "instar",
      demo("instar", 100, {
        params: { lr: 0.05 },
        activation: { kind: "kwta", k: 1 },
        init: "unit-norm",
      }),
    ],
    [
      "demo settings",
      "Generalised Hebbian algorithm: rows become the principal components, in order (about 74%).",
      "sanger",
      demo("sanger", 25, { params: { lr: 0.01 }, initScale: 0.1 }),
    ],
    [
      "demo settings",
      "Oja's subspace rule: rows span the top principal subspace, in no particular order (about 74%).",
      "oja-subspace",
      demo("oja-subspace", 25, { params: { lr: 0.01 }, initScale: 0.1 }),
    ],
    [
      "demo settings",
      "Oja's single-unit rule on every unit: with nothing to decorrelate them, all units find the same first principal component, and the probe gets worse as they do.",
      "oja",
      demo("oja", 16, { params: { lr: 0.01 }, initScale: 0.1 }),
    ],
    [
      "demo settings",
      "BCM's sliding threshold makes units selective (lr 0.01 diverges here; 0.001 is stable).",
      "bcm",
      demo("bcm", 100, { params: { lr: 0.001 }, activation: { kind: "relu" } }),
    ],
  ];
  return entries.map(([origin, note, name, setup]) => {
    const rule = builtinRules.find((r) => r.name === name);
    if (rule === undefined) throw new Error(`demo: no built-in rule "${name}"`);
    // the starting params must be valid for the rule: parse them as the layer will
    rule.parseParams(setup.params);
    return {
      rule: name,
      description: rule.description,
      origin,
      note,
      setup,
      fields: paramFields(rule),
    };
  });
}
