import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import type { IdxDatasetSpec, IdxFileSpec } from "./catalog.js";
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
import { type LoadOpts, progressOf } from "./load-options.js";
import { howToProvide, idxFilesOf, idxPath, locateFiles, mirrorsOf } from "./locate.js";
import type { Dataset, Shape4 } from "./types.js";

// IDX files (MNIST, Fashion-MNIST): located, downloaded when allowed, verified and decoded.

export async function loadIdx(
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
