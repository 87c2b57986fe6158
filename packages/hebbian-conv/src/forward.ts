import type { LayerGeometry } from "./geometry.js";
import { competeAndPool, competeAndPoolWithSums, Winners } from "./ops/competition.js";
import {
  denseConv,
  gatherKept,
  type KeptSynapses,
  sparseConv,
  toFilterLayout,
  toFilterLayoutWithSum,
} from "./ops/conv.js";
import { padImages, quadrantMeans, standardizeImages } from "./ops/images.js";
import { accumulateStats, emptyStats, type LayerStats } from "./plasticity/direct.js";
import type { ConvLayerConfig, HebbianConvConfig } from "./schema.js";

/** The fixed structure of one layer: geometry, config, pruning mask and how its forward runs. */
export interface ConvLayer {
  readonly geom: LayerGeometry;
  readonly cfg: ConvLayerConfig;
  /** 0/1 [cout × fanIn], or null when nothing is pruned. */
  readonly mask: Uint8Array | null;
  /** The mask as CSR (null when nothing is pruned). */
  readonly kept: KeptSynapses | null;
  /** Forward over the kept synapses only (JS) instead of a dense tf.conv2d. */
  readonly sparse: boolean;
}

/** What the forward pass reads of a layer: its filters W [cout × fanIn] and thresholds θ [cout]. */
export interface LayerParams {
  readonly W: Float32Array;
  readonly theta: Float32Array;
}

/** Settings shared by every layer's forward pass. */
export type ForwardOptions = Pick<HebbianConvConfig, "output" | "binarize" | "inputPadding"> & {
  /** [h, w, c] of one input image before padding. */
  readonly inputShape: readonly [number, number, number];
};

/** What to keep of each layer: plasticity statistics, the decoding features, or both. */
export interface CollectOptions {
  readonly stats?: boolean;
  readonly features?: boolean;
  /** Keep each layer's standardised input and winners (for the surrogate-gradient path). */
  readonly activity?: boolean;
  /**
   * Add each phase's wall time (ms) here, keyed `layer<l>.standardize|conv|compete|stats`
   * (tools/bench's phase table). Not sent to worker threads.
   */
  readonly profile?: Record<string, number>;
}

/** f(), its wall time added to profile[key] when profiling. */
function timed<T>(profile: Record<string, number> | undefined, key: string, f: () => T): T {
  if (!profile) return f();
  const t0 = performance.now();
  const r = f();
  profile[key] = (profile[key] ?? 0) + performance.now() - t0;
  return r;
}

/** Per layer, what `forwardShard` collected. */
export interface LayerResult {
  stats?: LayerStats;
  /** Quadrant features [n × 4·cout]. */
  features?: Float32Array;
  /** The standardised layer input [n, h, w, cin] and the winners (`activity`). */
  input?: Float32Array;
  winners?: Winners;
}

/**
 * With K = 1 the conv output carries Σ_c u_c as one more channel (dense: the filter Σ_c w_c
 * appended; sparse: the sums added up on the way), so the competition runs in one pass over u
 * (`competeAndPoolWithSums`).
 */
function withSums(layer: ConvLayer): boolean {
  return layer.cfg.k === 1;
}

/** u = conv2d(x, W) for one layer, sparse or dense, with the channel sum appended when K = 1. */
function convolve(layer: ConvLayer, W: Float32Array, x: Float32Array, n: number): Float32Array {
  const { geom, kept } = layer;
  const sums = withSums(layer);
  if (layer.sparse && kept) return sparseConv(x, n, geom, kept, gatherKept(W, kept, geom), sums);
  if (sums) return denseConv(x, n, geom, toFilterLayoutWithSum(W, geom), geom.cout + 1);
  return denseConv(x, n, geom, toFilterLayout(W, geom));
}

/** The competition of one layer on its conv output (see `competeAndPool`). */
function compete(
  layer: ConvLayer,
  u: Float32Array,
  n: number,
  theta: Float32Array,
  opts: ForwardOptions,
  winners: Winners,
  wins: Float64Array,
): Float32Array {
  const g = layer.geom;
  const shape = { n, oh: g.oh, ow: g.ow, c: g.cout, pool: g.pool };
  const o = { binarize: opts.binarize, output: opts.output };
  if (withSums(layer)) return competeAndPoolWithSums(u, shape, theta, o, winners, wins);
  return competeAndPool(u, shape, theta, { ...o, k: layer.cfg.k }, winners, wins);
}

/**
 * One forward pass of n images through every layer with fixed (W, θ), as in Miconi's code where
 * a whole batch sees the parameters from before its own updates. Per layer l:
 *
 *   x ← (x − mean) / std per image over (H, W, C)
 *   u = conv2d(x, W_l); z = u − θ_l; y = k-WTA(z) (binarised); o = triangle(z) or y
 *   x ← avgpool(o)
 *
 * Returns per layer the statistics ΔW needs (the winners' gather-add), the decoding features
 * (the pooled map averaged over quadrants, standardised as the next layer sees it except for the
 * last layer) and/or the activity for the surrogate path.
 */
export function forwardShard(
  layers: readonly ConvLayer[],
  params: readonly LayerParams[],
  images: Float32Array,
  n: number,
  opts: ForwardOptions,
  collect: CollectOptions,
): LayerResult[] {
  const [h0, w0, c0] = opts.inputShape;
  // a copy (padded or not): every layer standardises its input in place
  const first = images.subarray(0, n * h0 * w0 * c0);
  let x =
    opts.inputPadding > 0 ? padImages(first, n, h0, w0, c0, opts.inputPadding) : first.slice();
  const results: LayerResult[] = [];
  const prof = collect.profile;
  layers.forEach((layer, l) => {
    const g = layer.geom;
    const key = `layer${l + 1}`;
    timed(prof, `${key}.standardize`, () => standardizeImages(x, n, g.h * g.w * g.cin));
    if (l > 0 && collect.features) {
      results[l - 1]!.features = quadrantMeans(x, n, g.h, g.w, g.cin);
    }
    const u = timed(prof, `${key}.conv`, () => convolve(layer, params[l]!.W, x, n));
    const winners = new Winners(Math.max(1024, n * g.oh * g.ow * layer.cfg.k));
    const stats = emptyStats(g, layer.kept);
    const pooled = timed(prof, `${key}.compete`, () =>
      compete(layer, u, n, params[l]!.theta, opts, winners, stats.wins),
    );
    const res: LayerResult = {};
    if (collect.stats) {
      timed(prof, `${key}.stats`, () => accumulateStats(stats, x, g, winners, layer.kept));
      res.stats = stats;
    }
    if (collect.activity) {
      res.input = x;
      res.winners = winners;
      res.stats ??= stats;
    }
    results.push(res);
    x = pooled;
  });
  if (collect.features) {
    const g = layers[layers.length - 1]!.geom;
    results[layers.length - 1]!.features = quadrantMeans(x, n, g.ph, g.pw, g.cout);
  }
  return results;
}
