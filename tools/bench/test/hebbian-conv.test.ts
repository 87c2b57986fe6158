import { Rng } from "@plasticity/core";
import { HebbianConvNet, workerExecutor } from "@plasticity/hebbian-conv";
import { initBackend } from "@plasticity/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { denseStepFlops } from "../src/hebbian-conv.js";

describe("hebbian-conv benchmark", () => {
  beforeAll(async () => {
    await initBackend({ backend: "wasm" });
  });

  it("counts the reference's dense work: ZCA 2d² plus 4 × (positions · cout · fanIn) per layer", () => {
    const net = HebbianConvNet.create({}, { inputShape: [32, 32, 3], rng: Rng.seeded(0) });
    const macs = 28 * 28 * 100 * 75 + 12 * 12 * 196 * 900 + 4 * 4 * 400 * 1764;
    expect(denseStepFlops(net.geometry)).toBe(2 * 3072 ** 2 + 4 * macs);
  });

  it("two threads give the numbers of one, bit for bit (fixed shards, results added in order)", async () => {
    const make = (workers: number) =>
      HebbianConvNet.create(
        { burnIn: 1, workers, shards: 2 },
        {
          inputShape: [32, 32, 3],
          rng: Rng.seeded(5),
          executor: workerExecutor(workers, "wasm"),
        },
      );
    const one = make(1);
    const two = make(2);
    const rng = Rng.seeded(9);
    try {
      for (let i = 0; i < 3; i++) {
        const x = rng.fillNormal(new Float32Array(20 * 3072));
        const [a, b] = [await one.trainBatch(x, 20), await two.trainBatch(x, 20)];
        expect(b.map((r) => Array.from(r.winRate))).toEqual(a.map((r) => Array.from(r.winRate)));
      }
      const sa = one.getState();
      const sb = two.getState();
      sa.layers.forEach((l, i) => {
        expect(Buffer.from(sb.layers[i]!.W.buffer).equals(Buffer.from(l.W.buffer))).toBe(true);
        expect(Array.from(sb.layers[i]!.theta)).toEqual(Array.from(l.theta));
      });
      const x = rng.fillNormal(new Float32Array(30 * 3072));
      const [fa, fb] = [await one.features(x, 30), await two.features(x, 30)];
      fa.forEach((f, l) => {
        expect(Array.from(fb[l]!)).toEqual(Array.from(f));
      });
    } finally {
      await Promise.all([one.dispose(), two.dispose()]);
    }
  }, 120_000);
});
