// The workspace packages whose API reference the site carries: every published (not private)
// package under packages/ and apps/, with the entry points of its package.json "exports"
// ("source" condition). New packages appear here when they are merged.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** @returns {{ name: string, slug: string, dir: string, entries: string[], description: string }[]} */
export function apiPackages(root = ROOT) {
  const out = [];
  for (const group of ["packages", "apps"]) {
    for (const d of readdirSync(join(root, group)).sort()) {
      const file = join(root, group, d, "package.json");
      if (!existsSync(file)) continue;
      const pkg = JSON.parse(readFileSync(file, "utf8"));
      if (pkg.private) continue;
      const entries = Object.values(pkg.exports ?? {})
        .map((e) => (typeof e === "object" && e !== null ? e.source : undefined))
        .filter((s) => typeof s === "string");
      if (entries.length === 0) continue;
      out.push({
        name: pkg.name,
        slug: pkg.name.replace(/^@plasticity\//, ""),
        dir: `${group}/${d}`,
        entries,
        description: pkg.description ?? "",
      });
    }
  }
  return out;
}
