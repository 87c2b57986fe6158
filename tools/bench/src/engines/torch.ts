import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PlasticityError } from "@plasticity/core";
import { summarise } from "../harness.js";
import type { EngineResult, StepConfig } from "../types.js";
import { matmulResult, peakResult, ruleByName, ruleParams, stepResult } from "../workload.js";

/** Debian's python3-torch lives under the system interpreter, not the `python3` on PATH. */
export const DEFAULT_TORCH_PYTHON = "/usr/bin/python3";

/** The PyTorch side of the benchmark, next to this package's src/ and dist/. */
export const TORCH_SCRIPT = fileURLToPath(new URL("../../python/hebbian_step.py", import.meta.url));

/** The interpreter to use: $PLASTICITY_TORCH_PYTHON, else /usr/bin/python3. */
export function torchPython(): string {
  return process.env.PLASTICITY_TORCH_PYTHON || DEFAULT_TORCH_PYTHON;
}

/** What the script's time_it returns. */
interface TimedCalls {
  readonly warmup: number;
  readonly samplesMs: readonly number[];
}

interface TorchRun {
  readonly ok: boolean;
  readonly error?: string;
  readonly python: string;
  readonly pythonVersion: string;
  readonly torch: string;
  readonly blasInfo: string;
  readonly blasLibraries: readonly string[];
  readonly cpuCount: number;
  readonly peakRssMiB: number;
  readonly results: readonly {
    readonly threads: number;
    /** OpenBLAS's thread count for this row; null when the BLAS has no thread control. */
    readonly blasThreads?: number | null;
    readonly matmul: readonly (TimedCalls & { readonly size: number })[];
    readonly rules: readonly (TimedCalls & { readonly rule: string })[];
  }[];
}

function skipped(engine: string, reason: string): EngineResult {
  return { engine, status: "skipped", reason, peak: null, steps: [], peakRssMiB: null, info: {} };
}

/** True when the python run's output is the JSON object we expect. */
function isTorchRun(v: unknown): v is TorchRun {
  return typeof v === "object" && v !== null && typeof (v as TorchRun).ok === "boolean";
}

/** Debian's reference libblas (netlib), what Debian's torch gets unless OpenBLAS or BLIS is installed. */
const REFERENCE_BLAS = /\/blas\/libblas\.so/;
/** OpenBLAS's own library (Debian: libopenblas0-pthread / -openmp / -serial behind libblas.so.3). */
const OPENBLAS = /\/libopenblas[^/]*\.so[^/]*$/;

/**
 * Which BLAS a process has mapped, from the libraries' paths: the OpenBLAS library by its file
 * name (e.g. "OpenBLAS libopenblasp-r0.3.21.so"), Debian's reference libblas by its directory,
 * else the file names; null when no BLAS library was found (e.g. one linked statically).
 */
export function blasName(blasLibraries: readonly string[]): string | null {
  const open = blasLibraries.find((l) => OPENBLAS.test(l));
  if (open) return `OpenBLAS ${open.split("/").pop()}`;
  const ref = blasLibraries.find((l) => REFERENCE_BLAS.test(l));
  if (ref) return `Debian's reference libblas ${ref}`;
  return blasLibraries.length > 0 ? blasLibraries.map((l) => l.split("/").pop()).join(", ") : null;
}

/** The report's line on torch's BLAS: which library, and what that means for its numbers. */
export function blasNote(blasLibraries: readonly string[]): string | null {
  const name = blasName(blasLibraries);
  if (name === null) return null;
  if (blasLibraries.some((l) => OPENBLAS.test(l)))
    return (
      `torch's BLAS here is ${name} (${blasLibraries.join(", ")}); each torch row sets OpenBLAS's ` +
      `thread count to its own. A Debian machine without libopenblas0 gets the reference libblas ` +
      `instead, whose matrix products are far slower`
    );
  if (blasLibraries.some((l) => REFERENCE_BLAS.test(l)))
    return (
      `torch's BLAS here is ${name}, not OpenBLAS or MKL: its matrix products are those of that ` +
      `unoptimised library (Debian switches torch to OpenBLAS when libopenblas0 is installed)`
    );
  return `torch's BLAS here: ${blasLibraries.join(", ")}`;
}

/**
 * Run tools/bench/python/hebbian_step.py with the system interpreter: the same dense step, same
 * shapes and rule parameters, at each thread count in `threads` ("all" = every core). One
 * EngineResult per thread count ("torch:1", "torch:2"); rates use the same FLOP formula.
 * Returns a single skipped result, with the reason, when torch is not importable.
 */
