import { LocallyConnected2d, tf } from "@plasticity/tfjs";
import { describe, expect, it } from "vitest";
import { patchStackHost } from "../src/host-ops.js";
import { layerGeometry, networkGeometry, parseNetworkConfig } from "../src/index.js";
import { fieldOf, normal, Rng, useBackend } from "./helpers.js";

const MNIST_LAYER = {
  kind: "structured",
  nps: 4,
  radius: 4,
  stride: 2,
  lateralRadius: 0,
  mult: 1,
} as const;

describe("structure constants", () => {
  it("radius 4, stride 2 on 28×28: 14×14 sites, 52 inputs per interior site, fewer at the border", () => {
    const g = layerGeometry([28, 28, 1], MNIST_LAYER);
    expect([g.outHeight, g.outWidth, g.sites, g.units]).toEqual([14, 14, 196, 784]);
    const counts = Array.from({ length: g.sites }, (_, s) =>
      g.wMask!.subarray(s * g.K, (s + 1) * g.K).reduce((a, v) => a + v, 0),
    );
    expect(counts[7 * 14 + 7]).toBe(52);
    expect(Math.max(...counts)).toBe(52);
    expect(counts[0]).toBeLessThan(52);
    // lateral radius 0: one site's own neurons, no masked entry
    expect(g.Q).toBe(1);
    expect(g.mMask).toBeNull();
  });

  it("lateral radius 2 with stride 2 couples the 4 nearest sites (fewer at the border)", () => {
    const g = layerGeometry([8, 8, 1], { ...MNIST_LAYER, nps: 2, radius: 2, lateralRadius: 2 });
    expect(g.Q).toBe(5);
    const partners = (s: number) => {
      let c = 0;
      for (let q = 0; q < g.Q; q++) if (g.latIndex[q * g.n * g.sites + s] !== g.units) c++;
      return c;
    };
    expect(partners(5)).toBe(5); // interior site (1, 1) of the 4×4 grid
    expect(partners(0)).toBe(3); // corner
    expect(g.mMask).not.toBeNull();
  });

  it("a deeper layer reads the layer below as an image with NpS channels", () => {
    const gs = networkGeometry(
      [28, 28, 1],
      parseNetworkConfig({
        layers: [MNIST_LAYER, { ...MNIST_LAYER, nps: 8, stride: 1, radius: 2 }],
      }).layers,
    );
    expect(gs[1]!.inShape).toEqual([14, 14, 4]);
    expect(gs[1]!.nIn).toBe(784);
    expect(gs[1]!.units).toBe(196 * 8);
  });

  it("bad configs fail naming the field", () => {
    expect(fieldOf(() => parseNetworkConfig({ layers: [{ ...MNIST_LAYER, nps: 0 }] }))).toBe(
      "config.layers.0.nps",
    );
    expect(fieldOf(() => parseNetworkConfig({ dynamics: { mode: "exact" } }))).toBe(
      "config.dynamics.mode",
    );
    expect(fieldOf(() => parseNetworkConfig({ bounds: [1, 0] }))).toBe("config.bounds");
    expect(
      fieldOf(() =>
        parseNetworkConfig({ layers: [MNIST_LAYER, MNIST_LAYER], layerLrFactor: true }),
      ),
    ).toBe("config.layerLrFactor");
    expect(fieldOf(() => networkGeometry([28, 28, 1], [{ ...MNIST_LAYER, radius: 0.5 }]))).toBe(
      "layers.0.radius",
    );
    expect(
      fieldOf(() => networkGeometry([28, 28, 1], [{ ...MNIST_LAYER, stride: 4, radius: 0.5 }])),
    ).toBe("layers.0.radius");
  });
});

describe("host patches", () => {
  useBackend("cpu");
  it("are LocallyConnected2d's patches, masked entries aside", () => {
    const g = layerGeometry([28, 28, 1], MNIST_LAYER);
    const x = normal(Rng.seeded(1), 3 * 784);
    const lc = new LocallyConnected2d({
      inHeight: 28,
      inWidth: 28,
      inChannels: 1,
      outChannels: 4,
      kernelSize: g.layout.kernelSize,
      stride: g.layout.stride,
      padding: g.layout.padding,
      mask: g.wMask!,
      seed: 0,
    });
    const want = tf.tidy(() => lc.patches(tf.tensor4d(x, [3, 28, 28, 1])).dataSync());
    expect(Array.from(patchStackHost(g, x, 3))).toEqual(Array.from(want));
    lc.dispose();
  });
});
