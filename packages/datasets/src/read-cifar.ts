import { createHash } from "node:crypto";
import { createReadStream, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "./cache.js";
import type { CifarDatasetSpec } from "./catalog.js";
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
import { downloadVerified } from "./download.js";
import { ChecksumError, DataFileError, DatasetNotFoundError, DownloadError } from "./errors.js";
import { type LoadOpts, progressOf } from "./load-options.js";
import { cacheDirOf, cifarFilesOf, howToProvide, locateFiles } from "./locate.js";
import { readTarMembers } from "./tarball.js";
import type { Dataset, Shape4 } from "./types.js";

// CIFAR-10/100: the archive located or downloaded, verified, extracted safely and decoded.

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

export async function loadCifar(
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
