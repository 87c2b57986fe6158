import { mergeConfig } from "vitest/config";
import shared from "../../vitest.shared.js";

/**
 * The shared config, plus the plugin tutorial's own test (tutorial/my-rules/test), which the
 * "Writing a rule plugin" page shows and which runs here as written.
 */
export default mergeConfig(shared, {
  test: { include: ["test/**/*.test.ts", "tutorial/**/test/*.test.ts"] },
});
