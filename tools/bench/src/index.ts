/**
 * @plasticity/bench: speed and memory of plasticity's dense Hebbian step (samples/s, GFLOP/s,
 * fraction of a measured matmul peak, peak RSS), side by side with PyTorch. `node dist/index.js
 * <name>` (root: `pnpm bench <name>`) runs a benchmark; the exports serve tests and scripts.
 */
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { main } from "./cli.js";

export { BENCHMARKS, main, renderWorkers, USAGE } from "./cli.js";
export {
  CORE_PATH,
  type CoreStep,
  corePeak,
  coreStep,
  makeCoreStep,
  runCoreEngine,
} from "./engines/core.js";
export {
  type BackendName,
  makeTfjsStep,
  runTfjsEngine,
  TFJS_BACKENDS,
  TFJS_PATH,
  type TfjsStep,
  tfjsPeak,
  tfjsStep,
} from "./engines/tfjs.js";
export {
  blasName,
  blasNote,
  DEFAULT_TORCH_PYTHON,
  runTorchEngines,
  TORCH_SCRIPT,
  torchPython,
} from "./engines/torch.js";
export { configFromFlags, DEFAULT_RULES } from "./flags.js";
export * from "./flops.js";
export * from "./format.js";
export * from "./harness.js";
export * from "./machine.js";
export { describeEngine, describeFlops, renderReport } from "./report.js";
export {
  flopTable,
  type LocalEngine,
  type RulesRunOptions,
  runLocalEngine,
  runRules,
} from "./rules.js";
export type * from "./types.js";
export { runWorkers, type WorkerRun, type WorkersReport } from "./workers/run.js";
export { checkStepConfig, makeWorkload, type Workload } from "./workload.js";

function isEntry(): boolean {
  const argv1 = process.argv[1];
  if (!argv1) return false;
  try {
    return realpathSync(argv1) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntry()) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
