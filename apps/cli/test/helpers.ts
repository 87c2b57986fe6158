import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The CLI package root: tests run the CLI from here so `--plugin @plasticity/plugin-example` resolves. */
export const CLI_DIR = fileURLToPath(new URL("..", import.meta.url));
export const BIN = fileURLToPath(new URL("../dist/bin.js", import.meta.url));

function checkBuilt(): void {
  if (!existsSync(BIN)) {
    throw new Error(
      `${BIN} is missing: build first (pnpm --filter @plasticity/cli... build; "pnpm test" does it)`,
    );
  }
}

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run the built CLI to completion. */
export function cli(args: readonly string[], timeoutMs = 120_000): CliResult {
  checkBuilt();
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: CLI_DIR,
    encoding: "utf8",
    timeout: timeoutMs,
    env: { ...process.env, FORCE_COLOR: "0" },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Start the built CLI as a child process (for kill / Ctrl-C tests). */
export function spawnCli(
  args: readonly string[],
): ChildProcess & { output: () => CliResult; exited: Promise<number | null> } {
  checkBuilt();
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: CLI_DIR,
    env: { ...process.env, FORCE_COLOR: "0" },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => {
    stdout += d;
  });
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((resolve) =>
    child.on("close", (code) => resolve(code)),
  );
  return Object.assign(child, { output: () => ({ code: child.exitCode, stdout, stderr }), exited });
}

/** Poll until `check` is true (or throw after `timeoutMs`). */
export async function waitFor(
  check: () => boolean,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
