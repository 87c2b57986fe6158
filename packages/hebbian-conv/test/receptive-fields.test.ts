import { Rng } from "@plasticity/core";
import { describe, expect, it } from "vitest";
import { avgPool, networkGeometry, pruningMask, receptiveFields } from "../src/index.js";
import { naiveConv } from "./helpers.js";

describe("receptiveFields", () => {
  it("is the input pattern a linear network (conv, 2×2 avg pool, conv, …) reads at position (0, 0)", () => {
    const rng = Rng.seeded(11);
    const geoms = networkGeometry([32, 32, 3], {
      layers: [
        { channels: 6, kernel: 5, k: 1, lr: 0, prune: 0 },
        { channels: 5, kernel: 3, k: 1, lr: 0, prune: 0 },
        { channels: 4, kernel: 3, k: 1, lr: 0, prune: 0 },
      ],
      pool: 2,
      inputPadding: 0,
    });
    const weights = geoms.map((g, l) => {
      const mask = pruningMask(rng, g.cout, g.fanIn, l === 0 ? 0 : 0.5);
      return rng.fillNormal(new Float32Array(g.cout * g.fanIn)).map((v, i) => v * mask[i]!);
    });
    const rfs = receptiveFields(geoms, weights);
    expect(rfs.map((r) => r.size)).toEqual([5, 10, 20]);
    expect(rfs.map((r) => r.step)).toEqual([1, 2, 4]);
    const x = rng.fillNormal(new Float32Array(32 * 32 * 3));
    let h = x;
    geoms.forEach((g, l) => {
      const u = naiveConv(h, 1, g, weights[l]!);
      const rf = rfs[l]!;
      for (let c = 0; c < g.cout; c++) {
        let dot = 0;
        for (let r = 0; r < rf.size; r++)
          for (let col = 0; col < rf.size; col++)
            for (let ch = 0; ch < 3; ch++)
              dot +=
                rf.data[((c * rf.size + r) * rf.size + col) * 3 + ch]! *
                x[(r * 32 + col) * 3 + ch]!;
        expect(dot).toBeCloseTo(u[c]!, 3);
      }
      h = avgPool(u, 1, g.oh, g.ow, g.cout, g.pool);
    });
  });
});
