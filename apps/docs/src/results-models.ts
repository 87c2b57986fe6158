import { z } from "@plasticity/core";
import type { ResultMeta, Table } from "./results";

/**
 * The paper models' tables. Speed: `pnpm -s bench <model> --json` of tools/bench
 * (hebbian-conv, feedback-alignment, similarity-matching) and `bench sweep --json`, each the
 * measure the model's issue names, ours beside the reference measured in the same run. Accuracy:
 * tools/bench/repro/amit.sh's results.jsonl, ours beside the PyTorch reference of each setting.
 */

const fmt = (v: number, digits = 1) =>
  v.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const times = (v: number) => `${fmt(v, 2)}×`;

const hebbianConv = z.object({
  benchmark: z.literal("hebbian-conv"),
  batch: z.number(),
  backend: z.string(),
  runs: z.array(z.object({ workers: z.number(), imagesPerSecond: z.number() })),
  torchImagesPerSecond: z.number().nullable().optional(),
  torchThreads: z.number().optional(),
});

const feedbackAlignment = z.object({
  benchmark: z.literal("feedback-alignment"),
  batch: z.number(),
  backend: z.string(),
  workers: z.number(),
  imagesPerSecond: z.record(z.string(), z.number()),
  torchBpImagesPerSecond: z.number().nullable().optional(),
  torchThreads: z.number().optional(),
});

const dynamics = z.object({
  imagesPerSecond: z.number(),
  featureImagesPerSecond: z.number(),
  meanSteps: z.number(),
  featureMeanSteps: z.number(),
});
const similarityMatching = z.object({
  benchmark: z.literal("similarity-matching"),
  nps: z.number(),
  workers: z.number(),
  backend: z.string(),
  tolerance: dynamics,
  fixed99: dynamics,
  official: z
    .object({
      ok: z.literal(true),
      imagesPerSecond: z.number(),
      featureImagesPerSecond: z.number(),
    })
    .or(z.object({ ok: z.literal(false) }))
    .optional(),
});

const sweep = z.object({
  benchmark: z.literal("sweep"),
  runs: z.number(),
  wallSeconds: z.record(z.string(), z.number()),
});

const modelBench = z.discriminatedUnion("benchmark", [
  hebbianConv,
  feedbackAlignment,
  similarityMatching,
  sweep,
]);

type Row = [string, string, string, string, string];

function hebbianConvRows(b: z.output<typeof hebbianConv>): Row[] {
  const best = b.runs.reduce((a, r) => (r.imagesPerSecond > a.imagesPerSecond ? r : a));
  const torch = b.torchImagesPerSecond ?? null;
  const what = `training step incl. ZCA, CIFAR shape, batch ${b.batch} (images/s)`;
  return [
    [
      "hebbian-conv",
      what,
      `${fmt(best.imagesPerSecond)} (${b.backend}, ${best.workers} thread${best.workers > 1 ? "s" : ""})`,
      torch === null ? "–" : `${fmt(torch)} (PyTorch, ${b.torchThreads ?? "?"} threads)`,
      torch === null ? "–" : times(best.imagesPerSecond / torch),
    ],
  ];
}

function feedbackAlignmentRows(b: z.output<typeof feedbackAlignment>): Row[] {
  const torch = b.torchBpImagesPerSecond ?? null;
  return Object.entries(b.imagesPerSecond).map(([method, ips]) => [
    "feedback-alignment",
    `${method} step, deep network, CIFAR shape, batch ${b.batch} (images/s)`,
    `${fmt(ips)} (${b.backend}, ${b.workers} workers)`,
    torch === null ? "–" : `${fmt(torch)} (PyTorch autograd BP, ${b.torchThreads ?? "?"} threads)`,
    torch === null ? "–" : times(ips / torch),
  ]);
}

