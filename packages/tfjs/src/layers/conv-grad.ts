import * as tf from "@tensorflow/tfjs-core";
import { extractPatches, padSpatial } from "./patches.js";

/**
 * ∂(Σ dy ⊙ conv2d(x, W))/∂W, the filter gradient of a 2-D convolution, by im2col:
 * patchesᵀ · dy, with x zero-padded as `pad` requires. x NHWC, dy [b, oh, ow, cout] →
 * [kh, kw, cin, cout]. Dilation 1 (what tfjs's conv2d gradient supports).
 */
export function conv2dFilterGrad(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: readonly [number, number, number, number],
  strides: number | readonly [number, number],
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding,
  dimRoundingMode?: "floor" | "round" | "ceil",
): tf.Tensor4D {
  const info = tf.backend_util.computeConv2DInfo(
    x.shape,
    [...filterShape] as [number, number, number, number],
    typeof strides === "number" ? strides : [strides[0], strides[1]],
    1,
    pad,
    dimRoundingMode,
    false,
    "channelsLast",
  );
  const [kh, kw, cin, cout] = filterShape;
  const { top, bottom, left, right } = info.padInfo;
  return tf.tidy(() => {
    const xp = padSpatial(x, [
      [top, bottom],
      [left, right],
    ]);
    const patches = extractPatches(xp, [kh, kw], [info.strideHeight, info.strideWidth]);
    const [b, oh, ow] = dy.shape;
    // 'same' padding can leave more rows in the padded input than the output uses.
    const used =
      patches.shape[1] === oh && patches.shape[2] === ow
        ? patches
        : tf.slice(patches, [0, 0, 0, 0], [b, oh, ow, -1]);
    const n = b * oh * ow;
    const p = tf.reshape(used, [n, kh * kw * cin]);
    const g = tf.matMul(tf.transpose(p), tf.reshape(dy, [n, cout]));
    return tf.reshape(g, [kh, kw, cin, cout]);
  });
}

/**
 * Give a backend that lacks it (tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter) a
 * Conv2DBackpropFilter kernel built from its own ops, so `tf.grad` through `tf.conv2d` with
 * respect to the filters works there. Returns true when it registered one, false when the backend
 * already had the kernel.
 */
export function ensureConv2dFilterGrad(backendName: string): boolean {
  if (tf.getKernel("Conv2DBackpropFilter", backendName) !== undefined) return false;
  tf.registerKernel({
    kernelName: "Conv2DBackpropFilter",
    backendName,
    kernelFunc: ({ inputs, attrs }) => {
      const { x, dy } = inputs as { x: tf.Tensor4D; dy: tf.Tensor4D };
      const a = attrs as unknown as {
        strides: [number, number] | number;
        pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
        dataFormat: "NHWC" | "NCHW";
        dimRoundingMode?: "floor" | "round" | "ceil";
        filterShape: [number, number, number, number];
      };
      if (a.dataFormat === "NCHW") {
        throw new Error("Conv2DBackpropFilter (plasticity im2col kernel): only NHWC is supported");
      }
      return conv2dFilterGrad(x, dy, a.filterShape, a.strides, a.pad, a.dimRoundingMode);
    },
  });
  return true;
}
