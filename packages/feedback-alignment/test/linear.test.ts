import { describe, expect, it } from "vitest";
import { linearFeedbackExperiment } from "../src/index.js";

describe("the linear case (Amit's theory)", () => {
  it("updating the feedback weights (urfb) drives the error down faster than fixed ones (fa)", () => {
    const seeds = [1, 2, 3, 4, 5, 6];
    const runs = (method: "fa" | "urfb" | "bp") =>
      seeds.map((seed) => linearFeedbackExperiment({ method, seed, steps: 100 }));
    const [fa, urfb, bp] = [runs("fa"), runs("urfb"), runs("bp")];
    const logMean = (r: typeof fa, step: number) =>
      r.reduce((s, x) => s + Math.log10(x.error[step]!), 0) / r.length;
    // the same start for every method
    expect(urfb.map((r) => r.error[0])).toEqual(fa.map((r) => r.error[0]));
    for (const step of [50, 100]) {
      // lower on every seed, and by a factor > 1.5 on (geometric) average
      for (const [i, seed] of seeds.entries()) {
        expect(urfb[i]!.error[step]!, `seed ${seed}, step ${step}`).toBeLessThan(
          fa[i]!.error[step]!,
        );
      }
      expect(logMean(urfb, step)).toBeLessThan(logMean(fa, step) - Math.log10(1.5));
      // bp, the gradient itself, is faster still
      expect(logMean(bp, step)).toBeLessThan(logMean(urfb, step));
    }
    // urfb's feedback weights align with W₂ as the two receive the same increments
    for (const r of urfb) expect(r.angle[100]!).toBeLessThan(r.angle[0]! - 15);
  });
});
