import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadResults } from "../src/results";

const ROOT = join(import.meta.dirname, "..", "..", "..");

describe("results tables", () => {
  it("are built from the committed files, each row naming its command and date", () => {
    const results = loadResults(join(ROOT, "results"));
    const quick = results.find((r) => r.name === "mnist-quick")!;
    expect(quick.meta.kind).toBe("run-summary");
    const t = quick.table!;
    expect(t.headers.slice(0, 6)).toEqual([
      "run",
      "layer",
      "features",
      "dim",
      "ridge test acc.",
      "softmax test acc.",
    ]);
    // the numbers of summary.json, as written by `plasticity run mnist-quick`
    const trained = t.rows.find((r) => r[1] === "layer1" && r[2] === "trained")!;
    expect(trained.slice(4, 6)).toEqual(["94.76%", "94.78%"]);
    for (const row of t.rows) {
      expect(row.at(-2)).toMatch(/^npx -y pnpm@10\.34\.9 -s plasticity run mnist-quick/);
      expect(row.at(-1)).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    const bench = results.find((r) => r.meta.kind === "bench-rules")!.table!;
    expect(bench.headers).toContain("tfjs:wasm");
    expect(bench.headers).not.toContain("tfjs:tensorflow"); // skipped engines are left out
    expect(bench.rows.map((r) => r[0])).toContain("krotov-hopfield");
    for (const row of bench.rows) expect(row.at(-2)).toMatch(/bench rules --json/);
  });

  it("the model benchmarks put ours beside the reference of the same run, from the JSON", () => {
    const results = loadResults(join(ROOT, "results")).filter((r) => r.meta.kind === "bench-model");
    const names = results.map((r) => r.name);
    for (const n of ["hebbian-conv", "feedback-alignment", "similarity-matching", "sweep"]) {
      expect(names).toContain(`bench-${n}`);
    }
    const fa = results.find((r) => r.name === "bench-feedback-alignment")!;
    const raw = JSON.parse(readFileSync(join(ROOT, fa.path), "utf8"));
    const bp = fa.table!.rows.find((r) => r[1]!.startsWith("bp step"))!;
    // the ratio column is ours / PyTorch of the same file, to two places
    const ratio = raw.imagesPerSecond.bp / raw.torchBpImagesPerSecond;
    expect(bp[4]).toBe(`${ratio.toFixed(2)}×`);
    expect(bp.at(-2)).toMatch(/bench feedback-alignment --json/);
    const sm = results.find((r) => r.name === "bench-similarity-matching")!.table!;
    expect(sm.rows).toHaveLength(4);
    for (const r of results) for (const row of r.table!.rows) expect(row.at(-1)).toBe(r.meta.date);
  });

  it("the Amit reproduction puts each setting's runs in one row per engine, seeds pooled", () => {
    const repro = loadResults(join(ROOT, "results")).find((r) => r.meta.kind === "amit-repro")!;
    const lines = readFileSync(join(ROOT, repro.path), "utf8").trim().split("\n");
    const runs = lines.map((l) => JSON.parse(l));
    const t = repro.table!;
    expect(t.headers.slice(4, 9)).toEqual(
      ["bp", "fa", "urfb", "kp", "dfa"].map((m) => `${m} test error %`),
    );
    // every (net, data, conv, engine) of the file has its row, with ours and torch side by side
    const settings = new Set(runs.map((r) => `${r.net} ${r.dataset} ${r.untied}`));
    expect(t.rows).toHaveLength(2 * settings.size);
    for (const row of t.rows) {
      const mine = runs.filter(
        (r) =>
          r.net === row[0] &&
          r.dataset === row[1] &&
          (r.untied ? "untied" : "tied") === row[2] &&
          r.engine === row[3] &&
          r.method === "bp",
      );
      if (mine.length === 1) expect(row[4]).toBe((100 * mine[0].testError).toFixed(1));
    }
  });

  it("a model benchmark file of an unknown shape names the file", () => {
    const dir = mkdtempSync(join(tmpdir(), "plasticity-results-"));
    mkdirSync(join(dir, "z"));
    const meta = {
      kind: "bench-model",
      title: "t",
      file: "b.json",
      command: "c",
      date: "2026-01-02",
      cpu: "c",
    };
    writeFileSync(join(dir, "z", "meta.json"), JSON.stringify(meta));
    writeFileSync(join(dir, "z", "b.json"), JSON.stringify({ benchmark: "conv" }));
    expect(() => loadResults(dir)).toThrow(/z\/b\.json: benchmark: /);
  });

  it("a meta.json without a command or date names the file and the field", () => {
    const dir = mkdtempSync(join(tmpdir(), "plasticity-results-"));
    mkdirSync(join(dir, "x"));
    writeFileSync(
      join(dir, "x", "meta.json"),
      JSON.stringify({ kind: "run-summary", title: "t", file: "s.json", cpu: "c", date: "1/2/26" }),
    );
    expect(() => loadResults(dir)).toThrow(/x\/meta\.json: command: /);
  });

  it("a kind the page does not tabulate is listed without a table", () => {
    const dir = mkdtempSync(join(tmpdir(), "plasticity-results-"));
    mkdirSync(join(dir, "y"));
    const meta = {
      kind: "bench-conv",
      title: "t",
      file: "b.json",
      command: "c",
      date: "2026-01-02",
      cpu: "c",
    };
    writeFileSync(join(dir, "y", "meta.json"), JSON.stringify(meta));
    writeFileSync(join(dir, "y", "b.json"), "{}");
    expect(loadResults(dir)).toEqual([{ name: "y", meta, path: "results/y/b.json", table: null }]);
  });
});
