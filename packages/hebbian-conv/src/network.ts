import { PlasticityError, type Rng } from "@plasticity/core";
import { type ConvLayer, type ForwardOptions, forwardShard, type LayerParams } from "./forward.js";
import { type LayerGeometry, networkGeometry } from "./geometry.js";
import { gatherKept, keptSynapses } from "./ops/conv.js";
import { LocalExecutor, type ShardExecutor, splitBatch } from "./parallel/executor.js";
import {
  initFilters,
  maskAndNormalize,
  normalizeKept,
  pruningMask,
} from "./plasticity/constraints.js";
import { addStats, applyDirectStep, type LayerStats } from "./plasticity/direct.js";
import { surrogateStep } from "./plasticity/surrogate.js";
import { type HebbianConvConfig, type HebbianConvInput, parseHebbianConvConfig } from "./schema.js";
import { checkState, type HebbianConvState } from "./state.js";

/** Below this fraction of kept synapses a layer's forward runs sparse (measured: tools/bench). */
export const SPARSE_DENSITY = 0.25;

/** What one training batch did to each layer. */
export interface LayerReport {
  /** Fraction of (image, position) pairs each channel won in this batch [cout]. */
  readonly winRate: Float64Array;
  /** ‖ΔW‖ / ‖W‖ of this batch's update (0 during burn-in). */
  readonly dwRel: number;
  /** Whether the weights changed (false during burn-in or with lr 0). */
  readonly updated: boolean;
}

/** Options of `HebbianConvNet.create`. */
export interface HebbianConvNetOptions {
  /** [h, w, c] of one input image (before `inputPadding`). */
  readonly inputShape: readonly [number, number, number];
  /** Masks and initial filters are drawn from it (layer i uses `rng.fork(i + 1)`). */
  readonly rng: Rng;
  /** Where shards run; default: this thread (`LocalExecutor`). */
  readonly executor?: (layers: readonly ConvLayer[], opts: ForwardOptions) => ShardExecutor;
}

function buildLayer(cfg: HebbianConvConfig, g: LayerGeometry, i: number, rng: Rng): ConvLayer {
  const lc = cfg.layers[i]!;
  const mask = lc.prune > 0 ? pruningMask(rng, g.cout, g.fanIn, lc.prune) : null;
  const kept = mask ? keptSynapses(mask, g) : null;
  const density = kept ? kept.index.length / mask!.length : 1;
  const sparse =
    kept !== null && (cfg.conv === "sparse" || (cfg.conv === "auto" && density < SPARSE_DENSITY));
  return { geom: g, cfg: lc, mask, kept, sparse };
}

/**
 * A Hebbian CNN (Miconi 2021): per layer, per-image standardisation, a 'valid' conv without bias,
 * adaptive thresholds θ, binarised k-WTA across channels for plasticity, triangle (or WTA) output,
 * avg pooling; filters masked and kept at unit norm; SGD without momentum on the surrogate loss,
 * either through tf autodiff (`plasticity: "surrogate"`) or as the equal direct gather-add.
 */
export class HebbianConvNet {
  readonly config: HebbianConvConfig;
  readonly layers: readonly ConvLayer[];
  readonly inputShape: readonly [number, number, number];
  private params: { W: Float32Array; theta: Float32Array }[];
  /** Exponential moving average (τ = 100 batches) of each channel's win rate, per layer. */
  private rates: Float64Array[];
  private batches = 0;
  private readonly executor: ShardExecutor;
  private readonly forwardOpts: ForwardOptions;

