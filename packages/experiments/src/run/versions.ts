import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { tf } from "@plasticity/tfjs";

function findPackageJson(start: string, name: string): string | null {
  let dir = start;
  for (let i = 0; i < 12; i++) {
    const own = join(dir, "package.json");
    if (existsSync(own)) {
      try {
        if ((JSON.parse(readFileSync(own, "utf8")) as { name?: string }).name === name) return own;
      } catch {
        // not ours; keep walking
      }
    }
    const dep = join(dir, "node_modules", name, "package.json");
    if (existsSync(dep)) return dep;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}

/** Versions of the plasticity packages, tfjs-core and Node, for summary.json. */
export function versions(): Record<string, string> {
  const here = dirname(fileURLToPath(import.meta.url));
  const out: Record<string, string> = {};
  for (const name of [
    "@plasticity/experiments",
    "@plasticity/core",
    "@plasticity/tfjs",
    "@plasticity/datasets",
  ]) {
    const p = findPackageJson(here, name);
    let v = "unknown";
    if (p) {
      try {
        v = (JSON.parse(readFileSync(p, "utf8")) as { version?: string }).version ?? "unknown";
      } catch {
        v = "unknown";
      }
    }
    out[name] = v;
  }
  out["@tensorflow/tfjs-core"] = tf.version_core;
  out.node = process.version;
  return out;
}
