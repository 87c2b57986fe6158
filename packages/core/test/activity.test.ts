import { describe, expect, it } from "vitest";
import { kWTA, matmulABt, relu, softmaxRows, triangle } from "../src/activity.js";
import { PlasticityError } from "../src/errors.js";

const f = (a: number[]) => new Float32Array(a);

describe("kWTA", () => {
  it("keeps the k largest of each row, unchanged, and zeroes the rest", () => {
    const u = f([3, -1, 5, 2, /* row 2 */ 0.5, 4, -2, 1]);
    expect([...kWTA(u, 2, 4, 2)]).toEqual([3, 0, 5, 0, 0, 4, 0, 1]);
    expect([...kWTA(u, 2, 4, 1)]).toEqual([0, 0, 5, 0, 0, 4, 0, 0]);
    expect([...kWTA(u, 2, 4, 4)]).toEqual([...u]);
  });
  it("ties: exactly k survive, lower index first", () => {
    expect([...kWTA(f([1, 2, 2, 2]), 1, 4, 2)]).toEqual([0, 2, 2, 0]);
    expect([...kWTA(f([7, 7, 7]), 1, 3, 1)]).toEqual([7, 0, 0]);
  });
  it("works in place and into a given out", () => {
    const u = f([1, 3, 2]);
    const out = new Float32Array(3);
    expect(kWTA(u, 1, 3, 1, out)).toBe(out);
    expect([...out]).toEqual([0, 3, 0]);
    kWTA(u, 1, 3, 2, u);
    expect([...u]).toEqual([0, 3, 2]);
  });
  it("names bad arguments", () => {
    expect(() => kWTA(f([1, 2]), 1, 2, 3)).toThrow(/k: expected an integer in \[1, n = 2\]/);
    expect(() => kWTA(f([1, 2]), 1, 2, 0)).toThrow(/^k:/);
    expect(() => kWTA(f([1, 2, 3]), 1, 2, 1)).toThrow(/u: expected length 2/);
    expect(() => kWTA(f([1, Number.NaN]), 1, 2, 1)).toThrow(/u: non-finite value NaN at index 1/);
    expect(() => kWTA(f([1, 2]), 0, 2, 1)).toThrow(/batch: expected a positive integer/);
    expect(() => kWTA(f([1, 2]), 1, 2, 1, new Float32Array(3))).toThrow(/out: expected length 2/);
  });
});

describe("softmaxRows", () => {
  it("rows sum to 1, temperature sharpens or flattens", () => {
    const y = softmaxRows(f([0, Math.log(3), 1, 1]), 2, 2, 1);
    expect(y[0]).toBeCloseTo(0.25, 6);
    expect(y[1]).toBeCloseTo(0.75, 6);
    expect(y[2]).toBeCloseTo(0.5, 6);
    const cold = softmaxRows(f([0, 1]), 1, 2, 0.01);
    expect(cold[1]).toBeCloseTo(1, 6);
    const hot = softmaxRows(f([0, 1]), 1, 2, 100);
    expect(hot[0]).toBeCloseTo(0.5, 2);
  });
  it("does not overflow on large inputs", () => {
    const y = softmaxRows(f([1000, 1000, 990]), 1, 3, 1);
    expect(y[0]).toBeCloseTo(0.5, 4);
    expect(Number.isFinite(y[2])).toBe(true);
  });
  it("names bad temperature", () => {
    expect(() => softmaxRows(f([0, 1]), 1, 2, 0)).toThrow(
      /temperature: expected a finite number > 0/,
    );
    expect(() => softmaxRows(f([0, 1]), 1, 2, Number.NaN)).toThrow(PlasticityError);
  });
});

describe("relu and triangle", () => {
  it("relu", () => {
    expect([...relu(f([-1, 0, 2.5]))]).toEqual([0, 0, 2.5]);
    expect(() => relu([1] as unknown as Float32Array)).toThrow(/u: expected a Float32Array/);
  });
  it("triangle: max(0, u − row mean)", () => {
    // row means 2 and 0
    expect([...triangle(f([1, 2, 3, -1, 0, 1]), 2, 3)]).toEqual([0, 0, 1, 0, 0, 1]);
    expect(() => triangle(f([1, 2]), 1, 3)).toThrow(/u: expected length 3/);
  });
});

describe("matmulABt", () => {
  it("u = x Wᵀ", () => {
    // x [2×3], W [2×3]
    const x = f([1, 2, 3, 4, 5, 6]);
    const w = f([1, 0, -1, 0.5, 0.5, 0.5]);
    expect([...matmulABt(x, w, 2, 3, 2)]).toEqual([-2, 3, -2, 7.5]);
  });
  it("refuses aliasing and bad shapes", () => {
    const a = f([1, 2, 3, 4]);
    expect(() => matmulABt(a, f([1, 1, 1, 1]), 2, 2, 2, a)).toThrow(/out: must not share memory/);
    expect(() => matmulABt(a, f([1, 1]), 2, 2, 2)).toThrow(/b: expected length 4/);
    expect(() => matmulABt(a, f([1, 1]), 2, 2.5, 1)).toThrow(/k: expected a positive integer/);
  });
});
