import { tf } from "@plasticity/tfjs";
import { describe, expect, it } from "vitest";
import {
  activate,
  activationGrad,
  activationGradArray,
  dropoutMaskArray,
  hingeLoss,
  maxPoolBackward,
  maxPoolForward,
  softmaxLoss,
} from "../src/index.js";
import { BACKENDS, normal, Rng, relErr, useBackend, values } from "./helpers.js";

/** Windows of 3×3 whose inputs are all negative, next to mixed ones (as after the ramp). */
function poolInput(rng: Rng): { x: Float32Array; shape: [number, number, number, number] } {
  const shape: [number, number, number, number] = [2, 7, 8, 3];
  const x = normal(rng, 2 * 7 * 8 * 3);
  // the first sample, channel 0: every input negative
  for (let i = 0; i < 7 * 8; i++) x[i * 3] = -Math.abs(x[i * 3]) - 0.1;
  return { x, shape };
}

describe.each(BACKENDS)("kernels on %s", (backend) => {
  useBackend(backend);

  it.each([
    [3, 2],
    [3, 3],
    [2, 2],
  ])(
    "max-pool %i/%i ('same') and its gradient equal tf.maxPool and cpu autodiff, all-negative windows included",
    async (size, stride) => {
      const rng = Rng.seeded(5);
      const { x, shape } = poolInput(rng);
      const xt = tf.tensor4d(x, shape);
      const pool = maxPoolForward(xt, size, stride);
      const ref = tf.maxPool(xt, size, stride, "same");
      expect(pool.y.shape).toEqual(ref.shape);
      expect(relErr(values(pool.y), values(ref))).toBe(0);
      const dy = tf.tensor4d(normal(rng, pool.y.size), pool.y.shape);
      const dx = values(maxPoolBackward(dy, pool));
      // the reference gradient: tfjs's cpu backend (its MaxPoolGrad is right)
      const cpuGrad = await onCpu(() => {
        const xc = tf.tensor4d(x, shape);
        const dyc = tf.tensor4d(values(dy), pool.y.shape);
        return values(
          tf.grad((v: tf.Tensor) =>
            tf.sum(tf.mul(tf.maxPool(v as tf.Tensor4D, size, stride, "same"), dyc)),
          )(xc),
        );
      });
      // overlapping windows sum their shares in another order: equal to rounding
      expect(relErr(dx, cpuGrad)).toBeLessThan(1e-6);
      // every all-negative window of the first sample's channel 0 passes its error on
      let routed = 0;
      for (let i = 0; i < 7 * 8; i++) routed += dx[i * 3] !== 0 ? 1 : 0;
      expect(routed).toBeGreaterThan(0);
      tf.dispose([xt, pool.y, ref, dy]);
    },
  );

  it("activation backward equals its typed-array reference and tf.grad of the forward", () => {
    const rng = Rng.seeded(6);
    const h = normal(rng, 600, 3);
    const e = normal(rng, 600);
    for (const act of ["ramp", "relu", "tanh", "linear"] as const) {
      const ht = tf.tensor1d(h);
      const et = tf.tensor1d(e);
      const x = activate(ht, act, 0.5);
      const mine = values(activationGrad(et, x, act, 0.5));
      const ref = activationGradArray(e, values(x), act, 0.5, new Float32Array(600));
      expect(relErr(mine, ref)).toBeLessThan(1e-6);
      const auto = values(tf.grad((v: tf.Tensor) => tf.sum(tf.mul(activate(v, act, 0.5), et)))(ht));
      expect(relErr(mine, auto)).toBeLessThan(1e-6);
      tf.dispose([ht, et, x]);
    }
  });
});

/** Run f on the cpu backend and come back. */
async function onCpu<T>(f: () => T): Promise<T> {
  const was = tf.getBackend();
  await tf.setBackend("cpu");
  try {
    return tf.tidy(() => f() as never) as T;
  } finally {
    await tf.setBackend(was);
  }
}

