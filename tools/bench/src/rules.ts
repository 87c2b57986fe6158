import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { runCoreEngine } from "./engines/core.js";
import { type BackendName, runTfjsEngine } from "./engines/tfjs.js";
import { blasNote, runTorchEngines } from "./engines/torch.js";
import { denseStepFlops } from "./flops.js";
import { fmt } from "./format.js";
import { loadAvg1, machineInfo } from "./machine.js";
import type { BenchReport, EngineResult, StepConfig } from "./types.js";
import { checkStepConfig } from "./workload.js";

/** An engine a child process can run on its own: a tfjs backend or core's reference. */
export type LocalEngine = `tfjs:${BackendName}` | "core";

export interface RulesRunOptions {
  readonly config: StepConfig;
  /** tfjs backends to time (each is skipped with its reason when it cannot start). */
  readonly backends: readonly BackendName[];
  /** Time core's typed-array reference (its matmul peak, and `config.referenceRules`). */
  readonly core: boolean;
  /** Run PyTorch at these thread counts ("all" = every core); empty = no torch. */
  readonly torchThreads: readonly string[];
  /**
   * Run each tfjs backend and core in its own child process (default true from the CLI), so each
   * engine's peak RSS is its own and backends do not share one tfjs engine.
   */
  readonly isolate: boolean;
  /** Progress lines (stderr from the CLI). */
  readonly log?: (line: string) => void;
}

/** The built entry point that runs one engine in a child process (`engine <name>`). */
export const ENTRY = fileURLToPath(new URL("./index.js", import.meta.url));

/** Run one local engine in this process. */
export async function runLocalEngine(
  engine: LocalEngine,
  config: StepConfig,
): Promise<EngineResult> {
  if (engine === "core") return runCoreEngine(config);
  return runTfjsEngine(engine.slice("tfjs:".length) as BackendName, config);
}

function isEngineResult(v: unknown): v is EngineResult {
  return typeof v === "object" && v !== null && typeof (v as EngineResult).engine === "string";
}

/** Run one local engine in a child `node dist/index.js engine <name> --config <json>`. */
export function runEngineInChild(engine: LocalEngine, config: StepConfig): EngineResult {
  const p = spawnSync(
    process.execPath,
    [ENTRY, "engine", engine, "--config", JSON.stringify(config)],
    {
      encoding: "utf8",
      maxBuffer: 64 * 2 ** 20,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out: unknown;
  try {
    out = JSON.parse(p.stdout);
  } catch {
    out = null;
  }
  if (p.status === 0 && isEngineResult(out)) return out;
  const why = (p.error?.message ?? p.stderr ?? "").trim().split("\n").slice(-4).join(" | ");
  return {
    engine,
    status: "failed",
    reason: `child exited with ${p.status}: ${why}`,
    peak: null,
    steps: [],
    peakRssMiB: null,
    info: {},
  };
}

function summaryLine(e: EngineResult): string {
  if (e.status !== "ok") return `${e.engine}: ${e.status} (${e.reason})`;
  const peak = e.peak ? `peak ${fmt(e.peak.gflops)} GFLOP/s` : "no peak";
  const steps = e.steps.map((s) => `${s.rule} ${fmt(s.samplesPerSec)} samples/s`).join(", ");
  return `${e.engine}: ${peak}${steps ? `; ${steps}` : ""}`;
}

/** The FLOP formulas of every rule in the config. */
export function flopTable(config: StepConfig) {
  return [...new Set([...config.rules, ...config.referenceRules])].map((r) =>
    denseStepFlops(r, config),
  );
}

/**
 * The `rules` benchmark (and `matmul`, `torch`: the same with fewer parts): per engine the
 * matmul peak, then one dense Hebbian step per rule in samples/s, GFLOP/s and fraction of peak.
 */
export async function runRules(benchmark: string, o: RulesRunOptions): Promise<BenchReport> {
  const config = checkStepConfig(o.config);
  const machine = machineInfo();
  const date = new Date().toISOString();
  const log = o.log ?? (() => {});
  const local: LocalEngine[] = [
    ...o.backends.map((b) => `tfjs:${b}` as const),
    ...(o.core ? (["core"] as const) : []),
  ];
  const isolate = o.isolate && existsSync(ENTRY);
  const engines: EngineResult[] = [];
  const notes: string[] = [];
  if (o.isolate && !isolate)
    notes.push(`${ENTRY} not built: engines ran in one process (peak RSS is cumulative)`);
  for (const e of local) {
    log(`${e}: running${isolate ? " (own process)" : ""}...`);
    const r = isolate ? runEngineInChild(e, config) : await runLocalEngine(e, config);
    engines.push(r);
    log(summaryLine(r));
  }
  if (o.torchThreads.length > 0) {
    log(
      `torch: running ${config.rules.join(", ") || "matmul only"} at threads ${o.torchThreads.join(", ")}...`,
    );
    for (const r of runTorchEngines(config, o.torchThreads)) {
      engines.push(r);
      log(summaryLine(r));
    }
  }
  for (const e of engines) {
    if (e.status !== "ok") notes.push(`${e.engine} ${e.status}: ${e.reason}`);
    const libs = e.info.blasLibraries;
    if (e.engine.startsWith("torch:") && Array.isArray(libs)) {
      const n = blasNote(libs as string[]);
      if (n && !notes.includes(n)) notes.push(n);
    }
    const leaked = e.info.tensorsLeaked;
    if (typeof leaked === "number" && leaked !== 0)
      notes.push(`${e.engine}: ${leaked} tensors leaked during the run`);
  }
  return {
    benchmark,
    date,
    machine,
    loadAvg1AtEnd: loadAvg1(),
    config,
    flops: flopTable(config),
    engines,
    notes,
  };
}
