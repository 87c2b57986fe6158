import type { z } from "zod";
import { closestNames, PlasticityError } from "./errors.js";

/**
 * Explicit per-layer state of a stateful rule (BCM's sliding threshold θ, adaptive thresholds),
 * optax-style: `init` makes it, `delta` returns the next one. Never a hidden global.
 */
export type RuleState = Record<string, Float32Array>;

/** The layer geometry a rule sees: `nIn` pre-synaptic and `nOut` post-synaptic units. */
export interface LayerShape {
  readonly nIn: number;
  readonly nOut: number;
}

/**
 * What a topology adapter (dense, conv, locally connected) feeds a rule for one batch.
 * All arrays are row-major Float32Array.
 *
 * - `pre`  [batch × nIn]   pre-synaptic activity x
 * - `u`    [batch × nOut]  pre-activation (membrane potential) u = W x, before any non-linearity
 * - `post` [batch × nOut]  post-synaptic activity y = f(u) (after k-WTA, threshold, ...)
 * - `w`    [nOut × nIn]    current weights W
 */
export interface RuleInput extends LayerShape {
  readonly pre: Float32Array;
  readonly u: Float32Array;
  readonly post: Float32Array;
  readonly w: Float32Array;
  readonly batch: number;
}

/** The zod schema of a rule's hyper-parameters: an object whose fields all have defaults. */
// biome-ignore lint/suspicious/noExplicitAny: any zod object shape
export type ParamsSchema = z.ZodObject<any>;

export interface RuleDefinition<S extends ParamsSchema, St extends RuleState = RuleState> {
  /** Registry key, kebab-case (e.g. "oja", "krotov-hopfield"). */
  readonly name: string;
  /** One line for `plasticity list rules`. */
  readonly description: string;
  /** The update in plain text, e.g. "ΔW = lr · ⟨y (x − y w)⟩". */
  readonly equation: string;
  /** Where it comes from: author, year, title. */
  readonly reference: string;
  /** Hyper-parameters; every field has a default, so `params.parse({})` is valid. */
  readonly params: S;
  /**
   * True for rules that learn a square [n × n] matrix within one population (lateral weights M,
   * where pre = post = y): `apply` then requires nIn === nOut. Omitted means any shape.
   */
  readonly square?: boolean;
  /** Initial state for a layer of this shape (stateful rules only). */
  init?(shape: LayerShape, params: z.output<S>): St;
  /**
   * The reference implementation. Writes ΔW [nOut × nIn] into `out` (overwriting it); the caller
   * applies W ← W + ΔW. Updates are averaged over the batch (⟨·⟩ = mean over the batch axis) so
   * lr does not depend on the batch size. Returns the next state (a new object: `state` is not
   * mutated). Must not modify its inputs.
   */
  delta(input: RuleInput, params: z.output<S>, out: Float32Array, state: St): St;
}

/** A rule: its definition plus validated entry points. */
export interface Rule<S extends ParamsSchema = ParamsSchema, St extends RuleState = RuleState>
  extends RuleDefinition<S, St> {
  readonly kind: "plasticity.rule";
  /**
   * Parse raw hyper-parameters (defaults filled in); throws a PlasticityError naming the field.
   * Unknown keys are refused (a misspelt `lr` must not silently fall back to the default).
   */
  parseParams(raw?: unknown): z.output<S>;
  /** Initial state (empty object for stateless rules). */
  initState(shape: LayerShape, params: z.output<S>): St;
  /**
   * Checked call of `delta`: validates shapes and finiteness of every input, parses params,
   * allocates ΔW. Returns `{ dw, state }`.
   */
  apply(input: RuleInput, rawParams?: unknown, state?: St): { dw: Float32Array; state: St };
}

const NAME_RE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Format a zod error as "field: message; field: message" with the given prefix on each path. */
export function formatZodError(err: z.ZodError, prefix = ""): string {
  return err.issues
    .map((i) => {
      const path = [prefix, ...i.path.map(String)].filter(Boolean).join(".");
      return `${path || "(root)"}: ${i.message}`;
    })
    .join("; ");
}

