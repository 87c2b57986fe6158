/** Float32 value of each byte 0..255 divided by 255 (exactly `b / 255` rounded to float32). */
const UNIT_LUT = (() => {
  const t = new Float32Array(256);
  for (let i = 0; i < 256; i++) t[i] = i / 255;
  return t;
})();

/** Float32 value of each byte 0..255 unchanged. */
const RAW_LUT = (() => {
  const t = new Float32Array(256);
  for (let i = 0; i < 256; i++) t[i] = i;
  return t;
})();

/**
 * Bytes → Float32 in one tight loop: `out[i] = bytes[i] / 255` when `scale` (pixels in [0, 1]),
 * else `bytes[i]` (0..255). Writes into `out` at `offset` when given.
 */
export function bytesToFloat32(
  bytes: Uint8Array,
  scale = true,
  out?: Float32Array,
  offset = 0,
): Float32Array {
  const lut = scale ? UNIT_LUT : RAW_LUT;
  const n = bytes.length;
  const o = out ?? new Float32Array(n);
  if (offset + n > o.length) {
    throw new RangeError(`out: needs ${offset + n} elements, has ${o.length}`);
  }
  for (let i = 0; i < n; i++) o[offset + i] = lut[bytes[i]];
  return o;
}

/** Unsigned bytes → Int32 labels, checking each is below `numClasses`. Returns the first bad index or -1. */
export function bytesToLabels(
  bytes: Uint8Array,
  out: Int32Array,
  offset: number,
  numClasses: number,
): number {
  for (let i = 0; i < bytes.length; i++) {
    const v = bytes[i];
    if (v >= numClasses) return i;
    out[offset + i] = v;
  }
  return -1;
}
