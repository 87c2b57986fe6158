import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { expect, it } from "vitest";

// Getting started's complete example, run with node exactly as the page says.
it("examples/first-layer.mjs trains a SoftHebb layer whose features beat random ones", () => {
  const run = spawnSync(process.execPath, ["examples/first-layer.mjs"], {
    cwd: join(import.meta.dirname, ".."),
    encoding: "utf8",
    timeout: 150_000,
  });
  expect(run.stderr).toBe("");
  expect(run.status).toBe(0);
  const m = /ridge probe test accuracy: ([\d.]+)% at random init, ([\d.]+)% after 3 epochs/.exec(
    run.stdout,
  );
  expect(m, run.stdout).not.toBeNull();
  const [before, after] = [Number(m![1]), Number(m![2])];
  expect(after).toBeGreaterThan(before + 5);
  expect(run.stdout).toMatch(/^backend: (tensorflow|wasm|cpu)$/m);
});
