import { Rng } from "@plasticity/core";
import { describe, expect, it } from "vitest";
import { HebbianConvNet, type HebbianConvState } from "../src/index.js";
import { relErr, useBackend } from "./helpers.js";

const SMALL = [
  { channels: 12, kernel: 5, lr: 1e-3 },
  { channels: 16, kernel: 3, lr: 1e-3, prune: 0.9 },
  { channels: 20, kernel: 3, lr: 1e-2, prune: 0.9 },
];

function make(seed = 4, plasticity: "direct" | "surrogate" = "direct") {
  return HebbianConvNet.create(
    { layers: SMALL, burnIn: 1, plasticity },
    { inputShape: [32, 32, 3], rng: Rng.seeded(seed) },
  );
}

const same = (a: HebbianConvState, b: HebbianConvState) =>
  a.batches === b.batches &&
  a.layers.every(
    (l, i) =>
      Buffer.from(l.W.buffer).equals(Buffer.from(b.layers[i]!.W.buffer)) &&
      Buffer.from(l.theta.buffer).equals(Buffer.from(b.layers[i]!.theta.buffer)) &&
      Buffer.from(l.rate.buffer).equals(Buffer.from(b.layers[i]!.rate.buffer)),
  );

describe("HebbianConvNet", () => {
  useBackend("wasm");
  const rng = Rng.seeded(2);
  const batches = Array.from({ length: 6 }, () => rng.fillNormal(new Float32Array(8 * 3072)));

  it("leaves the caller's images untouched and gives the same features twice", async () => {
    const net = make();
    const keep = batches.map((b) => b.slice());
    for (const b of batches.slice(0, 3)) await net.trainBatch(b, 8);
    batches.forEach((b, i) => {
      expect(b).toEqual(keep[i]);
    });
    const f1 = await net.features(batches[4]!, 8);
    const f2 = await net.features(batches[4]!, 8);
    f1.forEach((f, l) => {
      expect(f2[l]).toEqual(f);
    });
    expect(f1.map((f) => f.length)).toEqual([8 * 4 * 12, 8 * 4 * 16, 8 * 4 * 20]);
  });

  it("resumes from getState bit for bit; refuses a checkpoint of another seed, naming the field", async () => {
    const straight = make();
    for (const b of batches) await straight.trainBatch(b, 8);
    const first = make();
    for (const b of batches.slice(0, 3)) await first.trainBatch(b, 8);
    const resumed = make();
    resumed.setState(first.getState());
    for (const b of batches.slice(3)) await resumed.trainBatch(b, 8);
    expect(same(resumed.getState(), straight.getState())).toBe(true);
    const other = make(5);
    expect(() => other.setState(first.getState())).toThrow(/state\.layers\.1\.mask: differs/);
  });

  it("trains the same through tf.train.sgd on the surrogate loss as through the direct update", async () => {
    const direct = make(4, "direct");
    const viaTf = make(4, "surrogate");
    for (const b of batches.slice(0, 4)) {
      await direct.trainBatch(b, 8);
      await viaTf.trainBatch(b, 8);
    }
    const a = direct.getState();
    const b = viaTf.getState();
    a.layers.forEach((l, i) => {
      expect(relErr(b.layers[i]!.W, l.W)).toBeLessThan(1e-4);
      expect(relErr(b.layers[i]!.theta, l.theta)).toBeLessThan(1e-4);
    });
  });
});
