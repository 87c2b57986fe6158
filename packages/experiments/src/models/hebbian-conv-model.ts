import { PlasticityError } from "@plasticity/core";
import {
  HebbianConvNet,
  type HebbianConvState,
  type LayerReport,
  receptiveFields,
  workerExecutor,
} from "@plasticity/hebbian-conv";
import type { StateValue } from "../io/state.js";
import type { HebbianConvModelConfig } from "./hebbian-conv.js";
import { layerName } from "./hebbian-mlp.js";
import type {
  ExperimentModel,
  FilterSet,
  LayerFeatures,
  ModelContext,
  ModelPlot,
  StepInfo,
  StepMetrics,
  TrainBatch,
} from "./model.js";
import { cappedThreads } from "./threads.js";

/**
 * A layer's win rates relative to the target K/N: the smallest and largest ratio, and the
 * fraction of "dead" channels (below a tenth of the target).
 */
function rateSummary(rates: ArrayLike<number>, target: number) {
  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  let dead = 0;
  for (let c = 0; c < rates.length; c++) {
    const r = rates[c]! / target;
    min = Math.min(min, r);
    max = Math.max(max, r);
    if (r < 0.1) dead++;
  }
  return { min, max, deadFraction: dead / rates.length };
}

/** Mean and standard deviation of the thresholds. */
function thetaSummary(theta: Float32Array) {
  let s = 0;
  for (const t of theta) s += t;
  const mean = s / theta.length;
  let v = 0;
  for (const t of theta) v += (t - mean) ** 2;
  return { mean, std: Math.sqrt(v / theta.length) };
}

class HebbianConvModel implements ExperimentModel {
  readonly layers: readonly string[];

  constructor(private readonly net: HebbianConvNet) {
    this.layers = net.layers.map((_, i) => layerName(i));
  }

  async trainStep(batch: TrainBatch, info: StepInfo): Promise<StepMetrics> {
    const reports = await this.net.trainBatch(batch.x, batch.shape[0], info.lrScale);
    return info.wantMetrics ? this.stepMetrics(reports) : {};
  }

  private stepMetrics(reports: LayerReport[]): StepMetrics {
    const out: StepMetrics = {};
    const params = this.net.parameters();
    const rates = this.net.winRates();
    reports.forEach((r, l) => {
      const layer = this.net.layers[l]!;
      const p = layerName(l);
      const target = layer.cfg.k / layer.geom.cout;
      Object.assign(out, {
        [`${p}.dw_rel`]: r.dwRel,
        [`${p}.win_rate_max_rel`]: rateSummary(r.winRate, target).max,
        [`${p}.dead_fraction`]: rateSummary(rates[l]!, target).deadFraction,
        [`${p}.theta_std`]: thetaSummary(params[l]!.theta).std,
      });
    });
    return out;
  }

  async features(x: Float32Array, n: number): Promise<LayerFeatures[]> {
    const feats = await this.net.features(x, n);
    return feats.map((data, l) => ({
      layer: layerName(l),
      dim: 4 * this.net.layers[l]!.geom.cout,
      data,
    }));
  }

  /** Layer 1's filters [k, k, cin]. */
  async filters(): Promise<FilterSet[]> {
    const g = this.net.layers[0]!.geom;
    const W = this.net.parameters()[0]!.W;
    return [{ layer: layerName(0), count: g.cout, shape: [g.kernel, g.kernel, g.cin], data: W }];
  }

  /**
   * Receptive fields of layers 2.. reconstructed from the layers below (Miconi's figures), the
   * per-layer histogram of win rates (moving average, in units of K/N) and the last layer's
   * non-zero |weights| on a log count axis (the paper's weight-distribution figure).
   */
  async plots(): Promise<ModelPlot[]> {
    const geoms = this.net.geometry;
    const params = this.net.parameters();
    const rfs = receptiveFields(
      geoms,
      params.map((p) => p.W),
    );
    const plots: ModelPlot[] = rfs.slice(1).map((rf, i) => ({
      kind: "filters",
      name: `receptive-fields-${layerName(i + 1)}`,
      filters: {
        layer: `${layerName(i + 1)} receptive fields`,
        count: rf.count,
        shape: [rf.size, rf.size, rf.channels],
        data: rf.data,
      },
    }));
    const rates = this.net.winRates();
    plots.push({
      kind: "histogram",
      name: "win-rates",
      title: "Win rate of each channel (moving average), in units of the target K/N",
      xTitle: "win rate / (K/N)",
      values: rates.flatMap((r, l) => {
        const target = this.net.layers[l]!.cfg.k / geoms[l]!.cout;
        return Array.from(r, (v) => ({ value: v / target, group: layerName(l) }));
      }),
      bins: 40,
    });
    const last = params[params.length - 1]!.W;
    plots.push({
      kind: "histogram",
      name: "last-layer-weights",
      title: `Non-zero weights of ${layerName(params.length - 1)}`,
      xTitle: "w",
      values: Array.from(
        last.filter((w) => w !== 0),
        (value) => ({ value }),
      ),
      bins: 60,
      logY: true,
    });
    return plots;
  }

  async diagnostics(): Promise<Record<string, number>> {
    const out: Record<string, number> = { batches: this.net.step };
    const params = this.net.parameters();
    const rates = this.net.winRates();
    this.net.layers.forEach((layer, l) => {
      const p = layerName(l);
      const { W, theta } = params[l]!;
      const { cout, fanIn } = layer.geom;
      const s = rateSummary(rates[l]!, layer.cfg.k / cout);
      let zeros = 0;
      let norm = 0;
      for (let c = 0; c < cout; c++) {
        let ss = 0;
        for (let k = 0; k < fanIn; k++) ss += W[c * fanIn + k]! ** 2;
        norm += Math.sqrt(ss) / cout;
      }
      for (const w of W) if (w === 0) zeros++;
      Object.assign(out, {
        [`${p}.channels`]: cout,
        [`${p}.win_rate_min_rel`]: s.min,
        [`${p}.win_rate_max_rel`]: s.max,
        [`${p}.dead_fraction`]: s.deadFraction,
        [`${p}.theta_mean`]: thetaSummary(theta).mean,
        [`${p}.theta_std`]: thetaSummary(theta).std,
        [`${p}.theta_min`]: Math.min(...theta),
        [`${p}.theta_max`]: Math.max(...theta),
        [`${p}.w_norm_mean`]: norm,
        [`${p}.zero_weight_fraction`]: zeros / W.length,
        [`${p}.sparse_forward`]: layer.sparse ? 1 : 0,
      });
    });
    return out;
  }

  async getState(): Promise<StateValue> {
    return this.net.getState() as unknown as StateValue;
  }

  async setState(state: StateValue): Promise<void> {
    try {
      this.net.setState(state as unknown as HebbianConvState);
    } catch (err) {
      throw new PlasticityError(`model state: ${(err as Error).message}`, "model");
    }
  }

  dispose(): void {
    void this.net.dispose();
  }
}

/** Build a `hebbian-conv` model: masks and filters from the model's rng, layer i from fork(i + 1). */
export async function createHebbianConv(
  config: HebbianConvModelConfig,
  ctx: ModelContext,
): Promise<ExperimentModel> {
  const { kind: _kind, ...net } = config;
  const backend = ctx.backend;
  const workers = cappedThreads(net.workers);
  return new HebbianConvModel(
    HebbianConvNet.create(net, {
      inputShape: ctx.inputShape,
      rng: ctx.rng,
      executor: workers > 1 ? workerExecutor(workers, backend) : undefined,
    }),
  );
}
