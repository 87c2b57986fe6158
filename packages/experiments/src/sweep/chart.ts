import type { GroupStats } from "./aggregate.js";

/**
 * The sweep's chart against one swept parameter (the first grid key by default), as SVG: mean
 * accuracy ± std over seeds per metric. Settings that also vary in other keys are averaged apart
 * (each keeps its own point at the same x), so use one grid key for a clean line.
 */
export async function sweepChartSvg(groups: readonly GroupStats[], param: string): Promise<string> {
  const points = groups.flatMap((g) =>
    Object.entries(g.accuracy).map(([metric, s]) => ({
      x: g.varied[param] as number | string,
      metric,
      mean: s.mean,
      lo: s.mean - s.std,
      hi: s.mean + s.std,
      n: s.n,
    })),
  );
  const { gridChartSpec, renderSvg } = await import("../figures/charts.js");
  return renderSvg(
    gridChartSpec(
      points.filter((p) => p.x !== undefined),
      param,
    ),
  );
}
