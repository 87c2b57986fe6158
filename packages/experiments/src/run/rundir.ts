import { existsSync, mkdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { PlasticityError } from "@plasticity/core";

/** The files of one run directory. */
export interface RunPaths {
  readonly dir: string;
  /** The resolved config; `plasticity run <dir>/config.json` repeats the run. */
  readonly config: string;
  /** One JSON object per logged step. */
  readonly metrics: string;
  /** Final metrics, probes, backend, versions, seed, wall time, peak RSS. */
  readonly summary: string;
  readonly checkpoints: string;
  readonly figures: string;
}

export function runPaths(dir: string): RunPaths {
  const d = resolve(dir);
  return {
    dir: d,
    config: join(d, "config.json"),
    metrics: join(d, "metrics.jsonl"),
    summary: join(d, "summary.json"),
    checkpoints: join(d, "checkpoints"),
    figures: join(d, "figures"),
  };
}

/** Local time as YYYYMMDD-HHMMSS (sorts chronologically, safe in file names). */
export function timestamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/** Make `<root>/<name>-<timestamp>` (with -2, -3, ... if taken) and its sub-folders. */
export function createRunDir(root: string, name: string, now = new Date()): RunPaths {
  if (existsSync(root) && !statSync(root).isDirectory()) {
    throw new PlasticityError(
      `--out: ${resolve(root)} is a file, not a directory; give a directory for the run directories (default runs/)`,
      "--out",
    );
  }
  mkdirSync(root, { recursive: true });
  const base = `${name}-${timestamp(now)}`;
  for (let i = 1; i < 1000; i++) {
    const dir = join(root, i === 1 ? base : `${base}-${i}`);
    try {
      mkdirSync(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "EEXIST") continue;
      throw err;
    }
    const paths = runPaths(dir);
    mkdirSync(paths.checkpoints);
    mkdirSync(paths.figures);
    return paths;
  }
  throw new PlasticityError(`could not create a run directory under ${root} for ${base}`, "out");
}

/** Check that `dir` is a run directory (has config.json); the error says what was expected. */
export function requireRunDir(dir: string): RunPaths {
  const paths = runPaths(dir);
  if (!existsSync(paths.dir) || !statSync(paths.dir).isDirectory()) {
    throw new PlasticityError(`run directory ${paths.dir} does not exist`, dir);
  }
  if (!existsSync(paths.config)) {
    throw new PlasticityError(
      `${paths.dir} is not a run directory: it has no config.json (expected runs/<name>-<timestamp>/ made by plasticity run)`,
      dir,
    );
  }
  mkdirSync(paths.checkpoints, { recursive: true });
  mkdirSync(paths.figures, { recursive: true });
  return paths;
}
