import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { type Rule, UnknownNameError } from "@plasticity/core";
import type { RunEvent, RunResult } from "@plasticity/experiments";
import {
  buildConfig,
  compareChartSvg,
  compareRuns,
  configToYaml,
  createRegistries,
  DEFAULT_PRESET,
  describeConfig,
  formatComparison,
  formatTable,
  loadPlugins,
  type Registries,
  readMetrics,
  readSummary,
  requireRunDir,
  writeFileAtomic,
} from "@plasticity/experiments/config";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { asUsage, EXIT, exitCodeOf, UsageError, usagePhase } from "./errors.js";
import { formatProbeTable, formatRunSummary } from "./format.js";
import { type CliIO, printJson } from "./io.js";

const collect = (v: string, prev: string[]) => [...prev, v];

// Loading tfjs costs about a second, so only the commands that train, probe, draw or pick a
// backend import the tensor stack; everything else runs on @plasticity/experiments/config.
const tensorStack = () => import("@plasticity/experiments");
const datasets = () => import("@plasticity/datasets");

function parseSeed(v: string): number {
  if (!/^-?\d+$/.test(v.trim())) throw new InvalidArgumentError(`expected an integer, got "${v}"`);
  const n = Number(v);
  if (!Number.isSafeInteger(n))
    throw new InvalidArgumentError(`expected a safe integer, got "${v}"`);
  return n;
}

function cliVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

/** Registries with the built-ins plus the plugins named on the command line (usage errors: exit 2). */
async function registriesWith(
  plugins: readonly string[],
  cwd: string,
): Promise<{ regs: Registries; resolved: string[] }> {
  return usagePhase(async () => {
    const regs = createRegistries();
    const loaded = await loadPlugins(regs.rules, plugins, cwd);
    return { regs, resolved: loaded.map((p) => p.resolved) };
  });
}

async function eventPrinter(
  io: CliIO,
  json: boolean,
): Promise<{ onEvent: (e: RunEvent) => void; stop: () => void }> {
  const { createProgressBar } = await tensorStack();
  const tty = Boolean(io.stderr.isTTY);
  const bar = createProgressBar(io.stderr as NodeJS.WriteStream, !json && tty);
  return {
    onEvent(e) {
      if (e.type === "warning") io.stderr.write(`plasticity: warning: ${e.message}\n`);
      if (!json && e.type === "start") {
        // before the bar takes over the line
        io.stderr.write(
          `${e.resumed ? "resuming" : "run"} ${e.dir} on ${e.backend.name}: steps ${e.startStep + 1}..${e.totalSteps} of ${e.batchSize} images\n`,
        );
      }
      bar.onEvent(e);
      // On a terminal the bar shows training; elsewhere one line per phase is the progress report.
      if (
        !json &&
        e.type === "phase" &&
        (tty ? e.phase === "eval" || e.phase === "figures" : true)
      ) {
        io.stderr.write(`${e.message}\n`);
      }
    },
    stop: bar.stop,
  };
}

const RUN_EXAMPLES = `
Examples:
  $ plasticity run                                   # the quick default preset (${DEFAULT_PRESET}) on MNIST
  $ plasticity run mnist-quick --set model.layers.0.units=400 --seed 1
  $ plasticity run my-experiment.yaml --backend wasm --out results
  $ plasticity run mnist-quick --set data.limit=5000 --json > summary.json
  $ plasticity run --plugin @plasticity/plugin-example --set 'model.layers.0={units: 64, rule: hebb-decay}'
  $ plasticity run --resume runs/mnist-quick-20250101-120000   # continue after Ctrl-C or a crash

A config file (JSON or YAML) may start with "extends: <preset or file>" and override any field.
Ctrl-C finishes the current step, writes a checkpoint and exits with code 130.
Exit codes: 0 success, 1 runtime failure, 2 usage or config error, 130 interrupted.`;

