import { loadDataset } from "@plasticity/datasets";
import { tf } from "@plasticity/tfjs";
import { describe, expect, it } from "vitest";
import { FeedbackNetwork, type LayerSpec, type TrainingOptions } from "../src/index.js";
import { useBackend } from "./helpers.js";

const SHALLOW: LayerSpec[] = [
  { type: "conv", name: "conv1", filters: 8, kernel: 5 },
  { type: "maxpool", name: "pool1", size: 3, stride: 3 },
  { type: "dense", name: "dense1", units: 64 },
];

/** Six weight layers: two conv pairs with sum-merges, pools, a dense layer, the output. */
const DEEP: LayerSpec[] = [
  { type: "conv", name: "c1", filters: 8, kernel: 3 },
  { type: "conv", name: "c1a", filters: 8, kernel: 3 },
  { type: "sum", name: "s1", from: ["c1", "c1a"] },
  { type: "maxpool", name: "p1", size: 3, stride: 2 },
  { type: "conv", name: "c2", filters: 16, kernel: 3 },
  { type: "conv", name: "c2a", filters: 16, kernel: 3 },
  { type: "sum", name: "s2", from: ["c2", "c2a"] },
  { type: "maxpool", name: "p2", size: 3, stride: 2 },
  { type: "dense", name: "f1", units: 64 },
];

async function train(layers: LayerSpec[], training: TrainingOptions, steps: number) {
  const data = await loadDataset("mnist", { split: "train", limit: steps * 50 });
  const net = new FeedbackNetwork(
    { layers },
    { inputShape: [28, 28, 1], classes: 10, seed: 7, training },
  );
  const before = net.alignment();
  let correct = 0;
  for (let s = 0; s < steps; s++) {
    const x = tf.tensor4d(data.x.subarray(s * 50 * 784, (s + 1) * 50 * 784), [50, 28, 28, 1]);
    const r = net.step(x, data.y.subarray(s * 50, (s + 1) * 50));
    if (s >= steps - 10) correct += r.correct;
    x.dispose();
  }
  const after = net.alignment();
  const layerNames = net.weightLayers;
  net.dispose();
  return { before, after, layerNames, lateAccuracy: correct / 500 };
}

describe("feedback alignment on MNIST (wasm)", () => {
  useBackend("wasm");

  it("under URFB the angle between W and R falls as the two take the same increments", async () => {
    const r = await train(SHALLOW, { method: "urfb", lr: 0.1 }, 60);
    for (const k of r.layerNames)
      expect(r.after[`${k}.angle_wr`]!, k).toBeLessThan(r.before[`${k}.angle_wr`]!);
    // the first conv (800 weights) moves most: tens of degrees within 60 steps
    expect(r.after["conv1.angle_wr"]!).toBeLessThan(r.before["conv1.angle_wr"]! - 15);
    expect(r.lateAccuracy).toBeGreaterThan(0.3);
  }, 120_000);

  it("under FA the hidden layers of a deep net keep W near 90° from their fixed R", async () => {
    const r = await train(DEEP, { method: "fa", lr: 0.1 }, 40);
    for (const k of r.layerNames.filter((n) => n !== "out")) {
      expect(Math.abs(r.after[`${k}.angle_wr`]! - 90), k).toBeLessThan(8);
    }
  }, 120_000);
});
