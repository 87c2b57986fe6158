import { createHash } from "node:crypto";
import { basename, dirname, extname, resolve } from "node:path";
import { ConfigError, parseConfigSection } from "../config/errors.js";
import { buildConfig, type ConfigRegistries, readConfigFile } from "../config/load.js";
import type { ExperimentConfig } from "../config/schema.js";
import { type SweepFile, sweepSchema } from "./schema.js";

/** One run of an expanded sweep. */
export interface SweepRun {
  /** Position in the expansion (what `--index` and SLURM array task ids refer to). */
  readonly index: number;
  /** Stable id: a hash of the resolved config (the seed included, names excluded). */
  readonly id: string;
  readonly seed: number;
  /** The overrides that make this run (set, then grid, then list entry), seed excluded. */
  readonly overrides: Readonly<Record<string, unknown>>;
  /** The overrides without the sweep-wide `set`: what varies across the sweep. */
  readonly varied: Readonly<Record<string, unknown>>;
  /** Runs differing only in seed share a group (a hash of the config without the seed). */
  readonly group: string;
  readonly config: ExperimentConfig;
}

/** An expanded sweep: its name and every run. */
export interface ExpandedSweep {
  readonly name: string;
  readonly file: string;
  readonly sweep: SweepFile;
  readonly runs: readonly SweepRun[];
}

const hash = (v: unknown) =>
  createHash("sha256").update(JSON.stringify(v)).digest("hex").slice(0, 12);

/** The config without what does not change the numbers (name, description) and, for groups, the seed. */
function identity(config: ExperimentConfig, withSeed: boolean): unknown {
  const { name: _n, description: _d, seed, ...rest } = config;
  return withSeed ? { ...rest, seed } : rest;
}

/** Every combination of the grid's values, in the file's key order (the last key varies fastest). */
function gridPoints(grid: Record<string, readonly unknown[]>): Record<string, unknown>[] {
  let points: Record<string, unknown>[] = [{}];
  for (const [key, values] of Object.entries(grid)) {
    points = points.flatMap((p) => values.map((v) => ({ ...p, [key]: v })));
  }
  return points;
}

const asSets = (o: Record<string, unknown>) =>
  Object.entries(o).map(([k, v]) => `${k}=${JSON.stringify(v)}`);

/** Read and validate a sweep file (YAML/JSON); errors name the file and the field. */
export function readSweepFile(path: string): SweepFile {
  const raw = readConfigFile(path);
  return parseConfigSection(sweepSchema, raw, "", `sweep file ${path}`);
}

/**
 * Expand a sweep into runs: (grid points × list entries) × seeds, each resolved like
 * `plasticity run <base> --set …` and validated. Duplicate runs (the same resolved config) are
 * refused, naming both.
 */
export function expandSweep(path: string, regs: ConfigRegistries): ExpandedSweep {
  const file = resolve(path);
  const sweep = readSweepFile(file);
  const name = sweep.name ?? basename(file, extname(file)).replace(/[^A-Za-z0-9._-]/g, "-");
  const seeds =
    typeof sweep.seeds === "number"
      ? Array.from({ length: sweep.seeds }, (_, i) => i)
      : sweep.seeds;
  const entries = sweep.list.length > 0 ? sweep.list : [{}];
  const runs: SweepRun[] = [];
  const seen = new Map<string, number>();
  for (const point of gridPoints(sweep.grid)) {
    for (const entry of entries) {
      const varied = { ...point, ...entry };
      const overrides = { ...sweep.set, ...varied };
      for (const seed of seeds) {
        const index = runs.length;
        let config: ExperimentConfig;
        try {
          config = buildConfig(
            { target: sweep.base, sets: asSets(overrides), seed, cwd: dirname(file) },
            regs,
          ).config;
        } catch (err) {
          const e = err as ConfigError;
          throw new ConfigError(
            `sweep file ${file}, run ${index} (${asSets(varied).join(", ") || "base"}, seed ${seed}): ${e.message}`,
            e.field,
          );
        }
        config = { ...config, name };
        const id = hash(identity(config, true));
        const twin = seen.get(id);
        if (twin !== undefined) {
          throw new ConfigError(
            `sweep file ${file}: runs ${twin} and ${index} resolve to the same config; remove the duplicate`,
            "grid",
          );
        }
        seen.set(id, index);
        runs.push({
          index,
          id,
          seed,
          overrides,
          varied,
          group: hash(identity(config, false)),
          config,
        });
      }
    }
  }
  return { name, file, sweep, runs };
}
