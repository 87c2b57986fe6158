/**
 * A structured deep similarity-matching network (Obeid, Ramambason & Pehlevan 2019): the
 * layers' weights, the fixed points of the neural dynamics, and learning with the core rules
 * `sm-feedforward` (W) and `sm-lateral` (M) applied per site, masked by the structure constants.
 */
import { checkArray, checkFinite, PlasticityError, Rng } from "@plasticity/core";
import {
  LocallyConnected2d,
  MaskedWeights,
  smFeedforwardDelta,
  smLateralDelta,
  tf,
} from "@plasticity/tfjs";
import { type Activation, regulariser } from "./activation.js";
import { Dynamics, type FixedPoints, type LayerWeights } from "./dynamics.js";
import { type GridShape, type LayerGeometry, networkGeometry } from "./geometry.js";
import { partnerStackHost, patchStackHost } from "./host-ops.js";
import { feedforwardLr, lateralLr, layerRate, microBatchSize } from "./learning.js";
import { ObjectiveAccumulator } from "./objective.js";
import { type NetworkConfig, type NetworkConfigInput, parseNetworkConfig } from "./schema.js";
import { toSiteStack } from "./site-ops.js";

/** Computes fixed points: in this thread (`InThreadSolver`) or in worker threads. */
export interface FixedPointSolver {
  solve(x: Float32Array, n: number, weights: readonly LayerWeights[]): Promise<FixedPoints>;
  dispose(): void | Promise<void>;
}

/** The dynamics on this thread's tfjs backend. */
export class InThreadSolver implements FixedPointSolver {
  constructor(readonly dynamics: Dynamics) {}
  async solve(x: Float32Array, n: number, weights: readonly LayerWeights[]) {
    this.dynamics.setWeights(weights);
    return this.dynamics.solve(x, n);
  }
  dispose(): void {}
}

export interface NetworkOptions {
  readonly config?: NetworkConfigInput;
  /** [height, width, channels] of one input. */
  readonly inputShape: GridShape;
  /** Draws the initial W (N(0, 1)/√(mean fan-in) on the synapses, as the code). */
  readonly rng?: Rng;
  readonly seed?: number;
}

/** What one call of `learn` did. */
export interface LearnStats {
  readonly samples: number;
  readonly convergedFraction: number;
  readonly meanSteps: number;
  readonly maxResidual: number;
  readonly microBatch: number;
  /** η of the top layer for this call. */
  readonly lr: number;
}

/** Checkpoint: W [S, n, K] and M [S, n, Q·n] per layer. */
export interface NetworkState {
  readonly layers: readonly { readonly W: Float32Array; readonly M: Float32Array }[];
}

interface Layer {
  readonly g: LayerGeometry;
  readonly lc: LocallyConnected2d;
  readonly M: MaskedWeights<tf.Rank.R3>;
  readonly objective: ObjectiveAccumulator;
}

export class SimilarityMatchingNetwork {
  readonly config: NetworkConfig;
  readonly geometry: readonly LayerGeometry[];
  readonly activation: Activation;
  readonly dynamics: Dynamics;
  private readonly layers: Layer[];
  private solver: FixedPointSolver;

  constructor(opts: NetworkOptions) {
    this.config = parseNetworkConfig(opts.config);
    this.geometry = networkGeometry(opts.inputShape, this.config.layers);
    this.activation = { name: this.config.activation, bounds: this.config.bounds };
    const rng = opts.rng ?? Rng.seeded(checkSeed(opts.seed));
    this.layers = this.geometry.map((g) => makeLayer(g, rng));
    this.dynamics = new Dynamics(
      this.geometry,
      this.activation,
      this.config.gamma,
      this.config.dynamics,
    );
    this.solver = new InThreadSolver(this.dynamics);
  }

  /** Use another solver (e.g. a worker pool); returns the previous one. */
  useSolver(s: FixedPointSolver): FixedPointSolver {
    const old = this.solver;
    this.solver = s;
    return old;
  }

  /** The layers' weights as typed arrays (copies). */
  weights(): LayerWeights[] {
    return this.getState().layers.map((l) => ({ W: l.W, M: l.M }));
  }

  /** Units of the top layer (the features' dimension). */
  get outputUnits(): number {
    return this.geometry[this.geometry.length - 1]!.units;
  }

  /** Fixed points of the n inputs x [n × nIn] (no learning). */
  async fixedPoints(x: Float32Array, n: number): Promise<FixedPoints> {
    checkArray("x", x, n * this.geometry[0]!.nIn, "n × inputs");
    return this.solver.solve(x, n, this.weights());
  }

