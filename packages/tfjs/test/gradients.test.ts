import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { initBackend, tf } from "../src/index.js";

describe("tfjs-core's gradients and chained ops, without the @tensorflow/tfjs bundle", () => {
  it("depends on tfjs-core and the backends only", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    expect(Object.keys(pkg.dependencies)).not.toContain("@tensorflow/tfjs");
    expect(Object.keys(pkg.dependencies)).toContain("@tensorflow/tfjs-core");
  });

  it.each(["cpu", "wasm"] as const)(
    "registers every op gradient and chained method (%s)",
    async (b) => {
      await initBackend({ backend: b });
      const x = tf.tensor2d([
        [1, -2],
        [3, 0.5],
      ]);
      // d/dx Σ relu(x)² ⊙ sigmoid(x) through several registered gradients
      const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.square(tf.relu(t)), tf.sigmoid(t))))(x);
      const s = (v: number) => 1 / (1 + Math.exp(-v));
      const want = [1, -2, 3, 0.5].map((v) =>
        v > 0 ? 2 * v * s(v) + v * v * s(v) * (1 - s(v)) : 0,
      );
      const got = g.dataSync();
      want.forEach((w, i) => {
        expect(got[i]).toBeCloseTo(w, 5);
      });
      expect(x.reshape([4]).transpose().shape).toEqual([4]);
      expect(Array.from(x.argMax(1).dataSync())).toEqual([0, 0]);
      tf.dispose([x, g]);
    },
  );
});
