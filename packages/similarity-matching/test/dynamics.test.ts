import { tf } from "@plasticity/tfjs";
import { describe, expect, it } from "vitest";
import { activate, type NetworkConfigInput, SimilarityMatchingNetwork } from "../src/index.js";
import { referenceFixedPoint } from "../src/reference.js";
import {
  BACKENDS,
  normal,
  perturbLateral,
  Rng,
  referenceWeights,
  relErr,
  SMALL,
  useBackend,
} from "./helpers.js";

const DEEP: NetworkConfigInput = {
  layers: [
    { kind: "structured", nps: 3, radius: 2, stride: 2, lateralRadius: 0 },
    { kind: "structured", nps: 4, radius: 2, stride: 1, lateralRadius: 1 },
  ],
  gamma: 0.5,
};

function images(n: number, seed: number): Float32Array {
  return normal(Rng.seeded(seed), n * 144, 0.5);
}

describe.each(BACKENDS)("dynamics on %s", (backend) => {
  useBackend(backend);

  it.each([
    ["one structured layer", SMALL],
    [
      "lateral radius 2",
      { layers: [{ kind: "structured", nps: 2, radius: 2, stride: 2, lateralRadius: 2 }] },
    ],
    ["two layers with feedback", DEEP],
    [
      "two layers, the code's mult factors",
      { ...DEEP, layers: [DEEP.layers![0]!, { ...DEEP.layers![1]!, mult: 2 }] },
    ],
    ["dense (Földiák)", { layers: [{ kind: "dense", nps: 5 }] }],
  ] as [string, NetworkConfigInput][])(
    "%s ≡ the typed-array reference (fixed steps)",
    async (_n, cfg) => {
      const net = new SimilarityMatchingNetwork({
        config: { ...cfg, dynamics: { mode: "fixed", steps: 60 } },
        inputShape: [12, 12, 1],
        seed: 1,
      });
      perturbLateral(net, 0.1, 2);
      const x = images(3, 3);
      const fp = await net.fixedPoints(x, 3);
      const w = referenceWeights(net);
      for (let b = 0; b < 3; b++) {
        const ref = referenceFixedPoint(
          net.geometry,
          w,
          x.subarray(b * 144, (b + 1) * 144),
          net.activation,
          net.config.gamma,
          net.config.dynamics,
        );
        net.geometry.forEach((g, p) => {
          const got = fp.r[p]!.subarray(b * g.units, (b + 1) * g.units);
          expect(relErr(got, ref.r[p]!)).toBeLessThan(2e-5);
        });
        expect(fp.steps[b]).toBe(60);
      }
      await net.dispose();
    },
  );

  it("tolerance mode: each sample stops on its own where the reference stops, and batching changes nothing", async () => {
    const net = new SimilarityMatchingNetwork({
      config: { ...DEEP, dynamics: { mode: "tolerance", tol: 1e-4, checkEvery: 5 } },
      inputShape: [12, 12, 1],
      seed: 4,
    });
    perturbLateral(net, 0.2, 5);
    // different scales settle at different speeds, so the batch shrinks along the way
    const x = images(6, 6).map((v, i) => v * (1 + Math.floor(i / 144)));
    const batch = await net.fixedPoints(x, 6);
    expect(new Set(batch.steps).size).toBeGreaterThan(1);
    const w = referenceWeights(net);
    for (let b = 0; b < 6; b++) {
      const xb = x.slice(b * 144, (b + 1) * 144);
      const alone = await net.fixedPoints(xb, 1);
      expect(alone.steps[0]).toBe(batch.steps[b]);
      net.geometry.forEach((g, p) => {
        const got = batch.r[p]!.subarray(b * g.units, (b + 1) * g.units);
        expect(Array.from(alone.r[p]!)).toEqual(Array.from(got));
      });
      const ref = referenceFixedPoint(
        net.geometry,
        w,
        xb,
        net.activation,
        net.config.gamma,
        net.config.dynamics,
      );
      expect(batch.converged[b]).toBe(1);
      expect(Math.abs(ref.steps - batch.steps[b]!)).toBeLessThanOrEqual(5);
      expect(
        relErr(
          batch.r[1]!.subarray(b * net.geometry[1]!.units, (b + 1) * net.geometry[1]!.units),
          ref.r[1]!,
        ),
      ).toBeLessThan(1e-3);
    }
    await net.dispose();
  });

  it("a sample that cannot converge in maxSteps stops there, flagged", async () => {
    const net = new SimilarityMatchingNetwork({
      config: { ...SMALL, dynamics: { mode: "tolerance", tol: 1e-12, maxSteps: 40 } },
      inputShape: [12, 12, 1],
      seed: 1,
    });
    const fp = await net.fixedPoints(images(2, 7), 2);
    expect(Array.from(fp.steps)).toEqual([40, 40]);
    expect(Array.from(fp.converged)).toEqual([0, 0]);
    expect(fp.residual[0]).toBeGreaterThan(1e-12);
    await net.dispose();
  });
});

describe.each(BACKENDS)("activations on %s", (backend) => {
  useBackend(backend);
  it("tanh as 2σ(2u) − 1 matches Math.tanh; rectified and bounded-linear as defined", () => {
    const u = Float32Array.from({ length: 401 }, (_, i) => (i - 200) / 25);
    const got = (name: "tanh" | "rectified" | "bounded-linear") =>
      tf.tidy(() => activate(tf.tensor1d(u), { name, bounds: [-0.5, 2] }).dataSync());
    const tanh = got("tanh");
    u.forEach((v, i) => {
      expect(Math.abs(tanh[i]! - Math.tanh(v))).toBeLessThan(3e-7);
      expect(got("rectified")[i]).toBe(Math.max(v, 0));
      expect(got("bounded-linear")[i]).toBe(Math.fround(Math.min(2, Math.max(-0.5, v))));
    });
  });
});
