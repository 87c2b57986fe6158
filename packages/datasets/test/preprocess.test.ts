import { Rng } from "@plasticity/core";
import { describe, expect, it } from "vitest";
import {
  extractPatches,
  type ImageSet,
  LUMA_WEIGHTS,
  pixelStats,
  randomCrop,
  randomFlip,
  scaleTo01,
  standardizeDataset,
  standardizePerImage,
  toGrayscale,
} from "../src/index.js";

/** n random h×w×c images, values uniform in [0, 1). */
function randomSet(
  n: number,
  h: number,
  w: number,
  c: number,
  seed = 0,
): ImageSet & { y: Int32Array } {
  const x = Rng.seeded(seed).fillUniform(new Float32Array(n * h * w * c));
  return { x, shape: [n, h, w, c], y: Int32Array.from({ length: n }, (_, i) => i % 3) };
}

const at = (s: ImageSet, i: number, r: number, q: number, k: number) =>
  s.x[((i * s.shape[1] + r) * s.shape[2] + q) * s.shape[3] + k];

describe("statistics and standardisation", () => {
  it("pixelStats: overall and per-channel mean and population std", () => {
    const set: ImageSet = {
      x: Float32Array.from([0, 10, 2, 10, 4, 10, 6, 30]),
      shape: [2, 2, 1, 2],
    };
    const s = pixelStats(set);
    expect(s.channelMean).toEqual([3, 15]);
    expect(s.channelStd[0]).toBeCloseTo(Math.sqrt(5), 12);
    expect(s.channelStd[1]).toBeCloseTo(Math.sqrt(75), 12);
    expect(s.mean).toBe(9);
    expect(s.min).toBe(0);
    expect(s.max).toBe(30);
  });

  it("standardizePerImage: each image has mean 0 and std 1 (or only mean 0)", () => {
    const set = randomSet(5, 4, 4, 3, 1);
    const out = standardizePerImage(set);
    const d = 48;
    for (let i = 0; i < 5; i++) {
      const img = out.x.subarray(i * d, (i + 1) * d);
      const m = img.reduce((a, b) => a + b, 0) / d;
      const v = img.reduce((a, b) => a + (b - m) ** 2, 0) / d;
      expect(m).toBeCloseTo(0, 5);
      expect(v).toBeCloseTo(1, 4);
    }
    const centred = standardizePerImage(set, { divideByStd: false });
    expect(centred.x[1] - centred.x[0]).toBeCloseTo(set.x[1] - set.x[0], 6);
    const blank = standardizePerImage({ x: new Float32Array(8).fill(0.3), shape: [1, 2, 4, 1] });
    expect([...blank.x]).toEqual(new Array(8).fill(0));
    expect(out.y).toBe(set.y);
  });

  it("standardizeDataset: per-channel mean 0 / std 1, and the train statistics apply to another split", () => {
    const train = randomSet(30, 3, 3, 3, 2);
    const { data, stats } = standardizeDataset(train);
    const s = pixelStats(data);
    for (let k = 0; k < 3; k++) {
      expect(s.channelMean[k]).toBeCloseTo(0, 5);
      expect(s.channelStd[k]).toBeCloseTo(1, 4);
    }
    const test = randomSet(4, 3, 3, 3, 3);
    const applied = standardizeDataset(test, { stats }).data;
    expect(applied.x[4]).toBeCloseTo((test.x[4] - stats.mean[1]) / stats.std[1], 5);
    const overall = standardizeDataset(train, { perChannel: false });
    expect(overall.stats.mean).toHaveLength(1);
    expect(() => standardizeDataset(train, { stats: { mean: [0, 0], std: [1, 1] } })).toThrow(
      /stats: expected mean and std of length 1 or 3/,
    );
  });

  it("scaleTo01 divides by 255", () => {
    expect([...scaleTo01({ x: Float32Array.from([0, 51, 255]), shape: [1, 1, 3, 1] }).x]).toEqual([
      0,
      Math.fround(0.2),
      1,
    ]);
  });
});