/** Parse `raw` with `schema`; on failure throw a PlasticityError naming the field. */
export function parseOrThrow<T extends z.ZodType>(
  schema: T,
  raw: unknown,
  prefix: string,
): z.output<T> {
  const r = schema.safeParse(raw ?? {});
  if (!r.success) {
    const first = r.error.issues[0];
    throw new PlasticityError(
      `invalid ${prefix}: ${formatZodError(r.error, prefix)}`,
      [prefix, ...(first?.path ?? []).map(String)].join("."),
    );
  }
  return r.data;
}

/** Throws unless `a` is a Float32Array of length `len`; names the argument. */
export function checkArray(name: string, a: unknown, len: number, dims: string): Float32Array {
  if (!(a instanceof Float32Array)) {
    throw new PlasticityError(
      `${name}: expected a Float32Array [${dims}], got ${describe(a)}`,
      name,
    );
  }
  if (a.length !== len) {
    throw new PlasticityError(`${name}: expected length ${len} ([${dims}]), got ${a.length}`, name);
  }
  return a;
}

/** Throws if `a` holds a NaN or ±Infinity, naming the argument and the first bad index. */
export function checkFinite(name: string, a: Float32Array): void {
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i])) {
      throw new PlasticityError(`${name}: non-finite value ${a[i]} at index ${i}`, name);
    }
  }
}

/**
 * Throws unless `state[key]` is a finite Float32Array of length `len`; names the field as
 * `state.<key>`. Stateful rules call it at the top of `delta` on the state they were given.
 */
export function checkState(state: RuleState, key: string, len: number, dims: string): Float32Array {
  if (state === null || typeof state !== "object") {
    throw new PlasticityError(`state: expected an object holding "${key}" [${dims}]`, "state");
  }
  const a = checkArray(`state.${key}`, state[key], len, dims);
  checkFinite(`state.${key}`, a);
  return a;
}

function checkDim(name: string, v: unknown): number {
  if (!Number.isInteger(v) || (v as number) <= 0) {
    throw new PlasticityError(`${name}: expected a positive integer, got ${String(v)}`, name);
  }
  return v as number;
}

function describe(a: unknown): string {
  if (a === null) return "null";
  if (ArrayBuffer.isView(a)) return `${a.constructor.name}`;
  if (Array.isArray(a)) return `an Array of length ${a.length}`;
  return typeof a;
}

/** Validates a RuleInput: dimensions are positive integers, arrays have matching lengths, all finite. */
export function checkRuleInput(input: RuleInput): void {
  if (input === null || typeof input !== "object") {
    throw new PlasticityError("input: expected { pre, u, post, w, batch, nIn, nOut }", "input");
  }
  const batch = checkDim("batch", input.batch);
  const nIn = checkDim("nIn", input.nIn);
  const nOut = checkDim("nOut", input.nOut);
  for (const [name, len, dims] of [
    ["pre", batch * nIn, "batch × nIn"],
    ["u", batch * nOut, "batch × nOut"],
    ["post", batch * nOut, "batch × nOut"],
    ["w", nOut * nIn, "nOut × nIn"],
  ] as const) {
    checkFinite(name, checkArray(name, input[name], len, dims));
  }
}

/**
 * Define a learning rule. The result is a plain value: register it, pass it to a layer,
 * export it from a plugin.
 *
 * @example
 * export const hebb = defineRule({
 *   name: "hebb", description: "plain Hebb", equation: "ΔW = lr ⟨y xᵀ⟩", reference: "Hebb 1949",
 *   params: z.object({ lr: z.number().positive().default(1e-3) }),
 *   delta({ pre, post, batch, nIn, nOut }, { lr }, out, state) { ...; return state; },
 * });
 */
