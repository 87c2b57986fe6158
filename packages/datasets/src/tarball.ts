import { createReadStream } from "node:fs";
import { Parser, type ReadEntry } from "tar";
import { DataFileError } from "./errors.js";

export interface TarLimits {
  /** Largest member accepted, in bytes. Default 512 MiB. */
  maxEntryBytes?: number;
  /** Largest total of the members kept in memory, in bytes. Default 1 GiB. */
  maxTotalBytes?: number;
  /** Most entries accepted in the archive. Default 10,000. */
  maxEntries?: number;
}

const FILE_TYPES = new Set(["File", "OldFile", "ContiguousFile"]);

/**
 * Why a tar entry name is refused, or null when it is a plain relative path. Absolute paths
 * (`/x`, `C:\x`, `\\server\x`) and any `..` segment are refused, so no entry can point outside
 * the directory it would be extracted to.
 */
export function unsafeTarPath(path: string): string | null {
  if (path.length === 0) return "empty name";
  if (path.includes("\0")) return "NUL byte in name";
  if (path.startsWith("/") || path.startsWith("\\")) return "absolute path";
  if (/^[A-Za-z]:/.test(path)) return "absolute (drive-letter) path";
  if (path.split(/[\\/]+/).some((seg) => seg === "..")) return "'..' segment (path traversal)";
  return null;
}

/** `./a//b/` → `a/b`. */
export function normalizeTarPath(path: string): string {
  return path
    .split("/")
    .filter((s) => s !== "" && s !== ".")
    .join("/");
}

/**
 * Reads the members named in `wanted` (normalised relative paths) from a tar or tar.gz archive
 * into memory with node-tar's parser: no tar binary, nothing written to disk. The whole archive
 * is checked first: an entry with an absolute or `..` path, a link (hard or symbolic), a device
 * or FIFO, a member over the size limits, or a duplicate wanted member rejects the archive with
 * a `DataFileError` naming it. Missing wanted members are simply absent from the result.
 */
export function readTarMembers(
  file: string,
  wanted: ReadonlySet<string>,
  limits: TarLimits = {},
): Promise<Map<string, Buffer>> {
  const maxEntry = limits.maxEntryBytes ?? 512 * 1024 ** 2;
  const maxTotal = limits.maxTotalBytes ?? 1024 ** 3;
  const maxEntries = limits.maxEntries ?? 10_000;
  return new Promise((resolvePromise, rejectPromise) => {
    const out = new Map<string, Buffer>();
    let entries = 0;
    let total = 0;
    let failed = false;
    const stream = createReadStream(file);
    const parser = new Parser({ strict: true });
    const fail = (problem: string | Error) => {
      if (failed) return;
      failed = true;
      stream.destroy();
      rejectPromise(
        problem instanceof DataFileError
          ? problem
          : new DataFileError(
              file,
              typeof problem === "string" ? problem : `not a valid tar archive: ${problem.message}`,
            ),
      );
    };
    parser.on("entry", (entry: ReadEntry) => {
      if (failed) {
        entry.resume();
        return;
      }
      entries++;
      const raw = entry.path;
      const why = unsafeTarPath(raw);
      if (why) return refuse(entry, `entry "${raw}" refused: ${why}`);
      if (entry.type === "Link" || entry.type === "SymbolicLink") {
        return refuse(
          entry,
          `entry "${raw}" refused: links are not allowed (${entry.type} → ${entry.linkpath ?? "?"})`,
        );
      }
      if (!FILE_TYPES.has(entry.type) && entry.type !== "Directory") {
        return refuse(
          entry,
          `entry "${raw}" refused: type ${entry.type} is not a regular file or directory`,
        );
      }
      if (entries > maxEntries) return refuse(entry, `more than ${maxEntries} entries`);
      if (entry.size > maxEntry) {
        return refuse(
          entry,
          `entry "${raw}" refused: ${entry.size} bytes is over the ${maxEntry}-byte limit`,
        );
      }
      const path = normalizeTarPath(raw);
      if (entry.type === "Directory" || !wanted.has(path)) {
        entry.resume();
        return;
      }
      if (out.has(path)) return refuse(entry, `member "${path}" appears twice`);
      total += entry.size;
      if (total > maxTotal) {
        return refuse(entry, `members total more than the ${maxTotal}-byte limit`);
      }
      const buf = Buffer.allocUnsafe(entry.size);
      let at = 0;
      entry.on("data", (chunk: Buffer) => {
        if (failed) return;
        if (at + chunk.length > buf.length) {
          fail(`entry "${raw}" holds more data than its header's ${entry.size} bytes`);
          return;
        }
        chunk.copy(buf, at);
        at += chunk.length;
      });
      entry.on("end", () => {
        if (failed) return;
        if (at !== buf.length) {
          fail(`entry "${raw}" truncated: expected ${entry.size} bytes, got ${at}`);
          return;
        }
        out.set(path, buf);
      });
    });
    const refuse = (entry: ReadEntry, problem: string) => {
      entry.resume();
      fail(problem);
      parser.abort(new Error(problem));
    };
    parser.on("error", (e: Error) => fail(e));
    parser.on("end", () => {
      if (!failed) resolvePromise(out);
    });
    stream.on("error", (e) => fail(`cannot read: ${e.message}`));
    stream.pipe(parser);
  });
}
