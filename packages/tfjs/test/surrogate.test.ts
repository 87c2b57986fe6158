import { hebb, instar, oja, type Rule } from "@plasticity/core";
import { describe, expect, it } from "vitest";
import { type SurrogateKind, surrogateLossConv2d, surrogateLossDense, tf } from "../src/index.js";
import {
  BACKENDS,
  fieldOf,
  gradOf,
  naivePatches,
  normal,
  Rng,
  relErr,
  useBackend,
} from "./helpers.js";

const RULES: [SurrogateKind, Rule][] = [
  ["hebb", hebb],
  ["instar", instar],
  ["oja", oja],
];

/** Sparse activity of both signs: about a third of the entries are 0. */
function sparse(rng: Rng, n: number): Float32Array {
  const y = normal(rng, n);
  for (let i = 0; i < n; i++) if (rng.uniform() < 0.35) y[i] = 0;
  return y;
}

describe.each(BACKENDS)("surrogate losses on %s: −∇_W L is the Hebbian rule", (backend) => {
  useBackend(backend);

  it.each(RULES)("dense %s", async (kind, rule) => {
    const rng = Rng.seeded(11);
    const [batch, nIn, nOut] = [6, 9, 5];
    const x = normal(rng, batch * nIn);
    const w = normal(rng, nOut * nIn, 0.5);
    const y = sparse(rng, batch * nOut);
    const lr = 0.01;
    // the hand-written update from core: ΔW = lr · ⟨…⟩ (batch mean)
    const u = new Float32Array(batch * nOut); // not used by these rules
    const { dw } = rule.apply({ pre: x, u, post: y, w, batch, nIn, nOut }, { lr });
    const [xt, wt, yt] = [
      tf.tensor2d(x, [batch, nIn]),
      tf.tensor2d(w, [nOut, nIn]),
      tf.tensor2d(y, [batch, nOut]),
    ];
    for (const reduction of ["sum", "mean"] as const) {
      const g = gradOf(
        (wv: tf.Tensor2D) => surrogateLossDense(kind, xt, wv, yt, { reduction }),
        wt,
      );
      const minusGrad = Array.from(await g.data(), (v) => -v);
      // sum over the batch: −∇L = batch · ΔW / lr; mean: −∇L = ΔW / lr
      const factor = reduction === "sum" ? batch / lr : 1 / lr;
      const expected = Array.from(dw, (v) => v * factor);
      expect(relErr(minusGrad, expected)).toBeLessThan(1e-5);
      g.dispose();
    }
    tf.dispose([xt, wt, yt]);
  });

  it.each(RULES)("conv2d %s (stride 1 and 2)", async (kind, rule) => {
    for (const stride of [1, 2]) {
      const rng = Rng.seeded(12 + stride);
      const [b, h, wd, cin, kh, kw, cout] = [2, 7, 8, 3, 3, 2, 4];
      const x = normal(rng, b * h * wd * cin);
      const filters = normal(rng, kh * kw * cin * cout, 0.3);
      const { patches, oh, ow } = naivePatches(x, [b, h, wd, cin], kh, kw, stride, stride);
      const n = b * oh * ow;
      const k = kh * kw * cin;
      const y = sparse(rng, n * cout);
      // the rule's view: pre = patches [n × K], post = y [n × cout], w = filters as [cout × K]
      const wRule = new Float32Array(cout * k);
      for (let q = 0; q < k; q++)
        for (let c = 0; c < cout; c++) wRule[c * k + q] = filters[q * cout + c];
      const lr = 0.01;
      const { dw } = rule.apply(
        {
          pre: patches,
          u: new Float32Array(n * cout),
          post: y,
          w: wRule,
          batch: n,
          nIn: k,
          nOut: cout,
        },
        { lr },
      );
      const xt = tf.tensor4d(x, [b, h, wd, cin]);
      const wt = tf.tensor4d(filters, [kh, kw, cin, cout]);
      const yt = tf.tensor4d(y, [b, oh, ow, cout]);
      const g = gradOf((wv: tf.Tensor4D) => surrogateLossConv2d(kind, xt, wv, yt, stride), wt);
      const grad = await g.data();
      const minusGrad = new Float32Array(cout * k);
      for (let q = 0; q < k; q++)
        for (let c = 0; c < cout; c++) minusGrad[c * k + q] = -grad[q * cout + c];
      expect(
        relErr(
          minusGrad,
          Array.from(dw, (v) => (v * n) / lr),
        ),
      ).toBeLessThan(1e-5);
      const gm = gradOf(
        (wv: tf.Tensor4D) => surrogateLossConv2d(kind, xt, wv, yt, stride, { reduction: "mean" }),
        wt,
      );
      const gmv = await gm.data();
      for (let q = 0; q < k; q++)
        for (let c = 0; c < cout; c++) minusGrad[c * k + q] = -gmv[q * cout + c];
      expect(
        relErr(
          minusGrad,
          Array.from(dw, (v) => v / lr),
        ),
      ).toBeLessThan(1e-5);
      tf.dispose([xt, wt, yt, g, gm]);
    }
  });

  it("SGD on the instar surrogate moves a winner's weights toward its input", () => {
    const x = tf.tensor2d([[1, 0, 0, 1]]);
    const w = tf.variable(tf.tensor2d([[0, 0, 0, 0]]));
    const y = tf.tensor2d([[1]]);
    for (let i = 0; i < 200; i++) {
      tf.tidy(() => {
        const g = gradOf(
          (wv: tf.Tensor2D) => surrogateLossDense("instar", x, wv, y),
          w as tf.Tensor2D,
        );
        w.assign(tf.sub(w, tf.mul(g, 0.05)));
      });
    }
    expect(Array.from(w.dataSync()).map((v) => Number(v.toFixed(4)))).toEqual([1, 0, 0, 1]);
    tf.dispose([x, w, y]);
  });

  it("bad input names the argument", () => {
    const x = tf.zeros([2, 3]) as tf.Tensor2D;
    const w = tf.zeros([4, 3]) as tf.Tensor2D;
    expect(fieldOf(() => surrogateLossDense("hebb", x, w, tf.zeros([2, 5]) as tf.Tensor2D))).toBe(
      "y",
    );
    expect(
      fieldOf(() =>
        surrogateLossDense(
          "hebb",
          tf.zeros([2, 4]) as tf.Tensor2D,
          w,
          tf.zeros([2, 4]) as tf.Tensor2D,
        ),
      ),
    ).toBe("x");
    expect(
      fieldOf(() =>
        surrogateLossDense("bcm" as SurrogateKind, x, w, tf.zeros([2, 4]) as tf.Tensor2D),
      ),
    ).toBe("kind");
    expect(
      fieldOf(() =>
        surrogateLossDense("oja", x, w, tf.zeros([2, 4]) as tf.Tensor2D, {
          reduction: "max" as "sum",
        }),
      ),
    ).toBe("opts.reduction");
    const x4 = tf.zeros([1, 5, 5, 2]) as tf.Tensor4D;
    const w4 = tf.zeros([3, 3, 2, 4]) as tf.Tensor4D;
    expect(
      fieldOf(() => surrogateLossConv2d("hebb", x4, w4, tf.zeros([1, 2, 2, 4]) as tf.Tensor4D)),
    ).toBe("y");
    expect(
      fieldOf(() =>
        surrogateLossConv2d(
          "hebb",
          tf.zeros([1, 5, 5, 3]) as tf.Tensor4D,
          w4,
          tf.zeros([1, 3, 3, 4]) as tf.Tensor4D,
        ),
      ),
    ).toBe("x");
    expect(
      fieldOf(() => surrogateLossConv2d("hebb", x4, w4, tf.zeros([1, 3, 3, 4]) as tf.Tensor4D, 0)),
    ).toBe("stride");
  });
});
