import { join } from "node:path";
import { PlasticityError } from "@plasticity/core";
import type { EvalReport } from "../eval/report.js";
import { writeFileAtomic } from "../io/atomic.js";
import type { FilterSet, ModelPlot } from "../models/model.js";
import {
  type AccuracyPoint,
  accuracyChartSpec,
  confusionChartSpec,
  type MetricRow,
  metricsChartSpec,
  renderSvg,
} from "./charts.js";
import { filterGridPng } from "./filters.js";
import { renderModelPlot } from "./plots.js";

export interface FigureInputs {
  readonly metrics: readonly MetricRow[];
  readonly eval: EvalReport | null;
  /** Filters of the trained model, and the same layers at their random initialisation. */
  readonly filters: readonly FilterSet[];
  readonly initFilters: readonly FilterSet[];
  /** The model's own figures (receptive fields, histograms, similarity matrices, ...). */
  readonly plots?: readonly ModelPlot[];
  readonly maxFilters: number;
  readonly scale: number;
}

/**
 * Write a run's figures into `dir`: filter grids (PNG) of the trained and the initial weights,
 * training curves, probe accuracy per layer and confusion matrices (SVG). Returns the paths.
 */
export async function writeFigures(dir: string, inp: FigureInputs): Promise<string[]> {
  const written: string[] = [];
  const put = (name: string, data: string | Uint8Array) => {
    const p = join(dir, name);
    writeFileAtomic(p, data);
    written.push(p);
  };
  for (const f of inp.filters) {
    put(
      `filters-${f.layer}.png`,
      filterGridPng(f, { maxFilters: inp.maxFilters, scale: inp.scale }),
    );
  }
  for (const f of inp.initFilters) {
    put(
      `filters-${f.layer}-init.png`,
      filterGridPng(f, { maxFilters: inp.maxFilters, scale: inp.scale }),
    );
  }
  const withMetrics = inp.metrics.filter((r) =>
    Object.keys(r).some((k) => !["step", "epoch", "samples"].includes(k)),
  );
  if (withMetrics.length > 0) put("metrics.svg", await renderSvg(metricsChartSpec(withMetrics)));
  const ev = inp.eval;
  if (ev && ev.rows.length > 0) {
    const points: AccuracyPoint[] = ev.rows.flatMap((r) =>
      Object.entries(r.probes).map(([probe, res]) => ({
        layer: r.layer,
        variant: r.variant,
        probe,
        accuracy: res!.testAccuracy,
      })),
    );
    const layers = [...new Set(ev.rows.map((r) => r.layer))];
    put("probe-accuracy.svg", await renderSvg(accuracyChartSpec(points, layers)));
    for (const r of ev.rows.filter((row) => row.variant === "trained")) {
      const kind = ev.probes[0]!;
      const res = r.probes[kind];
      if (!res) continue;
      put(
        `confusion-${r.layer}.svg`,
        await renderSvg(
          confusionChartSpec(
            res.confusion,
            ev.classes,
            `${r.layer} (${kind} probe): test accuracy ${res.testAccuracy.toFixed(4)}`,
          ),
        ),
      );
    }
  }
  for (const p of inp.plots ?? []) {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(p.name)) {
      throw new PlasticityError(
        `plot name ${JSON.stringify(p.name)}: use letters, digits, '.', '_' and '-' (it names a file)`,
        "plots",
      );
    }
    const { file, data } = await renderModelPlot(p, {
      maxFilters: inp.maxFilters,
      scale: inp.scale,
    });
    put(file, data);
  }
  return written;
}
