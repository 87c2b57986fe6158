import { definePlugin } from "@plasticity/core";
import { softBoundHebb } from "./soft-bound-hebb.js";

export { softBoundHebb } from "./soft-bound-hebb.js";
export { registerKernels } from "./tfjs.js";

export default definePlugin({ name: "my-rules", rules: [softBoundHebb] });
