import { krotovHopfield } from "@plasticity/core";
import { describe, expect, it } from "vitest";
import { buildConfig, createRegistries } from "../src/config-entry.js";

const regs = createRegistries();

describe("mnist-krotov-hopfield preset", () => {
  it("resolves to one Krotov–Hopfield layer with the tuned settings", () => {
    const { config } = buildConfig({ target: "mnist-krotov-hopfield" }, regs);
    expect(config.name).toBe("mnist-krotov-hopfield");
    expect(config.data.preprocess).toBe("center");
    expect(config.train).toEqual({
      epochs: 1,
      batchSize: 100,
      shuffle: true,
      sampling: "permutation",
      lrSchedule: { kind: "constant" },
    });
    const layers = config.model.layers as {
      units: number;
      rule: string;
      params: Record<string, unknown>;
      activation: unknown;
      init: string;
    }[];
    expect(layers).toHaveLength(1);
    const layer = layers[0]!;
    expect(layer.units).toBe(100);
    expect(layer.rule).toBe(krotovHopfield.name);
    expect(layer.init).toBe("unit-norm");
    expect(layer.activation).toEqual({ kind: "power", n: 2 });
    // the params are valid for the rule (strict: a misspelt field would throw) and keep Δ = 0
    expect(krotovHopfield.parseParams(layer.params)).toEqual({
      lr: 0.1,
      p: 2,
      k: 2,
      delta: 0,
      normalize: true,
    });
  });

  it("is listed next to the SoftHebb presets", () => {
    const names = regs.presets.names();
    expect(names).toContain("mnist-krotov-hopfield");
    expect(names).toContain("mnist-quick");
  });
});
