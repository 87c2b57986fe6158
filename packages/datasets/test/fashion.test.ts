import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadDataset, pixelStats } from "../src/index.js";
import { tempDir } from "./fixtures.js";

// Real data: the full Fashion-MNIST from Debian's dataset-fashion-mnist (re-gzipped files, so
// the sha256 checked is that of the decompressed contents). .ci/run installs it where apt exists.
const DEBIAN_DIR = "/usr/share/datasets/fashion-mnist";
const MISSING =
  `Fashion-MNIST tests need Debian's dataset-fashion-mnist, which is not installed (${DEBIAN_DIR} is absent). ` +
  "Install it with: apt-get install -y dataset-fashion-mnist";
const cacheDir = tempDir();

describe("Fashion-MNIST (full, from Debian's dataset-fashion-mnist)", () => {
  it("is installed", () => {
    expect(existsSync(DEBIAN_DIR), MISSING).toBe(true);
  });

  it("train: 60,000 images, 6,000 per class, mean 0.2860 and std 0.3530", async () => {
    const ds = await loadDataset("fashion-mnist", { cacheDir, download: false }).catch((e) => {
      throw new Error(`${MISSING}\n${e.message}`);
    });
    expect(ds.source).toBe(`Debian package dataset-fashion-mnist (${DEBIAN_DIR})`);
    expect(ds.shape).toEqual([60000, 28, 28, 1]);
    const h = new Array(10).fill(0);
    for (const v of ds.y) h[v]++;
    expect(h).toEqual(new Array(10).fill(6000));
    const s = pixelStats(ds);
    expect(s.mean).toBeCloseTo(0.286, 4);
    expect(s.std).toBeCloseTo(0.353, 4);
    expect(ds.classes[9]).toBe("Ankle boot");
  });

  it("test: 10,000 images, 1,000 per class", async () => {
    const ds = await loadDataset("fashion-mnist", {
      split: "test",
      cacheDir,
      download: false,
    }).catch((e) => {
      throw new Error(`${MISSING}\n${e.message}`);
    });
    expect(ds.shape).toEqual([10000, 28, 28, 1]);
    const h = new Array(10).fill(0);
    for (const v of ds.y) h[v]++;
    expect(h).toEqual(new Array(10).fill(1000));
  });
});