describe("colour and augmentation", () => {
  it("toGrayscale uses the BT.601 luma weights", () => {
    const set = randomSet(2, 2, 3, 3, 4);
    const g = toGrayscale(set);
    expect(g.shape).toEqual([2, 2, 3, 1]);
    const [wr, wg, wb] = LUMA_WEIGHTS;
    expect(at(g, 1, 1, 2, 0)).toBeCloseTo(
      wr * at(set, 1, 1, 2, 0) + wg * at(set, 1, 1, 2, 1) + wb * at(set, 1, 1, 2, 2),
      6,
    );
    expect(() => toGrayscale(randomSet(1, 2, 2, 2))).toThrow(/expected 1 or 3 channels, got 2/);
  });

  it("randomCrop takes a window of the zero-padded image, seeded", () => {
    const set = randomSet(20, 6, 6, 2, 5);
    const full = randomCrop(set, { size: 6, seed: 1 });
    expect(full.x).toEqual(set.x); // no padding, full size: the only window is the image
    const crop = randomCrop(set, { size: [4, 5], padding: 2, seed: 9 });
    expect(crop.shape).toEqual([20, 4, 5, 2]);
    expect(randomCrop(set, { size: [4, 5], padding: 2, seed: 9 }).x).toEqual(crop.x);
    // every crop equals the padded source at some offset
    for (let i = 0; i < 20; i++) {
      let ok = false;
      for (let top = -2; top <= 4 && !ok; top++) {
        for (let left = -2; left <= 3 && !ok; left++) {
          ok = true;
          for (let r = 0; r < 4 && ok; r++) {
            for (let q = 0; q < 5 && ok; q++) {
              for (let k = 0; k < 2; k++) {
                const sr = top + r;
                const sq = left + q;
                const src = sr < 0 || sr >= 6 || sq < 0 || sq >= 6 ? 0 : at(set, i, sr, sq, k);
                if (at(crop, i, r, q, k) !== src) ok = false;
              }
            }
          }
        }
      }
      expect(ok).toBe(true);
    }
    expect(() => randomCrop(set, { size: 9, padding: 1, seed: 0 })).toThrow(
      /crop 9×9 is larger than the padded image 8×8/,
    );
  });

  it("randomFlip mirrors with probability p", () => {
    const set = randomSet(200, 3, 4, 2, 6);
    const all = randomFlip(set, { p: 1, seed: 0 });
    expect(at(all, 7, 1, 0, 1)).toBe(at(set, 7, 1, 3, 1));
    const v = randomFlip(set, { p: 1, seed: 0, direction: "vertical" });
    expect(at(v, 7, 0, 2, 0)).toBe(at(set, 7, 2, 2, 0));
    expect(randomFlip(set, { p: 0, seed: 0 }).x).toEqual(set.x);
    const half = randomFlip(set, { seed: 3 });
    let flipped = 0;
    for (let i = 0; i < 200; i++) if (at(half, i, 0, 0, 0) !== at(set, i, 0, 0, 0)) flipped++;
    expect(flipped).toBeGreaterThan(70);
    expect(flipped).toBeLessThan(130);
    expect(() => randomFlip(set, { p: 2, seed: 0 })).toThrow(/p: expected a probability/);
  });
});

describe("extractPatches", () => {
  it("every grid position with a stride, in (image, row, col) order, labels carried", () => {
    const set = randomSet(2, 5, 6, 3, 7);
    const p = extractPatches(set, { size: 3, stride: 2 });
    // rows 0, 2; cols 0, 2 → 4 per image
    expect(p.shape).toEqual([8, 3, 3, 3]);
    expect([...p.row]).toEqual([0, 0, 2, 2, 0, 0, 2, 2]);
    expect([...p.col]).toEqual([0, 2, 0, 2, 0, 2, 0, 2]);
    expect([...p.y!]).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
    expect(at(p, 7, 2, 1, 2)).toBe(at(set, 1, 4, 3, 2));
  });

  it("random patches, seeded, match their source windows", () => {
    const set = randomSet(10, 8, 8, 1, 8);
    const p = extractPatches(set, { size: [2, 3], count: 50, seed: 4 });
    expect(p.shape).toEqual([50, 2, 3, 1]);
    expect(extractPatches(set, { size: [2, 3], count: 50, seed: 4 }).x).toEqual(p.x);
    for (let k = 0; k < 50; k++) {
      expect(at(p, k, 1, 2, 0)).toBe(at(set, p.image[k], p.row[k] + 1, p.col[k] + 2, 0));
    }
    expect(() => extractPatches(set, { size: 9 })).toThrow(
      /patch 9×9 is larger than the image 8×8/,
    );
    expect(() => extractPatches(set, { size: 2, count: 5 })).toThrow(
      /extractPatches: expected \{ seed \} or \{ rng \}/,
    );
  });
});