export function runTorchEngines(
  config: StepConfig,
  threads: readonly string[] = ["1", "all"],
): EngineResult[] {
  const python = torchPython();
  if (!existsSync(python)) {
    return [
      skipped(
        "torch",
        `${python} not found: install Debian's python3-torch (apt-get install -y python3-torch)`,
      ),
    ];
  }
  if (!existsSync(TORCH_SCRIPT))
    throw new PlasticityError(`torch script missing: ${TORCH_SCRIPT}`, "TORCH_SCRIPT");
  const params: Record<string, Record<string, unknown>> = {};
  for (const r of config.rules) params[r] = ruleParams(ruleByName(r), config);
  const t = config.timing;
  const args = [
    TORCH_SCRIPT,
    ...["--batch", config.batch, "--n-in", config.nIn, "--n-out", config.nOut].map(String),
    ...["--rules", config.rules.join(","), "--threads", threads.join(",")],
    ...["--matmul-sizes", config.matmulSizes.join(","), "--seed", String(config.seed)],
    ...["--slow-call-ms", String(t.slowCallMs)],
    ...["--warmup", t.warmup, "--min-repeats", t.minRepeats, "--min-time-ms", t.minTimeMs].map(
      String,
    ),
    ...["--max-repeats", String(t.maxRepeats), "--params", JSON.stringify(params)],
  ];
  const p = spawnSync(python, args, {
    encoding: "utf8",
    maxBuffer: 64 * 2 ** 20,
    env: { ...process.env, PYTHONUNBUFFERED: "1" },
  });
  if (p.error) return [skipped("torch", `${python} could not be run: ${p.error.message}`)];
  let run: unknown;
  try {
    run = JSON.parse(p.stdout);
  } catch {
    const why = (p.stderr || p.stdout).trim().split("\n").slice(-3).join(" | ");
    return [
      { ...skipped("torch", `${TORCH_SCRIPT} exited with ${p.status}: ${why}`), status: "failed" },
    ];
  }
  if (!isTorchRun(run)) {
    return [{ ...skipped("torch", `${TORCH_SCRIPT} printed JSON without "ok"`), status: "failed" }];
  }
  if (!run.ok)
    return [
      skipped(
        "torch",
        `${run.error ?? "torch unavailable"}; install it with apt-get install -y python3-torch`,
      ),
    ];
  const info = {
    python: run.python,
    pythonVersion: run.pythonVersion,
    torch: run.torch,
    blasInfo: run.blasInfo,
    blasLibraries: run.blasLibraries,
  };
  return run.results.map((r) => {
    const peak = peakResult(
      "torch.mm n×n · n×n",
      r.matmul.map((m) => matmulResult(m.size, summarise(m.samplesMs, m.warmup))),
    );
    const steps = r.rules.map((s) =>
      stepResult(
        config,
        s.rule,
        params[s.rule],
        "torch (CPU, no_grad)",
        summarise(s.samplesMs, s.warmup),
        peak,
      ),
    );
    return {
      engine: `torch:${r.threads}`,
      status: "ok" as const,
      peak,
      steps,
      // one python process ran every thread count
      peakRssMiB: run.peakRssMiB,
      info: { ...info, threads: r.threads, blasThreads: r.blasThreads ?? null },
    };
  });
}

/**
 * Cross-check: W after ONE step of each rule in `config.rules`, computed by the PyTorch script
 * from the given x [batch × nIn] and W₀ [nOut × nIn] (with the same parameters as the timed
 * run). Returns the reason instead when torch cannot run.
 */
export function torchOneStep(
  config: StepConfig,
  x: Float32Array,
  w0: Float32Array,
): { ok: true; weights: Record<string, Float32Array> } | { ok: false; reason: string } {
  const python = torchPython();
  if (!existsSync(python)) return { ok: false, reason: `${python} not found` };
  const params: Record<string, Record<string, unknown>> = {};
  for (const r of config.rules) params[r] = ruleParams(ruleByName(r), config);
  const dir = mkdtempSync(join(tmpdir(), "plasticity-bench-"));
  try {
    const file = join(dir, "input.json");
    writeFileSync(`${file}.tmp`, JSON.stringify({ x: Array.from(x), w0: Array.from(w0) }));
    renameSync(`${file}.tmp`, file);
    const p = spawnSync(
      python,
      [
        TORCH_SCRIPT,
        ...["--batch", config.batch, "--n-in", config.nIn, "--n-out", config.nOut].map(String),
        ...[
          "--rules",
          config.rules.join(","),
          "--params",
          JSON.stringify(params),
          "--check-input",
          file,
        ],
      ],
      { encoding: "utf8", maxBuffer: 64 * 2 ** 20 },
    );
    let out: { ok?: boolean; error?: string; weights?: Record<string, number[]> };
    try {
      out = JSON.parse(p.stdout);
    } catch {
      return {
        ok: false,
        reason: `${TORCH_SCRIPT} exited with ${p.status}: ${(p.stderr || p.stdout).trim()}`,
      };
    }
    if (!out.ok || !out.weights)
      return { ok: false, reason: out.error ?? "no weights in the output" };
    const weights: Record<string, Float32Array> = {};
    for (const [r, w] of Object.entries(out.weights)) weights[r] = Float32Array.from(w);
    return { ok: true, weights };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
