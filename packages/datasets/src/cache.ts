import { randomBytes } from "node:crypto";
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";

/**
 * The cache directory: `PLASTICITY_DATA_DIR` when set, else the platform's cache directory
 * (`$XDG_CACHE_HOME/plasticity` or `~/.cache/plasticity` on Linux, `~/Library/Caches/plasticity`
 * on macOS, `%LOCALAPPDATA%\plasticity\Cache` on Windows).
 */
export function defaultCacheDir(
  env: Record<string, string | undefined> = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  const explicit = env.PLASTICITY_DATA_DIR;
  if (explicit && explicit.trim() !== "") return resolve(explicit);
  if (platform === "win32") {
    return join(env.LOCALAPPDATA || join(home, "AppData", "Local"), "plasticity", "Cache");
  }
  if (platform === "darwin") return join(home, "Library", "Caches", "plasticity");
  const xdg = env.XDG_CACHE_HOME;
  return join(xdg && xdg.trim() !== "" ? xdg : join(home, ".cache"), "plasticity");
}

/** A fresh temp path beside `finalPath` (same directory, so the rename is atomic). */
export function tempPathFor(finalPath: string): string {
  return join(
    dirname(finalPath),
    `.${basename(finalPath)}.${process.pid}.${randomBytes(6).toString("hex")}.part`,
  );
}

/** Writes `data` to `path` through a temp file and a rename: readers never see half a file. */
export function writeFileAtomic(path: string, data: Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = tempPathFor(path);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
