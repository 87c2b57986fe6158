// Quick measurement (not a test, not the benchmark suite): ms per HebbianDense.learn step with the
// hebb rule, 784 → 1000, batch 100, on each backend. Run after `pnpm --filter @plasticity/tfjs build`:
//   node packages/tfjs/scripts/measure-dense.mjs [backend ...]
import { hebb, Rng } from "@plasticity/core";
import { getBackendInfo, HebbianDense, initBackend, tf } from "../dist/index.js";

const backends = process.argv.slice(2).length ? process.argv.slice(2) : ["auto", "wasm", "cpu"];
const [nIn, nOut, batch] = [784, 1000, 100];
const x = Rng.seeded(1).fillUniform(new Float32Array(batch * nIn));
for (const backend of backends) {
  const info = await initBackend({ backend });
  const layer = new HebbianDense({ nIn, nOut, rule: hebb, params: { lr: 1e-4 }, seed: 1 });
  const xt = tf.tensor2d(x, [batch, nIn]);
  const step = () => {
    const { u, y } = layer.learn(xt);
    u.dataSync(); // wait for the step (and the forward) to finish
    tf.dispose([u, y]);
  };
  for (let i = 0; i < 3; i++) step();
  const times = [];
  const t0 = performance.now();
  while (times.length < 30 && performance.now() - t0 < 20_000) {
    const s = performance.now();
    step();
    times.push(performance.now() - s);
  }
  times.sort((a, b) => a - b);
  const med = times[Math.floor(times.length / 2)];
  console.log(
    `${backend.padEnd(5)} → ${info.name.padEnd(5)}: median ${med.toFixed(1)} ms/step, min ${times[0].toFixed(1)} ms ` +
      `(${times.length} steps; ${((4 * batch * nIn * nOut) / med / 1e6).toFixed(1)} GFLOP/s for the 2 matmuls)`,
  );
  xt.dispose();
  layer.dispose();
}
console.log("reason:", getBackendInfo()?.reason);
