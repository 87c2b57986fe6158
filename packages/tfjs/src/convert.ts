import { checkArray, checkFinite, PlasticityError } from "@plasticity/core";
import * as tf from "@tensorflow/tfjs-core";

function checkDim(name: string, v: unknown): number {
  if (!Number.isInteger(v) || (v as number) <= 0) {
    throw new PlasticityError(`${name}: expected a positive integer, got ${String(v)}`, name);
  }
  return v as number;
}

/**
 * A [rows × cols] float32 tensor from a row-major Float32Array. Checks the length and that every
 * value is finite; errors name the argument (`name`, default "arr").
 */
export function tensor2d(arr: Float32Array, rows: number, cols: number, name = "arr"): tf.Tensor2D {
  checkDim(`${name}.rows`, rows);
  checkDim(`${name}.cols`, cols);
  checkFinite(name, checkArray(name, arr, rows * cols, `${rows} × ${cols}`));
  return tf.tensor2d(arr, [rows, cols], "float32");
}

/** A float32 tensor of any shape from a Float32Array whose length is the product of `shape`. */
export function tensorOf(arr: Float32Array, shape: readonly number[], name = "arr"): tf.Tensor {
  shape.forEach((d, i) => {
    checkDim(`${name}.shape[${i}]`, d);
  });
  const len = shape.reduce((a, b) => a * b, 1);
  checkFinite(name, checkArray(name, arr, len, shape.join(" × ")));
  return tf.tensor(arr, [...shape], "float32");
}

function own(values: tf.TypedArray | string[] | Uint8Array[], name: string): Float32Array {
  if (values instanceof Float32Array) return values.slice();
  if (values instanceof Int32Array || values instanceof Uint8Array)
    return Float32Array.from(values);
  throw new PlasticityError(`${name}: expected a numeric tensor, got a string tensor`, name);
}

function checkTensor(t: unknown, name: string): tf.Tensor {
  if (!(t instanceof tf.Tensor)) {
    throw new PlasticityError(
      `${name}: expected a tf.Tensor, got ${t === null ? "null" : typeof t}`,
      name,
    );
  }
  if (t.isDisposed) throw new PlasticityError(`${name}: the tensor was already disposed`, name);
  return t;
}

/**
 * The values of `t`, row-major, as a Float32Array the caller owns (a copy: writing to it never
 * changes the tensor). Waits for the backend without blocking.
 */
export async function toFloat32(t: tf.Tensor, name = "tensor"): Promise<Float32Array> {
  return own(await checkTensor(t, name).data(), name);
}

/** Synchronous `toFloat32` (blocks until the backend has computed `t`). */
export function toFloat32Sync(t: tf.Tensor, name = "tensor"): Float32Array {
  return own(checkTensor(t, name).dataSync(), name);
}

/** Throws a PlasticityError naming `name` unless `t` has exactly `shape` (-1 = any size). */
export function checkShape(
  t: unknown,
  shape: readonly number[],
  name: string,
  dims: string,
): tf.Tensor {
  const x = checkTensor(t, name);
  const ok = x.rank === shape.length && shape.every((d, i) => d === -1 || x.shape[i] === d);
  if (!ok) {
    const want = shape.map((d) => (d === -1 ? "*" : String(d))).join(", ");
    throw new PlasticityError(
      `${name}: expected shape [${dims}] = [${want}], got [${x.shape.join(", ")}]`,
      name,
    );
  }
  return x;
}

/**
 * Throws a PlasticityError naming `name` if `t` holds a NaN or ±Infinity (reads one boolean back
 * from the backend).
 */
export function checkFiniteTensor(t: tf.Tensor, name: string): void {
  const bad = tf.tidy(() => tf.logicalNot(tf.all(tf.isFinite(t))).dataSync()[0]);
  if (bad) {
    const v = toFloat32Sync(t, name);
    const i = v.findIndex((x) => !Number.isFinite(x));
    throw new PlasticityError(`${name}: non-finite value ${v[i]} at index ${i}`, name);
  }
}
