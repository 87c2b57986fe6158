import { Rng } from "@plasticity/core";
import { describe, expect, it } from "vitest";
import { HebbianConvNet, MICONI_LAYERS } from "../src/index.js";
import { fashion, ridgeAccuracy, useBackend } from "./helpers.js";

describe("learning on real images", () => {
  useBackend("wasm");

  it("trained layer-1 features decode Fashion-MNIST better than the same layer at random init (same probe, same data)", async () => {
    const { train, test } = await fashion(2000, 1000);
    // Miconi's layer 1 (100 filters 5×5, instar, binarised 1-WTA, θ rate 3) on 32×32-padded
    // images, probed on its own competitive code (the 1-WTA map that plasticity shapes): through
    // the dense triangle output even random filters decode well (random features: ~76 % here,
    // the same as after this short training), so that output cannot show what learning did
    const make = () =>
      HebbianConvNet.create(
        { layers: [MICONI_LAYERS[0]!], inputPadding: 2, burnIn: 10, output: "wta" },
        { inputShape: [28, 28, 1], rng: Rng.seeded(3) },
      );
    const trained = make();
    const random = make();
    const n = 50;
    for (let s = 0; s + n <= train.n; s += n) {
      await trained.trainBatch(train.x.subarray(s * 784, (s + n) * 784), n);
    }
    const probe = async (net: HebbianConvNet) => {
      const [fTrain] = await net.features(train.x.subarray(0, 2000 * 784), 2000);
      const [fTest] = await net.features(test.x, test.n);
      return ridgeAccuracy(fTrain!, train.y.subarray(0, 2000), fTest!, test.y, 400);
    };
    const accTrained = await probe(trained);
    const accRandom = await probe(random);
    console.log(`layer-1 ridge accuracy: trained ${accTrained}, random init ${accRandom}`);
    expect(accTrained).toBeGreaterThan(accRandom + 0.04);
    // the filters moved away from their random start
    const w0 = random.parameters()[0]!.W;
    const w1 = trained.parameters()[0]!.W;
    let dot = 0;
    for (let i = 0; i < w0.length; i++) dot += w0[i]! * w1[i]!;
    expect(dot / 100).toBeLessThan(0.8); // mean cosine to the initial filters (1 before training)
  }, 300_000);
});
