import { defineConfig } from "vitest/config";

/**
 * Every package's vitest config. "source" resolves workspace packages to their TypeScript
 * sources, so tests need no build. Timeouts are generous because the suite runs two packages at
 * once on 2 cores and real-data tests slow down under that load; speed is measured in
 * tools/bench, never asserted by a timeout.
 */
export default defineConfig({
  resolve: { conditions: ["source"] },
  ssr: { resolve: { conditions: ["source"] } },
  test: { include: ["test/**/*.test.ts"], testTimeout: 180_000, hookTimeout: 180_000 },
});