function similarityMatchingRows(b: z.output<typeof similarityMatching>): Row[] {
  const official = b.official?.ok ? b.official : null;
  const row = (what: string, unit: string, v: number, ref: number | undefined): Row => [
    "similarity-matching",
    `NpS ${b.nps}, ${what} (${unit})`,
    `${fmt(v)} (${b.backend}, ${b.workers} workers)`,
    ref === undefined ? "–" : `${fmt(ref)} (official NumPy code, 99 steps)`,
    ref === undefined ? "–" : times(v / ref),
  ];
  // the official code always runs 99 Euler steps; at the tolerance ours runs more, so compare
  // Euler steps of one sample per second
  const tol = (part: string, ips: number, steps: number, ref: number | undefined) =>
    row(
      `${part} at ‖du‖/‖u‖ < 1e-4, ${fmt(steps, 0)} steps/image`,
      "sample-steps/s",
      ips * steps,
      ref === undefined ? undefined : ref * 99,
    );
  const t = b.tolerance;
  return [
    row(
      "training, 99 fixed steps",
      "images/s",
      b.fixed99.imagesPerSecond,
      official?.imagesPerSecond,
    ),
    row(
      "features, 99 fixed steps",
      "images/s",
      b.fixed99.featureImagesPerSecond,
      official?.featureImagesPerSecond,
    ),
    tol("training", t.imagesPerSecond, t.meanSteps, official?.imagesPerSecond),
    tol("features", t.featureImagesPerSecond, t.featureMeanSteps, official?.featureImagesPerSecond),
  ];
}

function sweepRows(b: z.output<typeof sweep>): Row[] {
  const one = b.wallSeconds["1"];
  return Object.entries(b.wallSeconds)
    .filter(([jobs]) => jobs !== "1")
    .map(([jobs, s]) => [
      "sweep",
      `${b.runs} short MNIST runs, wall seconds`,
      `${fmt(s)} s (--jobs ${jobs})`,
      one === undefined ? "–" : `${fmt(one)} s (--jobs 1)`,
      one === undefined ? "–" : `${times(one / s)} faster`,
    ]);
}

/** One row per measure of a model benchmark's JSON, ours beside the reference of the same run. */
export function benchModelTable(
  raw: unknown,
  meta: ResultMeta,
  file: string,
  parse: <T extends z.ZodType>(schema: T, raw: unknown, file: string) => z.output<T>,
): Table {
  const b = parse(modelBench, raw, file);
  const rows =
    b.benchmark === "hebbian-conv"
      ? hebbianConvRows(b)
      : b.benchmark === "feedback-alignment"
        ? feedbackAlignmentRows(b)
        : b.benchmark === "similarity-matching"
          ? similarityMatchingRows(b)
          : sweepRows(b);
  return {
    headers: ["benchmark", "measure", "ours", "reference", "ours / reference", "command", "date"],
    rows: rows.map((r) => [...r, meta.command, meta.date]),
  };
}

const reproRun = z.object({
  engine: z.string(),
  net: z.string(),
  dataset: z.string(),
  untied: z.boolean(),
  method: z.string(),
  seed: z.number(),
  testError: z.number(),
});

const METHODS = ["bp", "fa", "urfb", "kp", "dfa"];

/** Test error % of one cell: one seed, or mean ± half the range over seeds. */
function errorCell(errors: readonly number[]): string {
  if (errors.length === 0) return "–";
  const pct = errors.map((e) => 100 * e);
  const mean = pct.reduce((a, b) => a + b, 0) / pct.length;
  if (pct.length === 1) return fmt(mean);
  const half = (Math.max(...pct) - Math.min(...pct)) / 2;
  return `${fmt(mean)} ± ${fmt(half)} (${pct.length} seeds)`;
}

/**
 * tools/bench/repro/amit.sh's results.jsonl: test error % per method, one row per network, data,
 * conv kind and engine, so ours sits beside the PyTorch reference of the same setting.
 */
export function amitReproTable(
  raw: unknown,
  meta: ResultMeta,
  file: string,
  parse: <T extends z.ZodType>(schema: T, raw: unknown, file: string) => z.output<T>,
): Table {
  const runs = parse(z.array(reproRun).min(1), raw, file);
  const key = (r: z.output<typeof reproRun>) =>
    [r.net, r.dataset, r.untied ? "untied" : "tied", r.engine].join("\t");
  const keys = [...new Set(runs.map(key))].sort();
  const rows = keys.map((k) => [
    ...k.split("\t"),
    ...METHODS.map((m) =>
      errorCell(runs.filter((r) => key(r) === k && r.method === m).map((r) => r.testError)),
    ),
    meta.command,
    meta.date,
  ]);
  return {
    headers: [
      "network",
      "data",
      "conv",
      "engine",
      ...METHODS.map((m) => `${m} test error %`),
      "command",
      "date",
    ],
    rows,
  };
}
