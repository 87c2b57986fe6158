import type { FixedPoints, SimilarityMatchingNetwork } from "@plasticity/similarity-matching";
import type { FilterSet, ModelPlot, PlotContext } from "./model.js";

/** Tiles at most in the receptive-field grid (the runner draws 100 by default): central sites. */
const MAX_TILES = 100;

/**
 * Layer 1's receptive fields: each neuron's W over its window (kh × kw × channels, zero outside
 * the disc), site by site; the central block of sites when all of them would be too many tiles.
 */
export function receptiveFields(net: SimilarityMatchingNetwork): FilterSet {
  const g = net.geometry[0]!;
  const W = net.getState().layers[0]!.W;
  const [kh, kw] = g.layout.kernelSize;
  const c = g.inShape[2];
  let side = g.outHeight;
  while (side > 1 && side * side * g.n > MAX_TILES) side--;
  const top = Math.floor((g.outHeight - side) / 2);
  const left = Math.floor((g.outWidth - Math.min(side, g.outWidth)) / 2);
  const sites: number[] = [];
  for (let i = top; i < top + side; i++)
    for (let j = left; j < Math.min(left + side, g.outWidth); j++) sites.push(i * g.outWidth + j);
  const K = g.K;
  const data = new Float32Array(sites.length * g.n * K);
  sites.forEach((s, a) => {
    data.set(W.subarray(s * g.n * K, (s + 1) * g.n * K), a * g.n * K);
  });
  return { layer: "layer1", count: sites.length * g.n, shape: [kh, kw, c], data };
}

/** Objective per layer and convergence of the dynamics over training, from the logged metrics. */
export function trainingCurves(ctx: PlotContext, layers: number): ModelPlot[] {
  const series = (key: string, name: string) =>
    ctx.metrics
      .filter((m) => Number.isFinite(m[key]))
      .map((m) => ({ x: m.step, y: m[key]!, series: name }));
  const objective = Array.from({ length: layers }, (_, p) =>
    series(`layer${p + 1}.objective`, `layer${p + 1}`),
  ).flat();
  const plots: ModelPlot[] = [];
  if (objective.length > 0) {
    plots.push({
      kind: "lines",
      name: "sm-objective",
      title: "Similarity-matching objective over each round's fixed points (code's cost)",
      xTitle: "step (round)",
      yTitle: "cost",
      values: objective,
    });
  }
  const steps = series("sm.steps", "mean Euler steps");
  if (steps.length > 0) {
    plots.push(
      {
        kind: "lines",
        name: "sm-steps",
        title: "Euler steps to the fixed point (mean over the round)",
        xTitle: "step (round)",
        yTitle: "steps",
        values: steps,
      },
      {
        kind: "lines",
        name: "sm-converged",
        title: "Fraction of samples with ‖du‖/‖u‖ below tolerance",
        xTitle: "step (round)",
        yTitle: "fraction",
        values: series("sm.converged", "converged"),
      },
    );
  }
  return plots;
}

/**
 * Euler steps per image while computing the probes' features (plots run after the probes), with
 * the fraction that converged and the mean in the title.
 */
export function featureSteps(
  steps: readonly number[],
  converged: number,
  residuals: readonly number[],
): ModelPlot[] {
  if (steps.length === 0) return [];
  const mean = steps.reduce((a, s) => a + s, 0) / steps.length;
  const pct = ((100 * converged) / steps.length).toFixed(2);
  const median = [...residuals].sort((a, b) => a - b)[Math.floor(residuals.length / 2)] ?? 0;
  return [
    {
      kind: "histogram",
      name: "sm-feature-steps",
      title: `Euler steps per image for the probes' features: ${pct} % of ${steps.length} converged, mean ${mean.toFixed(1)}, median ‖du‖/‖u‖ ${median.toExponential(1)}`,
      xTitle: "steps",
      values: steps.map((value) => ({ value })),
      bins: 40,
    },
  ];
}

/** Gram matrix R Rᵀ of n rows, scaled so its largest |entry| is 1 (the poster's RSMs). */
function similarity(r: Float32Array, n: number): Float64Array {
  const d = r.length / n;
  const G = new Float64Array(n * n);
  let max = 0;
  for (let a = 0; a < n; a++)
    for (let b = 0; b <= a; b++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += r[a * d + k]! * r[b * d + k]!;
      G[a * n + b] = G[b * n + a] = s;
      max = Math.max(max, Math.abs(s));
    }
  if (max > 0) for (let i = 0; i < G.length; i++) G[i]! /= max;
  return G;
}

/** Representational similarity matrices of the input and of each layer, images sorted by class. */
export function similarityPlots(
  sample: { x: Float32Array; y: Int32Array },
  fp: FixedPoints,
  inputSize: number,
): ModelPlot[] {
  const n = sample.y.length;
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => sample.y[a]! - sample.y[b]! || a - b,
  );
  const sorted = (a: Float32Array) => {
    const d = a.length / n;
    const out = new Float32Array(a.length);
    order.forEach((i, k) => {
      out.set(a.subarray(i * d, (i + 1) * d), k * d);
    });
    return out;
  };
  const heat = (name: string, title: string, a: Float32Array): ModelPlot => ({
    kind: "heatmap",
    name,
    title,
    rows: n,
    cols: n,
    data: similarity(sorted(a), n),
  });
  return [
    heat(
      "rsm-input",
      `Input similarity (${n} training images by class)`,
      sample.x.subarray(0, n * inputSize),
    ),
    ...fp.r.map((r, p) =>
      heat(`rsm-layer${p + 1}`, `Layer ${p + 1} similarity of fixed points (images by class)`, r),
    ),
  ];
}
