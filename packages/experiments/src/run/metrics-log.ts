import { appendFileSync, existsSync } from "node:fs";
import { PlasticityError } from "@plasticity/core";
import type { MetricRow } from "../figures/charts.js";
import { readTextFile, writeFileAtomic } from "../io/atomic.js";

/**
 * metrics.jsonl: one JSON object per logged step, appended as training goes. Rows are also kept
 * in memory so that checkpoints carry them; on resume the file is rewritten from the checkpoint,
 * dropping rows logged after it (and any line cut short by a kill).
 */
export class MetricsLog {
  private readonly data: MetricRow[];

  constructor(
    readonly path: string,
    rows: readonly MetricRow[] = [],
  ) {
    this.data = rows.map((r) => ({ ...r }));
    writeFileAtomic(path, this.data.map((r) => `${JSON.stringify(r)}\n`).join(""));
  }

  append(row: MetricRow): void {
    for (const [k, v] of Object.entries(row)) {
      if (typeof v !== "number" || !Number.isFinite(v)) {
        throw new PlasticityError(
          `metric "${k}" at step ${row.step} is not a finite number (${v})`,
          k,
        );
      }
    }
    this.data.push({ ...row });
    appendFileSync(this.path, `${JSON.stringify(row)}\n`);
  }

  get rows(): readonly MetricRow[] {
    return this.data;
  }
}

/** Parse metrics.jsonl; a bad line throws naming the file and line (a cut-off last line is skipped). */
export function readMetrics(path: string): MetricRow[] {
  if (!existsSync(path)) return [];
  const lines = readTextFile(path, "metrics file").split("\n");
  const rows: MetricRow[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    try {
      const r = JSON.parse(line) as MetricRow;
      if (typeof r !== "object" || r === null || typeof r.step !== "number")
        throw new Error("no numeric step");
      rows.push(r);
    } catch (err) {
      const last = i === lines.length - 1;
      if (last) return; // the process was killed while writing this line
      throw new PlasticityError(
        `${path}:${i + 1}: not a metrics row (${(err as Error).message})`,
        path,
      );
    }
  });
  return rows;
}
