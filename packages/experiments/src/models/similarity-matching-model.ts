import { PlasticityError } from "@plasticity/core";
import {
  type FixedPoints,
  type NetworkConfig,
  SimilarityMatchingNetwork,
  WorkerPool,
} from "@plasticity/similarity-matching";
import type { StateValue } from "../io/state.js";
import type {
  ExperimentModel,
  FilterSet,
  LayerFeatures,
  ModelContext,
  ModelPlot,
  PlotContext,
  StepInfo,
  StepMetrics,
  TrainBatch,
} from "./model.js";
import type { SimilarityMatchingConfig } from "./similarity-matching.js";
import {
  featureSteps,
  receptiveFields,
  similarityPlots,
  trainingCurves,
} from "./similarity-matching-plots.js";
import { cappedThreads, threadBudget } from "./threads.js";

const KIND = "similarity-matching";

/**
 * At most this many values (images × units of the widest layer) per dynamics call of one worker
 * while features are computed: a worker's wasm memory grows to its largest call and never shrinks,
 * so wide layers get fewer images per call (NpS 100: 19,600 units → 204 images).
 */
export const FEATURE_CALL_VALUES = 4_000_000;

/** Images per worker and dynamics call for features: `featureBatch`, capped by FEATURE_CALL_VALUES. */
export function featureCallImages(featureBatch: number, widestLayer: number): number {
  return Math.max(1, Math.min(featureBatch, Math.floor(FEATURE_CALL_VALUES / widestLayer)));
}

/** Images kept (by class) for the representational similarity matrices. */
interface SimilaritySample {
  x: Float32Array;
  y: Int32Array;
}

class SimilarityMatchingModel implements ExperimentModel {
  readonly layers: readonly string[];
  private sample: SimilaritySample = { x: new Float32Array(0), y: new Int32Array(0) };
  /** Euler steps of every image whose features were computed, and how many converged. */
  private featureSteps: number[] = [];
  private featureConverged = 0;
  private featureResiduals: number[] = [];
  private readonly inputSize: number;

  constructor(
    private readonly net: SimilarityMatchingNetwork,
    private readonly cfg: SimilarityMatchingConfig,
    readonly inputShape: readonly [number, number, number],
    private readonly nClasses: number,
    /** Worker threads doing the dynamics (0: this thread). */
    private readonly solvers: number,
  ) {
    const P = net.geometry.length;
    this.layers =
      cfg.probeLayers === "all" ? net.geometry.map((_, p) => `layer${p + 1}`) : [`layer${P}`];
    this.inputSize = inputShape[0] * inputShape[1] * inputShape[2];
  }

  async trainStep(batch: TrainBatch, info: StepInfo): Promise<StepMetrics> {
    const n = batch.shape[0];
    this.keepSample(batch, n);
    const st = await this.net.learn(batch.x, n, info.lrScale, info.wantMetrics);
    if (!info.wantMetrics) return {};
    const out: StepMetrics = {
      "sm.converged": st.convergedFraction,
      "sm.steps": st.meanSteps,
      "sm.residual_max": st.maxResidual,
      "sm.micro_batch": st.microBatch,
      "sm.lr": st.lr,
    };
    this.net.takeObjective().forEach((o, p) => {
      if (Number.isFinite(o.cost)) out[`layer${p + 1}.objective`] = o.cost;
    });
    return out;
  }

  /** The first `similarityImages` images of each class seen in training. */
  private keepSample(batch: TrainBatch, n: number): void {
    const want = this.cfg.similarityImages;
    if (want === 0 || this.sample.y.length >= want * this.nClasses) return;
    const counts = new Array<number>(this.nClasses).fill(0);
    for (const c of this.sample.y) counts[c]!++;
    const xs = [this.sample.x];
    const ys = [...this.sample.y];
    for (let i = 0; i < n; i++) {
      const c = batch.y[i]!;
      if (c < 0 || c >= this.nClasses || counts[c]! >= want) continue;
      counts[c]!++;
      xs.push(batch.x.slice(i * this.inputSize, (i + 1) * this.inputSize));
      ys.push(c);
    }
    const x = new Float32Array(ys.length * this.inputSize);
    let off = 0;
    for (const a of xs) {
      x.set(a, off);
      off += a.length;
    }
    this.sample = { x, y: Int32Array.from(ys) };
  }

