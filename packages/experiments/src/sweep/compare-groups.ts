import { createHash } from "node:crypto";
import { readJsonFile } from "../io/atomic.js";
import { requireRunDir } from "../run/rundir.js";
import { readSummary } from "../run/summary.js";
import type { RunOutcome } from "./aggregate.js";

/** Leaf paths of a JSON value: { a: { b: 1 }, c: [2] } → { "a.b": 1, "c.0": 2 }. */
function flatten(
  v: unknown,
  prefix = "",
  out: Record<string, unknown> = {},
): Record<string, unknown> {
  if (v !== null && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) flatten(x, prefix ? `${prefix}.${k}` : k, out);
  } else out[prefix] = v;
  return out;
}

const IGNORED = new Set(["seed", "name", "description"]);

/**
 * Run directories as outcomes for `aggregateRuns`: grouped by their config without seed, name and
 * description, each group labelled by the config fields that differ across the runs given.
 */
export function outcomesOfRunDirs(dirs: readonly string[]): RunOutcome[] {
  const runs = dirs.map((d) => {
    const paths = requireRunDir(d);
    const config = readJsonFile(paths.config, "config") as Record<string, unknown>;
    const flat = flatten(
      Object.fromEntries(Object.entries(config).filter(([k]) => !IGNORED.has(k))),
    );
    return { dir: paths.dir, config, flat, summary: readSummary(paths.summary) };
  });
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r.flat)))];
  const varying = keys.filter((k) => new Set(runs.map((r) => JSON.stringify(r.flat[k]))).size > 1);
  return runs.map((r) => ({
    id: r.dir,
    group: createHash("sha256").update(JSON.stringify(r.flat)).digest("hex").slice(0, 12),
    varied: Object.fromEntries(varying.map((k) => [k, r.flat[k]])),
    seed: Number(r.config.seed ?? 0),
    summary: r.summary,
    ...(r.summary?.status === "failed" ? { error: r.summary.error ?? "failed" } : {}),
  }));
}
