import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import type { RunResult } from "@plasticity/experiments";
import { buildConfig, DEFAULT_PRESET, type Registries } from "@plasticity/experiments/config";
import { asUsage, EXIT, UsageError, usagePhase } from "../errors.js";
import { eventPrinter } from "../events.js";
import { formatRunSummary } from "../format.js";
import { type CliIO, printJson } from "../io.js";

const tensorStack = () => import("@plasticity/experiments");

export interface RunFlags {
  set: string[];
  seed?: number;
  backend?: string;
  out: string;
  resume?: string;
  json?: boolean;
  plugin: string[];
}

/** Registry loaders the commands share (plugins from the command line and from a run dir). */
export interface RegistryLoaders {
  withPlugins(plugins: readonly string[]): Promise<{ regs: Registries; resolved: string[] }>;
  forRun(dir: string, plugins: readonly string[]): Promise<Registries>;
}

/** Exit codes of the signals a run stops cleanly on (128 + signal number, as shells report). */
const SIGNAL_EXIT = { SIGINT: EXIT.interrupted, SIGTERM: 143 } as const;
type StopSignal = keyof typeof SIGNAL_EXIT;

/**
 * Ctrl-C (SIGINT) and SIGTERM (what clusters and Kubernetes send on pre-emption) both finish the
 * current step, write a checkpoint and stop; a second signal quits at once.
 */
function stopOnSignals(io: CliIO) {
  const controller = new AbortController();
  let received: StopSignal | null = null;
  const handler = (sig: StopSignal) => () => {
    if (received) process.exit(SIGNAL_EXIT[sig]);
    received = sig;
    io.stderr.write(
      `\nplasticity: ${sig === "SIGINT" ? "interrupted" : "terminated (SIGTERM)"}; finishing the current step and writing a checkpoint (send it again to quit now)\n`,
    );
    controller.abort();
  };
  const onInt = handler("SIGINT");
  const onTerm = handler("SIGTERM");
  process.on("SIGINT", onInt);
  process.on("SIGTERM", onTerm);
  return {
    signal: controller.signal,
    received: () => received,
    off() {
      process.off("SIGINT", onInt);
      process.off("SIGTERM", onTerm);
    },
  };
}

/**
 * A run started by a sweep worker (PLASTICITY_WATCH_PARENT=1) exits at once when its parent
 * dies: Node has no parent-death signal, and an orphan would keep writing into a run directory
 * that another worker is about to resume.
 */
function watchParent(): void {
  if (process.env.PLASTICITY_WATCH_PARENT !== "1") return;
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) process.exit(137);
  }, 250).unref();
}

/** `--out` must be a directory (or not exist yet): say so before any work. */
function checkOut(cwd: string, out: string): string {
  const dir = resolve(cwd, out);
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new UsageError(
      `--out ${out}: ${dir} is a file; give a directory for the run directories (default: runs)`,
      "--out",
    );
  }
  return dir;
}

/** `plasticity run`: a new run from a preset or config, or `--resume` of a run directory. */
export async function runCommand(
  io: CliIO,
  target: string | undefined,
  o: RunFlags,
  loaders: RegistryLoaders,
): Promise<number> {
  const json = Boolean(o.json);
  if (o.resume && (target || o.set.length || o.seed !== undefined || o.backend)) {
    throw new UsageError(
      "--resume continues a run with its own config.json; drop the preset/config, --set, --seed and --backend (or start a new run instead)",
      "--resume",
    );
  }
  watchParent();
  const { resumeExperiment, runExperiment, RunInterruptedError } = await tensorStack();
  const stop = stopOnSignals(io);
  const printer = await eventPrinter(io, json);
  let result: RunResult;
  try {
    if (o.resume) {
      const regs = await loaders.forRun(o.resume, o.plugin);
      result = await resumeExperiment(resolve(io.cwd, o.resume), {
        registries: regs,
        signal: stop.signal,
        onEvent: printer.onEvent,
      }).catch((err) => {
        throw asUsageIfConfig(err);
      });
    } else {
      const outDir = await usagePhase(() => checkOut(io.cwd, o.out));
      const { regs, resolved } = await loaders.withPlugins(o.plugin);
      const { config, source } = await usagePhase(() =>
        buildConfig(
          {
            target: target ?? DEFAULT_PRESET,
            sets: o.set,
            seed: o.seed,
            backend: o.backend,
            cwd: io.cwd,
          },
          regs,
        ),
      );
      result = await runExperiment(config, {
        registries: regs,
        outDir,
        signal: stop.signal,
        onEvent: printer.onEvent,
        source,
        plugins: resolved,
      }).catch((err) => {
        throw asUsageIfConfig(err);
      });
    }
  } catch (err) {
    const sig = stop.received();
    if (err instanceof RunInterruptedError && sig) {
      if (json)
        printJson(io, {
          interrupted: {
            signal: sig,
            step: err.step,
            dir: err.dir,
            checkpoint: err.checkpoint,
            resume: `plasticity run --resume ${err.dir}`,
          },
        });
      io.stderr.write(`plasticity: ${err.message}\n`);
      return SIGNAL_EXIT[sig];
    }
    throw err;
  } finally {
    printer.stop();
    stop.off();
  }
  if (json) printJson(io, result.summary);
  else io.stdout.write(`${formatRunSummary(result.summary)}\n`);
  return EXIT.ok;
}

/** Config problems found once the data is in hand (batch larger than the set, ...) are usage errors. */
function asUsageIfConfig(err: unknown): unknown {
  return (err as { name?: string })?.name === "ConfigError" ? asUsage(err) : err;
}
