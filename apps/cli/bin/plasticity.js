#!/usr/bin/env node
// The `plasticity` command. This file is committed (dist/ is built), so that a fresh workspace
// install can link the command before anything is built, without pnpm's "Failed to create bin".
try {
  await import("../dist/bin.js");
} catch (e) {
  if (e?.code === "ERR_MODULE_NOT_FOUND" && String(e.message).includes("dist/bin.js")) {
    console.error(
      "plasticity: @plasticity/cli is not built (dist/bin.js is missing). In the repository, run " +
        "`npx -y pnpm@10.34.9 plasticity …` (it builds first) or `npx -y pnpm@10.34.9 build`.",
    );
    process.exit(1);
  }
  throw e;
}
