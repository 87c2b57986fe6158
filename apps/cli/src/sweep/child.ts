import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { RunSummary } from "@plasticity/experiments/config";

/** This CLI's own entry point, to run one sweep run per child process. */
const BIN = fileURLToPath(new URL("../bin.js", import.meta.url));

/** How a child run ended. */
export interface ChildResult {
  /** Exit code, or null when killed by a signal. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly summary: RunSummary | null;
  /** The last lines of its stderr (the error, for a failed run). */
  readonly errorTail: string;
}

/** A running child: its result, and a way to stop it cleanly (SIGTERM: checkpoint, exit 143). */
export interface RunningChild {
  readonly done: Promise<ChildResult>;
  stop(): void;
}

/**
 * Run (or resume) the run in `dir` in a child process: `plasticity run --resume <dir> --json`,
 * single-threaded (PLASTICITY_THREADS=1), its stderr appended to `<dir>/run.log`. The child
 * watches its parent (PLASTICITY_WATCH_PARENT=1) and exits at once if the parent dies, so a
 * worker killed with kill -9 leaves no orphan writing into a run another worker resumes.
 */
export function runChild(dir: string, plugins: readonly string[] = []): RunningChild {
  const log = createWriteStream(join(dir, "run.log"), { flags: "a" });
  const child = spawn(
    process.execPath,
    [BIN, "run", "--resume", dir, "--json", ...plugins.flatMap((p) => ["--plugin", p])],
    {
      env: {
        ...process.env,
        PLASTICITY_THREADS: "1",
        PLASTICITY_WATCH_PARENT: "1",
        FORCE_COLOR: "0",
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stdout = "";
  let tail = "";
  child.stdout.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on("data", (d: Buffer) => {
    log.write(d);
    tail = (tail + d.toString()).slice(-4000);
  });
  const done = new Promise<ChildResult>((resolve) => {
    child.on("close", (code, signal) => {
      log.end();
      let summary: RunSummary | null = null;
      try {
        const doc = JSON.parse(stdout) as RunSummary & { error?: unknown };
        if (doc?.format === "plasticity.summary") summary = doc;
      } catch {
        summary = null;
      }
      const lines = tail
        .trim()
        .split("\n")
        .filter((l) => l.startsWith("plasticity:"));
      resolve({
        code,
        signal,
        summary,
        errorTail: lines.slice(-3).join("\n") || tail.trim().slice(-500),
      });
    });
  });
  return { done, stop: () => child.kill("SIGTERM") };
}
