import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineRule, type RuleInput } from "../src/index.js";
import { Rng } from "../src/rng.js";
import { builtinRules } from "../src/rules/index.js";
import {
  assertRuleConformance,
  ConformanceError,
  type RuleKernelRunner,
  randomRuleInput,
} from "../src/testing/index.js";

/** Param sets beyond the defaults that exercise other code paths of a rule. */
const extraParams: Record<string, Record<string, unknown>[]> = {
  covariance: [{ means: "running", tau: 3 }],
  bcm: [{ theta0: 0.5, tau: 2 }],
  "krotov-hopfield": [
    { normalize: false, p: 3, k: 3, delta: 0.2 },
    { rank: "current" },
    { rank: "current", p: 3, normalize: false },
  ],
  softhebb: [
    { antiHebbian: true, temperature: 0.5 },
    { normalize: true, adaptivePower: 0.5 },
  ],
  "sm-lateral": [{ gamma: 0.5 }],
};

describe("conformance kit on every builtin rule", () => {
  for (const rule of builtinRules) {
    it(rule.name, async () => {
      const report = await assertRuleConformance(rule, {
        paramSets: [{}, ...(extraParams[rule.name] ?? [])],
      });
      expect(report.rule).toBe(rule.name);
      expect(report.checks).toEqual([
        "name",
        "params",
        "registry",
        "init-state",
        "shape",
        "finite",
        "no-mutation",
        "deterministic",
        "default-state",
        "bad-input",
      ]);
      expect(report.kernel).toBeNull();
      expect(report.stateful).toBe(rule.name === "bcm" || rule.name === "covariance");
    });
  }
});

/** A plain-Hebb rule to break in controlled ways. */
function hebbLike(name: string, body: (i: RuleInput, out: Float32Array) => void) {
  return defineRule({
    name,
    description: "test rule",
    equation: "ΔW = ⟨y xᵀ⟩",
    reference: "test",
    params: z.object({ lr: z.number().positive().default(1) }),
    delta(input, _p, out, state) {
      body(input, out);
      return state;
    },
  });
}

function outer({ pre, post, batch, nIn, nOut }: RuleInput, out: Float32Array) {
  out.fill(0);
  for (let b = 0; b < batch; b++)
    for (let i = 0; i < nOut; i++)
      for (let j = 0; j < nIn; j++)
        out[i * nIn + j] += (post[b * nOut + i] * pre[b * nIn + j]) / batch;
}

async function failedCheck(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ConformanceError);
    return (e as ConformanceError).check;
  }
  throw new Error("expected the conformance kit to throw");
}

describe("conformance kit catches broken rules", () => {
  it("a rule that modifies its input", async () => {
    const bad = hebbLike("mutates", (i, out) => {
      outer(i, out);
      (i.pre as Float32Array)[0] += 1;
    });
    expect(await failedCheck(assertRuleConformance(bad))).toBe("no-mutation");
  });
  it("a rule that is not deterministic", async () => {
    let calls = 0;
    const bad = hebbLike("drifts", (i, out) => {
      outer(i, out);
      out[0] += calls++;
    });
    expect(await failedCheck(assertRuleConformance(bad))).toBe("deterministic");
  });
  it("a rule that produces NaN", async () => {
    const bad = hebbLike("nan", (i, out) => {
      outer(i, out);
      out[out.length - 1] = Number.NaN;
    });
    expect(await failedCheck(assertRuleConformance(bad))).toBe("finite");
  });
  it("a kernel that disagrees with the reference, and one that agrees", async () => {
    const good = hebbLike("outer", outer);
    const exact: RuleKernelRunner = async (input, _p, state) => {
      const dw = new Float32Array(input.nOut * input.nIn);
      outer(input, dw);
      return { dw, state };
    };
    const report = await assertRuleConformance(good, { kernel: exact });
    expect(report.checks).toContain("kernel");
    expect(report.kernel?.compared).toBe(12); // 4 shapes × 1 param set × 3 steps
    expect(report.kernel?.maxAbsDiff).toBe(0);
    const off: RuleKernelRunner = async (input, p, state) => {
      const r = await exact(input, p, state);
      r.dw[0] *= 1.001;
      return r;
    };
    await expect(assertRuleConformance(good, { kernel: off })).rejects.toThrow(
      /check "kernel".*dw\[0\]/,
    );
    // the same error passes with a tolerance that covers it
    const lax = await assertRuleConformance(good, { kernel: off, rtol: 1e-2 });
    expect(lax.kernel?.maxRelDiff).toBeGreaterThan(0);
  });
  it("a kernel whose state disagrees", async () => {
    const stateful = defineRule({
      name: "counter",
      description: "counts batches",
      equation: "ΔW = 0, n ← n + 1",
      reference: "test",
      params: z.object({}),
      init: () => ({ n: new Float32Array(1) }),
      delta(_i, _p, out, state) {
        out.fill(0);
        return { n: new Float32Array([state.n[0] + 1]) };
      },
    });
    const wrong: RuleKernelRunner = async (input, _p, state) => ({
      dw: new Float32Array(input.nIn * input.nOut),
      state: { n: new Float32Array([state.n[0] + 2]) },
    });
    await expect(assertRuleConformance(stateful, { kernel: wrong })).rejects.toThrow(/state\.n/);
  });
  it("a bad option names the field", async () => {
    const good = hebbLike("outer", outer);
    await expect(
      assertRuleConformance(good, { shapes: [{ batch: 0, nIn: 2, nOut: 2 }] }),
    ).rejects.toThrow(/opts\.shapes\.0\.batch/);
  });
});

describe("randomRuleInput", () => {
  it("is reproducible from the seed and consistent (u = x Wᵀ)", () => {
    const a = randomRuleInput(Rng.seeded(3), { batch: 2, nIn: 3, nOut: 2 });
    const b = randomRuleInput(Rng.seeded(3), { batch: 2, nIn: 3, nOut: 2 });
    expect(a).toEqual(b);
    const u0 = a.w[0] * a.pre[0] + a.w[1] * a.pre[1] + a.w[2] * a.pre[2];
    expect(a.u[0]).toBeCloseTo(u0, 5);
  });
});