  private constructor(config: HebbianConvConfig, opts: HebbianConvNetOptions) {
    this.config = config;
    this.inputShape = [...opts.inputShape] as [number, number, number];
    const geoms = networkGeometry(this.inputShape, config);
    const rngs = geoms.map((_, i) => opts.rng.fork(i + 1));
    this.layers = geoms.map((g, i) => buildLayer(config, g, i, rngs[i]!));
    this.params = this.layers.map((l, i) => ({
      W: initFilters(rngs[i]!, l.geom.cout, l.geom.fanIn, l.mask),
      theta: new Float32Array(l.geom.cout),
    }));
    this.rates = this.layers.map((l) => new Float64Array(l.geom.cout).fill(l.cfg.k / l.geom.cout));
    this.forwardOpts = {
      output: config.output,
      binarize: config.binarize,
      inputPadding: config.inputPadding,
      inputShape: this.inputShape,
    };
    this.executor =
      opts.executor?.(this.layers, this.forwardOpts) ??
      new LocalExecutor(this.layers, this.forwardOpts);
  }

  /** Parse `config` (defaults: Miconi's CIFAR-10 network) and build the network. */
  static create(config: HebbianConvInput | HebbianConvConfig, opts: HebbianConvNetOptions) {
    return new HebbianConvNet(parseHebbianConvConfig(config), opts);
  }

  /** Batches seen so far (the burn-in counts them). */
  get step(): number {
    return this.batches;
  }

  /** The layer geometries, input first. */
  get geometry(): LayerGeometry[] {
    return this.layers.map((l) => l.geom);
  }

  /** Copies of each layer's W [cout × fanIn] and θ [cout]. */
  parameters(): LayerParams[] {
    return this.params.map((p) => ({ W: p.W.slice(), theta: p.theta.slice() }));
  }

  /** Copies of each layer's moving-average win rate per channel. */
  winRates(): Float64Array[] {
    return this.rates.map((r) => r.slice());
  }

  private get imageSize(): number {
    const [h, w, c] = this.inputShape;
    return h * w * c;
  }

  private checkImages(images: Float32Array, n: number): void {
    if (!Number.isInteger(n) || n < 1 || !(images instanceof Float32Array)) {
      throw new PlasticityError("images: expected a Float32Array and a positive count n", "images");
    }
    if (images.length < n * this.imageSize) {
      throw new PlasticityError(
        `images: expected ${n} × ${this.inputShape.join(" × ")} = ${n * this.imageSize} values, got ${images.length}`,
        "images",
      );
    }
  }

  /**
   * One batch of learning: the forward pass of every layer with the current (W, θ), then per
   * layer (after the burn-in) W ← W + ΔW, mask, unit norm, and always
   * θ ← θ + muThres · (win rate − K/N). `lrScale` multiplies every learning rate. With `profile`,
   * the phases' wall times (ms) are added to it (forward phases of the shards run in this thread,
   * `update` = ΔW, mask, norm and θ).
   */
  async trainBatch(
    images: Float32Array,
    n: number,
    lrScale = 1,
    profile?: Record<string, number>,
  ): Promise<LayerReport[]> {
    this.checkImages(images, n);
    const surrogate = this.config.plasticity === "surrogate";
    const shards = splitBatch(images, n, this.imageSize, surrogate ? 1 : this.config.shards);
    const collect = surrogate ? { activity: true, profile } : { stats: true, profile };
    const results = await this.executor.run(this.params, shards, collect);
    const learn = this.batches >= this.config.burnIn;
    const t0 = performance.now();
    const reports = this.layers.map((layer, l) => {
      const stats = results[0]![l]!.stats!;
      for (let s = 1; s < results.length; s++) addStats(stats, results[s]![l]!.stats!);
      const lr = layer.cfg.lr * lrScale;
      const p = this.params[l]!;
      const before = learn && lr > 0 ? this.changeable(l) : null;
      if (before) {
        const { geom, kept, mask } = layer;
        if (surrogate) {
          const r = results[0]![l]!;
          p.W.set(surrogateStep(this.config.rule, r.input!, n, geom, p.W, r.winners!, lr));
          maskAndNormalize(p.W, geom.cout, geom.fanIn, mask);
        } else {
          applyDirectStep(p.W, stats, geom, this.config.rule, lr, kept);
          if (kept) normalizeKept(p.W, geom.fanIn, kept);
          else maskAndNormalize(p.W, geom.cout, geom.fanIn, mask);
        }
      }
      return this.adapt(l, stats, n, before);
    });
    if (profile) profile.update = (profile.update ?? 0) + performance.now() - t0;
    this.batches++;
    return reports;
  }

