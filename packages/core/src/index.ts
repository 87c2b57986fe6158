/** The zod that rule params are written with (zod is a peer dependency: this is your own copy). */
export { z } from "zod";
export * from "./activity.js";
export * from "./errors.js";
export * as linalg from "./linalg.js";
export * from "./registry.js";
export * from "./rng.js";
export * from "./rule.js";
export * from "./rules/index.js";
