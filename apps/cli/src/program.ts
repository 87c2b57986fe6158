import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import {
  buildConfig,
  configToYaml,
  createRegistries,
  DEFAULT_PRESET,
  loadPlugins,
  type Registries,
  readSummary,
  requireRunDir,
} from "@plasticity/experiments/config";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { dataCommand } from "./commands/data.js";
import { listCommand } from "./commands/list.js";
import { type RegistryLoaders, type RunFlags, runCommand } from "./commands/run.js";
import { addRunDirCommands } from "./commands/run-dir.js";
import { addSweepCommand, type SweepFlags, sweepCommand } from "./commands/sweep.js";
import { addWorkerCommand } from "./commands/worker.js";
import { EXIT, exitCodeOf, UsageError, usagePhase } from "./errors.js";
import { configFieldsHelp, RUN_EXAMPLES } from "./help.js";
import { type CliIO, printJson } from "./io.js";

const collect = (v: string, prev: string[]) => [...prev, v];
const BACKEND_CHOICES = ["auto", "tensorflow", "wasm", "cpu"];

function parseSeed(v: string): number {
  if (!/^-?\d+$/.test(v.trim())) throw new InvalidArgumentError(`expected an integer, got "${v}"`);
  const n = Number(v);
  if (!Number.isSafeInteger(n))
    throw new InvalidArgumentError(`expected a safe integer, got "${v}"`);
  return n;
}

/** The version of this package as installed (what `--version` prints). */
export function cliVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

/** Registries with the built-ins plus plugins: from the command line, or recorded by a run. */
function registryLoaders(io: CliIO): RegistryLoaders {
  const withPlugins = (plugins: readonly string[]) =>
    usagePhase(async () => {
      const regs = createRegistries();
      const loaded = await loadPlugins(regs.rules, plugins, io.cwd);
      return { regs, resolved: loaded.map((p) => p.resolved) };
    });
  return {
    withPlugins,
    async forRun(dir, plugins): Promise<Registries> {
      const recorded = await usagePhase(() => {
        const paths = requireRunDir(resolve(io.cwd, dir));
        return readSummary(paths.summary)?.plugins ?? [];
      });
      const { regs } = await withPlugins([
        ...plugins,
        ...recorded.filter((p) => !plugins.includes(p)),
      ]);
      return regs;
    },
  };
}

function addRunCommand(
  program: Command,
  io: CliIO,
  setExit: (c: number) => void,
  loaders: RegistryLoaders,
) {
  program
    .command("run")
    .description(`train, evaluate and draw an experiment (default preset: ${DEFAULT_PRESET})`)
    .argument(
      "[preset-or-config]",
      "a preset name (plasticity list presets) or a .json/.yaml config file",
    )
    .option(
      "--set <path=value>",
      "override a config field (repeatable); values parse as YAML",
      collect,
      [],
    )
    .option("--seed <n>", "seed of every random draw (same as --set seed=N)", parseSeed)
    .addOption(
      new Option("--backend <name>", "tfjs backend (same as --set backend=...)").choices(
        BACKEND_CHOICES,
      ),
    )
    .option("--out <dir>", "directory for new run directories", "runs")
    .option("--resume <run-dir>", "continue a run from its newest checkpoint, bit for bit")
    .option("--json", "print summary.json on stdout instead of text (no progress bar)")
    .option(
      "--plugin <module>",
      "load rules from a plugin module or package (repeatable)",
      collect,
      [],
    )
    .addHelpText("after", () => `${RUN_EXAMPLES}\n${configFieldsHelp(createRegistries())}`)
    .action(async (target: string | undefined, o: RunFlags) => {
      setExit(await runCommand(io, target, o, loaders));
    });
}

function addConfigCommand(
  program: Command,
  io: CliIO,
  setExit: (c: number) => void,
  loaders: RegistryLoaders,
) {
  program
    .command("config")
    .description("print the resolved config of a preset or file after --set (what run would use)")
    .argument("[preset-or-config]", "a preset name or a config file", DEFAULT_PRESET)
    .option("--set <path=value>", "override a config field (repeatable)", collect, [])
    .option("--seed <n>", "seed", parseSeed)
    .addOption(new Option("--backend <name>", "tfjs backend").choices(BACKEND_CHOICES))
    .option("--json", "print JSON instead of YAML")
    .option("--plugin <module>", "load rules from a plugin module (repeatable)", collect, [])
    .addHelpText(
      "after",
      "\nExamples:\n  $ plasticity config mnist-quick --set train.epochs=3\n  $ plasticity config mnist-quick --json > my.json",
    )
    .action(async (target: string, o: RunFlags) => {
      const { regs } = await loaders.withPlugins(o.plugin);
      const { config } = await usagePhase(() =>
        buildConfig({ target, sets: o.set, seed: o.seed, backend: o.backend, cwd: io.cwd }, regs),
      );
      if (o.json) printJson(io, config);
      else io.stdout.write(configToYaml(config));
      setExit(EXIT.ok);
    });
}