  /**
   * Learn from n inputs x [n × nIn] in micro-batches (see learning.ts), with η = config.lr ·
   * lrScale. With `objective`, the round's fixed points also feed the dual objective
   * (`takeObjective`).
   */
  async learn(x: Float32Array, n: number, lrScale = 1, objective = true): Promise<LearnStats> {
    const nIn = this.geometry[0]!.nIn;
    checkArray("x", x, n * nIn, "n × inputs");
    const P = this.layers.length;
    const { lr, gamma, layerLrFactor, maxDrift } = this.config;
    const eta = this.layers.map((_, p) => layerRate(lr * lrScale, p, P, gamma, layerLrFactor));
    const B = Math.min(n, microBatchSize(Math.max(...eta), maxDrift));
    let conv = 0;
    let steps = 0;
    let maxResidual = 0;
    for (let a = 0; a < n; a += B) {
      const m = Math.min(B, n - a);
      const xs = x.subarray(a * nIn, (a + m) * nIn);
      const fp = await this.solver.solve(xs, m, this.weights());
      this.update(xs, m, fp, eta, objective);
      for (let b = 0; b < m; b++) {
        conv += fp.converged[b]!;
        steps += fp.steps[b]!;
        maxResidual = Math.max(maxResidual, fp.residual[b]!);
      }
    }
    return {
      samples: n,
      convergedFraction: conv / n,
      meanSteps: steps / n,
      maxResidual,
      microBatch: B,
      lr: eta[P - 1]!,
    };
  }

  /** Eq. (17) for one micro-batch of m fixed points, every layer from the same r*. */
  private update(x: Float32Array, m: number, fp: FixedPoints, eta: number[], objective: boolean) {
    const P = this.layers.length;
    tf.tidy(() => {
      this.layers.forEach((l, p) => {
        const { sites: S, nIn, K, Q, n } = l.g;
        const input = p === 0 ? x : fp.r[p - 1]!;
        const pre = tf.tensor3d(patchStackHost(l.g, input, m), [S, m, K]);
        const post = toSiteStack(tf.tensor2d(fp.r[p]!, [m, l.g.units]), S);
        const partner =
          Q === 1 ? post : tf.tensor3d(partnerStackHost(l.g, fp.r[p]!, m), [S, m, Q * n]);
        const g = p < P - 1 ? this.config.gamma : 0;
        l.lc.update(smFeedforwardDelta(pre, post, l.lc.W, feedforwardLr(eta[p]!, m)));
        l.M.add(smLateralDelta(post, l.M.variable, lateralLr(eta[p]!, m, g), g, partner));
        if (objective) {
          const F = regulariser(fp.r[p]!, this.activation);
          l.objective.add(tf.tensor2d(input, [m, nIn]), pre, post, partner, F);
        }
      });
    });
  }

  /** The dual objective of each layer over the samples learnt since the last call. */
  takeObjective(): { cost: number; C: number; W: number; L: number; F: number }[] {
    return this.layers.map((l) => l.objective.take());
  }

  getState(): NetworkState {
    return {
      layers: this.layers.map((l) => ({ W: l.lc.weights(), M: l.M.values() })),
    };
  }

  /** Restore `getState()` of a network with the same config; validates before changing. */
  setState(s: NetworkState): void {
    if (!Array.isArray(s?.layers) || s.layers.length !== this.layers.length) {
      throw new PlasticityError(
        `state.layers: expected ${this.layers.length} layers of { W, M }`,
        "state.layers",
      );
    }
    const checked = this.layers.map((l, p) => {
      const { sites, n, K, Q } = l.g;
      const W = checkArray(`state.layers.${p}.W`, s.layers[p]!.W, sites * n * K, "S × n × K");
      checkFinite(`state.layers.${p}.W`, W);
      const M = l.M.check(s.layers[p]!.M, `state.layers.${p}.M`);
      if (sites * n * Q * n !== M.length) throw new PlasticityError("state: M size", "state");
      return { W, M };
    });
    this.layers.forEach((l, p) => {
      l.lc.setWeights(checked[p]!.W);
      l.M.assign(checked[p]!.M);
    });
  }

  async dispose(): Promise<void> {
    await this.solver.dispose();
    this.dynamics.dispose();
    for (const l of this.layers) {
      l.lc.dispose();
      l.M.dispose();
      l.objective.reset();
    }
  }
}

function checkSeed(seed: unknown): number {
  if (!Number.isInteger(seed)) {
    throw new PlasticityError(
      `seed: expected an integer (or pass rng), got ${String(seed)}`,
      "seed",
    );
  }
  return seed as number;
}

/** W as a `LocallyConnected2d` over the disc windows; M = I on the lateral synapses. */
function makeLayer(g: LayerGeometry, rng: Rng): Layer {
  const [h, w, c] = g.inShape;
  const lc = new LocallyConnected2d({
    inHeight: h,
    inWidth: w,
    inChannels: c,
    outChannels: g.n,
    kernelSize: g.layout.kernelSize,
    stride: g.layout.stride,
    padding: g.layout.padding,
    mask: g.wMask ?? undefined,
    rng,
  });
  const { sites: S, n, Q } = g;
  const layout = { shape: [S, n, Q * n], dims: "S × n × Q·n", units: S * n, fanIn: Q * n };
  // M's initial values are the identity, so the draw is a throwaway stream (not the model's).
  const M = new MaskedWeights<tf.Rank.R3>(layout, g.mMask, { rng: Rng.seeded(0), scale: 1 });
  const eye = new Float32Array(S * n * Q * n);
  for (let s = 0; s < S; s++) for (let i = 0; i < n; i++) eye[(s * n + i) * Q * n + i] = 1;
  M.assign(eye);
  return {
    g,
    lc,
    M,
    objective: new ObjectiveAccumulator(
      g.nIn,
      lc.mask,
      g.mMask ? tf.tensor3d(g.mMask, [S, n, Q * n]) : null,
    ),
  };
}
