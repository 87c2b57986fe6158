import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { open } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { gunzipSync } from "node:zlib";
import { tempPathFor, writeFileAtomic } from "./cache.js";
import { ChecksumError, DownloadError, errorMessage } from "./errors.js";
import type { DownloadProgress } from "./types.js";

export interface DownloadOptions {
  /** Where to fetch the file from, tried in order until one gives a file with the right checksum. */
  urls: readonly string[];
  /** Final path of the file. It appears there only once its checksum matched (temp file + rename). */
  dest: string;
  /** Checksum of what is stored at `dest` (the decompressed bytes when `gunzip`). */
  checksum?: { algorithm: "sha256" | "md5"; hex: string };
  /** Decompress the download (gzip) and store the decompressed bytes. */
  gunzip?: boolean;
  /** Refuse a download (or a decompressed file) larger than this. Default 1 GiB. */
  maxBytes?: number;
  /** Abort an attempt after this long without receiving data. Default 60 s. */
  idleTimeoutMs?: number;
  onProgress?: (p: DownloadProgress) => void;
  /** The fetch implementation (default: the global `fetch`). */
  fetch?: typeof fetch;
}

export interface DownloadResult {
  url: string;
  dest: string;
  bytes: number;
}

const GiB = 1024 ** 3;

/**
 * Downloads a file from the first URL that works into a temp file beside `dest`, checks its
 * checksum (of the decompressed bytes when `gunzip`), then renames it to `dest`. A failed or
 * mismatching attempt leaves nothing behind and the next URL is tried; when all fail, the
 * `DownloadError` lists every URL with its reason.
 */
export async function downloadVerified(opts: DownloadOptions): Promise<DownloadResult> {
  const file = basename(opts.dest);
  const maxBytes = opts.maxBytes ?? GiB;
  const attempts: { url: string; error: string }[] = [];
  mkdirSync(dirname(opts.dest), { recursive: true });
  removeStaleTemps(opts.dest);
  for (const url of opts.urls) {
    const tmp = tempPathFor(opts.dest);
    try {
      const { bytes, digest } = await fetchToFile(url, tmp, file, maxBytes, opts);
      let stored = bytes;
      if (opts.gunzip) {
        let data: Buffer;
        try {
          data = gunzipSync(readFileSync(tmp), { maxOutputLength: maxBytes });
        } catch (e) {
          throw new Error(`not valid gzip data: ${errorMessage(e)}`);
        }
        checkDigest(url, data, opts);
        writeFileAtomic(opts.dest, data);
        rmSync(tmp, { force: true });
        stored = data.length;
      } else {
        if (opts.checksum && digest !== opts.checksum.hex.toLowerCase()) {
          throw new ChecksumError(
            url,
            opts.checksum.algorithm,
            opts.checksum.hex,
            digest,
            "The mirror served a corrupt or different file.",
          );
        }
        renameSync(tmp, opts.dest);
      }
      opts.onProgress?.({ url, file, receivedBytes: bytes, totalBytes: bytes, phase: "done" });
      return { url, dest: opts.dest, bytes: stored };
    } catch (e) {
      rmSync(tmp, { force: true });
      attempts.push({ url, error: errorMessage(e) });
    }
  }
  if (attempts.length === 0) attempts.push({ url: "(none)", error: "no URL to download from" });
  throw new DownloadError(file, attempts);
}

/** Temp files of `dest` left by a crashed process more than a day ago (fresh ones may be another download's). */
function removeStaleTemps(dest: string): void {
  const dir = dirname(dest);
  const prefix = `.${basename(dest)}.`;
  const dayAgo = Date.now() - 86_400_000;
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(prefix) || !name.endsWith(".part")) continue;
    const p = join(dir, name);
    try {
      if (statSync(p).mtimeMs < dayAgo) rmSync(p, { force: true });
    } catch {
      // removed meanwhile
    }
  }
}

function checkDigest(url: string, data: Uint8Array, opts: DownloadOptions): void {
  if (!opts.checksum) return;
  const got = createHash(opts.checksum.algorithm).update(data).digest("hex");
  if (got !== opts.checksum.hex.toLowerCase()) {
    throw new ChecksumError(
      url,
      opts.checksum.algorithm,
      opts.checksum.hex,
      got,
      "The decompressed file differs from the official one (corrupt or different mirror copy).",
    );
  }
}

/** Streams `url` into `tmp`, hashing on the way; aborts after `idleTimeoutMs` without data. */
async function fetchToFile(
  url: string,
  tmp: string,
  file: string,
  maxBytes: number,
  opts: DownloadOptions,
): Promise<{ bytes: number; digest: string }> {
  const doFetch = opts.fetch ?? globalThis.fetch;
  const idle = opts.idleTimeoutMs ?? 60_000;
  const ctrl = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => ctrl.abort(new Error(`no data for ${idle} ms`)), idle);
  };
  const hash = opts.checksum && !opts.gunzip ? createHash(opts.checksum.algorithm) : null;
  arm();
  const fh = await open(tmp, "w");
  try {
    const res = await doFetch(url, { signal: ctrl.signal, redirect: "follow" });
    if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText}`.trim());
    if (!res.body) throw new Error("empty response body");
    const len = Number(res.headers.get("content-length"));
    const total = Number.isFinite(len) && len > 0 ? len : null;
    if (total !== null && total > maxBytes) {
      throw new Error(`server announces ${total} bytes, more than the ${maxBytes}-byte limit`);
    }
    opts.onProgress?.({ url, file, receivedBytes: 0, totalBytes: total, phase: "start" });
    let received = 0;
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      arm();
      received += value.length;
      if (received > maxBytes) throw new Error(`download exceeds the ${maxBytes}-byte limit`);
      hash?.update(value);
      await fh.write(value);
      opts.onProgress?.({
        url,
        file,
        receivedBytes: received,
        totalBytes: total,
        phase: "progress",
      });
    }
    if (total !== null && received !== total) {
      throw new Error(`connection closed after ${received} of ${total} bytes`);
    }
    return { bytes: received, digest: hash ? hash.digest("hex") : "" };
  } finally {
    if (timer) clearTimeout(timer);
    ctrl.abort(); // releases the connection if we stopped reading early
    await fh.close();
  }
}
