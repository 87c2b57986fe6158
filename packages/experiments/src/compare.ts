import { basename } from "node:path";
import { PlasticityError } from "@plasticity/core";
import type { ProbeKind } from "./config/schema.js";
import { accuracyOf, type EvalReport } from "./eval/report.js";
import { readJsonFile } from "./io/atomic.js";
import { requireRunDir } from "./run/rundir.js";
import { type RunSummary, readSummary } from "./run/summary.js";

/** One run in a comparison. */
export interface CompareRow {
  readonly run: string;
  readonly dir: string;
  readonly status: RunSummary["status"] | "no summary";
  readonly model: string;
  /** Rule names per layer when the model has them (hebbian-mlp). */
  readonly rules: string;
  readonly seed: number | null;
  readonly steps: string;
  readonly backend: string;
  readonly trainSeconds: number | null;
  readonly peakRssMB: number | null;
  /** "layer/probe" → test accuracy of the trained model, the random init, and the input. */
  readonly accuracy: Record<string, { trained?: number; randomInit?: number }>;
}

function rulesOf(config: unknown): string {
  const layers = (config as { model?: { layers?: { rule?: unknown }[] } })?.model?.layers;
  return Array.isArray(layers) ? layers.map((l) => String(l?.rule ?? "?")).join(",") : "";
}

function accuracies(ev: EvalReport | null): CompareRow["accuracy"] {
  const out: CompareRow["accuracy"] = {};
  if (!ev) return out;
  for (const r of ev.rows) {
    for (const probe of Object.keys(r.probes) as ProbeKind[]) {
      const key = `${r.layer}/${probe}`;
      const cell = out[key] ?? {};
      out[key] = cell;
      if (r.variant === "random-init")
        cell.randomInit = accuracyOf(ev, r.layer, "random-init", probe);
      else cell.trained = accuracyOf(ev, r.layer, r.variant, probe);
    }
  }
  return out;
}

/** Read the summaries (and configs) of run directories for a side-by-side table. */
export function compareRuns(dirs: readonly string[]): CompareRow[] {
  if (dirs.length === 0)
    throw new PlasticityError("compare: give at least one run directory", "dirs");
  return dirs.map((d) => {
    const paths = requireRunDir(d);
    const s = readSummary(paths.summary);
    const config = readJsonFile(paths.config, "config");
    return {
      run: basename(paths.dir),
      dir: paths.dir,
      status: s?.status ?? "no summary",
      model: s?.model ?? String((config as { model?: { kind?: string } })?.model?.kind ?? "?"),
      rules: rulesOf(config),
      seed: s?.seed ?? null,
      steps: s ? `${s.steps.done}/${s.steps.total}` : "?",
      backend: s?.backend?.name ?? "?",
      trainSeconds: s ? s.trainSeconds : null,
      peakRssMB: s ? s.peakRssMB : null,
      accuracy: accuracies(s?.eval ?? null),
    };
  });
}

/** Pad columns of strings into an aligned text table with a header rule. */
export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (c ?? "").padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  return [line(headers), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

const pct = (v: number | undefined) => (v === undefined ? "-" : (100 * v).toFixed(2));

/** The comparison as a text table: one row per run, "trained (random init)" accuracy in %. */
export function formatComparison(rows: readonly CompareRow[]): string {
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r.accuracy)))].sort((a, b) => {
    const ia = a.startsWith("input/") ? 0 : 1;
    const ib = b.startsWith("input/") ? 0 : 1;
    return ia - ib || a.localeCompare(b, undefined, { numeric: true });
  });
  const headers = [
    "run",
    "status",
    "model",
    "rules",
    "seed",
    "steps",
    "backend",
    "train s",
    ...keys.map((k) => `${k} %`),
  ];
  const body = rows.map((r) => [
    r.run,
    r.status,
    r.model,
    r.rules,
    r.seed === null ? "?" : String(r.seed),
    r.steps,
    r.backend,
    r.trainSeconds === null ? "?" : r.trainSeconds.toFixed(1),
    ...keys.map((k) => {
      const c = r.accuracy[k];
      if (!c) return "-";
      return c.randomInit === undefined
        ? pct(c.trained)
        : `${pct(c.trained)} (${pct(c.randomInit)})`;
    }),
  ]);
  return `${formatTable(headers, body)}\n\nCells: linear-probe test accuracy in %, trained (random init).`;
}

/**
 * Probe accuracy per layer for several runs side by side (one bar per run, one panel per probe),
 * as an SVG string: e.g. Miconi's baseline vs interventions, or the layers of a sweep.
 */
export async function compareChartSvg(rows: readonly CompareRow[]): Promise<string> {
  const values = rows.flatMap((r) =>
    Object.entries(r.accuracy)
      .filter(([, c]) => c.trained !== undefined)
      .map(([key, c]) => {
        const [layer, probe] = key.split("/") as [string, string];
        return { run: r.run, layer, probe, accuracy: c.trained! };
      }),
  );
  if (values.length === 0) {
    throw new PlasticityError(
      "compare --chart: none of these runs has probe results yet (finish or `plasticity eval` them first)",
      "--chart",
    );
  }
  const layers = [...new Set(values.map((v) => v.layer))].sort((a, b) =>
    a === "input" ? -1 : b === "input" ? 1 : a.localeCompare(b, undefined, { numeric: true }),
  );
  const { compareAccuracySpec, renderSvg } = await import("./figures/charts.js");
  return renderSvg(compareAccuracySpec(values, layers));
}
