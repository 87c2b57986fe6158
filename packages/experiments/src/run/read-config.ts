import { resolveConfig } from "../config/load.js";
import type { ExperimentConfig } from "../config/schema.js";
import { readJsonFile } from "../io/atomic.js";
import type { Registries } from "../registries.js";
import type { RunPaths } from "./rundir.js";

/** Read and validate a run directory's config.json with the given registries. */
export function readRunConfig(paths: RunPaths, regs: Registries): ExperimentConfig {
  return resolveConfig(readJsonFile(paths.config, "config"), regs, `file ${paths.config}`);
}
