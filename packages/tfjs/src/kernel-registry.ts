import { DuplicateNameError, PlasticityError, UnknownNameError } from "@plasticity/core";
import * as tf from "@tensorflow/tfjs-core";
import { builtinKernels } from "./kernels/index.js";

/** A rule kernel's tensors: the same quantities as core's `RuleInput`, as 2-D tensors. */
export interface RuleKernelInputs {
  /** x [batch × nIn], pre-synaptic activity. */
  readonly pre: tf.Tensor2D;
  /** u [batch × nOut], pre-activation u = x Wᵀ. */
  readonly u: tf.Tensor2D;
  /** y [batch × nOut], post-synaptic activity y = f(u). */
  readonly post: tf.Tensor2D;
  /** W [nOut × nIn], current weights. */
  readonly w: tf.Tensor2D;
}

/** A rule's state as tensors: each core `RuleState` entry as a 1-D tensor of the same length. */
export type TensorRuleState = Record<string, tf.Tensor>;

/**
 * A batched rule: ΔW [nOut × nIn] (to ADD to W, averaged over the batch, lr included: exactly
 * core's `rule.apply(...).dw`) and the next state. Called inside `tf.tidy` by `runRuleKernel`,
 * so intermediates need no disposal; it must not dispose or modify its inputs. `params` are the
 * rule's parsed hyper-parameters (defaults filled in).
 */
export type RuleKernelFunc<P = Record<string, unknown>> = (
  inputs: RuleKernelInputs,
  params: P,
  state: TensorRuleState,
) => { dw: tf.Tensor2D; state: TensorRuleState };

export interface RuleKernelConfig<P = Record<string, unknown>> {
  /** The rule's registry name, e.g. "oja". */
  readonly ruleName: string;
  /** A tfjs backend name ("wasm", "cpu", "tensorflow", "webgl", ...) or "*" for any backend. */
  readonly backendName: string;
  readonly kernelFunc: RuleKernelFunc<P>;
}

const kernels = new Map<string, RuleKernelConfig>();

function key(ruleName: string, backendName: string): string {
  return `${ruleName}\u0000${backendName}`;
}

/**
 * Register a batched kernel for a rule (as tfjs registers `{ kernelName, backendName, kernelFunc }`).
 * A backend-specific kernel wins over a "*" kernel. Refuses a second kernel for the same
 * rule × backend with a DuplicateNameError.
 */
export function registerRuleKernel<P>(config: RuleKernelConfig<P>): void {
  if (config === null || typeof config !== "object") {
    throw new PlasticityError("config: expected { ruleName, backendName, kernelFunc }", "config");
  }
  const { ruleName, backendName, kernelFunc } = config;
  if (typeof ruleName !== "string" || ruleName.length === 0) {
    throw new PlasticityError(
      `ruleName: expected a non-empty string, got ${String(ruleName)}`,
      "ruleName",
    );
  }
  if (typeof backendName !== "string" || backendName.length === 0) {
    throw new PlasticityError(
      `backendName: expected a tfjs backend name or "*", got ${String(backendName)}`,
      "backendName",
    );
  }
  if (typeof kernelFunc !== "function") {
    throw new PlasticityError(
      `kernelFunc: expected a function for rule "${ruleName}"`,
      "kernelFunc",
    );
  }
  const k = key(ruleName, backendName);
  if (kernels.has(k)) {
    throw new DuplicateNameError(
      `a kernel for rule "${ruleName}" on backend "${backendName}" is already registered; ` +
        "unregister it first (unregisterRuleKernel) or register under another backend name",
      "ruleName",
    );
  }
  kernels.set(k, { ruleName, backendName, kernelFunc: kernelFunc as RuleKernelFunc });
}

/** Remove a registered kernel; throws an UnknownNameError when there is none. */
export function unregisterRuleKernel(ruleName: string, backendName: string): void {
  if (!kernels.delete(key(ruleName, backendName))) {
    throw new UnknownNameError(
      `rule kernel for backend "${backendName}"`,
      ruleName,
      kernelRuleNames().filter((r) => kernels.has(key(r, backendName))),
    );
  }
}

/** The active tfjs backend's name (initialises the default backend if none is active yet). */
function activeBackend(): string {
  return tf.getBackend();
}

function lookup(ruleName: string, backendName: string): RuleKernelConfig | undefined {
  return kernels.get(key(ruleName, backendName)) ?? kernels.get(key(ruleName, "*"));
}

/**
 * The kernel for `ruleName` on `backendName` (default: the active backend), falling back to the
 * rule's "*" kernel. Throws an UnknownNameError (field "rule kernel") with suggestions.
 */
export function getRuleKernel(
  ruleName: string,
  backendName: string = activeBackend(),
): RuleKernelConfig {
  const k = lookup(ruleName, backendName);
  if (!k) throw new UnknownNameError("rule kernel", String(ruleName), kernelRuleNames());
  return k;
}

export function hasRuleKernel(ruleName: string, backendName: string = activeBackend()): boolean {
  return lookup(ruleName, backendName) !== undefined;
}

/** The rule names that have at least one kernel, sorted. */
export function kernelRuleNames(): string[] {
  return [...new Set([...kernels.values()].map((k) => k.ruleName))].sort();
}

/** Every registered kernel config. */
export function listRuleKernels(): RuleKernelConfig[] {
  return [...kernels.values()];
}

/**
 * Run a kernel inside `tf.tidy`: returns ΔW and the next state (all other intermediates are
 * freed). The caller owns the returned tensors.
 */
export function runRuleKernel<P>(
  ruleName: string,
  inputs: RuleKernelInputs,
  params: P,
  state: TensorRuleState,
): { dw: tf.Tensor2D; state: TensorRuleState } {
  const { kernelFunc } = getRuleKernel(ruleName);
  return tf.tidy(() => {
    const out = kernelFunc(inputs, params as Record<string, unknown>, state);
    if (!(out?.dw instanceof tf.Tensor)) {
      throw new PlasticityError(
        `kernel for rule "${ruleName}": expected it to return { dw: tf.Tensor2D, state }`,
        "kernelFunc",
      );
    }
    const [nOut, nIn] = inputs.w.shape;
    if (out.dw.rank !== 2 || out.dw.shape[0] !== nOut || out.dw.shape[1] !== nIn) {
      throw new PlasticityError(
        `kernel for rule "${ruleName}": dw has shape [${out.dw.shape.join(", ")}], expected [nOut × nIn] = [${nOut}, ${nIn}]`,
        "kernelFunc",
      );
    }
    return { dw: out.dw, state: { ...(out.state ?? {}) } };
  });
}

for (const k of builtinKernels) registerRuleKernel(k);
