import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Rng } from "@plasticity/core";
import { type Dataset, standardizePerImage } from "@plasticity/datasets";
import { initBackend } from "@plasticity/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fitMiconiZca, zcaMatrix } from "../src/data-zca.js";
import { preprocess } from "../src/index.js";

const cache = mkdtempSync(join(tmpdir(), "plasticity-zca-"));
const saved = process.env.PLASTICITY_DATA_DIR;
beforeAll(async () => {
  process.env.PLASTICITY_DATA_DIR = cache;
  await initBackend({ backend: "cpu" });
});
afterAll(() => {
  if (saved === undefined) delete process.env.PLASTICITY_DATA_DIR;
  else process.env.PLASTICITY_DATA_DIR = saved;
  rmSync(cache, { recursive: true, force: true });
});

/** Correlated 4×4 images: smooth random fields (neighbouring pixels share sources). */
function images(n: number, seed: number): Dataset {
  const rng = Rng.seeded(seed);
  const x = new Float32Array(n * 16);
  for (let i = 0; i < n; i++) {
    const s = Array.from({ length: 5 }, () => rng.normal());
    for (let p = 0; p < 16; p++)
      x[i * 16 + p] = s[p % 5]! + 0.5 * s[(p + 1) % 5]! + 0.1 * rng.normal();
  }
  return {
    x,
    y: new Int32Array(n),
    shape: [n, 4, 4, 1],
    classes: ["a"],
    source: "synthetic",
  } as unknown as Dataset;
}

describe("data.preprocess zca (Miconi 2021's whole-image whitening)", () => {
  it("whitens C = XᵀX/d + εI: W C W = I", () => {
    const n = 400;
    const d = 16;
    const { x } = images(n, 1);
    const eps = 1e-3;
    const W = fitMiconiZca(x, n, d, eps);
    const C = new Float64Array(d * d);
    for (let i = 0; i < n; i++)
      for (let a = 0; a < d; a++)
        for (let b = 0; b < d; b++) C[a * d + b]! += (x[i * d + a]! * x[i * d + b]!) / d;
    for (let a = 0; a < d; a++) C[a * d + a]! += eps;
    const mul = (A: ArrayLike<number>, B: ArrayLike<number>) => {
      const o = new Float64Array(d * d);
      for (let i = 0; i < d; i++)
        for (let k = 0; k < d; k++)
          for (let j = 0; j < d; j++) o[i * d + j]! += A[i * d + k]! * B[k * d + j]!;
      return o;
    };
    const I = mul(mul(W, C), W);
    for (let a = 0; a < d; a++)
      for (let b = 0; b < d; b++) expect(I[a * d + b]).toBeCloseTo(a === b ? 1 : 0, 3);
  });

  it("standardises each image, whitens both splits with the training matrix, and caches it", () => {
    const train = images(300, 2);
    const test = images(50, 3);
    const cfg = { dataset: "toy", zca: { images: 200, epsilon: 1e-3 } };
    const [a, b] = preprocess(train, test, "zca", cfg);
    expect(a.x.length).toBe(train.x.length);
    expect(b.x.length).toBe(test.x.length);
    const files = readdirSync(join(cache, "zca"));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^toy-16-[0-9a-f]{24}\.f32$/);
    const std = standardizePerImage(train);
    const again = zcaMatrix("toy", std, cfg.zca);
    expect(again.origin).toMatch(/^cache /);
    // a truncated cache file is refitted, not trusted
    writeFileSync(join(cache, "zca", files[0]!), Buffer.alloc(10));
    expect(zcaMatrix("toy", std, cfg.zca).origin).toMatch(/^fitted on 200 images/);
    // other settings, other matrix
    zcaMatrix("toy", std, { images: 100, epsilon: 1e-3 });
    expect(readdirSync(join(cache, "zca"))).toHaveLength(2);
  });
});