  async features(x: Float32Array, n: number): Promise<LayerFeatures[]> {
    if (x.length !== n * this.inputSize) {
      throw new PlasticityError(
        `x: expected ${n} × ${this.inputSize} values, got ${x.length}`,
        "x",
      );
    }
    const P = this.net.geometry.length;
    const keep = this.cfg.probeLayers === "all" ? this.net.geometry.map((_, p) => p) : [P - 1];
    const outs = keep.map((p) => new Float32Array(n * this.net.geometry[p]!.units));
    const widest = Math.max(...this.net.geometry.map((g) => g.units));
    const block = featureCallImages(this.cfg.featureBatch, widest) * Math.max(1, this.solvers);
    for (let a = 0; a < n; a += block) {
      const m = Math.min(block, n - a);
      const fp = await this.net.fixedPoints(
        x.subarray(a * this.inputSize, (a + m) * this.inputSize),
        m,
      );
      keep.forEach((p, i) => {
        outs[i]!.set(fp.r[p]!, a * this.net.geometry[p]!.units);
      });
      this.countFeatures(fp, m);
    }
    return keep.map((p, i) => ({
      layer: `layer${p + 1}`,
      dim: this.net.geometry[p]!.units,
      data: outs[i]!,
    }));
  }

  private countFeatures(fp: FixedPoints, m: number): void {
    for (let b = 0; b < m; b++) {
      this.featureConverged += fp.converged[b]!;
      this.featureSteps.push(fp.steps[b]!);
      this.featureResiduals.push(fp.residual[b]!);
    }
  }

  async filters(): Promise<FilterSet[]> {
    return [receptiveFields(this.net)];
  }

  async plots(ctx: PlotContext): Promise<ModelPlot[]> {
    const curves = [
      ...trainingCurves(ctx, this.net.geometry.length),
      ...featureSteps(this.featureSteps, this.featureConverged, this.featureResiduals),
    ];
    if (this.sample.y.length === 0) return curves;
    const fp = await this.net.fixedPoints(this.sample.x, this.sample.y.length);
    return [...curves, ...similarityPlots(this.sample, fp, this.inputSize)];
  }

  async diagnostics(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    const st = this.net.getState();
    st.layers.forEach((l, p) => {
      const g = this.net.geometry[p]!;
      const C = g.Q * g.n;
      let w2 = 0;
      for (const v of l.W) w2 += v * v;
      let diag = 0;
      let off = 0;
      let offCount = 0;
      for (let row = 0; row < g.units; row++) {
        for (let c = 0; c < C; c++) {
          const v = l.M[row * C + c]!;
          if (c === row % g.n) diag += v;
          else if (v !== 0) {
            off += Math.abs(v);
            offCount++;
          }
        }
      }
      Object.assign(out, {
        [`layer${p + 1}.units`]: g.units,
        [`layer${p + 1}.w_norm_mean`]: Math.sqrt(w2 / g.units),
        [`layer${p + 1}.m_diag_mean`]: diag / g.units,
        [`layer${p + 1}.m_offdiag_abs_mean`]: offCount ? off / offCount : 0,
      });
    });
    return out;
  }

  async getState(): Promise<StateValue> {
    return {
      kind: KIND,
      layers: this.net.getState().layers.map((l) => ({ W: l.W, M: l.M })),
      sample: { x: this.sample.x, y: this.sample.y },
    };
  }

  async setState(state: StateValue): Promise<void> {
    const s = state as {
      kind?: unknown;
      layers?: { W: Float32Array; M: Float32Array }[];
      sample?: SimilaritySample;
    };
    if (s?.kind !== KIND || !Array.isArray(s.layers)) {
      throw new PlasticityError(
        `model state: expected { kind: "${KIND}", layers: [{ W, M }] }`,
        "model",
      );
    }
    this.net.setState({ layers: s.layers });
    if (s.sample?.x instanceof Float32Array && s.sample.y instanceof Int32Array) {
      this.sample = { x: s.sample.x, y: s.sample.y };
    }
  }

  dispose(): void {
    void this.net.dispose();
  }
}

/** Build the model: the network (weights from the context's rng) and, with workers, its pool. */
export async function createSimilarityMatching(
  config: SimilarityMatchingConfig,
  ctx: ModelContext,
): Promise<ExperimentModel> {
  const {
    kind: _k,
    workers,
    featureBatch: _f,
    probeLayers: _p,
    similarityImages: _s,
    ...net
  } = config;
  const network = new SimilarityMatchingNetwork({
    config: net as NetworkConfig,
    inputShape: ctx.inputShape,
    rng: ctx.rng.fork(1),
  });
  // `workers` threads do the dynamics while this one waits: a budget of one thread runs in-thread.
  const solvers = threadBudget() === 1 ? 0 : cappedThreads(workers);
  if (solvers > 0) {
    const backend = ctx.backend as "wasm" | "cpu" | "tensorflow";
    try {
      network.useSolver(
        await WorkerPool.start(solvers, {
          config: network.config,
          inputShape: ctx.inputShape,
          backend,
        }),
      );
    } catch (e) {
      await network.dispose();
      throw e;
    }
  }
  return new SimilarityMatchingModel(network, config, ctx.inputShape, ctx.nClasses, solvers);
}
