import type { ProbeKind } from "../config/schema.js";
import type { EvalReport } from "../eval/report.js";
import type { RunSummary } from "../run/summary.js";

/** What one run of a sweep (or one run directory) contributes to the aggregate. */
export interface RunOutcome {
  readonly id: string;
  /** Runs sharing a group differ only in seed. */
  readonly group: string;
  /** The settings that vary across the sweep (seed excluded), for the group's label. */
  readonly varied: Readonly<Record<string, unknown>>;
  readonly seed: number;
  readonly summary: RunSummary | null;
  /** Why the run failed, when it did. */
  readonly error?: string;
}

/** mean ± std (sample std, n − 1) of one quantity over a group's seeds. */
export interface Stat {
  readonly mean: number;
  readonly std: number;
  readonly n: number;
}

/** One group: its settings, seeds, and the statistics of every probe accuracy and of time. */
export interface GroupStats {
  readonly group: string;
  readonly varied: Readonly<Record<string, unknown>>;
  readonly seeds: readonly number[];
  readonly failed: number;
  /** "layer/probe" → test accuracy of the trained network over seeds; "output" for supervised kinds. */
  readonly accuracy: Readonly<Record<string, Stat>>;
  readonly wallSeconds: Stat | null;
  readonly trainSeconds: Stat | null;
}

export function stat(values: readonly number[]): Stat | null {
  const n = values.length;
  if (n === 0) return null;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const v = n > 1 ? values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0;
  return { mean, std: Math.sqrt(v), n };
}

/** The trained network's test accuracies of one run: "layer/probe" (and "output"). */
function accuracies(ev: EvalReport | null | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of ev?.rows ?? []) {
    if (r.variant === "random-init") continue;
    for (const [probe, res] of Object.entries(r.probes) as [
      ProbeKind,
      { testAccuracy: number },
    ][]) {
      out[`${r.layer}/${probe}`] = res.testAccuracy;
    }
  }
  if (ev?.output) out.output = ev.output.testAccuracy;
  return out;
}

/** Group runs that differ only in seed; mean ± std (and n) of every accuracy and of time. */
export function aggregateRuns(outcomes: readonly RunOutcome[]): GroupStats[] {
  const groups = new Map<string, RunOutcome[]>();
  for (const o of outcomes) groups.set(o.group, [...(groups.get(o.group) ?? []), o]);
  return [...groups.entries()].map(([group, unordered]) => {
    // by seed, so the sums (and the CSV) do not depend on the order the runs finished in
    const runs = [...unordered].sort((a, b) => a.seed - b.seed);
    const done = runs.filter((r) => r.summary?.status === "completed");
    const keys = [...new Set(done.flatMap((r) => Object.keys(accuracies(r.summary?.eval))))];
    const accuracy: Record<string, Stat> = {};
    for (const k of keys) {
      const s = stat(
        done.map((r) => accuracies(r.summary?.eval)[k]).filter((v) => v !== undefined) as number[],
      );
      if (s) accuracy[k] = s;
    }
    return {
      group,
      varied: runs[0]!.varied,
      seeds: runs.map((r) => r.seed),
      failed: runs.filter((r) => r.error !== undefined || r.summary?.status === "failed").length,
      accuracy,
      wallSeconds: stat(done.map((r) => r.summary!.wallSeconds)),
      trainSeconds: stat(done.map((r) => r.summary!.trainSeconds)),
    };
  });
}

const pct = (s: Stat | undefined) =>
  s === undefined ? "-" : `${(100 * s.mean).toFixed(2)} ± ${(100 * s.std).toFixed(2)}`;

function label(varied: Readonly<Record<string, unknown>>): string {
  const parts = Object.entries(varied).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return parts.length ? parts.join(" ") : "(base)";
}

/** The metric columns of a set of groups, input first, then layers in order, output last. */
function metricKeys(groups: readonly GroupStats[]): string[] {
  const rank = (k: string) => (k.startsWith("input/") ? 0 : k === "output" ? 2 : 1);
  return [...new Set(groups.flatMap((g) => Object.keys(g.accuracy)))].sort(
    (a, b) => rank(a) - rank(b) || a.localeCompare(b, undefined, { numeric: true }),
  );
}

/** The aggregate as rows of cells (for the text table and CSV). */
export function aggregateTable(groups: readonly GroupStats[]): {
  headers: string[];
  rows: string[][];
} {
  const keys = metricKeys(groups);
  const headers = ["setting", "n", "failed", ...keys.map((k) => `${k} %`), "wall s"];
  const rows = groups.map((g) => [
    label(g.varied),
    String(g.seeds.length - g.failed),
    String(g.failed),
    ...keys.map((k) => pct(g.accuracy[k])),
    g.wallSeconds ? `${g.wallSeconds.mean.toFixed(1)} ± ${g.wallSeconds.std.toFixed(1)}` : "-",
  ]);
  return { headers, rows };
}

const csvCell = (v: string | number) => {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** CSV: one row per group and metric (mean, std, n), easy to load in pandas or a spreadsheet. */
export function aggregateCsv(groups: readonly GroupStats[]): string {
  const lines = [["setting", "metric", "mean", "std", "n", "seeds", "failed"].join(",")];
  for (const g of groups) {
    const metrics: [string, Stat | null][] = [
      ...Object.entries(g.accuracy).map(([k, s]) => [`accuracy:${k}`, s] as [string, Stat]),
      ["wallSeconds", g.wallSeconds],
      ["trainSeconds", g.trainSeconds],
    ];
    for (const [m, s] of metrics) {
      if (!s) continue;
      lines.push(
        [label(g.varied), m, s.mean, s.std, s.n, g.seeds.join(" "), g.failed]
          .map(csvCell)
          .join(","),
      );
    }
  }
  return `${lines.join("\n")}\n`;
}
