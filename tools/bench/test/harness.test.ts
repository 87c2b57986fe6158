import { PlasticityError } from "@plasticity/core";
import { describe, expect, it } from "vitest";
import {
  median,
  medianAbsDeviation,
  peakRssMiB,
  rates,
  summarise,
  timeIt,
} from "../src/harness.js";

describe("statistics", () => {
  it("median and MAD", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(medianAbsDeviation([1, 2, 3, 4, 100])).toBe(1);
    expect(() => median([])).toThrow(PlasticityError);
  });

  it("summarise keeps every sample and reports the spread around the median", () => {
    const t = summarise([10, 12, 11, 30, 10], 2);
    expect(t).toMatchObject({ warmup: 2, repeats: 5, medianMs: 11, minMs: 10, maxMs: 30 });
    expect(t.madPct).toBeCloseTo((100 * 1) / 11, 10);
    expect(t.samplesMs).toEqual([10, 12, 11, 30, 10]);
  });

  it("rates: samples/s = batch / median s, GFLOP/s = FLOP / median s / 1e9", () => {
    const r = rates(summarise([20, 20, 20], 0), 100, 4e8);
    expect(r.samplesPerSec).toBeCloseTo(5000, 9);
    expect(r.gflops).toBeCloseTo(20, 9);
  });
});

describe("timeIt", () => {
  it("calls warm-up first, then repeats between minRepeats and maxRepeats, `between` after each", async () => {
    const calls: string[] = [];
    const t = await timeIt(
      () => calls.push("fn"),
      { warmup: 2, minRepeats: 3, minTimeMs: 0, maxRepeats: 10, slowCallMs: 1e9 },
      () => calls.push("between"),
    );
    expect(t.repeats).toBe(3);
    expect(t.warmup).toBe(2);
    expect(calls).toEqual(Array.from({ length: 5 }, () => ["fn", "between"]).flat());
  });

  it("keeps timing until minTimeMs has passed, capped at maxRepeats", async () => {
    let n = 0;
    const t = await timeIt(() => n++, {
      warmup: 0,
      minRepeats: 1,
      minTimeMs: 1e9,
      maxRepeats: 7,
      slowCallMs: 1e9,
    });
    expect(t.repeats).toBe(7);
    expect(n).toBe(7);
  });

  it("gives a slow operation one warm-up call and at most 3 timed calls", async () => {
    let n = 0;
    const busy = () => {
      n++;
      const t0 = performance.now();
      while (performance.now() - t0 < 2);
    };
    const t = await timeIt(busy, {
      warmup: 5,
      minRepeats: 10,
      minTimeMs: 0,
      maxRepeats: 20,
      slowCallMs: 1,
    });
    expect(t.warmup).toBe(1);
    expect(t.repeats).toBe(3);
    expect(n).toBe(4);
  });

  it("waits for asynchronous work", async () => {
    let done = 0;
    await timeIt(
      async () => {
        await new Promise((r) => setTimeout(r, 1));
        done++;
      },
      { warmup: 1, minRepeats: 2, minTimeMs: 0, maxRepeats: 2, slowCallMs: 1e9 },
    );
    expect(done).toBe(3);
  });

  it("names a bad option", async () => {
    await expect(
      timeIt(() => 0, { warmup: 0, minRepeats: 0, minTimeMs: 0, maxRepeats: 1, slowCallMs: 1e9 }),
    ).rejects.toThrow(/timing\.minRepeats/);
    await expect(
      timeIt(() => 0, { warmup: 0, minRepeats: 5, minTimeMs: 0, maxRepeats: 2, slowCallMs: 1e9 }),
    ).rejects.toThrow(/timing\.maxRepeats/);
  });
});

describe("peak RSS", () => {
  it("is this process's maxRSS in MiB", () => {
    const mib = peakRssMiB();
    expect(mib).toBeGreaterThan(10);
    expect(mib).toBeCloseTo(process.resourceUsage().maxRSS / 1024, -1);
  });
});
