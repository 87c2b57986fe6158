import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
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