function wrap(text: string, width: number, indent: string): string {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let cur = "";
  for (const w of words) {
    if (cur && cur.length + 1 + w.length > width) {
      lines.push(cur);
      cur = w;
    } else cur = cur ? `${cur} ${w}` : w;
  }
  if (cur) lines.push(cur);
  return lines.map((l) => indent + l).join("\n");
}

function configFieldsHelp(regs: Registries): string {
  const lines = describeConfig(regs.models).map((f) => {
    const dflt =
      f.default === undefined
        ? ""
        : ` = ${f.default.length > 60 ? `${f.default.slice(0, 57)}...` : f.default}`;
    return `  ${f.path}  (${f.type})${dflt}\n${wrap(f.description, 90, "      ")}`;
  });
  return `\nConfig fields (set any with --set path=value; list items by index, e.g. --set model.layers.0.units=400):\n${lines.join("\n")}\n`;
}

function ruleParams(rule: Rule): { name: string; default: unknown; description: string }[] {
  const defaults = rule.parseParams({}) as Record<string, unknown>;
  const shape = (rule.params as unknown as { shape: Record<string, { description?: string }> })
    .shape;
  return Object.keys(shape).map((k) => ({
    name: k,
    default: defaults[k],
    description: shape[k]?.description ?? "",
  }));
}