/** Refuse a misspelt parameter with the closest known names ("did you mean"). */
function checkParamNames(rule: string, known: readonly string[], raw: unknown): void {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return;
  for (const key of Object.keys(raw)) {
    if (known.includes(key)) continue;
    const close = closestNames(key, known);
    throw new PlasticityError(
      `invalid params: params.${key}: rule "${rule}" has no parameter "${key}".` +
        (close.length ? ` Did you mean ${close.map((c) => `"${c}"`).join(" or ")}?` : "") +
        ` Its parameters: ${known.join(", ")}.`,
      `params.${key}`,
    );
  }
}

/** The zod peer range @plasticity/core is built and tested against. */
export const ZOD_RANGE = "^4.1.0";

/**
 * Throws unless `schema` is a zod 4 object schema. Checked by shape, not `instanceof`, so a
 * schema from the user's own zod 4 works even if a second copy is installed; a zod 3 schema
 * (`_def` but no `_zod`) gets an error that says which zod is needed.
 */
export function checkZodObject(schema: unknown, what: string): void {
  const s = schema as { _zod?: { def?: { type?: unknown } }; _def?: unknown } | null;
  if (s && typeof s === "object" && s._zod?.def?.type === "object") return;
  const hint =
    s && typeof s === "object" && s._def !== undefined && s._zod === undefined
      ? ` This looks like a zod 3 schema; plasticity needs zod 4 (${ZOD_RANGE}): install it with "npm install zod@^4" ` +
        `and import { z } from "zod" (or use the z that @plasticity/core re-exports).`
      : ` Build it with z.object({ ... }) from zod 4 (${ZOD_RANGE}), e.g. the z that @plasticity/core re-exports.`;
  throw new PlasticityError(`${what}: expected a zod 4 object schema.${hint}`, "rule.params");
}

export function defineRule<S extends ParamsSchema, St extends RuleState = RuleState>(
  def: RuleDefinition<S, St>,
): Rule<S, St> {
  if (typeof def?.name !== "string" || !NAME_RE.test(def.name)) {
    throw new PlasticityError(
      `rule.name: expected kebab-case like "oja" or "krotov-hopfield", got ${JSON.stringify(def?.name)}`,
      "rule.name",
    );
  }
  checkZodObject(def.params, `rule "${def.name}".params`);
  if (!def.params.safeParse({}).success) {
    throw new PlasticityError(
      `rule "${def.name}".params: every field needs a default (params.parse({}) failed)`,
      "rule.params",
    );
  }
  if (typeof def.delta !== "function") {
    throw new PlasticityError(`rule "${def.name}".delta: expected a function`, "rule.delta");
  }
  const strictParams = def.params.strict();
  const rule: Rule<S, St> = {
    ...def,
    kind: "plasticity.rule",
    parseParams(raw?: unknown) {
      checkParamNames(def.name, Object.keys(def.params.shape), raw);
      return parseOrThrow(strictParams, raw, "params") as z.output<S>;
    },
    initState(shape, params) {
      return def.init ? def.init(shape, params) : ({} as St);
    },
    apply(input, rawParams, state) {
      checkRuleInput(input);
      if (def.square && input.nIn !== input.nOut) {
        throw new PlasticityError(
          `nIn: rule "${def.name}" learns a square (lateral) matrix and needs nIn === nOut, got nIn ${input.nIn}, nOut ${input.nOut}`,
          "nIn",
        );
      }
      const p = rule.parseParams(rawParams);
      const st = state ?? rule.initState(input, p);
      const dw = new Float32Array(input.nOut * input.nIn);
      const next = def.delta(input, p, dw, st);
      return { dw, state: next };
    },
  };
  return Object.freeze(rule);
}

/** True when `v` is a rule made by `defineRule` (works across package copies). */
export function isRule(v: unknown): v is Rule {
  return typeof v === "object" && v !== null && (v as Rule).kind === "plasticity.rule";
}
