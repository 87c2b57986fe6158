/**
 * The conformance kit: call `assertRuleConformance(rule)` from your plugin's own tests (any test
 * framework: it resolves with a report or throws a `ConformanceError` naming the failed check).
 * Pass `kernel` (e.g. `kernelRunner("my-rule")` from @plasticity/tfjs) to also check that a
 * batched kernel computes the same ΔW and state as the typed-array reference.
 */
import { z } from "zod";
import { matmulABt } from "../activity.js";
import { DuplicateNameError, PlasticityError } from "../errors.js";
import { RuleRegistry } from "../registry.js";
import { Rng } from "../rng.js";
import {
  isRule,
  type LayerShape,
  parseOrThrow,
  type Rule,
  type RuleInput,
  type RuleState,
} from "../rule.js";

/** A layer shape plus a batch size: one case the kit runs. */
export interface ConformanceShape extends LayerShape {
  readonly batch: number;
}

/**
 * Runs a rule's batched kernel on a reference input: the adapter between a tensor library and
 * the kit. `params` are the parsed (defaults filled) hyper-parameters, `state` the rule state.
 */
export type RuleKernelRunner = (
  input: RuleInput,
  params: object,
  state: RuleState,
) => Promise<{ dw: Float32Array; state: RuleState }>;

export interface ConformanceOptions {
  /** A batched implementation to compare with the reference `delta`. */
  readonly kernel?: RuleKernelRunner;
  /** Cases to run; defaults cover batch 1, nIn ≠ nOut both ways, and nIn = nOut. */
  readonly shapes?: readonly ConformanceShape[];
  /** Seed of the random inputs (default 1). */
  readonly seed?: number;
  /**
   * Kernel tolerance: each entry must satisfy |kernel − reference| ≤ atol + rtol · max|reference|,
   * the max taken over the whole ΔW (or state array). Relative to the largest entry, not to each
   * entry, because float32 sums in a different order differ by ~1e-7 of the magnitudes summed,
   * not of the (possibly near-zero) result. Default rtol 1e-5.
   */
  readonly rtol?: number;
  /** Absolute slack added to the kernel tolerance (default 0; raise it for low-precision backends). */
  readonly atol?: number;
  /** Raw hyper-parameter sets to run every check with (default: `[{}]`, the defaults). */
  readonly paramSets?: readonly Record<string, unknown>[];
  /** Consecutive updates per case, threading the state (default 3). */
  readonly steps?: number;
}

export interface ConformanceReport {
  readonly rule: string;
  /** Names of the checks that passed, in order. */
  readonly checks: readonly string[];
  readonly shapes: readonly ConformanceShape[];
  readonly paramSets: number;
  /** True when `initState` returns at least one array. */
  readonly stateful: boolean;
  /** Kernel comparison (null without `opts.kernel`). */
  readonly kernel: {
    /** Number of (shape, param set, step) updates compared. */
    readonly compared: number;
    /** Largest |kernel − reference| over all ΔW entries. */
    readonly maxAbsDiff: number;
    /** Largest |kernel − reference| / max|reference| over all ΔW comparisons. */
    readonly maxRelDiff: number;
    readonly rtol: number;
    readonly atol: number;
  } | null;
}

/** Thrown by `assertRuleConformance`; `check` names the failed check. */
export class ConformanceError extends Error {
  override readonly name = "ConformanceError";
  constructor(
    readonly rule: string,
    readonly check: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`rule "${rule}" failed conformance check "${check}": ${detail}`, options);
  }
}

const DEFAULT_SHAPES: readonly ConformanceShape[] = [
  { batch: 1, nIn: 5, nOut: 3 },
  { batch: 4, nIn: 3, nOut: 6 },
  { batch: 7, nIn: 8, nOut: 4 },
  { batch: 3, nIn: 4, nOut: 4 },
];
const DEFAULT_SQUARE_SHAPES: readonly ConformanceShape[] = [
  { batch: 1, nIn: 3, nOut: 3 },
  { batch: 4, nIn: 5, nOut: 5 },
  { batch: 7, nIn: 1, nOut: 1 },
];
const NAME_RE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

const dim = z.number().int().positive();
const optionsSchema = z.object({
  kernel: z.unknown().optional(),
  shapes: z
    .array(z.object({ batch: dim, nIn: dim, nOut: dim }))
    .min(1)
    .optional(),
  seed: z.number().int().default(1),
  rtol: z.number().min(0).default(1e-5),
  atol: z.number().min(0).default(0),
  paramSets: z.array(z.record(z.string(), z.unknown())).min(1).default([{}]),
  steps: z.number().int().min(1).default(3),
});

/**
 * A random but plausible rule input: pre ~ N(0, 1) [batch × nIn], W ~ N(0, 1/nIn) [nOut × nIn],
 * u = x Wᵀ, and post = u with about a quarter of the entries set to 0 (sparse activity, both
 * signs). Draws only from `rng`, so the same seed gives the same input.
 */