  /** A copy of the weights of layer l that can be non-zero (a pruned layer's kept ones). */
  private changeable(l: number): Float32Array {
    const { kept, geom } = this.layers[l]!;
    const W = this.params[l]!.W;
    return kept ? gatherKept(W, kept, geom) : W.slice();
  }

  /** θ and the moving-average win rates from this batch's wins; the batch's report. */
  private adapt(l: number, stats: LayerStats, n: number, before: Float32Array | null) {
    const { geom, cfg } = this.layers[l]!;
    const p = this.params[l]!;
    const count = n * geom.oh * geom.ow;
    const target = cfg.k / geom.cout;
    const winRate = new Float64Array(geom.cout);
    const ema = this.rates[l]!;
    for (let c = 0; c < geom.cout; c++) {
      winRate[c] = stats.wins[c] / count;
      p.theta[c] += this.config.muThres * (winRate[c] - target);
      ema[c] = 0.99 * ema[c] + 0.01 * winRate[c];
    }
    let dw = 0;
    let w = 0;
    if (before) {
      const after = this.changeable(l);
      for (let i = 0; i < before.length; i++) {
        dw += (after[i] - before[i]) * (after[i] - before[i]);
        w += before[i] * before[i];
      }
    }
    return { winRate, dwRel: w > 0 ? Math.sqrt(dw / w) : 0, updated: before !== null };
  }

  /**
   * Frozen decoding features of n images, per layer [n × 4·cout]: the layer's pooled output
   * averaged over the 4 image quadrants (standardised as the next layer sees it, except the last
   * layer's), Miconi's per-layer decoding protocol. θ does not adapt here.
   */
  async features(images: Float32Array, n: number, chunk = 500): Promise<Float32Array[]> {
    this.checkImages(images, n);
    const out = this.layers.map((l) => new Float32Array(n * 4 * l.geom.cout));
    const size = this.imageSize;
    for (let s = 0; s < n; s += chunk) {
      const m = Math.min(chunk, n - s);
      const part = images.subarray(s * size, (s + m) * size);
      const shards = splitBatch(part, m, size, this.config.workers);
      const results = await this.executor.run(this.params, shards, { features: true });
      let row = s;
      results.forEach((res, i) => {
        res.forEach((r, l) => {
          out[l]!.set(r.features!, row * 4 * this.layers[l]!.geom.cout);
        });
        row += shards[i]!.n;
      });
    }
    return out;
  }

  /** Forward one shard in this thread (for tests and tools): see `forwardShard`. */
  forwardLocal(images: Float32Array, n: number, collect: Parameters<typeof forwardShard>[5]) {
    this.checkImages(images, n);
    return forwardShard(this.layers, this.params, images, n, this.forwardOpts, collect);
  }

  /** Everything needed to continue bit for bit (copies). */
  getState(): HebbianConvState {
    return {
      kind: "hebbian-conv",
      batches: this.batches,
      layers: this.layers.map((l, i) => ({
        W: this.params[i]!.W.slice(),
        theta: this.params[i]!.theta.slice(),
        rate: this.rates[i]!.slice(),
        mask: l.mask ? l.mask.slice() : null,
      })),
    };
  }

  /** Restore `getState()` of a network with the same config and seed; checks before changing. */
  setState(state: HebbianConvState): void {
    const s = checkState(state, this.layers);
    this.batches = s.batches;
    s.layers.forEach((ls, i) => {
      this.params[i]!.W.set(ls.W);
      this.params[i]!.theta.set(ls.theta);
      this.rates[i]!.set(ls.rate);
    });
  }

  /** Stops the workers (if any). */
  async dispose(): Promise<void> {
    await this.executor.dispose();
  }
}
