import * as vega from "vega";
import type { TopLevelSpec } from "vega-lite";
import * as vegaLite from "vega-lite";

/** Render a Vega-Lite spec to an SVG string in Node (no canvas needed). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const compiled = vegaLite.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** One logged row of metrics.jsonl. */
export interface MetricRow {
  readonly step: number;
  readonly [metric: string]: number;
}

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

/**
 * Training curves: one small panel per metric (own y scale) against the step, from metrics.jsonl
 * rows. `metrics` picks and orders them (default: every numeric field except step/epoch/samples).
 */
export function metricsChartSpec(
  rows: readonly MetricRow[],
  metrics?: readonly string[],
): TopLevelSpec {
  const skip = new Set(["step", "epoch", "samples"]);
  const names = metrics ?? [
    ...new Set(
      rows.flatMap((r) => Object.keys(r).filter((k) => !skip.has(k) && typeof r[k] === "number")),
    ),
  ];
  const values = rows.flatMap((r) =>
    names
      .filter((m) => typeof r[m] === "number" && Number.isFinite(r[m]))
      .map((m) => ({ step: r.step, metric: m, value: r[m] })),
  );
  return {
    $schema: SCHEMA,
    title: "Training metrics",
    data: { values },
    facet: { row: { field: "metric", type: "nominal", title: null, sort: names as string[] } },
    spec: {
      width: 420,
      height: 90,
      mark: { type: "line", point: rows.length <= 30 },
      encoding: {
        x: { field: "step", type: "quantitative", title: "step" },
        y: { field: "value", type: "quantitative", title: null, scale: { zero: false } },
      },
    },
    resolve: { scale: { y: "independent" } },
  };
}

/** One probe accuracy for the per-layer chart. */
export interface AccuracyPoint {
  readonly layer: string;
  readonly variant: string;
  readonly probe: string;
  readonly accuracy: number;
}

/** Test accuracy per layer, trained vs random-init (and input), one panel per probe. */
export function accuracyChartSpec(
  points: readonly AccuracyPoint[],
  layers: readonly string[],
): TopLevelSpec {
  return {
    $schema: SCHEMA,
    title: "Linear-probe test accuracy per layer",
    data: { values: points.map((p) => ({ ...p })) },
    facet: { column: { field: "probe", type: "nominal", title: "probe" } },
    spec: {
      width: Math.max(160, 70 * layers.length),
      height: 240,
      layer: [
        {
          mark: { type: "bar" },
          encoding: {
            x: { field: "layer", type: "nominal", sort: layers as string[], title: "layer" },
            xOffset: { field: "variant", type: "nominal" },
            y: {
              field: "accuracy",
              type: "quantitative",
              scale: { domain: [0, 1] },
              title: "test accuracy",
            },
            color: { field: "variant", type: "nominal", title: null },
          },
        },
        {
          mark: { type: "text", dy: -6, fontSize: 9 },
          encoding: {
            x: { field: "layer", type: "nominal", sort: layers as string[] },
            xOffset: { field: "variant", type: "nominal" },
            y: { field: "accuracy", type: "quantitative" },
            text: { field: "accuracy", type: "quantitative", format: ".3f" },
          },
        },
      ],
    },
  };
}

/** Confusion matrix heat map (rows: true class, columns: predicted class). */
export function confusionChartSpec(
  confusion: readonly (readonly number[])[],
  classes: readonly string[],
  title: string,
): TopLevelSpec {
  const values = confusion.flatMap((row, t) =>
    row.map((count, p) => ({
      true: classes[t] ?? String(t),
      predicted: classes[p] ?? String(p),
      count,
    })),
  );
  const order = classes.length ? [...classes] : confusion.map((_, i) => String(i));
  return {
    $schema: SCHEMA,
    title,
    data: { values },
    width: 24 * order.length,
    height: 24 * order.length,
    layer: [
      {
        mark: "rect",
        encoding: {
          x: { field: "predicted", type: "ordinal", sort: order },
          y: { field: "true", type: "ordinal", sort: order },
          color: {
            field: "count",
            type: "quantitative",
            scale: { type: "symlog", scheme: "blues" },
          },
        },
      },
      {
        mark: { type: "text", fontSize: 8 },
        encoding: {
          x: { field: "predicted", type: "ordinal", sort: order },
          y: { field: "true", type: "ordinal", sort: order },
          text: { field: "count", type: "quantitative" },
        },
      },
    ],
  };
}

/** Test accuracy per layer, one bar per run, one panel per probe (`plasticity compare --chart`). */
export function compareAccuracySpec(
  values: readonly { run: string; layer: string; probe: string; accuracy: number }[],
  layers: readonly string[],
): TopLevelSpec {
  const runs = new Set(values.map((v) => v.run)).size;
  return {
    $schema: SCHEMA,
    title: "Linear-probe test accuracy per layer",
    data: { values: values.map((v) => ({ ...v })) },
    facet: { column: { field: "probe", type: "nominal", title: "probe" } },
    spec: {
      width: Math.max(180, 28 * runs * layers.length),
      height: 240,
      layer: [
        {
          mark: { type: "bar" },
          encoding: {
            x: { field: "layer", type: "nominal", sort: layers as string[], title: "layer" },
            xOffset: { field: "run", type: "nominal" },
            y: {
              field: "accuracy",
              type: "quantitative",
              title: "test accuracy",
              scale: { zero: false },
            },
            color: {
              field: "run",
              type: "nominal",
              title: "run",
              legend: { orient: "bottom", columns: 1, labelLimit: 400 },
            },
          },
        },
        {
          mark: { type: "text", dy: -6, fontSize: 8 },
          encoding: {
            x: { field: "layer", type: "nominal", sort: layers as string[] },
            xOffset: { field: "run", type: "nominal" },
            y: { field: "accuracy", type: "quantitative" },
            text: { field: "accuracy", type: "quantitative", format: ".3f" },
          },
        },
      ],
    },
  };
}
