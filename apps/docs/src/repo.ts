import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { blobBase } from "./tests-index";

/**
 * The repository root (apps/docs/src → ../../..). From import.meta.url, which VitePress keeps
 * per source file when it bundles a data loader (import.meta.dirname would be the bundle's).
 */
export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** Where a repository file is shown online: the blob URL base from core's `repository.url`. */
export function repoBlob(path: string): string {
  const pkg = JSON.parse(readFileSync(join(ROOT, "packages/core/package.json"), "utf8"));
  return `${blobBase(pkg.repository.url)}${path}`;
}
