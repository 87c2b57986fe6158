import { describe, expect, it } from "vitest";
import {
  type Batch,
  batches,
  type LabeledSet,
  shuffleDataset,
  subset,
  take,
  trainValIndices,
  trainValSplit,
} from "../src/index.js";

/** n examples of 2×1×1 with x = [i, -i] and y = i, so rows identify themselves. */
function ids(n: number): LabeledSet & { split: "train" } {
  const x = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    x[2 * i] = i;
    x[2 * i + 1] = -i;
  }
  return { x, y: Int32Array.from({ length: n }, (_, i) => i), shape: [n, 2, 1, 1], split: "train" };
}

function checkBatch(b: Batch): void {
  for (let k = 0; k < b.shape[0]; k++) {
    const i = b.indices[k];
    expect(b.y[k]).toBe(i);
    expect(b.x[2 * k]).toBe(i);
    expect(b.x[2 * k + 1]).toBe(-i);
  }
}

describe("batches", () => {
  it("without shuffling: views in order, the last batch smaller or dropped", () => {
    const ds = ids(10);
    const all = [...batches(ds, { batchSize: 4 })];
    expect(all.map((b) => b.shape[0])).toEqual([4, 4, 2]);
    expect(all[1].x.buffer).toBe(ds.x.buffer); // no copy
    expect([...all[2].indices]).toEqual([8, 9]);
    all.forEach(checkBatch);
    const dropped = batches(ds, { batchSize: 4, dropLast: true });
    expect(dropped.length).toBe(2);
    expect([...dropped].length).toBe(2);
  });

  it("shuffled: a new seeded permutation every epoch, each example once per epoch", () => {
    const ds = ids(23);
    const it1 = batches(ds, { batchSize: 5, shuffle: true, seed: 7 });
    const epoch1 = [...it1];
    const epoch2 = [...it1];
    const seen = epoch1.flatMap((b) => [...b.indices]).sort((a, b) => a - b);
    expect(seen).toEqual(Array.from({ length: 23 }, (_, i) => i));
    epoch1.forEach(checkBatch);
    expect(epoch1[0].indices).not.toEqual(epoch2[0].indices);
    const again = [...batches(ds, { batchSize: 5, shuffle: true, seed: 7 })];
    expect(again.map((b) => [...b.indices])).toEqual(epoch1.map((b) => [...b.indices]));
    expect(epoch1[0].x.buffer).not.toBe(ds.x.buffer);
  });

  it("iterates asynchronously with the same batches", async () => {
    const ds = ids(11);
    const sync = [...batches(ds, { batchSize: 3, shuffle: true, seed: 1 })].map((b) => [
      ...b.indices,
    ]);
    const got: number[][] = [];
    for await (const b of batches(ds, { batchSize: 3, shuffle: true, seed: 1 }))
      got.push([...b.indices]);
    expect(got).toEqual(sync);
  });

  it("names bad options", () => {
    const ds = ids(4);
    expect(() => batches(ds, { batchSize: 0 })).toThrow(
      /batchSize: expected an integer ≥ 1, got 0/,
    );
    expect(() => batches(ds, { batchSize: 2, shuffle: true })).toThrow(
      /batches: expected \{ seed \} or \{ rng \}/,
    );
    expect(() => batches(ds, { batchSize: 2, seed: 1 })).toThrow(/shuffle is false/);
    expect(() => batches({ ...ds, y: new Int32Array(3) }, { batchSize: 2 })).toThrow(
      /ds\.y: expected an Int32Array of length n = 4/,
    );
  });
});

describe("splits and subsets", () => {
  it("trainValSplit: disjoint, covering, seeded, ordered, labelled", () => {
    const ds = ids(50);
    const { train, val } = trainValSplit(ds, { valFraction: 0.2, seed: 3 });
    expect(val.shape[0]).toBe(10);
    expect(train.shape[0]).toBe(40);
    expect(train.split).toBe("train");
    expect(val.split).toBe("val");
    const all = [...train.y, ...val.y].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect([...val.y]).toEqual([...val.y].sort((a, b) => a - b));
    expect(trainValSplit(ds, { valSize: 10, seed: 3 }).val.y).toEqual(val.y);
    expect(trainValSplit(ds, { valSize: 10, seed: 4 }).val.y).not.toEqual(val.y);
    expect(val.x[1]).toBe(-val.y[0]);
  });

  it("trainValIndices and option errors", () => {
    const { train, val } = trainValIndices(6, { valSize: 2, seed: 0 });
    expect(train.length + val.length).toBe(6);
    expect(() => trainValIndices(6, { seed: 0 })).toThrow(/exactly one of valFraction/);
    expect(() => trainValIndices(6, { valFraction: 1.5, seed: 0 })).toThrow(
      /valFraction: expected a number in \(0, 1\)/,
    );
    expect(() => trainValIndices(6, { valSize: 6, seed: 0 })).toThrow(
      /valSize: expected an integer in \[1, 5\]/,
    );
    expect(() => trainValIndices(6, { valSize: 2 })).toThrow(/seed/);
  });

  it("shuffleDataset permutes rows with their labels, seeded", () => {
    const ds = ids(30);
    const a = shuffleDataset(ds, { seed: 5 });
    expect([...a.y].sort((p, q) => p - q)).toEqual([...ds.y]);
    expect([...a.y]).not.toEqual([...ds.y]);
    for (let k = 0; k < 30; k++) expect(a.x[2 * k]).toBe(a.y[k]);
    expect(shuffleDataset(ds, { seed: 5 }).y).toEqual(a.y);
  });

  it("subset gathers rows; take views the first ones", () => {
    const ds = ids(8);
    const s = subset(ds, [5, 1, 5]);
    expect([...s.y]).toEqual([5, 1, 5]);
    expect([...s.x]).toEqual([5, -5, 1, -1, 5, -5]);
    expect(s.shape).toEqual([3, 2, 1, 1]);
    expect(() => subset(ds, [8])).toThrow(/indices\[0\]: expected an integer in \[0, 7\], got 8/);
    const t = take(ds, 3);
    expect(t.shape[0]).toBe(3);
    expect(t.x.buffer).toBe(ds.x.buffer);
    expect(take(ds, 100)).toBe(ds);
  });
});
