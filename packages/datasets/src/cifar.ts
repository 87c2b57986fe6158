import { DataFileError } from "./errors.js";

/** Bytes of one CIFAR image: 32×32 pixels × 3 channels, stored as planes R, G, B (each row-major). */
export const CIFAR_IMAGE_BYTES = 3072;

/**
 * Record layout of a CIFAR binary file. CIFAR-10: `<1 label byte><3072 pixel bytes>`.
 * CIFAR-100: `<1 coarse label byte><1 fine label byte><3072 pixel bytes>`.
 */
export interface CifarLayout {
  labelBytes: 1 | 2;
  /** Classes of the label `y` keeps (CIFAR-10: 10; CIFAR-100: 100 fine or 20 coarse). */
  numClasses: number;
  /** CIFAR-100 only: which label byte goes into `y`. */
  label?: "fine" | "coarse";
}

export const CIFAR10_LAYOUT: CifarLayout = { labelBytes: 1, numClasses: 10 };
export const CIFAR100_FINE_LAYOUT: CifarLayout = { labelBytes: 2, numClasses: 100, label: "fine" };
export const CIFAR100_COARSE_LAYOUT: CifarLayout = {
  labelBytes: 2,
  numClasses: 20,
  label: "coarse",
};

export function cifarRecordBytes(layout: CifarLayout): number {
  return layout.labelBytes + CIFAR_IMAGE_BYTES;
}

/** Number of records in a CIFAR binary file of `byteLength` bytes; throws unless it is a whole number. */
export function cifarRecordCount(byteLength: number, file: string, layout: CifarLayout): number {
  const rec = cifarRecordBytes(layout);
  if (byteLength === 0 || byteLength % rec !== 0) {
    throw new DataFileError(
      file,
      `size ${byteLength} bytes is not a positive multiple of the ${rec}-byte CIFAR record ` +
        `(${layout.labelBytes} label byte${layout.labelBytes > 1 ? "s" : ""} + ${CIFAR_IMAGE_BYTES} pixel bytes): truncated or not a CIFAR${layout.labelBytes === 1 ? "-10" : "-100"} binary file`,
    );
  }
  return byteLength / rec;
}

/**
 * Decodes `count` records of a CIFAR binary file into NHWC float pixels (÷255 when `scale`)
 * and labels, writing image i to row `offset + i` of `x` and `y`. The channel planes (CHW)
 * are interleaved to HWC.
 */
export function decodeCifar(
  bytes: Uint8Array,
  file: string,
  layout: CifarLayout,
  x: Float32Array,
  y: Int32Array,
  offset: number,
  count: number,
  scale: boolean,
): void {
  const rec = cifarRecordBytes(layout);
  const available = cifarRecordCount(bytes.length, file, layout);
  if (count > available) {
    throw new DataFileError(file, `expected at least ${count} records, got ${available}`);
  }
  const labelAt = layout.labelBytes === 2 && layout.label === "coarse" ? 0 : layout.labelBytes - 1;
  const lut = new Float32Array(256);
  for (let i = 0; i < 256; i++) lut[i] = scale ? i / 255 : i;
  for (let r = 0; r < count; r++) {
    const base = r * rec;
    const label = bytes[base + labelAt];
    if (label >= layout.numClasses) {
      throw new DataFileError(
        file,
        `record ${r}: label ${label} out of range: expected 0..${layout.numClasses - 1}` +
          (layout.labelBytes === 2 ? ` (${layout.label} label)` : ""),
      );
    }
    y[offset + r] = label;
    const px = base + layout.labelBytes;
    const o = (offset + r) * CIFAR_IMAGE_BYTES;
    for (let p = 0; p < 1024; p++) {
      x[o + 3 * p] = lut[bytes[px + p]];
      x[o + 3 * p + 1] = lut[bytes[px + 1024 + p]];
      x[o + 3 * p + 2] = lut[bytes[px + 2048 + p]];
    }
  }
}
