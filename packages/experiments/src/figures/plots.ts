import type { TopLevelSpec } from "vega-lite";
import type { ModelPlot } from "../models/model.js";
import { renderSvg } from "./charts.js";
import { filterGridPng } from "./filters.js";

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

type Of<K extends ModelPlot["kind"]> = Extract<ModelPlot, { kind: K }>;

function barsSpec(p: Of<"bars">): TopLevelSpec {
  const grouped = p.values.some((v) => v.group !== undefined);
  return {
    $schema: SCHEMA,
    title: p.title,
    data: { values: p.values.map((v) => ({ ...v })) },
    width: Math.max(200, 40 * p.values.length),
    height: 220,
    mark: { type: "bar" },
    encoding: {
      x: { field: "x", type: "nominal", sort: null, title: p.xTitle },
      ...(grouped ? { xOffset: { field: "group", type: "nominal" } } : {}),
      y: { field: "y", type: "quantitative", title: p.yTitle },
      ...(grouped ? { color: { field: "group", type: "nominal", title: null } } : {}),
    },
  };
}

function histogramSpec(p: Of<"histogram">): TopLevelSpec {
  const grouped = p.values.some((v) => v.group !== undefined);
  return {
    $schema: SCHEMA,
    title: p.title,
    data: { values: p.values.map((v) => ({ value: v.value, group: v.group ?? "" })) },
    width: 360,
    height: 160,
    mark: { type: "bar", opacity: grouped ? 0.6 : 1 },
    encoding: {
      x: { field: "value", type: "quantitative", bin: { maxbins: p.bins ?? 40 }, title: p.xTitle },
      y: {
        aggregate: "count",
        type: "quantitative",
        title: "count",
        ...(p.logY ? { scale: { type: "symlog" } } : {}),
      },
      ...(grouped ? { color: { field: "group", type: "nominal", title: null } } : {}),
    },
  };
}

function linesSpec(p: Of<"lines">): TopLevelSpec {
  return {
    $schema: SCHEMA,
    title: p.title,
    data: { values: p.values.map((v) => ({ ...v })) },
    width: 420,
    height: 220,
    mark: { type: "line", point: p.values.length <= 60 },
    encoding: {
      x: { field: "x", type: "quantitative", title: p.xTitle },
      y: {
        field: "y",
        type: "quantitative",
        title: p.yTitle,
        scale: p.logY ? { type: "log" } : { zero: false },
      },
      color: { field: "series", type: "nominal", title: null },
    },
  };
}

/**
 * Render one model plot: filter grids and heat maps as PNG (a 1000×1000 similarity matrix would
 * be a million SVG rectangles), charts as SVG. Returns the file name and its bytes.
 */
export async function renderModelPlot(
  p: ModelPlot,
  opts: { maxFilters: number; scale: number },
): Promise<{ file: string; data: string | Uint8Array }> {
  switch (p.kind) {
    case "filters":
      return { file: `${p.name}.png`, data: filterGridPng(p.filters, opts) };
    case "heatmap": {
      const data = Float32Array.from(p.data);
      const scale = Math.max(1, Math.floor(600 / Math.max(p.rows, p.cols)));
      const set = { layer: p.name, count: 1, shape: [p.rows, p.cols, 1] as const, data };
      return { file: `${p.name}.png`, data: filterGridPng(set, { scale, pad: 0 }) };
    }
    case "bars":
      return { file: `${p.name}.svg`, data: await renderSvg(barsSpec(p)) };
    case "histogram":
      return { file: `${p.name}.svg`, data: await renderSvg(histogramSpec(p)) };
    case "lines":
      return { file: `${p.name}.svg`, data: await renderSvg(linesSpec(p)) };
  }
}
