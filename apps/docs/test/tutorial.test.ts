import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

// The plugin tutorial's last steps, run as the page shows them: `tsc` in the tutorial's project,
// then `plasticity run --plugin ./dist/index.js …` (the tutorial's own tests, step 5, run as
// part of this package's suite: vitest.config.ts includes tutorial/**/test).
const HERE = join(import.meta.dirname, "..");
const PROJECT = join(HERE, "tutorial", "my-rules");
const require = createRequire(import.meta.url);
// the installed CLI's bin (the "source" condition vitest resolves with would give its sources)
const CLI = join(HERE, "node_modules", "@plasticity", "cli", "dist", "bin.js");
const TSC = require.resolve("typescript/bin/tsc");
const out = mkdtempSync(join(tmpdir(), "plasticity-docs-tutorial-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const cli = (args: string[]) =>
  spawnSync(process.execPath, [CLI, ...args], { cwd: PROJECT, encoding: "utf8", timeout: 150_000 });

describe("the plugin tutorial, end to end", () => {
  it("builds with tsc, and the CLI trains a layer on MNIST with its rule", () => {
    const build = spawnSync(process.execPath, [TSC, "-p", "tsconfig.json"], {
      cwd: PROJECT,
      encoding: "utf8",
    });
    expect(build.stdout + build.stderr).toBe("");
    expect(build.status).toBe(0);

    const listed = cli(["list", "rules", "--plugin", "./dist/index.js", "--json"]);
    expect(listed.stderr).toBe("");
    expect(listed.status).toBe(0);
    expect(listed.stdout).toContain('"soft-bound-hebb"');

    const run = cli([
      "run",
      "mnist-quick",
      "--plugin",
      "./dist/index.js",
      "--set",
      "model.layers.0={units: 32, rule: soft-bound-hebb, params: {lr: 0.05, wMin: -0.1, wMax: 0.1}}",
      ...["--set", "data.limit=2000", "--set", "data.testLimit=1000"],
      ...["--set", "eval.trainLimit=2000", "--set", "eval.probes=[ridge]"],
      ...["--out", out, "--json"],
    ]);
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.status).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary.status).toBe("completed");
    expect(summary.plugins).toEqual([join(PROJECT, "dist", "index.js")]);
    expect(summary.steps.done).toBe(20);
    const trained = summary.eval.rows.find(
      (r: { layer: string; variant: string }) => r.layer === "layer1" && r.variant === "trained",
    );
    expect(trained.probes.ridge.testAccuracy).toBeGreaterThan(0.3); // chance is 0.1
  });

  it("a misspelt parameter of the plugin's rule fails before training, with 'did you mean'", () => {
    const run = cli([
      "run",
      "--plugin",
      "./dist/index.js",
      "--set",
      "model.layers.0.rule=soft-bound-hebb",
      "--set",
      "model.layers.0.params.wmax=1",
      "--out",
      out,
      "--json",
    ]);
    expect(run.status).toBe(2);
    expect(JSON.parse(run.stdout).error.message).toMatch(/did you mean "wMax"/i);
  });
});
