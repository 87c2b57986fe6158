import { PlasticityError } from "@plasticity/core";
import * as tf from "@tensorflow/tfjs-core";
import { checkShape } from "../convert.js";

/** [kh, kw] from a number or a pair; throws naming `field` unless positive integers. */
export function pair(v: number | readonly [number, number], field: string): [number, number] {
  const p: [number, number] = typeof v === "number" ? [v, v] : [v?.[0], v?.[1]];
  if (!p.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new PlasticityError(
      `${field}: expected a positive integer or a pair of them, got ${JSON.stringify(v)}`,
      field,
    );
  }
  return p;
}

/** Output size of a 'valid' window sweep: ⌊(size − k) / s⌋ + 1. */
export function validOutSize(size: number, k: number, s: number): number {
  return Math.floor((size - k) / s) + 1;
}

/**
 * Image patches ("im2col"): x NHWC [b, h, w, c] → [b, oh, ow, kh·kw·c], 'valid' windows with the
 * given stride, oh = ⌊(h − kh)/sh⌋ + 1. The last axis is ordered (row i, column j, channel c),
 * index (i·kw + j)·c + ch, which is the row-major flattening of a conv filter's first three axes
 * [kh, kw, c]: patches · reshape(filters, [kh·kw·c, cout]) = conv2d(x, filters, stride, 'valid').
 *
 * Built from kh·kw strided slices and one concat, O(output size), instead of Miconi's one-hot
 * "flattening" conv, whose cost grows with (kh·kw·c)².
 */
export function extractPatches(
  x: tf.Tensor4D,
  kernelSize: number | readonly [number, number],
  stride: number | readonly [number, number] = 1,
): tf.Tensor4D {
  const [kh, kw] = pair(kernelSize, "kernelSize");
  const [sh, sw] = pair(stride, "stride");
  checkShape(x, [-1, -1, -1, -1], "x", "batch × height × width × channels");
  const [b, h, w, c] = x.shape;
  if (h < kh || w < kw) {
    throw new PlasticityError(`x: input ${h}×${w} is smaller than the ${kh}×${kw} window`, "x");
  }
  const oh = validOutSize(h, kh, sh);
  const ow = validOutSize(w, kw, sw);
  return tf.tidy(() => {
    const slices: tf.Tensor4D[] = [];
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        slices.push(
          sh === 1 && sw === 1
            ? (tf.slice(x, [0, i, j, 0], [b, oh, ow, c]) as tf.Tensor4D)
            : (tf.stridedSlice(
                x,
                [0, i, j, 0],
                [b, i + sh * (oh - 1) + 1, j + sw * (ow - 1) + 1, c],
                [1, sh, sw, 1],
              ) as tf.Tensor4D),
        );
      }
    }
    return slices.length === 1 ? slices[0]! : tf.concat(slices, 3);
  });
}

/**
 * TensorFlow's 'same' padding of one axis: out = ⌈size / s⌉, total = max((out − 1)·s + k − size, 0),
 * split as [⌊total/2⌋, total − ⌊total/2⌋] (the extra row goes to the bottom/right).
 */
export function samePadding1d(size: number, k: number, s: number): [number, number] {
  const out = Math.ceil(size / s);
  const total = Math.max((out - 1) * s + k - size, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/** Explicit zero padding of the two spatial axes of an NHWC tensor. */
export type Padding2d = readonly [readonly [number, number], readonly [number, number]];

/** x padded with zeros: [[top, bottom], [left, right]]. */
export function padSpatial(x: tf.Tensor4D, padding: Padding2d): tf.Tensor4D {
  const [[t, bo], [l, r]] = padding;
  if (t === 0 && bo === 0 && l === 0 && r === 0) return tf.clone(x);
  return tf.pad(x, [
    [0, 0],
    [t, bo],
    [l, r],
    [0, 0],
  ]);
}
