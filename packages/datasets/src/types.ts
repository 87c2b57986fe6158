/** NHWC shape of a batch of images: [n, height, width, channels]. */
export type Shape4 = [n: number, h: number, w: number, c: number];

/** Which part of a dataset: the official train and test sets, or a validation set carved from train. */
export type Split = "train" | "test" | "val";

/** Images as one row-major Float32Array in NHWC order, `x.length === n·h·w·c`. */
export interface ImageSet {
  x: Float32Array;
  shape: Shape4;
}

/** Images with one integer label each (`y.length === n`). */
export interface LabeledSet extends ImageSet {
  y: Int32Array;
}

/**
 * A loaded split of a dataset. Pixels are scaled to [0, 1] unless loaded with `scale: false`.
 * `source` says where the data came from (a directory, the cache, an offline copy, a download,
 * or the synthetic generator and its seed).
 */
export interface Dataset extends LabeledSet {
  name: string;
  split: Split;
  classes: readonly string[];
  source: string;
}

/** One mini-batch: `x` [b×h×w×c], `y` [b], and the row `indices` into the dataset they came from. */
export interface Batch {
  x: Float32Array;
  y: Int32Array;
  shape: Shape4;
  indices: Int32Array;
}

/** Progress of one download, reported through `onProgress`. */
export interface DownloadProgress {
  /** The URL being fetched. */
  url: string;
  /** File name in the cache (e.g. `train-images-idx3-ubyte`). */
  file: string;
  /** Bytes received so far. */
  receivedBytes: number;
  /** Total bytes when the server sent a Content-Length, else null. */
  totalBytes: number | null;
  /** "start" once per attempt, "progress" per chunk, "done" once the checksum matched. */
  phase: "start" | "progress" | "done";
}

/** Number of values per example (h·w·c). */
export function exampleSize(shape: Shape4): number {
  return shape[1] * shape[2] * shape[3];
}
