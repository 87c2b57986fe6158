import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { activationSchema, WEIGHT_INITS } from "@plasticity/tfjs";
import { describe, expect, it } from "vitest";
import * as light from "../src/config-entry.js";
import * as main from "../src/index.js";

const SRC = fileURLToPath(new URL("../src/", import.meta.url));

/** `import … from "x"`, `export … from "x"` and `import "x"`, but not `import type … from "x"`. */
const STATIC_IMPORT =
  /^(?:import|export)\s+(type\s+)?(?:[^"';]*?\s+from\s+|(?=["']))["']([^"']+)["']/gm;

/**
 * The packages a source file loads when it is imported, following its relative imports (type-only
 * imports are erased; dynamic `import()` loads later, when called, so it is not followed).
 */
function staticPackages(entry: string): { packages: Set<string>; files: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const m of readFileSync(file, "utf8").matchAll(STATIC_IMPORT)) {
      const [, typeOnly, spec] = m;
      if (typeOnly || !spec) continue;
      if (spec.startsWith(".")) visit(resolve(dirname(file), spec.replace(/\.js$/, ".ts")));
      // our own sub-path entries (`@plasticity/tfjs/schema`) are light by design; keep them apart
      else if (spec.startsWith("@plasticity/")) packages.add(spec);
      else packages.add(spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec);
    }
  };
  visit(join(SRC, entry));
  return { packages, files };
}

describe("@plasticity/experiments/config", () => {
  it("loads no tensor library, chart renderer, matrix solver or dataset code", () => {
    const { packages, files } = staticPackages("config-entry.ts");
    expect(files.size).toBeGreaterThan(10);
    expect(packages).toContain("zod");
    expect(packages).toContain("@plasticity/core");
    expect(packages).toContain("@plasticity/tfjs/schema");
    for (const heavy of [
      "@plasticity/tfjs",
      "@tensorflow/tfjs",
      "@tensorflow/tfjs-core",
      "@plasticity/datasets",
      "vega",
      "vega-lite",
      "ml-matrix",
      "pngjs",
      "cli-progress",
    ]) {
      expect(packages, heavy).not.toContain(heavy);
    }
    // the main entry does load tfjs (the walker sees through `export *` and relative imports)
    expect(staticPackages("index.ts").packages).toContain("@plasticity/tfjs");
  });

  it("is re-exported unchanged by the main entry", () => {
    const names = Object.keys(light);
    expect(names.length).toBeGreaterThan(40);
    for (const name of names) {
      expect((main as Record<string, unknown>)[name], name).toBe(
        (light as Record<string, unknown>)[name],
      );
    }
  });

  it("describes layer activations and initialisations exactly as @plasticity/tfjs does", () => {
    expect(light.activationConfigSchema).toBe(activationSchema);
    expect(light.WEIGHT_INIT_NAMES).toBe(WEIGHT_INITS);
  });
});
