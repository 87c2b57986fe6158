#!/usr/bin/env node
// `prepack` of every published package: runs in the package's directory before `pnpm pack`,
// `pnpm publish` and `changeset publish` (which calls pnpm publish).
// 1. Refuse npm: `npm pack` / `npm publish` copy "workspace:^" ranges and the workspace-only
//    "source" export condition into the tarball as they are; pnpm replaces the ranges with real
//    versions and applies publishConfig.exports.
// 2. Build the package and what it depends on, so a tarball never ships without dist/.
// 3. Check that every published export target exists, and that LICENSE matches the root's.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

const dir = process.cwd();
const root = resolve(dir, "../..");
const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
const fail = (msg) => {
  console.error(`prepack ${pkg.name}: ${msg}`);
  process.exit(1);
};

const agent = process.env.npm_config_user_agent ?? "";
if (!agent.startsWith("pnpm/")) {
  fail(
    `pack and publish with pnpm ("pnpm pack", "pnpm publish" or "pnpm changeset publish"), not ${agent.split(" ")[0] || "this tool"}: ` +
      'npm would leave "workspace:^" dependency ranges and the workspace-only "source" export condition in the tarball.',
  );
}
// the pnpm that runs this script (it sets npm_execpath), so no global pnpm is needed
const pnpm = process.env.npm_execpath?.includes("pnpm")
  ? [process.execPath, process.env.npm_execpath]
  : ["pnpm"];
const build = spawnSync(
  pnpm[0],
  [
    ...pnpm.slice(1),
    "exec",
    "turbo",
    "run",
    "build",
    `--filter=${pkg.name}...`,
    "--output-logs=errors-only",
  ],
  {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1" },
  },
);
if (build.status !== 0) fail(`the build failed (exit ${build.status}); nothing was packed`);
const exportsMap = pkg.publishConfig?.exports ?? pkg.exports ?? {};
for (const [sub, cond] of Object.entries(exportsMap)) {
  for (const target of Object.values(cond)) {
    if (!existsSync(join(dir, target)))
      fail(`export "${sub}" points at ${target}, which the build did not write`);
  }
}
if (JSON.stringify(exportsMap).includes('"source"'))
  fail('publishConfig.exports must not contain the "source" condition');
const license = join(dir, "LICENSE");
if (
  !existsSync(license) ||
  readFileSync(license, "utf8") !== readFileSync(join(root, "LICENSE"), "utf8")
) {
  fail("LICENSE is missing or differs from the repository's LICENSE; copy it: cp LICENSE " + dir);
}
