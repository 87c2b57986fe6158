import { describe, expect, it } from "vitest";
import { hebb } from "../src/rules/hebb.js";

describe("hebb", () => {
  it("averages y xᵀ over the batch", () => {
    const pre = new Float32Array([1, 2, 3, 4]); // batch 2 × nIn 2
    const post = new Float32Array([1, 0, 0, 2]); // batch 2 × nOut 2
    const { dw } = hebb.apply(
      { pre, post, u: post, w: new Float32Array(4), batch: 2, nIn: 2, nOut: 2 },
      { lr: 1 },
    );
    expect([...dw]).toEqual([0.5, 1, 3, 4]);
  });
  it("names the bad argument", () => {
    expect(() =>
      hebb.apply({
        pre: new Float32Array(3),
        post: new Float32Array(4),
        u: new Float32Array(4),
        w: new Float32Array(4),
        batch: 2,
        nIn: 2,
        nOut: 2,
      }),
    ).toThrow(/pre: expected length 4/);
    expect(() => hebb.parseParams({ lr: -1 })).toThrow(/params.lr/);
  });
});
