#!/usr/bin/env node
// Runs every workspace's vitest suite through turbo, then the typecheck and lint checks, then
// prints the one closing line CI reads:
// "N passed, N failed" (CI does not read vitest's own summary). Exits non-zero if any test
// failed or any suite produced no report (a crash before vitest could write one).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

const root = new URL("../..", import.meta.url).pathname;
const groups = ["packages", "apps", "tools"];
const workspaces = groups.flatMap((g) =>
  existsSync(join(root, g))
    ? readdirSync(join(root, g))
        .map((d) => join(root, g, d))
        .filter((d) => existsSync(join(d, "package.json")))
    : [],
);
const withTests = workspaces.filter((d) => {
  const pkg = JSON.parse(readFileSync(join(d, "package.json"), "utf8"));
  return Boolean(pkg.scripts?.test);
});
for (const d of withTests) rmSync(join(d, ".vitest-report.json"), { force: true });

const extra = process.argv.slice(2);
const turbo = spawnSync(
  "pnpm",
  ["exec", "turbo", "run", "test", "--continue", "--concurrency=2", "--output-logs=full", ...extra],
  {
    cwd: root,
    stdio: "inherit",
    env: {
      ...process.env,
      TURBO_TELEMETRY_DISABLED: "1",
      DO_NOT_TRACK: "1",
      FORCE_COLOR: process.env.CI ? "0" : "1",
    },
  },
);

let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
for (const d of withTests) {
  const f = join(d, ".vitest-report.json");
  if (!existsSync(f)) {
    missing.push(d.slice(root.length));
    continue;
  }
  const r = JSON.parse(readFileSync(f, "utf8"));
  passed += r.numPassedTests ?? 0;
  failed += r.numFailedTests ?? 0;
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  // A suite that failed to load counts its file as one failure: vitest reports 0 tests for it.
  for (const tr of r.testResults ?? []) {
    if (tr.status === "failed" && (tr.assertionResults ?? []).length === 0) {
      failed += 1;
      console.error(`suite failed to run: ${tr.name}\n${tr.message ?? ""}`);
    }
  }
}
// Two more checks that a test run alone would miss: types of test files (vitest strips types
// without checking them) and lint. Each counts as one passed or failed check.
if (extra.length === 0) {
  const env = { ...process.env, TURBO_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1" };
  for (const [name, args] of [
    ["typecheck", ["exec", "turbo", "run", "typecheck", "--output-logs=errors-only"]],
    ["lint", ["exec", "biome", "check", "."]],
  ]) {
    const r = spawnSync("pnpm", args, { cwd: root, stdio: "inherit", env });
    if (r.status === 0) {
      passed += 1;
      console.log(`check ${name}: ok`);
    } else {
      failed += 1;
      console.error(`check ${name}: FAILED (run: pnpm ${name})`);
    }
  }
}
if (extra.length === 0 && missing.length > 0) {
  console.error(`no test report from: ${missing.join(", ")} (the suite crashed or did not run)`);
  failed += missing.length;
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 || turbo.status !== 0 ? 1 : 0);
