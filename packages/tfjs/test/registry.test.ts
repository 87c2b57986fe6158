import { DuplicateNameError, defineRule, hebb, UnknownNameError } from "@plasticity/core";
import { assertRuleConformance } from "@plasticity/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  getRuleKernel,
  hasRuleKernel,
  kernelRunner,
  registerRuleKernel,
  runRuleKernel,
  tf,
  unregisterRuleKernel,
} from "../src/index.js";
import { BACKENDS, fieldOf, useBackend } from "./helpers.js";

/** A plugin rule: Hebb with weight decay, ΔW = lr · (⟨y xᵀ⟩ − decay · W). */
const hebbDecay = defineRule({
  name: "test-hebb-decay",
  description: "Hebb with weight decay (test plugin)",
  equation: "ΔW = lr · (⟨y xᵀ⟩ − decay · W)",
  reference: "test",
  params: z.object({
    lr: z.number().positive().default(0.1),
    decay: z.number().min(0).default(0.5),
  }),
  delta({ pre, post, w, batch, nIn, nOut }, { lr, decay }, out, state) {
    for (let i = 0; i < nOut; i++)
      for (let j = 0; j < nIn; j++) {
        let s = 0;
        for (let b = 0; b < batch; b++) s += post[b * nOut + i] * pre[b * nIn + j];
        out[i * nIn + j] = lr * (s / batch - decay * w[i * nIn + j]);
      }
    return state;
  },
});

type Params = z.output<typeof hebbDecay.params>;
const kernelFunc = (
  { pre, post, w }: { pre: tf.Tensor2D; post: tf.Tensor2D; w: tf.Tensor2D },
  { lr, decay }: Params,
  state: Record<string, tf.Tensor>,
) => {
  const hebbian = tf.div(tf.matMul(tf.transpose(post), pre), pre.shape[0]);
  return { dw: tf.mul(tf.sub(hebbian, tf.mul(w, decay)), lr) as tf.Tensor2D, state };
};

afterEach(() => {
  for (const b of ["*", "cpu", "wasm"])
    if (hasRuleKernel(hebbDecay.name, b) && getRuleKernel(hebbDecay.name, b).backendName === b)
      unregisterRuleKernel(hebbDecay.name, b);
});

describe.each(BACKENDS)("rule-kernel registry on %s", (backend) => {
  useBackend(backend);

  it("a plugin's kernel registers, passes the conformance kit through kernelRunner, and is refused twice", async () => {
    registerRuleKernel<Params>({ ruleName: hebbDecay.name, backendName: "*", kernelFunc });
    expect(hasRuleKernel(hebbDecay.name)).toBe(true);
    const report = await assertRuleConformance(hebbDecay, {
      kernel: kernelRunner(hebbDecay.name),
      paramSets: [{}, { decay: 0 }],
    });
    expect(report.checks).toContain("kernel");
    expect(() =>
      registerRuleKernel<Params>({ ruleName: hebbDecay.name, backendName: "*", kernelFunc }),
    ).toThrow(DuplicateNameError);
  });

  it("a backend-specific kernel wins over the '*' kernel", () => {
    registerRuleKernel<Params>({ ruleName: hebbDecay.name, backendName: "*", kernelFunc });
    const specific = { ruleName: hebbDecay.name, backendName: backend, kernelFunc };
    registerRuleKernel<Params>(specific);
    expect(getRuleKernel(hebbDecay.name).backendName).toBe(backend);
    expect(getRuleKernel(hebbDecay.name, "some-other-backend").backendName).toBe("*");
  });

  it("an unknown rule kernel is an UnknownNameError with suggestions", () => {
    expect(() => getRuleKernel("ojaa")).toThrow(UnknownNameError);
    expect(() => getRuleKernel("ojaa")).toThrow(/unknown rule kernel "ojaa"\. Did you mean "oja"/);
    expect(() => kernelRunner("nope")).toThrow(/unknown rule kernel "nope"/);
    expect(() => unregisterRuleKernel("nope", "*")).toThrow(UnknownNameError);
  });

  it("bad registrations and bad kernel outputs name the field", () => {
    expect(fieldOf(() => registerRuleKernel({ ruleName: "", backendName: "*", kernelFunc }))).toBe(
      "ruleName",
    );
    expect(fieldOf(() => registerRuleKernel({ ruleName: "x", backendName: "", kernelFunc }))).toBe(
      "backendName",
    );
    expect(
      fieldOf(() =>
        registerRuleKernel({
          ruleName: "x",
          backendName: "*",
          kernelFunc: 3 as unknown as typeof kernelFunc,
        }),
      ),
    ).toBe("kernelFunc");
    registerRuleKernel({
      ruleName: hebbDecay.name,
      backendName: "*",
      kernelFunc: ({ w }, _p, state) => ({ dw: tf.transpose(w), state }),
    });
    const before = tf.memory().numTensors;
    const inputs = tf.tidy(() => ({
      pre: tf.ones([2, 3]) as tf.Tensor2D,
      u: tf.ones([2, 4]) as tf.Tensor2D,
      post: tf.ones([2, 4]) as tf.Tensor2D,
      w: tf.ones([4, 3]) as tf.Tensor2D,
    }));
    expect(() => runRuleKernel(hebbDecay.name, inputs, {}, {})).toThrow(
      /dw has shape \[3, 4\], expected \[nOut × nIn\] = \[4, 3\]/,
    );
    tf.dispose(inputs);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("kernelRunner validates its input like rule.apply, naming the argument", async () => {
    const run = kernelRunner(hebb.name);
    const input = {
      pre: new Float32Array(6),
      u: new Float32Array(4),
      post: new Float32Array(4),
      w: new Float32Array(6),
      batch: 2,
      nIn: 3,
      nOut: 2,
    };
    await expect(run({ ...input, pre: new Float32Array(5) }, { lr: 1 }, {})).rejects.toMatchObject({
      field: "pre",
    });
    const w = new Float32Array(6);
    w[2] = Number.NaN;
    await expect(run({ ...input, w }, { lr: 1 }, {})).rejects.toMatchObject({ field: "w" });
    const out = await run(input, { lr: 1 }, {});
    expect(out.dw).toEqual(new Float32Array(6));
    // given the rule itself, raw params get their defaults (lr = 1e-3 for hebb)
    const withRule = kernelRunner(hebb);
    const one = { ...input, pre: new Float32Array(6).fill(1), post: new Float32Array(4).fill(1) };
    const dw = (await withRule(one, {}, {})).dw;
    expect(Array.from(dw, (v) => Number(v.toPrecision(6)))).toEqual(new Array(6).fill(1e-3));
  });
});
