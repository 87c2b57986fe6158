import { createHash } from "node:crypto";
import { PlasticityError } from "@plasticity/core";

/**
 * Model and optimiser state as a tree of plain values and typed arrays. `encodeState` turns it
 * into JSON-safe data that restores bit for bit (typed arrays as base64 of their bytes).
 */
export type StateValue =
  | null
  | boolean
  | number
  | string
  | Float32Array
  | Float64Array
  | Int32Array
  | Uint8Array
  | readonly StateValue[]
  | { readonly [key: string]: StateValue };

type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

const DTYPES = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  uint8: Uint8Array,
} as const;
type DType = keyof typeof DTYPES;

/** The JSON form of a typed array. */
export interface EncodedArray {
  readonly $array: DType;
  readonly length: number;
  readonly base64: string;
}

function dtypeOf(a: TypedArray): DType {
  if (a instanceof Float32Array) return "float32";
  if (a instanceof Float64Array) return "float64";
  if (a instanceof Int32Array) return "int32";
  return "uint8";
}

function isTypedArray(v: unknown): v is TypedArray {
  return (
    v instanceof Float32Array ||
    v instanceof Float64Array ||
    v instanceof Int32Array ||
    v instanceof Uint8Array
  );
}

/** Replace typed arrays by `{ $array, length, base64 }`; non-finite numbers are refused. */
export function encodeState(value: StateValue, path = "state"): unknown {
  if (isTypedArray(value)) {
    return {
      $array: dtypeOf(value),
      length: value.length,
      base64: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64"),
    } satisfies EncodedArray;
  }
  if (Array.isArray(value))
    return value.map((v, i) => encodeState(v as StateValue, `${path}[${i}]`));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      out[k] = encodeState(v as StateValue, `${path}.${k}`);
    return out;
  }
  if (typeof value === "number" && !Number.isFinite(value)) {
    throw new PlasticityError(`${path}: cannot store the non-finite number ${value}`, path);
  }
  if (value === undefined) return null;
  return value;
}

/** Inverse of `encodeState`; `where` names the file in errors. */
export function decodeState(raw: unknown, where = "state", path = "state"): StateValue {
  if (Array.isArray(raw)) return raw.map((v, i) => decodeState(v, where, `${path}[${i}]`));
  if (raw !== null && typeof raw === "object") {
    const o = raw as Record<string, unknown>;
    if (typeof o.$array === "string") {
      const Ctor = DTYPES[o.$array as DType];
      if (!Ctor || typeof o.base64 !== "string" || typeof o.length !== "number") {
        throw new PlasticityError(
          `${where}: ${path} is not a valid encoded array (expected { $array: float32|float64|int32|uint8, length, base64 })`,
          path,
        );
      }
      const bytes = Buffer.from(o.base64, "base64");
      if (bytes.length !== o.length * Ctor.BYTES_PER_ELEMENT) {
        throw new PlasticityError(
          `${where}: ${path} holds ${bytes.length} bytes, expected ${o.length} × ${Ctor.BYTES_PER_ELEMENT}; the file is corrupt`,
          path,
        );
      }
      const copy = new Uint8Array(bytes.length);
      copy.set(bytes);
      return new Ctor(copy.buffer);
    }
    const out: Record<string, StateValue> = {};
    for (const [k, v] of Object.entries(o)) out[k] = decodeState(v, where, `${path}.${k}`);
    return out;
  }
  if (
    raw === null ||
    typeof raw === "boolean" ||
    typeof raw === "number" ||
    typeof raw === "string"
  ) {
    return raw;
  }
  throw new PlasticityError(
    `${where}: ${path} has an unexpected value of type ${typeof raw}`,
    path,
  );
}

/** SHA-256 of a state's canonical encoding: equal hashes ⇔ bit-identical states. */
export function hashState(value: StateValue): string {
  return createHash("sha256")
    .update(JSON.stringify(encodeState(value)))
    .digest("hex");
}