export function randomRuleInput(rng: Rng, shape: ConformanceShape): RuleInput {
  const { batch, nIn, nOut } = shape;
  const pre = rng.fillNormal(new Float32Array(batch * nIn));
  const w = rng.fillNormal(new Float32Array(nOut * nIn), 0, 1 / Math.sqrt(nIn));
  const u = matmulABt(pre, w, batch, nIn, nOut);
  const post = new Float32Array(u);
  for (let i = 0; i < post.length; i++) if (rng.uniform() < 0.25) post[i] = 0;
  return { pre, u, post, w, batch, nIn, nOut };
}

/**
 * Check that `rule` honours the rule contract; resolves with a report, throws a
 * `ConformanceError` naming the first failed check. Checks, in order:
 *
 * - `name`: kebab-case name, non-empty description / equation / reference
 * - `params`: `parseParams()` and `parseParams({})` give the defaults; each `paramSets` entry
 *   parses; a non-object is refused with a PlasticityError
 * - `registry`: registers in a fresh RuleRegistry, `get(name)` returns it, a second
 *   registration is refused with DuplicateNameError
 * - per shape × param set × step (state threaded through `steps` updates):
 *   `init-state` (Float32Arrays, finite), `shape` (ΔW is a Float32Array [nOut × nIn]),
 *   `finite` (ΔW and the next state), `no-mutation` (inputs and state unchanged),
 *   `deterministic` (same inputs → bit-identical ΔW and state), `default-state` (omitting the
 *   state equals passing `initState`), and with `opts.kernel`: `kernel` (ΔW and state within
 *   tolerance, inputs not mutated)
 * - `bad-input`: a wrong-length `pre` and a NaN in `w` are refused with a PlasticityError naming
 *   the argument; a square rule refuses nIn ≠ nOut
 */
