import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildConfig, createRegistries, readMetrics, runExperiment } from "../src/index.js";

const out = mkdtempSync(join(tmpdir(), "plasticity-exp-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("runExperiment", () => {
  it("runs the default preset end to end on a small real MNIST subset", async () => {
    const regs = createRegistries();
    const { config } = buildConfig(
      {
        target: "mnist-quick",
        sets: [
          "data.limit=3000",
          "data.testLimit=1000",
          "eval.trainLimit=2000",
          "checkpoint.every=10",
          "log.every=5",
        ],
        backend: "wasm",
      },
      regs,
    );
    const t = performance.now();
    const { dir, summary } = await runExperiment(config, {
      registries: regs,
      outDir: out,
      source: "test",
    });
    console.log(dir, ((performance.now() - t) / 1000).toFixed(1), "s");
    console.log(
      JSON.stringify(
        summary.eval?.rows.map((r) => [
          r.layer,
          r.variant,
          r.probes.ridge?.testAccuracy,
          r.probes.softmax?.testAccuracy,
        ]),
      ),
    );
    expect(summary.status).toBe("completed");
    expect(existsSync(join(dir, "figures", "filters-layer1.png"))).toBe(true);
    const rows = readMetrics(join(dir, "metrics.jsonl"));
    expect(rows.length).toBe(6);
    console.log(readFileSync(join(dir, "metrics.jsonl"), "utf8"));
  });
});
