import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UnknownNameError } from "@plasticity/core";
import { afterAll, describe, expect, it } from "vitest";
import {
  applySet,
  buildConfig,
  ConfigError,
  createRegistries,
  DEFAULT_PRESET,
  deepMerge,
  describeConfig,
  parsePath,
  resolveConfig,
} from "../src/config-entry.js";

const regs = createRegistries();
const tmp = mkdtempSync(join(tmpdir(), "plasticity-config-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function configError(f: () => unknown): ConfigError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error("expected a ConfigError");
}

describe("config schema", () => {
  it("fills every default, including the model kind's", () => {
    const c = resolveConfig({}, regs);
    expect(c.seed).toBe(0);
    expect(c.backend).toBe("auto");
    expect(c.train).toEqual({
      epochs: 1,
      batchSize: 100,
      shuffle: true,
      sampling: "permutation",
      lrSchedule: { kind: "constant" },
    });
    expect(c.eval.ridge.lambda).toBeGreaterThan(0);
    expect(c.model.kind).toBe("hebbian-mlp");
    expect((c.model.layers as { rule: string }[])[0]!.rule).toBe("softhebb");
  });

  it("resolves the default preset", () => {
    const { config, source } = buildConfig({ target: DEFAULT_PRESET }, regs);
    expect(config.name).toBe(DEFAULT_PRESET);
    expect(source).toContain(DEFAULT_PRESET);
  });

  it("is idempotent: a resolved config validates to itself", () => {
    const { config } = buildConfig({ target: DEFAULT_PRESET }, regs);
    expect(resolveConfig(JSON.parse(JSON.stringify(config)), regs)).toEqual(config);
  });

  it("describes every field with a description", () => {
    const fields = describeConfig(regs.models);
    const paths = fields.map((f) => f.path);
    for (const p of [
      "seed",
      "data.limit",
      "train.batchSize",
      "eval.ridge.lambda",
      "model.layers[].rule",
    ]) {
      expect(paths).toContain(p);
    }
    for (const f of fields) expect(f.description.length, f.path).toBeGreaterThan(0);
    expect(fields.find((f) => f.path === "train.batchSize")!.default).toBe("100");
  });
});

describe("--set overrides", () => {
  it("parses paths with dots and brackets", () => {
    expect(parsePath("model.layers[0].units")).toEqual(["model", "layers", 0, "units"]);
    expect(parsePath("model.layers.1.params.lr")).toEqual(["model", "layers", 1, "params", "lr"]);
  });

  it("sets values parsed as YAML and creates missing objects", () => {
    const raw: Record<string, unknown> = { model: { layers: [{ units: 3 }] } };
    applySet(raw, "model.layers.0.units=400");
    applySet(raw, "model.layers.0.params.lr=0.5");
    applySet(raw, "eval.probes=[ridge]");
    applySet(raw, "train.shuffle=false");
    applySet(raw, "name=my-run");
    expect(raw).toEqual({
      model: { layers: [{ units: 400, params: { lr: 0.5 } }] },
      eval: { probes: ["ridge"] },
      train: { shuffle: false },
      name: "my-run",
    });
  });

  it("refuses an assignment without '=' or with a malformed path", () => {
    expect(configError(() => applySet({}, "train.batchSize")).message).toContain("path=value");
    expect(configError(() => applySet({}, "train..x=1")).message).toContain("dotted field path");
    expect(configError(() => applySet({ seed: 1 }, "seed.x=1")).message).toContain(
      "seed is a number",
    );
  });

  it("merges objects deeply and replaces lists", () => {
    expect(deepMerge({ a: { b: 1, c: [1, 2] } }, { a: { c: [3] }, d: 1 })).toEqual({
      a: { b: 1, c: [3] },
      d: 1,
    });
  });
});

describe("config errors name the field and say how to fix it", () => {
  it("suggests the closest key for a misspelt field", () => {
    const e = configError(() => resolveConfig({ data: { lmit: 5 } }, regs));
    expect(e.field).toBe("data.lmit");
    expect(e.message).toContain('did you mean "limit"');
  });

  it("names a value out of range", () => {
    const e = configError(() => resolveConfig({ train: { batchSize: 0 } }, regs));
    expect(e.field).toBe("train.batchSize");
  });

  it("suggests rules for an unknown rule name", () => {
    const e = configError(() => resolveConfig({ model: { layers: [{ rule: "sangr" }] } }, regs));
    expect(e.field).toBe("model.layers.0.rule");
    expect(e.message).toContain('"sanger"');
  });

  it("names a bad rule hyper-parameter with its full path", () => {
    const e = configError(() =>
      resolveConfig({ model: { layers: [{ rule: "oja", params: { lr: -1 } }] } }, regs),
    );
    expect(e.field).toBe("model.layers.0.params.lr");
  });

  it("suggests model kinds for an unknown one", () => {
    const e = configError(() => resolveConfig({ model: { kind: "hebbian-mpl" } }, regs));
    expect(e.field).toBe("model.kind");
    expect(e.message).toContain('"hebbian-mlp"');
  });

  it("checks k-WTA against the layer size", () => {
    const e = configError(() =>
      resolveConfig(
        { model: { layers: [{ units: 4, activation: { kind: "kwta", k: 9 } }] } },
        regs,
      ),
    );
    expect(e.field).toBe("model.layers.0.activation.k");
  });

  it("suggests presets for an unknown one", () => {
    expect(() => buildConfig({ target: "mnist-quik" }, regs)).toThrow(UnknownNameError);
    expect(() => buildConfig({ target: "mnist-quik" }, regs)).toThrow(/Did you mean "mnist-quick"/);
  });
});

describe("config files", () => {
  it("reads YAML that extends a preset", () => {
    const f = join(tmp, "exp.yaml");
    writeFileSync(f, "extends: mnist-quick\nname: small\ntrain:\n  epochs: 2\n");
    const { config } = buildConfig({ target: f, sets: ["seed=7"] }, regs);
    expect(config.name).toBe("small");
    expect(config.train.epochs).toBe(2);
    expect(config.seed).toBe(7);
    expect(config.data.preprocess).toBe("center");
  });

  it("reads JSON and names the file of a syntax error", () => {
    const f = join(tmp, "bad.json");
    writeFileSync(f, '{ "seed": 1, }');
    expect(configError(() => buildConfig({ target: f }, regs)).message).toContain(f);
  });

  it("names the file and line of a YAML error", () => {
    const f = join(tmp, "bad.yaml");
    writeFileSync(f, "train:\n  epochs: [1\nseed: 2\n");
    const e = configError(() => buildConfig({ target: f }, regs));
    expect(e.message).toContain(f);
    expect(e.message).toMatch(/line \d+/);
  });

  it("says what to give when the file does not exist", () => {
    const e = configError(() => buildConfig({ target: join(tmp, "missing.yaml") }, regs));
    expect(e.message).toContain("does not exist");
  });

  it("refuses extends cycles", () => {
    const a = join(tmp, "a.yaml");
    const b = join(tmp, "b.yaml");
    writeFileSync(a, "extends: ./b.yaml\n");
    writeFileSync(b, "extends: ./a.yaml\n");
    expect(configError(() => buildConfig({ target: a }, regs)).message).toContain("cycle");
  });
});
