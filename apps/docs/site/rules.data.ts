import { join } from "node:path";
import { builtinRules } from "@plasticity/core";
import type { ParamField } from "../src/param-field";
import { ROOT, repoBlob } from "../src/repo";
import { paramFields } from "../src/schema-fields";
import { findTests, lineOf, type TestRef, testsOfRule } from "../src/tests-index";

export interface RuleDoc {
  readonly name: string;
  readonly description: string;
  readonly equation: string;
  readonly reference: string;
  readonly fields: readonly ParamField[];
  /** Tests of this rule by name, then the ones every rule goes through. */
  readonly tests: readonly (TestRef & { url: string })[];
}

declare const data: Record<string, RuleDoc>;

export { data };

const RULE_TESTS = [
  "packages/core/test/rules.test.ts",
  "packages/core/test/hebb.test.ts",
  "packages/core/test/behaviour.test.ts",
];

export default {
  watch: RULE_TESTS.map((f) => join(ROOT, f)),
  load(): Record<string, RuleDoc> {
    const tests = findTests(ROOT, RULE_TESTS);
    const every = [
      lineOf(
        ROOT,
        "packages/tfjs/test/kernels.test.ts",
        "kernels ≡ core reference",
        "the batched tfjs kernel ≡ this reference on cpu and wasm, every shape and parameter set",
      ),
      lineOf(
        ROOT,
        "packages/core/test/conformance.test.ts",
        "conformance kit on every builtin rule",
        "conformance kit: shapes, finiteness, determinism, defaults, registry round trip",
      ),
    ];
    const link = (t: TestRef) => ({ ...t, url: `${repoBlob(t.file)}#L${t.line}` });
    return Object.fromEntries(
      builtinRules.map((r) => [
        r.name,
        {
          name: r.name,
          description: r.description,
          equation: r.equation,
          reference: r.reference,
          fields: paramFields(r),
          tests: [...testsOfRule(tests, r.name), ...every].map(link),
        },
      ]),
    );
  },
};
