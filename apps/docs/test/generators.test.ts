import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { builtinRules, krotovHopfield, softhebb } from "@plasticity/core";
import { createRegistries, type Preset } from "@plasticity/experiments/config";
import { describe, expect, it } from "vitest";
import { demoRules, setupFromPreset } from "../src/demo-setups";
import { MODELS, modelPages } from "../src/models";
import { ROOT } from "../src/repo";
import { paramFields, rangeText } from "../src/schema-fields";
import { findTests, testsOfRule } from "../src/tests-index";

describe("parameter tables and forms from the rules' zod schemas", () => {
  it("list every parameter of every rule with the default parseParams gives", () => {
    for (const rule of builtinRules) {
      const fields = paramFields(rule);
      const defaults = rule.parseParams({}) as Record<string, unknown>;
      expect(fields.map((f) => f.name)).toEqual(Object.keys(rule.params.shape));
      for (const f of fields) expect(f.default).toEqual(defaults[f.name]);
    }
  });

  it("state each range as the schema declares it", () => {
    const kh = Object.fromEntries(paramFields(krotovHopfield).map((f) => [f.name, rangeText(f)]));
    expect(kh).toEqual({
      lr: "> 0",
      p: "≥ 1",
      k: "integer ≥ 2",
      delta: "≥ 0",
      normalize: "true | false",
      rank: "q | current",
    });
    const sh = paramFields(softhebb).find((f) => f.name === "adaptivePower")!;
    expect(sh).toMatchObject({ type: "number", min: 0, exclusiveMin: false, default: 0 });
    expect(sh.description).toMatch(/official code uses 0\.5/);
  });
});

describe("test links of the rules page", () => {
  it("find at least one test of every rule by its title, and none of a longer name", () => {
    const tests = findTests(ROOT, [
      "packages/core/test/rules.test.ts",
      "packages/core/test/hebb.test.ts",
      "packages/core/test/behaviour.test.ts",
    ]);
    for (const rule of builtinRules) {
      const own = testsOfRule(tests, rule.name);
      expect(own.length, rule.name).toBeGreaterThan(0);
      for (const t of own) {
        const line = readFileSync(join(ROOT, t.file), "utf8").split("\n")[t.line - 1];
        expect(line).toContain(t.title);
      }
    }
    expect(testsOfRule(tests, "oja").some((t) => t.title.startsWith("oja-subspace"))).toBe(false);
  });
});

describe("demo settings", () => {
  it("come from the presets for SoftHebb and Krotov–Hopfield, and parse for every rule", () => {
    const presets = createRegistries().presets;
    const rules = demoRules(presets);
    const sh = rules.find((r) => r.rule === "softhebb")!;
    const layer = (presets.get("mnist-softhebb-100").config as { model: { layers: object[] } })
      .model.layers[0];
    expect(sh.setup).toMatchObject(layer);
    expect(sh.origin).toBe("preset mnist-softhebb-100");
    const kh = setupFromPreset(presets.get("mnist-krotov-hopfield-code"));
    expect(kh.params).toMatchObject({ rank: "current", delta: 0.4, lr: 0.3 });
    expect(kh.schedule).toEqual({ kind: "linear", totalSamples: 60000 });
    for (const r of rules) expect(r.fields.length).toBeGreaterThan(0);
  });
});

describe("model pages", () => {
  const blob = (p: string) => `https://example.org/blob/main/${p}`;

  it("say plainly that a package is not available when it is not in the workspace", () => {
    const root = mkdtempSync(join(tmpdir(), "plasticity-docs-models-"));
    mkdirSync(join(root, "packages"));
    const pages = modelPages(root, createRegistries().presets.list(), [], blob, join(root, "pub"));
    expect(pages.map((p) => p.slug)).toEqual(MODELS.map((m) => m.slug));
    for (const p of pages) {
      expect(p.content).toMatch(/::: warning Not available yet/);
      expect(p.content).toMatch(/reports no results/);
      expect(p.content).not.toMatch(/\d%/); // no invented numbers
    }
  });

  it("are generated from the package's README, its presets and its results when it exists", () => {
    const root = mkdtempSync(join(tmpdir(), "plasticity-docs-models-"));
    const dir = join(root, "packages", "hebbian-conv");
    mkdirSync(join(dir, "docs"), { recursive: true });
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({ name: "@plasticity/hebbian-conv", version: "0.3.0" }),
    );
    writeFileSync(join(dir, "docs", "filters.png"), "png");
    writeFileSync(
      join(dir, "README.md"),
      "# @plasticity/hebbian-conv\n\nTrains conv layers.\n\n## Usage\n\n![layer 1](docs/filters.png)\n\nSee [the code](src/index.ts) and [the paper](https://arxiv.org/abs/2107.01729).\n",
    );
    const preset = (name: string, kind: string): Preset => ({
      name,
      description: `${name} runs`,
      reference: "Miconi (2021)",
      config: { model: { kind } },
    });
    const pub = join(root, "pub");
    const results = [
      { name: "miconi-cifar", title: "Miconi CIFAR-10", model: "hebbian-conv" },
      { name: "mnist-quick", title: "mnist-quick", model: "hebbian-mlp" },
    ];
    const page = modelPages(
      root,
      [preset("miconi-cifar10", "hebbian-conv"), preset("mnist-quick", "hebbian-mlp")],
      results,
      blob,
      pub,
    ).find((p) => p.slug === "hebbian-conv")!.content;
    expect(page).toMatch(/^# Hebbian CNNs\n/);
    expect(page).toContain("Package `@plasticity/hebbian-conv` 0.3.0");
    expect(page).not.toContain("# @plasticity/hebbian-conv"); // the README's title line is dropped
    expect(page).toContain("### Usage"); // its headings one level down
    expect(page).toContain("![layer 1](/gen/models/hebbian-conv/filters.png)");
    expect(existsSync(join(pub, "gen", "models", "hebbian-conv", "filters.png"))).toBe(true);
    expect(page).toContain(
      "[the code](https://example.org/blob/main/packages/hebbian-conv/src/index.ts)",
    );
    expect(page).toContain("[the paper](https://arxiv.org/abs/2107.01729)");
    expect(page).toContain("| `miconi-cifar10` | miconi-cifar10 runs | Miconi (2021) |");
    expect(page).not.toContain("`mnist-quick`");
    expect(page).toContain("- [Miconi CIFAR-10](../results#result-miconi-cifar)");
    expect(page).not.toMatch(/Not available yet/);
  });
});
