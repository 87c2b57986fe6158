import type { parseArgs } from "node:util";
import { PlasticityError } from "@plasticity/core";
import { type BackendName, TFJS_BACKENDS } from "./engines/tfjs.js";
import { DEFAULT_TIMING } from "./harness.js";
import type { StepConfig } from "./types.js";
import { checkStepConfig } from "./workload.js";

/** The rules `rules` times unless --rules says otherwise. */
export const DEFAULT_RULES = ["hebb", "oja", "sanger", "krotov-hopfield", "softhebb"] as const;

/** Every flag of every benchmark (parseArgs's strict mode names an unknown one). */
export const OPTIONS = {
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  batch: { type: "string" },
  "n-in": { type: "string" },
  "n-out": { type: "string" },
  rules: { type: "string" },
  "reference-rules": { type: "string" },
  backends: { type: "string" },
  params: { type: "string" },
  "matmul-sizes": { type: "string" },
  "slow-call-ms": { type: "string" },
  warmup: { type: "string" },
  repeats: { type: "string" },
  "min-time-ms": { type: "string" },
  "max-repeats": { type: "string" },
  seed: { type: "string" },
  "torch-threads": { type: "string" },
  "no-torch": { type: "boolean" },
  "no-isolate": { type: "boolean" },
  workers: { type: "string" },
  "worker-rule": { type: "string" },
  "worker-backend": { type: "string" },
  "duration-ms": { type: "string" },
  methods: { type: "string" },
  "sm-workers": { type: "string" },
  "sm-rounds": { type: "string" },
  "sm-features": { type: "string" },
  "official-code": { type: "string" },
  "official-images": { type: "string" },
  config: { type: "string" },
  runs: { type: "string" },
  "jobs-list": { type: "string" },
} as const;

export type Values = ReturnType<
  typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>
>["values"];

export function int(v: Values, flag: keyof Values, dflt: number, min = 1): number {
  const raw = v[flag];
  if (raw === undefined) return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) {
    throw new PlasticityError(
      `--${flag}: expected an integer ≥ ${min}, got ${JSON.stringify(raw)}`,
      flag,
    );
  }
  return n;
}

export function list(v: Values, flag: keyof Values, dflt: readonly string[]): string[] {
  const raw = v[flag];
  if (raw === undefined) return [...dflt];
  if (typeof raw !== "string")
    throw new PlasticityError(`--${flag}: expected a comma-separated list`, flag);
  if (raw === "none") return [];
  return raw
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

export function backendList(
  v: Values,
  flag: keyof Values,
  dflt: readonly BackendName[],
): BackendName[] {
  const names = list(v, flag, dflt);
  for (const n of names) {
    if (!TFJS_BACKENDS.includes(n as BackendName)) {
      throw new PlasticityError(
        `--${flag}: expected ${TFJS_BACKENDS.join(", ")}, got ${JSON.stringify(n)}`,
        flag,
      );
    }
  }
  return names as BackendName[];
}

function paramsOf(v: Values): StepConfig["params"] {
  if (v.params === undefined) return {};
  let p: unknown;
  try {
    p = JSON.parse(v.params);
  } catch (e) {
    throw new PlasticityError(
      `--params: expected JSON like '{"oja":{"lr":0.01}}': ${(e as Error).message}`,
      "params",
    );
  }
  if (
    typeof p !== "object" ||
    p === null ||
    Array.isArray(p) ||
    Object.values(p).some((x) => typeof x !== "object" || x === null)
  ) {
    throw new PlasticityError(`--params: expected an object {rule: {param: value}}`, "params");
  }
  return p as StepConfig["params"];
}

/** The StepConfig the flags describe (validated). */
export function configFromFlags(v: Values): StepConfig {
  if (v.config !== undefined) {
    // internal: how `rules` hands its config to the child process of one engine
    let c: unknown;
    try {
      c = JSON.parse(v.config);
    } catch (e) {
      throw new PlasticityError(
        `--config: expected a JSON StepConfig: ${(e as Error).message}`,
        "config",
      );
    }
    if (typeof c !== "object" || c === null)
      throw new PlasticityError("--config: expected a JSON object", "config");
    return checkStepConfig(c as StepConfig);
  }
  const minRepeats = int(v, "repeats", DEFAULT_TIMING.minRepeats);
  return checkStepConfig({
    batch: int(v, "batch", 100),
    nIn: int(v, "n-in", 784),
    nOut: int(v, "n-out", 1000),
    rules: list(v, "rules", DEFAULT_RULES),
    referenceRules: list(v, "reference-rules", ["hebb"]),
    params: paramsOf(v),
    matmulSizes: list(v, "matmul-sizes", ["256", "512", "1024"]).map((n) => {
      const k = Number(n);
      if (!Number.isInteger(k) || k < 1) {
        throw new PlasticityError(
          `--matmul-sizes: expected positive integers, got ${JSON.stringify(n)}`,
          "matmul-sizes",
        );
      }
      return k;
    }),
    seed: int(v, "seed", 1, Number.MIN_SAFE_INTEGER),
    timing: {
      warmup: int(v, "warmup", DEFAULT_TIMING.warmup, 0),
      minRepeats,
      minTimeMs: int(v, "min-time-ms", DEFAULT_TIMING.minTimeMs, 0),
      maxRepeats: int(v, "max-repeats", Math.max(DEFAULT_TIMING.maxRepeats, minRepeats)),
      slowCallMs: int(v, "slow-call-ms", DEFAULT_TIMING.slowCallMs),
    },
  });
}
