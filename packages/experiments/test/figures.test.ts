import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import {
  accuracyChartSpec,
  bwr,
  confusionChartSpec,
  filterGridPng,
  metricsChartSpec,
  renderSvg,
} from "../src/index.js";

describe("filter grids", () => {
  it("draw one tile per filter: zero white, positive red, negative blue", () => {
    const count = 5;
    const data = new Float32Array(count * 4 * 4);
    data[0] = 1; // filter 0, pixel (0,0): the tile's max → pure red
    data[1] = -1; // pixel (0,1): pure blue
    const png = PNG.sync.read(
      filterGridPng({ layer: "l", count, shape: [4, 4, 1], data }, { scale: 2, pad: 1 }),
    );
    // ⌈√5⌉ = 3 columns, 2 rows of 8×8 tiles with 1-pixel gaps
    expect(png.width).toBe(3 * 8 + 4);
    expect(png.height).toBe(2 * 8 + 3);
    const px = (x: number, y: number) => [
      ...png.data.subarray(4 * (y * png.width + x), 4 * (y * png.width + x) + 3),
    ];
    expect(px(1, 1)).toEqual([255, 0, 0]);
    expect(px(3, 1)).toEqual([0, 0, 255]);
    expect(px(1 + 9, 1)).toEqual([255, 255, 255]); // filter 1 is all zeros
    expect(px(0, 0)).toEqual([96, 96, 96]); // gap
  });

  it("map values through blue–white–red", () => {
    expect(bwr(0)).toEqual([255, 255, 255]);
    expect(bwr(0.5)).toEqual([255, 128, 128]);
    expect(bwr(-2)).toEqual([0, 0, 255]);
  });

  it("refuse weights that do not match the shape", () => {
    expect(() =>
      filterGridPng({ layer: "l", count: 2, shape: [3, 3, 1], data: new Float32Array(17) }),
    ).toThrow(/expected 2 × 3×3×1 = 18 weights/);
  });
});

describe("charts", () => {
  it("render training curves, probe accuracy and a confusion matrix as SVG", async () => {
    const rows = [
      { step: 10, "layer1.w_norm": 2 },
      { step: 20, "layer1.w_norm": 1.5 },
    ];
    const curves = await renderSvg(metricsChartSpec(rows));
    expect(curves.startsWith("<svg")).toBe(true);
    expect(curves).toContain("layer1.w_norm");
    const acc = await renderSvg(
      accuracyChartSpec(
        [
          { layer: "layer1", variant: "trained", probe: "ridge", accuracy: 0.93 },
          { layer: "layer1", variant: "random-init", probe: "ridge", accuracy: 0.88 },
        ],
        ["layer1"],
      ),
    );
    expect(acc).toContain("0.930");
    const conf = await renderSvg(
      confusionChartSpec(
        [
          [3, 1],
          [0, 4],
        ],
        ["a", "b"],
        "confusion",
      ),
    );
    expect(conf).toContain("confusion");
  });
});