export async function assertRuleConformance(
  rule: Rule,
  opts: ConformanceOptions = {},
): Promise<ConformanceReport> {
  if (!isRule(rule)) {
    throw new PlasticityError("rule: expected a rule made with defineRule()", "rule");
  }
  const o = parseOrThrow(optionsSchema, opts, "opts");
  const kernel = opts.kernel;
  if (kernel !== undefined && typeof kernel !== "function") {
    throw new PlasticityError(
      "opts.kernel: expected a function (input, params, state) => Promise",
      "opts.kernel",
    );
  }
  const square = rule.square === true;
  const shapes = o.shapes ?? (square ? DEFAULT_SQUARE_SHAPES : DEFAULT_SHAPES);
  if (square) {
    shapes.forEach((s, i) => {
      if (s.nIn !== s.nOut) {
        throw new PlasticityError(
          `opts.shapes.${i}: rule "${rule.name}" is square, expected nIn === nOut, got ${s.nIn} × ${s.nOut}`,
          `opts.shapes.${i}`,
        );
      }
    });
  }
  const name = typeof rule.name === "string" ? rule.name : String(rule.name);
  const passed: string[] = [];
  const fail = (check: string, detail: string, cause?: unknown): never => {
    throw new ConformanceError(name, check, detail, cause === undefined ? undefined : { cause });
  };
  const pass = (check: string) => {
    if (!passed.includes(check)) passed.push(check);
  };

  // name and metadata
  if (!NAME_RE.test(name))
    fail("name", `expected kebab-case like "oja", got ${JSON.stringify(name)}`);
  for (const field of ["description", "equation", "reference"] as const) {
    if (typeof rule[field] !== "string" || rule[field].trim() === "") {
      fail("name", `rule.${field}: expected a non-empty string`);
    }
  }
  pass("name");

  // params
  let defaults: Record<string, unknown>;
  try {
    defaults = rule.parseParams();
    const again = rule.parseParams({});
    if (JSON.stringify(defaults) !== JSON.stringify(again)) {
      fail("params", "parseParams() and parseParams({}) differ");
    }
  } catch (e) {
    if (e instanceof ConformanceError) throw e;
    return fail("params", `parseParams({}) threw: ${(e as Error).message}`, e);
  }
  const paramSets: Record<string, unknown>[] = o.paramSets.map((raw, i) => {
    try {
      return rule.parseParams(raw);
    } catch (e) {
      return fail(
        "params",
        `opts.paramSets.${i} ${JSON.stringify(raw)} does not parse: ${(e as Error).message}`,
        e,
      );
    }
  });
  expectThrows(
    () => rule.parseParams("not an object"),
    (e) => e instanceof PlasticityError,
    () => fail("params", 'parseParams("not an object") did not throw a PlasticityError'),
  );
  pass("params");

  // registry round-trip
  {
    const registry = new RuleRegistry();
    try {
      registry.register(rule, "conformance");
    } catch (e) {
      fail("registry", `register() threw: ${(e as Error).message}`, e);
    }
    if (registry.get(name) !== rule) fail("registry", `get("${name}") did not return the rule`);
    expectThrows(
      () => registry.register(rule, "conformance (again)"),
      (e) => e instanceof DuplicateNameError,
      () => fail("registry", "a second register() was not refused with DuplicateNameError"),
    );
  }
  pass("registry");

  // per shape × param set × step
  const rng = Rng.seeded(o.seed);
  let stateful = false;
  let compared = 0;
  let maxAbsDiff = 0;
  let maxRelDiff = 0;
  for (const [si, shape] of shapes.entries()) {
    for (const [pi, params] of paramSets.entries()) {
      const where = (step: number) =>
        `shape ${si} (batch ${shape.batch}, nIn ${shape.nIn}, nOut ${shape.nOut}), paramSets.${pi}, step ${step}`;
      let state: RuleState;
      try {
        state = rule.initState(shape, params);
      } catch (e) {
        return fail("init-state", `${where(0)}: initState threw: ${(e as Error).message}`, e);
      }
      checkStateValue(state, (d) => fail("init-state", `${where(0)}: ${d}`));
      if (Object.keys(state).length > 0) stateful = true;
      pass("init-state");
      let kernelState = cloneState(state);

      for (let step = 0; step < o.steps; step++) {
        const at = where(step);
        const input = randomRuleInput(rng, shape);
        const inputCopy = cloneInput(input);
        const stateCopy = cloneState(state);
        let result: { dw: Float32Array; state: RuleState };
        try {
          result = rule.apply(input, params, state);
        } catch (e) {
          return fail("shape", `${at}: apply threw: ${(e as Error).message}`, e);
        }
        const { dw } = result;
        if (!(dw instanceof Float32Array) || dw.length !== shape.nOut * shape.nIn) {
          fail(
            "shape",
            `${at}: expected dw Float32Array of length nOut × nIn = ${shape.nOut * shape.nIn}`,
          );
        }
        pass("shape");
        const bad = firstNonFinite(dw);
        if (bad >= 0) fail("finite", `${at}: dw[${bad}] = ${dw[bad]}`);
        checkStateValue(result.state, (d) => fail("finite", `${at}: next state: ${d}`));
        pass("finite");
        for (const key of ["pre", "u", "post", "w"] as const) {
          if (!sameBits(input[key], inputCopy[key]))
            fail("no-mutation", `${at}: apply modified input.${key}`);
        }
        if (!sameState(state, stateCopy))
          fail("no-mutation", `${at}: apply modified the state it was given`);
        pass("no-mutation");
        const again = rule.apply(cloneInput(input), params, cloneState(state));
        if (!sameBits(again.dw, dw) || !sameState(again.state, result.state)) {
          fail("deterministic", `${at}: two calls on the same input gave different results`);
        }
        pass("deterministic");
        if (step === 0) {
          const implicit = rule.apply(cloneInput(input), params);
          if (!sameBits(implicit.dw, dw) || !sameState(implicit.state, result.state)) {
            fail("default-state", `${at}: apply without a state differs from apply with initState`);
          }
          pass("default-state");
        }

        if (kernel) {
          const kInput = cloneInput(input);
          let k: { dw: Float32Array; state: RuleState };
          try {
            k = await kernel(kInput, params, cloneState(kernelState));
          } catch (e) {
            return fail("kernel", `${at}: kernel threw: ${(e as Error).message}`, e);
          }
          for (const key of ["pre", "u", "post", "w"] as const) {
            if (!sameBits(kInput[key], input[key]))
              fail("kernel", `${at}: kernel modified input.${key}`);
          }
          if (!(k?.dw instanceof Float32Array) || k.dw.length !== dw.length) {
            fail("kernel", `${at}: expected kernel dw Float32Array of length ${dw.length}`);
          }
          // the kernel runs on its own state thread, so drift across steps is caught too
          const refFromKernelState = rule.apply(cloneInput(input), params, cloneState(kernelState));
          const cmp = compare(k.dw, refFromKernelState.dw, o.rtol, o.atol);
          compared++;
          maxAbsDiff = Math.max(maxAbsDiff, cmp.absDiff);
          maxRelDiff = Math.max(maxRelDiff, cmp.relDiff);
          if (!cmp.ok) {
            fail(
              "kernel",
              `${at}: dw[${cmp.index}] kernel ${k.dw[cmp.index]} vs reference ${refFromKernelState.dw[cmp.index]} ` +
                `(|diff| ${cmp.absDiff.toExponential(3)} > atol + rtol·max|dw| = ${cmp.tol.toExponential(3)})`,
            );
          }
          const refKeys = Object.keys(refFromKernelState.state).sort();
          const kKeys = Object.keys(k.state ?? {}).sort();
          if (refKeys.join(",") !== kKeys.join(",")) {
            fail(
              "kernel",
              `${at}: state keys [${kKeys.join(", ")}] vs reference [${refKeys.join(", ")}]`,
            );
          }
          for (const key of refKeys) {
            const ks = k.state[key];
            const rs = refFromKernelState.state[key];
            if (!(ks instanceof Float32Array) || ks.length !== rs.length) {
              fail("kernel", `${at}: state.${key}: expected a Float32Array of length ${rs.length}`);
            }
            const c = compare(ks, rs, o.rtol, o.atol);
            if (!c.ok) {
              fail(
                "kernel",
                `${at}: state.${key}[${c.index}] kernel ${ks[c.index]} vs reference ${rs[c.index]} (tolerance ${c.tol.toExponential(3)})`,
              );
            }
          }
          kernelState = k.state;
          pass("kernel");
        }
        state = result.state;
      }
    }
  }

  // bad input
  {
    const shape = shapes[0];
    const params = paramSets[0];
    const input = randomRuleInput(rng, shape);
    const refused = (mutated: RuleInput, field: string, what: string) =>
      expectThrows(
        () => rule.apply(mutated, params),
        (e) => e instanceof PlasticityError && e.field === field,
        () => fail("bad-input", `${what} was not refused with a PlasticityError naming "${field}"`),
      );
    refused(
      { ...input, pre: new Float32Array(input.pre.length + 1) },
      "pre",
      "a pre of the wrong length",
    );
    const w = new Float32Array(input.w);
    w[0] = Number.NaN;
    refused({ ...input, w }, "w", "a NaN in w");
    if (square) {
      const n = shape.nIn;
      const wide = randomRuleInput(rng, { batch: shape.batch, nIn: n + 1, nOut: n });
      refused(wide, "nIn", "nIn ≠ nOut for a square rule");
    }
  }
  pass("bad-input");

  return {
    rule: name,
    checks: passed,
    shapes: [...shapes],
    paramSets: paramSets.length,
    stateful,
    kernel: kernel ? { compared, maxAbsDiff, maxRelDiff, rtol: o.rtol, atol: o.atol } : null,
  };
}

