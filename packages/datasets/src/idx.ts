import { DataFileError } from "./errors.js";

/** IDX element types (LeCun's format): byte 3 of the magic number. */
const IDX_DTYPES: Record<number, string> = {
  8: "unsigned byte",
  9: "signed byte",
  11: "int16",
  12: "int32",
  13: "float32",
  14: "float64",
};

/** A parsed IDX file: its dimensions and its unsigned-byte payload (a view, not a copy). */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/**
 * Parses an IDX file (the MNIST / Fashion-MNIST format): magic 0x00 0x00, dtype byte, number of
 * dimensions, then each dimension as a big-endian uint32, then the data. Only unsigned bytes
 * (dtype 0x08) are accepted, since that is what image datasets use. `file` names the file in errors.
 * @param ndims the expected number of dimensions (3 for images, 1 for labels).
 */
export function parseIdx(bytes: Uint8Array, file: string, ndims: number): IdxArray {
  if (bytes.length < 4) {
    throw new DataFileError(
      file,
      `truncated IDX file: expected at least 4 header bytes, got ${bytes.length}`,
    );
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const got = `0x${hex2(bytes[0])}${hex2(bytes[1])}`;
    const gz =
      bytes[0] === 0x1f && bytes[1] === 0x8b ? " (this is gzip data: decompress it first)" : "";
    throw new DataFileError(
      file,
      `not an IDX file: expected magic 0x0000 in bytes 0-1, got ${got}${gz}`,
    );
  }
  const dtype = bytes[2];
  if (dtype !== 0x08) {
    const kind = IDX_DTYPES[dtype] ?? "unknown";
    throw new DataFileError(
      file,
      `unsupported IDX dtype: expected 0x08 (unsigned byte), got 0x${hex2(dtype)} (${kind})`,
    );
  }
  if (bytes[3] !== ndims) {
    throw new DataFileError(
      file,
      `wrong IDX rank: expected ${ndims} dimension(s), got ${bytes[3]}`,
    );
  }
  const header = 4 + 4 * ndims;
  if (bytes.length < header) {
    throw new DataFileError(
      file,
      `truncated IDX header: expected ${header} bytes for ${ndims} dimension(s), got ${bytes.length}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let count = 1;
  for (let i = 0; i < ndims; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    if (d === 0) throw new DataFileError(file, `IDX dimension ${i} is 0: expected a positive size`);
    dims.push(d);
    count *= d;
  }
  const expected = header + count;
  if (bytes.length < expected) {
    throw new DataFileError(
      file,
      `truncated: expected ${expected} bytes for a ${dims.join("×")} unsigned-byte array, got ${bytes.length}`,
    );
  }
  if (bytes.length > expected) {
    throw new DataFileError(
      file,
      `expected ${expected} bytes for a ${dims.join("×")} unsigned-byte array, got ${bytes.length} (${bytes.length - expected} trailing bytes)`,
    );
  }
  return { dims, data: bytes.subarray(header, expected) };
}

/** Encodes an unsigned-byte array as IDX (the inverse of `parseIdx`; used to write test fixtures). */
export function encodeIdx(dims: readonly number[], data: Uint8Array): Uint8Array {
  const count = dims.reduce((a, b) => a * b, 1);
  if (data.length !== count) {
    throw new RangeError(
      `data: expected ${count} bytes for dims ${dims.join("×")}, got ${data.length}`,
    );
  }
  const header = 4 + 4 * dims.length;
  const out = new Uint8Array(header + count);
  const view = new DataView(out.buffer);
  out[2] = 0x08;
  out[3] = dims.length;
  for (let i = 0; i < dims.length; i++) view.setUint32(4 + 4 * i, dims[i], false);
  out.set(data, header);
  return out;
}

function hex2(b: number | undefined): string {
  return (b ?? 0).toString(16).padStart(2, "0");
}
