import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { SimilarityMatchingNetwork, WorkerPool } from "../src/index.js";
import { normal, perturbLateral, Rng, useBackend } from "./helpers.js";

// Worker threads run compiled JavaScript: build the package into a scratch directory first.
const root = fileURLToPath(new URL("..", import.meta.url));
const outDir = "node_modules/.cache/sm-test-dist";

describe("worker threads (wasm)", () => {
  useBackend("wasm");
  beforeAll(() => {
    execFileSync("npx", ["tsc", "-p", "tsconfig.build.json", "--outDir", outDir], { cwd: root });
  }, 120_000);

  it("two workers give the in-thread fixed points bit for bit, in training and in features", async () => {
    const config = {
      layers: [
        { kind: "structured" as const, nps: 3, radius: 2, stride: 2, lateralRadius: 0 },
        { kind: "structured" as const, nps: 2, radius: 2, stride: 1, lateralRadius: 0 },
      ],
      gamma: 0.3,
      maxDrift: 0.5,
    };
    const x = normal(Rng.seeded(3), 40 * 144, 0.5);
    const make = () => {
      const net = new SimilarityMatchingNetwork({ config, inputShape: [12, 12, 1], seed: 8 });
      perturbLateral(net, 0.1, 9);
      return net;
    };
    const a = make();
    const b = make();
    const init = { config: b.config, inputShape: [12, 12, 1] as const, backend: "wasm" as const };
    const pool = await WorkerPool.start(2, init, `${root}${outDir}/worker.js`);
    b.useSolver(pool);
    const sa = await a.learn(x, 40);
    const sb = await b.learn(x, 40);
    expect(sb).toEqual(sa);
    const fa = await a.fixedPoints(x, 40);
    const fb = await b.fixedPoints(x, 40);
    expect(Array.from(fb.steps)).toEqual(Array.from(fa.steps));
    fa.r.forEach((r, p) => {
      expect(Array.from(fb.r[p]!)).toEqual(Array.from(r));
    });
    expect(b.getState()).toEqual(a.getState());
    await a.dispose();
    await b.dispose();
  }, 120_000);
});
