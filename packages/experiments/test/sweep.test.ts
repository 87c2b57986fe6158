import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  aggregateRuns,
  createRegistries,
  expandSweep,
  type RunSummary,
  stat,
} from "../src/config-entry.js";

const tmp = mkdtempSync(join(tmpdir(), "plasticity-sweep-expand-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const regs = createRegistries();

function file(name: string, text: string): string {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
}

describe("sweep files", () => {
  it("the issue's example expands to grid × seeds with stable ids, resolved like --set", () => {
    const p = file(
      "quick.yaml",
      "base: mnist-quick\nset: { data.limit: 2000, eval.trainLimit: 1000 }\ngrid: { model.layers.0.units: [50, 100] }\nseeds: 2\n",
    );
    const s = expandSweep(p, regs);
    expect(s.name).toBe("quick");
    expect(s.runs.map((r) => [r.index, r.seed, r.varied])).toEqual([
      [0, 0, { "model.layers.0.units": 50 }],
      [1, 1, { "model.layers.0.units": 50 }],
      [2, 0, { "model.layers.0.units": 100 }],
      [3, 1, { "model.layers.0.units": 100 }],
    ]);
    const c = s.runs[3]!.config as unknown as {
      data: { limit: number };
      seed: number;
      model: { layers: { units: number }[] };
    };
    expect([c.data.limit, c.seed, c.model.layers[0]!.units]).toEqual([2000, 1, 100]);
    // seeds of one setting share a group; ids are stable and do not depend on the sweep's name
    expect(s.runs[0]!.group).toBe(s.runs[1]!.group);
    expect(s.runs[0]!.group).not.toBe(s.runs[2]!.group);
    const renamed = expandSweep(file("other.yaml", `name: other\n${readable(p)}`), regs);
    expect(renamed.runs.map((r) => r.id)).toEqual(s.runs.map((r) => r.id));
  });

  it("crosses the grid with a list of override sets, takes a list of seeds", () => {
    const p = file(
      "list.json",
      JSON.stringify({
        base: "mnist-quick",
        grid: { "model.layers.0.units": [10, 20] },
        list: [{}, { "model.layers.0.rule": "oja" }],
        seeds: [3, 7],
      }),
    );
    const s = expandSweep(p, regs);
    expect(s.runs).toHaveLength(8);
    expect(s.runs.map((r) => r.seed)).toEqual([3, 7, 3, 7, 3, 7, 3, 7]);
    // a new rule starts from its own defaults, as with --set
    const oja = s.runs[2]!.config.model as unknown as {
      layers: { rule: string; params: object }[];
    };
    expect(oja.layers[0]).toMatchObject({ rule: "oja", params: {} });
  });

  it("refuses a malformed file, a bad override and duplicate runs, naming the file and the field", () => {
    expect(() =>
      expandSweep(file("a.yaml", "base: mnist-quick\ngrid: { model.layers.0.units: 50 }\n"), regs),
    ).toThrow(/sweep file .*a\.yaml[\s\S]*grid\.model\.layers\.0\.units: .*expected array/);
    expect(() => expandSweep(file("b.yaml", "base: mnist-quick\nseeds: 0\n"), regs)).toThrow(
      /seeds/,
    );
    expect(() =>
      expandSweep(file("c.yaml", "base: mnist-quick\nset: { data.lmit: 5 }\n"), regs),
    ).toThrow(/run 0 [\s\S]*data\.lmit/);
    expect(() => expandSweep(file("d.yaml", "base: mnist-quick\nseeds: [1, 1]\n"), regs)).toThrow(
      /runs 0 and 1 resolve to the same config/,
    );
  });
});

function readable(p: string): string {
  return readFileSync(p, "utf8");
}

describe("aggregate", () => {
  it("mean ± sample std and n per setting, failures counted apart", () => {
    const s = stat([0.9, 0.8])!;
    expect([s.mean, s.std, s.n]).toEqual([
      expect.closeTo(0.85, 12),
      expect.closeTo(Math.sqrt(0.005), 12),
      2,
    ]);
    const summary = (acc: number) =>
      ({
        status: "completed",
        wallSeconds: 10,
        trainSeconds: 5,
        eval: {
          rows: [{ layer: "layer1", variant: "trained", probes: { ridge: { testAccuracy: acc } } }],
        },
      }) as unknown as RunSummary;
    const g = aggregateRuns([
      { id: "a", group: "g", varied: { u: 1 }, seed: 0, summary: summary(0.9) },
      { id: "b", group: "g", varied: { u: 1 }, seed: 1, summary: summary(0.8) },
      { id: "c", group: "g", varied: { u: 1 }, seed: 2, summary: null, error: "exit 1" },
    ]);
    expect(g).toHaveLength(1);
    expect(g[0]!.accuracy["layer1/ridge"]!.n).toBe(2);
    expect(g[0]!.accuracy["layer1/ridge"]!.mean).toBeCloseTo(0.85, 12);
    expect(g[0]!.failed).toBe(1);
  });
});