/**
 * Run `f` with an AbortSignal that SIGINT/SIGTERM trip (the sweep then stops its runs, each
 * checkpointing); a stopped `f` exits 130 / 143 with how to continue.
 */
async function withStopSignals(
  io: CliIO,
  f: (signal: AbortSignal) => Promise<number>,
): Promise<number> {
  const ctl = new AbortController();
  let got: "SIGINT" | "SIGTERM" | null = null;
  const on = (s: "SIGINT" | "SIGTERM") => () => {
    if (got) process.exit(s === "SIGINT" ? EXIT.interrupted : 143);
    got = s;
    io.stderr.write(
      `\nplasticity: ${s}; stopping the runs in progress at their next step (each writes a checkpoint)\n`,
    );
    ctl.abort();
  };
  const onInt = on("SIGINT");
  const onTerm = on("SIGTERM");
  process.on("SIGINT", onInt);
  process.on("SIGTERM", onTerm);
  try {
    const code = await f(ctl.signal);
    if (got) {
      io.stderr.write("plasticity: sweep stopped; run the same command again to resume it\n");
      return got === "SIGINT" ? EXIT.interrupted : 143;
    }
    return code;
  } finally {
    process.off("SIGINT", onInt);
    process.off("SIGTERM", onTerm);
  }
}

/** Build the commander program; `setExit(code)` is called with the exit code of the action. */
export function createProgram(io: CliIO, setExit: (code: number) => void): Command {
  const loaders = registryLoaders(io);
  const program = new Command("plasticity");
  program
    .description(
      "Biologically plausible deep learning: run, resume, compare and look at Hebbian experiments.",
    )
    .version(cliVersion(), "-V, --version", "print the version")
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(`plasticity: ${s.replace(/^error: /, "")}`),
    })
    .showSuggestionAfterError(true)
    .exitOverride()
    .addHelpText(
      "after",
      `
Examples:
  $ plasticity run                      # quick default preset (mnist-quick) on real MNIST
  $ plasticity list presets
  $ plasticity run --help               # every config field with its default
  $ plasticity compare runs/*`,
    );
  addRunCommand(program, io, setExit, loaders);
  addConfigCommand(program, io, setExit, loaders);
  program
    .command("list")
    .description("list presets, rules (builtins and plugins), model kinds, datasets or backends")
    .argument("<what>", "presets | rules | models | datasets | backends")
    .option("--json", "print JSON")
    .option("--plugin <module>", "load rules from a plugin module (repeatable)", collect, [])
    .addHelpText(
      "after",
      "\nExamples:\n  $ plasticity list presets\n  $ plasticity list rules --plugin @plasticity/plugin-example\n  $ plasticity list backends --json",
    )
    .action(async (what: string, o: { json?: boolean; plugin: string[] }) => {
      setExit(await listCommand(io, what, o, loaders.withPlugins));
    });
  program
    .command("data")
    .description(
      "where a dataset is (or would be downloaded from), its counts, shape and pixel mean/std",
    )
    .argument("<name>", "dataset name (plasticity list datasets)")
    .option("--dir <dir>", "also search this directory first")
    .option("--download", "download it when no local copy is found (default: only say where from)")
    .option("--json", "print JSON")
    .addHelpText(
      "after",
      "\nExamples:\n  $ plasticity data mnist\n  $ plasticity data cifar10 --json",
    )
    .action(async (name: string, o: { dir?: string; download?: boolean; json?: boolean }) => {
      setExit(await dataCommand(io, name, o));
    });
  addRunDirCommands(program, io, setExit, loaders.forRun);
  addSweepCommand(program, io, async (args, o) =>
    setExit(
      await withStopSignals(io, (signal) =>
        sweepCommand(io, args, o as SweepFlags, loaders, signal),
      ),
    ),
  );
  addWorkerCommand(program, io, setExit);
  return program;
}

/** Parse and run a command line; resolves to the exit code (never throws). */
export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  let code: number = EXIT.ok;
  const json = argv.includes("--json");
  const program = createProgram(io, (c) => {
    code = c;
  });
  try {
    await program.parseAsync([...argv], { from: "user" });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version exit 0; every parse error is a usage error (and one JSON document under --json)
      if (err.exitCode === 0) return EXIT.ok;
      if (json) {
        const message = err.message.replace(/^error: /, "");
        printJson(io, { error: { message, field: null, exitCode: EXIT.usage, code: err.code } });
      }
      return EXIT.usage;
    }
    const exit = exitCodeOf(err);
    const message = (err as Error)?.message ?? String(err);
    const hint = err instanceof UsageError && err.hint ? `\n  hint: ${err.hint}` : "";
    if (json) {
      printJson(io, {
        error: { message, field: (err as UsageError).field ?? null, exitCode: exit },
      });
    }
    io.stderr.write(`plasticity: ${message}${hint}\n`);
    if (exit === EXIT.failure && process.env.PLASTICITY_DEBUG)
      io.stderr.write(`${(err as Error).stack}\n`);
    return exit;
  }
}