function expectThrows(fn: () => unknown, ok: (e: unknown) => boolean, onFail: () => void): void {
  try {
    fn();
  } catch (e) {
    if (ok(e)) return;
  }
  onFail();
}

function cloneInput(i: RuleInput): RuleInput {
  return {
    pre: new Float32Array(i.pre),
    u: new Float32Array(i.u),
    post: new Float32Array(i.post),
    w: new Float32Array(i.w),
    batch: i.batch,
    nIn: i.nIn,
    nOut: i.nOut,
  };
}

function cloneState(s: RuleState): RuleState {
  const c: RuleState = {};
  for (const [k, v] of Object.entries(s)) c[k] = new Float32Array(v);
  return c;
}

function firstNonFinite(a: Float32Array): number {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return i;
  return -1;
}

function checkStateValue(s: unknown, onFail: (detail: string) => void): void {
  if (s === null || typeof s !== "object") {
    onFail(`expected a state object of Float32Arrays, got ${s === null ? "null" : typeof s}`);
    return;
  }
  for (const [k, v] of Object.entries(s)) {
    if (!(v instanceof Float32Array)) {
      onFail(`state.${k}: expected a Float32Array`);
      return;
    }
    const bad = firstNonFinite(v);
    if (bad >= 0) onFail(`state.${k}[${bad}] = ${v[bad]}`);
  }
}

/** Bit-identical (so −0 ≠ 0 and NaN payloads count). */
function sameBits(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

function sameState(a: RuleState, b: RuleState): boolean {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  if (ka.join(",") !== kb.join(",")) return false;
  return ka.every((k) => sameBits(a[k], b[k]));
}

function compare(
  got: Float32Array,
  want: Float32Array,
  rtol: number,
  atol: number,
): { ok: boolean; index: number; absDiff: number; relDiff: number; tol: number } {
  let maxRef = 0;
  for (let i = 0; i < want.length; i++) maxRef = Math.max(maxRef, Math.abs(want[i]));
  const tol = atol + rtol * maxRef;
  let absDiff = 0;
  let index = -1;
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i] - want[i]);
    if (!(d <= absDiff) || Number.isNaN(d)) {
      absDiff = Number.isNaN(d) ? Number.POSITIVE_INFINITY : d;
      index = i;
    }
  }
  const relDiff = maxRef > 0 ? absDiff / maxRef : absDiff > 0 ? Number.POSITIVE_INFINITY : 0;
  return { ok: absDiff <= tol, index: Math.max(index, 0), absDiff, relDiff, tol };
}
