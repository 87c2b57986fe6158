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

/** max_c / min_c of a layer's win rates relative to the target K/N, and the mean. */
function rateSummary(rates: ArrayLike<number>, target: number) {
  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  let sum = 0;
  for (let c = 0; c < rates.length; c++) {
    min = Math.min(min, rates[c]! / target);
    max = Math.max(max, rates[c]! / target);
    sum += rates[c]!;
  }
  return { min, max, winnersPerPosition: sum };
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
    reports.forEach((r, l) => {
      const layer = this.net.layers[l]!;
      const p = layerName(l);
      const s = rateSummary(r.winRate, layer.cfg.k / layer.geom.cout);
      let theta = 0;
      for (const t of params[l]!.theta) theta += t / layer.geom.cout;
      Object.assign(out, {
        [`${p}.dw_rel`]: r.dwRel,
        [`${p}.win_rate_max_rel`]: s.max,
        [`${p}.winners_per_position`]: s.winnersPerPosition,
        [`${p}.theta_mean`]: theta,
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
        [`${p}.winners_per_position`]: s.winnersPerPosition,
        [`${p}.theta_mean`]: theta.reduce((a, b) => a + b, 0) / cout,
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
  return new HebbianConvModel(
    HebbianConvNet.create(net, {
      inputShape: ctx.inputShape,
      rng: ctx.rng,
      executor: net.workers > 1 ? workerExecutor(net.workers, backend) : undefined,
    }),
  );
}
