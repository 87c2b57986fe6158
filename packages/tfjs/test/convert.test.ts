import { PlasticityError } from "@plasticity/core";
import { describe, expect, it } from "vitest";
import {
  checkFiniteTensor,
  checkShape,
  tensor2d,
  tensorOf,
  tf,
  toFloat32,
  toFloat32Sync,
} from "../src/index.js";
import { BACKENDS, useBackend } from "./helpers.js";

describe.each(BACKENDS)("typed arrays ↔ tensors on %s", (backend) => {
  useBackend(backend);

  it("round-trips row-major values and hands back a copy the caller owns", async () => {
    const a = new Float32Array([1, 2, 3, 4, 5, 6]);
    const t = tensor2d(a, 2, 3);
    expect(t.shape).toEqual([2, 3]);
    const back = await toFloat32(t);
    expect(back).toEqual(a);
    back[0] = 99;
    expect(toFloat32Sync(t)[0]).toBe(1);
    const ints = tf.tensor1d([1, 2, 3], "int32");
    expect(toFloat32Sync(ints)).toEqual(new Float32Array([1, 2, 3]));
    const t3 = tensorOf(new Float32Array(24), [2, 3, 4], "x");
    expect(t3.shape).toEqual([2, 3, 4]);
    tf.dispose([t, ints, t3]);
  });

  it("errors name the argument and say what was expected", () => {
    expect(() => tensor2d(new Float32Array(5), 2, 3, "pre")).toThrow(
      /pre: expected length 6 \(\[2 × 3\]\), got 5/,
    );
    expect(() => tensor2d([1, 2] as unknown as Float32Array, 1, 2, "pre")).toThrow(
      /pre: expected a Float32Array/,
    );
    expect(() => tensor2d(new Float32Array([1, Number.NaN]), 1, 2, "x")).toThrow(
      /x: non-finite value NaN at index 1/,
    );
    expect(() => tensor2d(new Float32Array(2), 0, 2, "x")).toThrow(
      /x\.rows: expected a positive integer/,
    );
    expect(() => tensorOf(new Float32Array(2), [2, -1], "y")).toThrow(/y\.shape\[1\]/);
    const t = tf.zeros([2, 3]);
    expect(() => checkShape(t, [2, 4], "w", "nOut × nIn")).toThrow(
      /w: expected shape \[nOut × nIn\] = \[2, 4\], got \[2, 3\]/,
    );
    expect(checkShape(t, [-1, 3], "w", "nOut × nIn")).toBe(t);
    const inf = tf.tensor1d([0, Number.POSITIVE_INFINITY]);
    expect(() => checkFiniteTensor(inf, "x")).toThrow(/x: non-finite value Infinity at index 1/);
    t.dispose();
    expect(() => toFloat32Sync(t, "t")).toThrow(/t: the tensor was already disposed/);
    expect(() => toFloat32Sync({} as tf.Tensor, "t")).toThrow(PlasticityError);
    inf.dispose();
  });
});
