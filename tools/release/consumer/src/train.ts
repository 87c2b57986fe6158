// Conformance kit, then a layer trained on real MNIST, then a probe: what a user does first.
import { assertRuleConformance } from "@plasticity/core/testing";
import { loadDataset } from "@plasticity/datasets";
import { fitRidge, readoutPredict } from "@plasticity/experiments";
import { HebbianDense, initBackend, kernelRunner, tf } from "@plasticity/tfjs";
import { ojaUser, register } from "./my-rule.js";

const backend = await initBackend({ backend: "wasm" });
register();
const report = await assertRuleConformance(ojaUser, { kernel: kernelRunner("oja-user") });
const train = await loadDataset("mnist", { split: "train", limit: 3000 });
const test = await loadDataset("mnist", { split: "test", limit: 1000 });
const layer = new HebbianDense({
  nIn: 784,
  nOut: 16,
  rule: ojaUser,
  params: { lr: 0.01 },
  activation: { kind: "linear" },
  seed: 3,
});
const before = layer.weights();
for (let s = 0; s < 30; s++) {
  tf.tidy(() => {
    const x = tf.tensor2d(train.x.subarray(s * 100 * 784, (s + 1) * 100 * 784), [100, 784]);
    const m = tf.mean(x, 0, true);
    layer.learn(tf.sub(x, m));
  });
}
const W = layer.weights();
let change = 0;
for (let i = 0; i < W.length; i++) change += (W[i]! - before[i]!) ** 2;
const norms = Array.from({ length: 16 }, (_, i) =>
  Math.hypot(...Array.from(W.subarray(i * 784, (i + 1) * 784))),
);
const features = (x: Float32Array, n: number) =>
  tf.tidy(() => layer.forward(tf.tensor2d(x, [n, 784])).y.dataSync() as Float32Array);
const r = fitRidge(features(train.x, 3000), train.y, 3000, 16, 10, 1e-2);
const pred = readoutPredict(r, features(test.x, 1000), 1000);
let ok = 0;
for (let i = 0; i < 1000; i++) if (pred[i] === test.y[i]) ok++;
console.log(
  JSON.stringify({
    backend: backend.name,
    checks: report.checks,
    kernel: report.kernel !== null,
    change: Math.sqrt(change),
    norms,
    accuracy: ok / 1000,
  }),
);
