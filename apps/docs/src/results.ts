import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "@plasticity/core";
import { amitReproTable, benchModelTable } from "./results-models";

/** results/<name>/meta.json: what produced the output file beside it (see results/README.md). */
export const metaSchema = z.object({
  kind: z.string().min(1),
  title: z.string().min(1),
  file: z.string().min(1),
  command: z.string().min(1),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected YYYY-MM-DD"),
  cpu: z.string().min(1),
  note: z.string().optional(),
});
export type ResultMeta = z.output<typeof metaSchema>;

/** A table ready to render: header cells and rows of text cells. */
export interface Table {
  readonly headers: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

export interface Result {
  /** The folder name under results/. */
  readonly name: string;
  readonly meta: ResultMeta;
  /** Path of the output file from the repository root. */
  readonly path: string;
  /** Null for a kind this page does not tabulate (listed with its command and date only). */
  readonly table: Table | null;
}

const pct = (v: number | undefined) => (v === undefined ? "" : `${(100 * v).toFixed(2)}%`);
const num = (v: number, digits = 0) =>
  v.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

const summarySchema = z.object({
  name: z.string(),
  model: z.string(),
  dataset: z.object({ name: z.string(), train: z.number(), test: z.number() }),
  backend: z.object({ name: z.string() }),
  samples: z.number(),
  trainSeconds: z.number(),
  eval: z.object({
    nTrain: z.number(),
    nTest: z.number(),
    probes: z.array(z.string()),
    rows: z.array(
      z.object({
        layer: z.string(),
        variant: z.string(),
        dim: z.number(),
        probes: z.record(z.string(), z.object({ testAccuracy: z.number() })),
      }),
    ),
    output: z.object({ testAccuracy: z.number() }).optional(),
  }),
});

/**
 * Linear-probe test accuracy per layer and variant (trained / random-init) of a run summary, and
 * the network's own output accuracy when the model has one (`eval.output`).
 */
export function summaryTable(raw: unknown, meta: ResultMeta, file: string): Table {
  const s = parseFile(summarySchema, raw, file);
  const probes = s.eval.probes;
  const output = s.eval.output;
  const rows = s.eval.rows.map((r) => [
    s.name,
    r.layer,
    r.variant,
    String(r.dim),
    ...probes.map((p) => pct(r.probes[p]?.testAccuracy)),
    ...(output ? [r.variant === "trained" ? pct(output.testAccuracy) : ""] : []),
    `${s.eval.nTrain} / ${s.eval.nTest}`,
    `${num(s.samples / s.trainSeconds)} on ${s.backend.name}`,
    meta.command,
    meta.date,
  ]);
  return {
    headers: [
      "run",
      "layer",
      "features",
      "dim",
      ...probes.map((p) => `${p} test acc.`),
      ...(output ? ["output test acc."] : []),
      "probe fit / test images",
      "training samples/s",
      "command",
      "date",
    ],
    rows,
  };
}

const benchSchema = z.object({
  engines: z.array(
    z.object({
      engine: z.string(),
      status: z.string(),
      peak: z.object({ gflops: z.number() }).nullable().optional(),
      steps: z.array(z.object({ rule: z.string(), samplesPerSec: z.number(), gflops: z.number() })),
    }),
  ),
});

/** samples/s (GFLOP/s) per rule and engine of `bench rules --json`; skipped engines left out. */
export function benchTable(raw: unknown, meta: ResultMeta, file: string): Table {
  const b = parseFile(benchSchema, raw, file);
  const engines = b.engines.filter((e) => e.status === "ok");
  const rules = [...new Set(engines.flatMap((e) => e.steps.map((s) => s.rule)))];
  const rows = rules.map((rule) => [
    rule,
    ...engines.map((e) => {
      const s = e.steps.find((x) => x.rule === rule);
      return s
        ? `${num(s.samplesPerSec, s.samplesPerSec < 100 ? 1 : 0)} (${num(s.gflops, 1)})`
        : "–";
    }),
    meta.command,
    meta.date,
  ]);
  rows.push([
    "matmul peak, GFLOP/s",
    ...engines.map((e) => (e.peak ? num(e.peak.gflops, 1) : "–")),
    meta.command,
    meta.date,
  ]);
  return { headers: ["rule", ...engines.map((e) => e.engine), "command", "date"], rows };
}

function parseFile<T extends z.ZodType>(schema: T, raw: unknown, file: string): z.output<T> {
  const r = schema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new Error(`${file}: ${i.path.join(".") || "(root)"}: ${i.message}`);
  }
  return r.data;
}

const TABLES: Record<string, (raw: unknown, meta: ResultMeta, file: string) => Table> = {
  "run-summary": summaryTable,
  "bench-rules": benchTable,
  "bench-model": (raw, meta, file) => benchModelTable(raw, meta, file, parseFile),
  "amit-repro": (raw, meta, file) => amitReproTable(raw, meta, file, parseFile),
};

/** An output file: one JSON document, or JSON lines (`.jsonl`) as an array. */
function readOutput(file: string): unknown {
  const text = readFileSync(file, "utf8");
  if (!file.endsWith(".jsonl")) return JSON.parse(text);
  return text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l, i) => {
      try {
        return JSON.parse(l);
      } catch (e) {
        throw new Error(`${file}:${i + 1}: not JSON (${(e as Error).message})`);
      }
    });
}

/** Every results/<name>/meta.json with its output file, in folder-name order. */
export function loadResults(dir: string, fromRoot = "results"): Result[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const metaFile = join(dir, name, "meta.json");
      const meta = parseFile(metaSchema, JSON.parse(readFileSync(metaFile, "utf8")), metaFile);
      const file = join(dir, name, meta.file);
      const table = TABLES[meta.kind];
      return {
        name,
        meta,
        path: `${fromRoot}/${name}/${meta.file}`,
        table: table ? table(readOutput(file), meta, file) : null,
      };
    });
}
