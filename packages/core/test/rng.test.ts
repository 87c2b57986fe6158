import { describe, expect, it } from "vitest";
import { Rng } from "../src/rng.js";

describe("Rng", () => {
  it("same seed, same numbers; different seed, different numbers", () => {
    const a = Rng.seeded(42);
    const b = Rng.seeded(42);
    const c = Rng.seeded(43);
    const xs = Array.from({ length: 20 }, () => a.uniform());
    expect(Array.from({ length: 20 }, () => b.uniform())).toEqual(xs);
    expect(Array.from({ length: 20 }, () => c.uniform())).not.toEqual(xs);
  });
  it("a state round-trip continues the same stream (normal spare included)", () => {
    const a = Rng.seeded(7);
    a.normal(); // leaves a spare
    const saved = JSON.parse(JSON.stringify(a.getState()));
    const rest = [a.normal(), a.normal(), a.uniform(), a.int(10)];
    const b = Rng.fromState(saved);
    expect([b.normal(), b.normal(), b.uniform(), b.int(10)]).toEqual(rest);
    expect(() =>
      Rng.fromState({ algorithm: "mt", state: [1], spareNormal: null } as never),
    ).toThrow(/rng state/);
  });
  it("normal has mean ≈ 0 and std ≈ 1", () => {
    const r = Rng.seeded(1);
    const n = 100_000;
    const x = r.fillNormal(new Float32Array(n));
    let s = 0;
    let s2 = 0;
    for (const v of x) {
      s += v;
      s2 += v * v;
    }
    const mean = s / n;
    const std = Math.sqrt(s2 / n - mean * mean);
    expect(Math.abs(mean)).toBeLessThan(0.01); // 3 standard errors
    expect(Math.abs(std - 1)).toBeLessThan(0.01);
  });
  it("uniform in [0, 1), int in [0, n), fork gives independent reproducible streams", () => {
    const r = Rng.seeded(2);
    for (let i = 0; i < 1000; i++) {
      const u = r.uniform();
      expect(u >= 0 && u < 1).toBe(true);
      const k = r.int(7);
      expect(Number.isInteger(k) && k >= 0 && k < 7).toBe(true);
    }
    const f1 = Rng.seeded(5).fork(1);
    const f2 = Rng.seeded(5).fork(1);
    const g = Rng.seeded(5).fork(2);
    const v1 = f1.uniform();
    expect(f2.uniform()).toBe(v1);
    expect(g.uniform()).not.toBe(v1);
  });
  it("permutation is a permutation", () => {
    const r = Rng.seeded(3);
    for (const n of [1, 2, 10, 257]) {
      const p = r.permutation(n);
      expect(p.length).toBe(n);
      expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
    }
    const p = Rng.seeded(3).permutation(50);
    expect([...p]).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
  it("bad arguments", () => {
    expect(() => Rng.seeded(1.5)).toThrow(/seed: expected an integer/);
    expect(() => Rng.seeded(1).int(0)).toThrow(/n: expected a positive integer/);
  });
});
