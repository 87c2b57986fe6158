/**
 * @plasticity/cli: the `plasticity` command. Thin: parse the command line, call
 * @plasticity/experiments, print. `main(argv, io)` runs one command line and resolves to its exit
 * code (0 success, 1 runtime failure, 2 usage or config error, 130 interrupted).
 */
export { EXIT, UsageError } from "./errors.js";
export { type CliIO, processIO } from "./io.js";
export { createProgram, main } from "./program.js";