describe("tfjs-backend-wasm's own MaxPoolGrad (why max-pool has its own kernel)", () => {
  useBackend("wasm");

  it("sends the error of a window whose inputs are all negative to the wrong input (tfjs 4.22)", () => {
    // if this starts failing, tfjs fixed MaxPoolGrad and the kernel could be dropped
    const x = tf.tensor4d([-3, -1, -2, -4], [1, 2, 2, 1]);
    const g = values(
      tf.grad((v: tf.Tensor) => tf.sum(tf.maxPool(v as tf.Tensor4D, 2, 2, "valid")))(x),
    );
    // its running maximum starts at 0, so no input beats it and the window's first input gets
    // the error; autodiff on cpu gives it to the maximum, −1: [0, 1, 0, 0]
    expect([...g]).toEqual([1, 0, 0, 0]);
    const mine = maxPoolForward(x, 2, 2);
    expect([...values(maxPoolBackward(tf.ones([1, 1, 1, 1]), mine))]).toEqual([0, 1, 0, 0]);
  });
});

describe("dropout masks", () => {
  it("drop a fraction p, scale the kept units by 1/(1 − p), and repeat under one seed", () => {
    const m = dropoutMaskArray(200_000, 0.8, 12345);
    const dropped = m.filter((v) => v === 0).length / m.length;
    expect(Math.abs(dropped - 0.8)).toBeLessThan(0.005);
    expect(m.every((v) => v === 0 || Math.abs(v - 5) < 1e-6)).toBe(true);
    expect(dropoutMaskArray(1000, 0.3, 7)).toEqual(dropoutMaskArray(1000, 0.3, 7));
    expect(dropoutMaskArray(1000, 0.3, 7)).not.toEqual(dropoutMaskArray(1000, 0.3, 8));
  });
});

describe("output costs", () => {
  useBackend("cpu");

  it("the hinge's gradient is its tf.grad: −1{o_y < 1} on the label, μ/(C−1)·1{o_c > −1} elsewhere", () => {
    const rng = Rng.seeded(8);
    const [B, C, mu] = [16, 5, 0.7];
    const o = normal(rng, B * C, 1.5);
    const y = Int32Array.from({ length: B }, (_, i) => (i * 3) % C);
    const r = hingeLoss(o, y, C, mu);
    const onehot = tf.oneHot(tf.tensor1d(y, "int32"), C).toFloat();
    const cost = (v: tf.Tensor) =>
      tf.mean(
        tf.sum(
          tf.add(
            tf.mul(onehot, tf.relu(tf.sub(1, v))),
            tf.mul(tf.sub(1, onehot), tf.mul(tf.relu(tf.add(1, v)), mu / (C - 1))),
          ),
          1,
        ),
      );
    const ot = tf.tensor2d(o, [B, C]);
    expect(r.loss).toBeCloseTo(cost(ot).dataSync()[0]!, 5);
    expect(relErr(r.grad, values(tf.grad(cost)(ot)))).toBeLessThan(1e-6);
    // the label-driven feedback is binary: every entry is 0, −1/B or μ/((C−1)B)
    expect(
      r.grad.every((g) => g === 0 || g === -1 / B || Math.abs(g - mu / (C - 1) / B) < 1e-9),
    ).toBe(true);
  });

  it("softmax cross-entropy's gradient is its tf.grad", () => {
    const rng = Rng.seeded(9);
    const [B, C] = [12, 4];
    const o = normal(rng, B * C, 2);
    const y = Int32Array.from({ length: B }, (_, i) => i % C);
    const r = softmaxLoss(o, y, C);
    const onehot = tf.oneHot(tf.tensor1d(y, "int32"), C).toFloat();
    const cost = (v: tf.Tensor) => tf.losses.softmaxCrossEntropy(onehot, v as tf.Tensor2D);
    const ot = tf.tensor2d(o, [B, C]);
    expect(r.loss).toBeCloseTo(cost(ot).dataSync()[0]!, 5);
    expect(relErr(r.grad, values(tf.grad(cost)(ot)))).toBeLessThan(1e-5);
    let correct = 0;
    for (let b = 0; b < B; b++) {
      const row = [...o.subarray(b * C, (b + 1) * C)];
      if (row.indexOf(Math.max(...row)) === y[b]) correct++;
    }
    expect(r.correct).toBe(correct);
  });
});
