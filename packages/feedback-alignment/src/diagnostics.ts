import { tf } from "@plasticity/tfjs";

/** ⟨a, b⟩, ‖a‖², ‖b‖² of two tensors of the same size, in float64. */
function products(a: tf.Tensor, b: tf.Tensor): [number, number, number] {
  const [ab, aa, bb] = tf.tidy(() => [
    tf.sum(tf.mul(a, b)),
    tf.sum(tf.square(a)),
    tf.sum(tf.square(b)),
  ]);
  const out: [number, number, number] = [
    ab!.dataSync()[0]!,
    aa!.dataSync()[0]!,
    bb!.dataSync()[0]!,
  ];
  tf.dispose([ab!, aa!, bb!]);
  return out;
}

/** The angle between two tensors seen as vectors, in degrees (90 when either is zero). */
export function angleDegrees(a: tf.Tensor, b: tf.Tensor): number {
  const [ab, aa, bb] = products(a, b);
  if (aa === 0 || bb === 0) return 90;
  const c = Math.max(-1, Math.min(1, ab / Math.sqrt(aa * bb)));
  return (Math.acos(c) * 180) / Math.PI;
}

/** ‖a‖ / ‖b‖ (Frobenius). */
export function normRatio(a: tf.Tensor, b: tf.Tensor): number {
  const [, aa, bb] = products(a, b);
  return bb === 0 ? Number.POSITIVE_INFINITY : Math.sqrt(aa / bb);
}

/** Typed-array reference of the angle, in degrees. */
export function angleDegreesArray(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  if (aa === 0 || bb === 0) return 90;
  return (Math.acos(Math.max(-1, Math.min(1, ab / Math.sqrt(aa * bb)))) * 180) / Math.PI;
}
