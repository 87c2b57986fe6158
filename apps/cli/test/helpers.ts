import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

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

const PROGRAM = fileURLToPath(new URL("../dist/program.js", import.meta.url));

/**
 * Run one command line through the built CLI's `main` in a fresh Node process and report how many
 * @tensorflow modules it loaded (tfjs is CommonJS, so its files show up in require.cache).
 */
export function tensorflowModulesLoaded(args: readonly string[]): { code: number; count: number } {
  checkBuilt();
  const script = `
    import { createRequire } from "node:module";
    const { main } = await import(${JSON.stringify(pathToFileURL(PROGRAM).href)});
    const quiet = { write: () => true };
    const code = await main(${JSON.stringify(args)}, { stdout: quiet, stderr: quiet, cwd: process.cwd() });
    const count = Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes("@tensorflow")).length;
    process.stdout.write(JSON.stringify({ code, count }));
    process.exit(0);`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    cwd: CLI_DIR,
    encoding: "utf8",
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(`node exited with ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as { code: number; count: number };
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