/** Build the commander program; `done(code)` is called with the exit code of the action. */
export function createProgram(io: CliIO, setExit: (code: number) => void): Command {
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
  $ plasticity run                      # quick default preset on real MNIST, a few minutes on 2 cores
  $ plasticity list presets
  $ plasticity run --help               # every config field with its default
  $ plasticity compare runs/*`,
    );

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
      new Option("--backend <name>", "tfjs backend (same as --set backend=...)").choices([
        "auto",
        "tensorflow",
        "wasm",
        "cpu",
      ]),
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
      setExit(await runCommand(io, target, o));
    });

  program
    .command("config")
    .description("print the resolved config of a preset or file after --set (what run would use)")
    .argument("[preset-or-config]", "a preset name or a config file", DEFAULT_PRESET)
    .option("--set <path=value>", "override a config field (repeatable)", collect, [])
    .option("--seed <n>", "seed", parseSeed)
    .addOption(
      new Option("--backend <name>", "tfjs backend").choices(["auto", "tensorflow", "wasm", "cpu"]),
    )
    .option("--json", "print JSON instead of YAML")
    .option("--plugin <module>", "load rules from a plugin module (repeatable)", collect, [])
    .addHelpText(
      "after",
      "\nExamples:\n  $ plasticity config mnist-quick --set train.epochs=3\n  $ plasticity config mnist-quick --json > my.json",
    )
    .action(async (target: string, o: RunFlags) => {
      const { regs } = await registriesWith(o.plugin, io.cwd);
      const { config } = await usagePhase(() =>
        buildConfig({ target, sets: o.set, seed: o.seed, backend: o.backend, cwd: io.cwd }, regs),
      );
      if (o.json) printJson(io, config);
      else io.stdout.write(configToYaml(config));
      setExit(EXIT.ok);
    });

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
      setExit(await listCommand(io, what, o));
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

  runDirCommand(program, io, setExit, {
    name: "eval",
    description:
      "fit the linear probes again on a run's newest checkpoint and update its summary.json",
    jsonHelp: "print the probe report as JSON",
    async act(dir, regs, onEvent) {
      const { evaluateRun } = await tensorStack();
      const { report } = await evaluateRun(dir, regs, onEvent);
      return { json: report, text: formatProbeTable(report) };
    },
  });

  runDirCommand(program, io, setExit, {
    name: "figures",
    description: "draw a run's figures again (filter grids as PNG, curves and probe charts as SVG)",
    jsonHelp: "print the written paths as JSON",
    async act(dir, regs, onEvent) {
      const metrics = await usagePhase(() => readMetrics(requireRunDir(dir).metrics));
      const { figuresForRun } = await tensorStack();
      const figures = await figuresForRun(dir, regs, metrics, onEvent);
      return { json: { figures }, text: figures.join("\n") };
    },
  });

  program
    .command("compare")
    .description("a table of probe accuracies, steps, backend and time across run directories")
    .argument("<run-dir...>", "run directories")
    .option("--json", "print JSON")
    .option("--chart <file.svg>", "also draw probe accuracy per layer, one bar per run, as SVG")
    .addHelpText(
      "after",
      "\nExamples:\n  $ plasticity compare runs/*\n  $ plasticity compare runs/a runs/b --json\n  $ plasticity compare runs/baseline-* runs/miconi-* --chart layers.svg",
    )
    .action(async (dirs: string[], o: { json?: boolean; chart?: string }) => {
      const rows = await usagePhase(() => compareRuns(dirs.map((d) => resolve(io.cwd, d))));
      if (o.chart) {
        const svg = await usagePhase(() => compareChartSvg(rows));
        writeFileAtomic(resolve(io.cwd, o.chart), svg);
      }
      if (o.json) printJson(io, rows);
      else io.stdout.write(`${formatComparison(rows)}\n`);
      setExit(EXIT.ok);
    });

  return program;
}

/**
 * A command on one run directory (eval, figures): loads the plugins given and those the run
 * recorded, reports progress on stderr, and prints what `act` returns as JSON or text.
 */
function runDirCommand(
  program: Command,
  io: CliIO,
  setExit: (code: number) => void,
  cmd: {
    name: string;
    description: string;
    jsonHelp: string;
    act(
      dir: string,
      regs: Registries,
      onEvent: (e: RunEvent) => void,
    ): Promise<{ json: unknown; text: string }>;
  },
): void {
  program
    .command(cmd.name)
    .description(cmd.description)
    .argument("<run-dir>", "a run directory made by plasticity run")
    .option("--json", cmd.jsonHelp)
    .option("--plugin <module>", "load rules from a plugin module (repeatable)", collect, [])
    .addHelpText("after", `\nExample:\n  $ plasticity ${cmd.name} runs/mnist-quick-20250101-120000`)
    .action(async (dir: string, o: { json?: boolean; plugin: string[] }) => {
      const regs = await runRegistries(io, dir, o.plugin);
      const printer = await eventPrinter(io, Boolean(o.json));
      const out = await cmd.act(resolve(io.cwd, dir), regs, printer.onEvent);
      if (o.json) printJson(io, out.json);
      else io.stdout.write(`${out.text}\n`);
      setExit(EXIT.ok);
    });
}

interface RunFlags {
  set: string[];
  seed?: number;
  backend?: string;
  out: string;
  resume?: string;
  json?: boolean;
  plugin: string[];
}

/** Plugins given on the command line plus those the run recorded in summary.json. */
async function runRegistries(
  io: CliIO,
  dir: string,
  plugins: readonly string[],
): Promise<Registries> {
  const recorded = await usagePhase(() => {
    const paths = requireRunDir(resolve(io.cwd, dir));
    return readSummary(paths.summary)?.plugins ?? [];
  });
  const { regs } = await registriesWith(
    [...plugins, ...recorded.filter((p) => !plugins.includes(p))],
    io.cwd,
  );
  return regs;
}

async function runCommand(io: CliIO, target: string | undefined, o: RunFlags): Promise<number> {
  const json = Boolean(o.json);
  if (o.resume && (target || o.set.length || o.seed !== undefined || o.backend)) {
    throw new UsageError(
      "--resume continues a run with its own config.json; drop the preset/config, --set, --seed and --backend (or start a new run instead)",
      "--resume",
    );
  }
  const { resumeExperiment, runExperiment } = await tensorStack();
  const controller = new AbortController();
  let sigints = 0;
  const onSigint = () => {
    sigints++;
    if (sigints === 1) {
      io.stderr.write(
        "\nplasticity: interrupted; finishing the current step and writing a checkpoint (Ctrl-C again to quit now)\n",
      );
      controller.abort();
    } else {
      process.exit(EXIT.interrupted);
    }
  };
  const printer = await eventPrinter(io, json);
  process.on("SIGINT", onSigint);
  let result: RunResult;
  try {
    if (o.resume) {
      const regs = await runRegistries(io, o.resume, o.plugin);
      result = await resumeExperiment(resolve(io.cwd, o.resume), {
        registries: regs,
        signal: controller.signal,
        onEvent: printer.onEvent,
      }).catch((err) => {
        throw asUsageIfConfig(err);
      });
    } else {
      const { regs, resolved } = await registriesWith(o.plugin, io.cwd);
      const { config, source } = await usagePhase(() =>
        buildConfig(
          {
            target: target ?? DEFAULT_PRESET,
            sets: o.set,
            seed: o.seed,
            backend: o.backend,
            cwd: io.cwd,
          },
          regs,
        ),
      );
      result = await runExperiment(config, {
        registries: regs,
        outDir: resolve(io.cwd, o.out),
        signal: controller.signal,
        onEvent: printer.onEvent,
        source,
        plugins: resolved,
      });
    }
  } finally {
    printer.stop();
    process.off("SIGINT", onSigint);
  }
  if (json) printJson(io, result.summary);
  else io.stdout.write(`${formatRunSummary(result.summary)}\n`);
  return EXIT.ok;
}

/** Config problems found while resuming (changed config, finished run) are usage errors. */
function asUsageIfConfig(err: unknown): unknown {
  return (err as { name?: string })?.name === "ConfigError" ? asUsage(err) : err;
}

async function listCommand(
  io: CliIO,
  what: string,
  o: { json?: boolean; plugin: string[] },
): Promise<number> {
  const kinds = ["presets", "rules", "models", "datasets", "backends"];
  if (!kinds.includes(what)) throw asUsage(new UnknownNameError("list", what, kinds));
  const { regs } = await registriesWith(o.plugin, io.cwd);
  const out = (json: unknown, headers: string[], rows: string[][]) => {
    if (o.json) printJson(io, json);
    else io.stdout.write(`${formatTable(headers, rows)}\n`);
  };
  if (what === "presets") {
    const list = regs.presets.list();
    out(
      list.map((p) => ({
        name: p.name,
        description: p.description,
        reference: p.reference ?? null,
        default: p.name === DEFAULT_PRESET,
      })),
      ["preset", "description"],
      list.map((p) => [p.name + (p.name === DEFAULT_PRESET ? " (default)" : ""), p.description]),
    );
  } else if (what === "rules") {
    const list = regs.rules.list();
    out(
      list.map((r) => ({
        name: r.name,
        origin: regs.rules.origin(r.name),
        description: r.description,
        equation: r.equation,
        reference: r.reference,
        params: ruleParams(r),
      })),
      ["rule", "origin", "equation", "params (defaults)"],
      list.map((r) => [
        r.name,
        regs.rules.origin(r.name) ?? "",
        r.equation,
        ruleParams(r)
          .map((p) => `${p.name}=${JSON.stringify(p.default)}`)
          .join(" "),
      ]),
    );
  } else if (what === "models") {
    const list = regs.models.list();
    out(
      list.map((m) => ({ kind: m.kind, description: m.description })),
      ["model kind", "description"],
      list.map((m) => [m.kind, m.description]),
    );
  } else if (what === "datasets") {
    const list = (await datasets()).listDatasets();
    out(
      list,
      ["dataset", "kind", "shape", "train", "test", "classes", "title"],
      list.map((d) => [
        d.name,
        d.kind,
        d.shape.join("×"),
        String(d.splits.train),
        String(d.splits.test),
        String(d.classes.length),
        d.title,
      ]),
    );
  } else {
    const { BACKEND_NAMES, initBackend } = await import("@plasticity/tfjs");
    const list: { name: string; ok: boolean; error?: string }[] = [];
    for (const name of BACKEND_NAMES) {
      try {
        await initBackend({ backend: name });
        list.push({ name, ok: true });
      } catch (err) {
        list.push({ name, ok: false, error: (err as Error).message.split("\n")[0] });
      }
    }
    const auto = list.find((b) => b.ok)?.name ?? null;
    out(
      { backends: list, auto },
      ["backend", "available", "note"],
      list.map((b) => [
        b.name,
        b.ok ? "yes" : "no",
        b.ok ? (b.name === auto ? "auto picks this one" : "") : (b.error ?? ""),
      ]),
    );
  }
  return EXIT.ok;
}

async function dataCommand(
  io: CliIO,
  name: string,
  o: { dir?: string; download?: boolean; json?: boolean },
): Promise<number> {
  const { datasetInfo, loadDataset, locateDataset, pixelStats } = await datasets();
  const info = await usagePhase(() => datasetInfo(name, { dir: o.dir }));
  // locate reads and downloads nothing; with download allowed it reports where a download would come from
  const where = await locateDataset(name, { dir: o.dir, download: true });
  const report: Record<string, unknown> = {
    name: info.name,
    title: info.title,
    found: where.found,
    source: where.source,
    tried: where.tried,
    shape: info.shape,
    classes: info.classes,
    counts: info.splits,
    license: info.license,
    citation: info.citation,
  };
  if (where.found || o.download) {
    const stats: Record<string, unknown> = {};
    for (const split of ["train", "test"] as const) {
      const ds = await loadDataset(name, { dir: o.dir, split, download: Boolean(o.download) });
      const p = pixelStats(ds);
      stats[split] = {
        count: ds.shape[0],
        shape: ds.shape.slice(1),
        mean: p.mean,
        std: p.std,
        channelMean: p.channelMean,
        channelStd: p.channelStd,
        source: ds.source,
      };
    }
    report.stats = stats;
  }
  if (o.json) {
    printJson(io, report);
    return EXIT.ok;
  }
  const lines = [
    `${info.name}: ${info.title}`,
    `shape    ${info.shape.join("×")}, ${info.classes.length} classes`,
    `counts   ${info.splits.train} train / ${info.splits.test} test`,
    where.found
      ? `source   ${where.source?.description ?? "?"}`
      : `source   not found locally; ${where.source ? `would download into ${where.source.dir} from ${where.source.files[0] ?? "?"}${where.source.files.length > 1 ? ` (+${where.source.files.length - 1} files)` : ""}` : "no download source"} (run with --download)`,
    "searched",
    ...where.tried.map((t) => `  ${t}`),
  ];
  const stats = report.stats as
    | Record<string, { count: number; mean: number; std: number }>
    | undefined;
  if (stats) {
    for (const [split, s] of Object.entries(stats)) {
      lines.push(
        `${split.padEnd(8)} ${s.count} images, pixel mean ${s.mean.toFixed(4)}, std ${s.std.toFixed(4)}`,
      );
    }
  }
  io.stdout.write(`${lines.join("\n")}\n`);
  return EXIT.ok;
}

/** Parse and run a command line; resolves to the exit code (never throws). */
export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  let code: number = EXIT.ok;
  const program = createProgram(io, (c) => {
    code = c;
  });
  try {
    await program.parseAsync([...argv], { from: "user" });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version exit 0; every parse error is a usage error
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    const e = err;
    const exit = exitCodeOf(e);
    const message = (e as Error)?.message ?? String(e);
    const hint = e instanceof UsageError && e.hint ? `\n  hint: ${e.hint}` : "";
    if (argv.includes("--json")) {
      printJson(io, { error: { message, field: (e as UsageError).field ?? null, exitCode: exit } });
    }
    io.stderr.write(`plasticity: ${message}${hint}\n`);
    if (exit === EXIT.failure && process.env.PLASTICITY_DEBUG)
      io.stderr.write(`${(err as Error).stack}\n`);
    return exit;
  }
}
