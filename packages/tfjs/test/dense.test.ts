import {
  bcm,
  defineRule,
  hebb,
  krotovHopfield,
  kWTA,
  matmulABt,
  oja,
  PlasticityError,
  relu,
  softmaxRows,
  triangle,
  UnknownNameError,
} from "@plasticity/core";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  type Activation,
  applyActivation,
  checkShape,
  HebbianDense,
  type HebbianDenseOptions,
  parseActivation,
  type RuleActivity,
  RuleLayer,
  type RuleLayerOptions,
  type RuleLayerState,
  tf,
} from "../src/index.js";
import { BACKENDS, fieldOf, normal, Rng, relErr, useBackend } from "./helpers.js";

describe.each(BACKENDS)("HebbianDense on %s", (backend) => {
  useBackend(backend);

  it("same seed → same weights; the init schemes have their documented scale", () => {
    const a = new HebbianDense({ nIn: 20, nOut: 6, rule: hebb, seed: 3 });
    const b = new HebbianDense({ nIn: 20, nOut: 6, rule: hebb, seed: 3 });
    const c = new HebbianDense({ nIn: 20, nOut: 6, rule: hebb, seed: 4 });
    expect(a.weights()).toEqual(b.weights());
    expect(a.weights()).not.toEqual(c.weights());
    const unit = new HebbianDense({
      nIn: 20,
      nOut: 6,
      rule: hebb,
      seed: 3,
      init: "unit-norm",
    }).weights();
    for (let i = 0; i < 6; i++) {
      const row = unit.subarray(i * 20, (i + 1) * 20);
      expect(Math.hypot(...row)).toBeCloseTo(1, 5);
    }
    const uni = new HebbianDense({
      nIn: 20,
      nOut: 6,
      rule: hebb,
      rng: Rng.seeded(1),
      init: "uniform",
      initScale: 0.1,
    });
    const lim = Math.sqrt(3) * 0.1;
    expect(uni.weights().every((v) => Math.abs(v) <= lim)).toBe(true);
    for (const l of [a, b, c, uni]) l.dispose();
  });

  it("learn = forward + the core rule: W₁ = W₀ + ΔW_core(x, f(x W₀ᵀ))", async () => {
    const rng = Rng.seeded(5);
    const [batch, nIn, nOut] = [10, 12, 7];
    const layer = new HebbianDense({
      nIn,
      nOut,
      rule: oja,
      params: { lr: 0.05 },
      activation: { kind: "kwta", k: 2 },
      seed: 9,
    });
    const w0 = layer.weights();
    const x = normal(rng, batch * nIn);
    const xt = tf.tensor2d(x, [batch, nIn]);
    const { u, y } = layer.learn(xt);
    const uRef = matmulABt(x, w0, batch, nIn, nOut);
    const yRef = kWTA(uRef, batch, nOut, 2);
    expect(relErr(await u.data(), uRef)).toBeLessThan(1e-5);
    expect(relErr(await y.data(), yRef)).toBeLessThan(1e-5);
    const { dw } = oja.apply(
      { pre: x, u: uRef, post: yRef, w: w0, batch, nIn, nOut },
      { lr: 0.05 },
    );
    const w1 = layer.weights();
    expect(
      relErr(
        w1.map((v, i) => v - w0[i]),
        dw,
      ),
    ).toBeLessThan(1e-4);
    tf.dispose([xt, u, y]);
    layer.dispose();
  });

  it("krotov-hopfield (p = 2) ranks by the layer's pre-activation u = x Wᵀ, not by y = f(u)", async () => {
    const rng = Rng.seeded(12);
    const [batch, nIn, nOut] = [9, 10, 8];
    const params = { lr: 0.05, k: 3 };
    // y = k-WTA(u) zeroes all but the top unit by u, so a kernel fed y would rank differently
    const layer = new HebbianDense({
      nIn,
      nOut,
      rule: krotovHopfield,
      params,
      activation: { kind: "kwta", k: 1 },
      seed: 13,
    });
    const w0 = layer.weights();
    const x = normal(rng, batch * nIn);
    const xt = tf.tensor2d(x, [batch, nIn]);
    tf.dispose(layer.learn(xt));
    const u = matmulABt(x, w0, batch, nIn, nOut);
    const input = { pre: x, u, post: kWTA(u, batch, nOut, 1), w: w0, batch, nIn, nOut };
    const { dw } = krotovHopfield.apply(input, params);
    const got = layer.weights().map((v, i) => v - w0[i]);
    expect(relErr(got, dw)).toBeLessThan(1e-4);
    const fedY = krotovHopfield.apply({ ...input, u: input.post }, params).dw;
    expect(relErr(got, fedY)).toBeGreaterThan(1e-2);
    tf.dispose(xt);
    layer.dispose();
  });

  it("a stateful rule (bcm) threads its state like the reference", () => {
    const rng = Rng.seeded(6);
    const [batch, nIn, nOut] = [8, 5, 4];
    const layer = new HebbianDense({
      nIn,
      nOut,
      rule: bcm,
      params: { lr: 0.02, tau: 3 },
      activation: { kind: "relu" },
      seed: 1,
    });
    let w = layer.weights();
    let state = bcm.initState({ nIn, nOut }, bcm.parseParams({ lr: 0.02, tau: 3 }));
    for (let step = 0; step < 4; step++) {
      const x = normal(rng, batch * nIn);
      const u = matmulABt(x, w, batch, nIn, nOut);
      const post = relu(u);
      const ref = bcm.apply({ pre: x, u, post, w, batch, nIn, nOut }, { lr: 0.02, tau: 3 }, state);
      w = w.map((v, i) => v + ref.dw[i]);
      state = ref.state;
      tf.dispose(layer.learn(tf.tensor2d(x, [batch, nIn])));
    }
    expect(relErr(layer.weights(), w)).toBeLessThan(1e-5);
    expect(relErr(layer.getState().ruleState.theta!, state.theta!)).toBeLessThan(1e-5);
    layer.dispose();
  });

  it("200 learn steps keep tf.memory().numTensors flat", () => {
    const rng = Rng.seeded(7);
    const mask = new Float32Array(16 * 30).map(() => (rng.uniform() < 0.5 ? 1 : 0));
    const baseline = tf.memory().numTensors;
    const layer = new HebbianDense({
      nIn: 30,
      nOut: 16,
      rule: bcm,
      activation: { kind: "kwta", k: 3 },
      seed: 2,
      mask,
    });
    const x = tf.tensor2d(normal(rng, 20 * 30), [20, 30]);
    tf.dispose(layer.learn(x));
    const before = tf.memory().numTensors;
    for (let i = 0; i < 200; i++) tf.dispose(layer.learn(x));
    expect(tf.memory().numTensors).toBe(before);
    // masked synapses never grew
    const w = layer.weights();
    expect(w.every((v, i) => mask[i] === 1 || v === 0)).toBe(true);
    x.dispose();
    layer.dispose();
    // dispose() frees everything the layer owns (W, mask, θ)
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it("getState/setState round-trips weights and rule state through plain typed arrays", () => {
    const rng = Rng.seeded(8);
    const opts = {
      nIn: 6,
      nOut: 4,
      rule: bcm,
      params: { tau: 2 },
      activation: { kind: "tanh" } as Activation,
    };
    const a = new HebbianDense({ ...opts, seed: 1 });
    const b = new HebbianDense({ ...opts, seed: 2 });
    const x = tf.tensor2d(normal(rng, 5 * 6), [5, 6]);
    for (let i = 0; i < 3; i++) tf.dispose(a.learn(x));
    const saved = a.getState();
    expect(saved.weights).toBeInstanceOf(Float32Array);
    expect(saved.ruleState.theta).toBeInstanceOf(Float32Array);
    // structuredClone: what a checkpoint file round-trip preserves
    b.setState(structuredClone(saved));
    expect(b.weights()).toEqual(a.weights());
    tf.dispose([a.learn(x), b.learn(x)]);
    expect(b.weights()).toEqual(a.weights());
    expect(b.getState().ruleState).toEqual(a.getState().ruleState);
    // wrong shape / rule / state are refused before anything changes
    const c = new HebbianDense({ ...opts, nIn: 7, seed: 1 });
    expect(fieldOf(() => c.setState(saved))).toBe("state.nIn");
    const d = new HebbianDense({ ...opts, rule: oja, params: {}, seed: 1 });
    expect(fieldOf(() => d.setState(saved))).toBe("state.rule");
    expect(fieldOf(() => b.setState({ ...saved, ruleState: {} }))).toBe("state.ruleState");
    expect(fieldOf(() => b.setState({ ...saved, weights: new Float32Array(3) }))).toBe(
      "state.weights",
    );
    tf.dispose(x);
    for (const l of [a, b, c, d]) l.dispose();
  });

  it("bad input names the argument", () => {
    const layer = new HebbianDense({ nIn: 4, nOut: 3, rule: hebb, seed: 1 });
    const small = (extra: Partial<HebbianDenseOptions>) => () =>
      new HebbianDense({ nIn: 4, nOut: 3, rule: hebb, seed: 1, ...extra });
    expect(fieldOf(() => layer.learn(tf.zeros([2, 5]) as tf.Tensor2D))).toBe("x");
    expect(fieldOf(() => layer.forward(tf.zeros([2, 2, 4]) as unknown as tf.Tensor2D))).toBe("x");
    const nan = tf.tensor2d([1, 2, Number.NaN, 4], [1, 4]);
    expect(() => layer.learn(nan)).toThrow(/x: non-finite value NaN at index 2/);
    expect(fieldOf(() => layer.setWeights(new Float32Array(5)))).toBe("weights");
    expect(fieldOf(() => new HebbianDense({ nIn: 0, nOut: 3, rule: hebb, seed: 1 }))).toBe("nIn");
    expect(fieldOf(() => new HebbianDense({ nIn: 4, nOut: 3, rule: hebb }))).toBe("seed");
    expect(
      fieldOf(() => new HebbianDense({ nIn: 4, nOut: 3, rule: hebb, seed: 1, params: { lr: -1 } })),
    ).toBe("params.lr");
    expect(fieldOf(small({ activation: { kind: "kwta", k: 5 } }))).toBe("activation.k");
    expect(fieldOf(small({ activation: { kind: "sigmoid" } as unknown as Activation }))).toMatch(
      /^activation/,
    );
    expect(fieldOf(small({ mask: new Float32Array(12).fill(2) }))).toBe("mask");
    const orphan = defineRule({
      name: "no-kernel-rule",
      description: "a rule without a tfjs kernel",
      equation: "ΔW = 0",
      reference: "test",
      params: z.object({ lr: z.number().default(1) }),
      delta: (_i, _p, out, s) => {
        out.fill(0);
        return s;
      },
    });
    expect(() => new HebbianDense({ nIn: 4, nOut: 3, rule: orphan, seed: 1 })).toThrow(
      UnknownNameError,
    );
    expect(() => new HebbianDense({ nIn: 4, nOut: 3, rule: orphan, seed: 1 })).toThrow(
      /unknown rule kernel "no-kernel-rule"/,
    );
    tf.dispose(nan);
    layer.dispose();
  });
});

/**
 * A third topology written against the exported base: the same W [nOut × nIn] at every time
 * step of x [batch, T, nIn] (a 1-wide temporal convolution); every (sample, step) is a rule sample.
 */
interface SharedOverTimeState extends RuleLayerState<"test.shared-over-time"> {
  readonly nIn: number;
  readonly nOut: number;
}
class SharedOverTime extends RuleLayer<tf.Tensor3D, tf.Rank.R2, SharedOverTimeState> {
  constructor(
    readonly nIn: number,
    readonly nOut: number,
    opts: RuleLayerOptions,
  ) {
    const layout = { shape: [nOut, nIn], dims: "nOut × nIn", units: nOut, fanIn: nIn };
    super(opts, "test.shared-over-time", layout, "nOut");
  }
  protected override checkX(x: tf.Tensor3D): void {
    checkShape(x, [-1, -1, this.nIn], "x", "batch × T × nIn");
  }
  override forward(x: tf.Tensor3D): { u: tf.Tensor3D; y: tf.Tensor3D } {
    this.checkX(x);
    return tf.tidy(() => {
      const [b, t] = x.shape;
      const u2 = tf.matMul<tf.Tensor2D>(
        tf.reshape<tf.Rank.R2>(x, [b * t, this.nIn]),
        tf.transpose(this.W),
      );
      const y2 = applyActivation(u2, this.activation);
      return { u: tf.reshape(u2, [b, t, this.nOut]), y: tf.reshape(y2, [b, t, this.nOut]) };
    });
  }
  protected override ruleActivity(x: tf.Tensor3D, u: tf.Tensor3D, y: tf.Tensor3D): RuleActivity {
    const n = x.shape[0] * x.shape[1];
    return {
      pre: tf.reshape(x, [n, this.nIn]),
      u: tf.reshape(u, [n, this.nOut]),
      post: tf.reshape(y, [n, this.nOut]),
    };
  }
  override getState(): SharedOverTimeState {
    return {
      kind: "test.shared-over-time",
      nIn: this.nIn,
      nOut: this.nOut,
      ...this.ruleLayerState(),
    };
  }
  protected override checkGeometry(s: SharedOverTimeState): void {
    if (s.nIn !== this.nIn || s.nOut !== this.nOut)
      throw new PlasticityError("state: geometry differs", "state.nIn");
  }
}

describe.each(BACKENDS)("RuleLayer (the shared base) on %s", (backend) => {
  useBackend(backend);

  it("a new topology only says how it feeds the rule: learn = the core rule on its samples", async () => {
    const rng = Rng.seeded(14);
    const [batch, steps, nIn, nOut] = [3, 4, 6, 5];
    const mask = new Float32Array(nOut * nIn).map(() => (rng.uniform() < 0.3 ? 0 : 1));
    const opts = { rule: oja, params: { lr: 0.1 }, activation: { kind: "relu" }, mask } as const;
    const layer = new SharedOverTime(nIn, nOut, { ...opts, seed: 15 });
    const w0 = layer.weights();
    expect(w0.every((v, i) => mask[i] === 1 || v === 0)).toBe(true);
    const x = normal(rng, batch * steps * nIn);
    const xt = tf.tensor3d(x, [batch, steps, nIn]);
    tf.dispose(layer.learn(xt));
    const n = batch * steps;
    const u = matmulABt(x, w0, n, nIn, nOut);
    const { dw } = oja.apply({ pre: x, u, post: relu(u), w: w0, batch: n, nIn, nOut }, { lr: 0.1 });
    const w1 = layer.weights();
    expect(
      relErr(
        w1,
        w0.map((v, i) => v + mask[i] * dw[i]),
      ),
    ).toBeLessThan(1e-5);
    // checkpoints and their checks come from the base
    const other = new SharedOverTime(nIn, nOut, { ...opts, seed: 16 });
    other.setState(structuredClone(layer.getState()));
    expect(other.weights()).toEqual(w1);
    expect(fieldOf(() => other.setState({ ...layer.getState(), nIn: 7 }))).toBe("state.nIn");
    expect(fieldOf(() => other.setState({ ...layer.getState(), rule: "hebb" }))).toBe("state.rule");
    expect(fieldOf(() => other.learn(tf.zeros([1, 2, 3]) as tf.Tensor3D))).toBe("x");
    tf.dispose(xt);
    layer.dispose();
    other.dispose();
  });
});

describe.each(BACKENDS)("activations on %s match core's activity transforms", (backend) => {
  useBackend(backend);
  const rng = Rng.seeded(21);
  const [batch, n] = [6, 9];
  const u = normal(rng, batch * n);
  u[3] = u[4]; // a tie inside a row: exactly k survive, the lower index first
  const cases: [Activation, (u: Float32Array) => Float32Array][] = [
    [{ kind: "linear" }, (v) => v.slice()],
    [{ kind: "relu" }, (v) => relu(v)],
    [{ kind: "tanh" }, (v) => v.map(Math.tanh)],
    [{ kind: "kwta", k: 3 }, (v) => kWTA(v, batch, n, 3)],
    [{ kind: "kwta", k: 1 }, (v) => kWTA(v, batch, n, 1)],
    [{ kind: "softmax", temperature: 0.5 }, (v) => softmaxRows(v, batch, n, 0.5)],
    [{ kind: "triangle" }, (v) => triangle(v, batch, n)],
    [{ kind: "power", n: 3 }, (v) => relu(v).map((r) => r ** 3)],
  ];
  it.each(cases.map(([a, f]) => [a.kind, a, f] as const))("%s", async (_k, act, ref) => {
    const ut = tf.tensor2d(u, [batch, n]);
    const y = applyActivation(ut, parseActivation(act));
    expect(relErr(await y.data(), ref(u))).toBeLessThan(1e-5);
    tf.dispose([ut, y]);
  });
});
