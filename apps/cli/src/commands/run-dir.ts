import { resolve } from "node:path";
import type { RunEvent } from "@plasticity/experiments";
import {
  aggregateCsv,
  aggregateRuns,
  aggregateTable,
  compareChartSvg,
  compareRuns,
  formatComparison,
  formatTable,
  outcomesOfRunDirs,
  type Registries,
  readMetrics,
  requireRunDir,
  writeFileAtomic,
} from "@plasticity/experiments/config";
import type { Command } from "commander";
import { EXIT, usagePhase } from "../errors.js";
import { eventPrinter } from "../events.js";
import { formatProbeTable } from "../format.js";
import { type CliIO, printJson } from "../io.js";

const tensorStack = () => import("@plasticity/experiments");

type ForRun = (dir: string, plugins: readonly string[]) => Promise<Registries>;

/**
 * A command on one run directory (eval, figures): loads the plugins given and those the run
 * recorded, reports progress on stderr, and prints what `act` returns as JSON or text.
 */
function runDirCommand(
  program: Command,
  io: CliIO,
  setExit: (code: number) => void,
  forRun: ForRun,
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
    .option(
      "--plugin <module>",
      "load rules from a plugin module (repeatable)",
      (v: string, p: string[]) => [...p, v],
      [],
    )
    .addHelpText("after", `\nExample:\n  $ plasticity ${cmd.name} runs/mnist-quick-20250101-120000`)
    .action(async (dir: string, o: { json?: boolean; plugin: string[] }) => {
      const regs = await forRun(dir, o.plugin);
      const printer = await eventPrinter(io, Boolean(o.json));
      try {
        const out = await cmd.act(resolve(io.cwd, dir), regs, printer.onEvent);
        if (o.json) printJson(io, out.json);
        else io.stdout.write(`${out.text}\n`);
      } finally {
        printer.stop();
      }
      setExit(EXIT.ok);
    });
}

/** `eval`, `figures` and `compare`: the commands that read run directories. */
export function addRunDirCommands(
  program: Command,
  io: CliIO,
  setExit: (code: number) => void,
  forRun: ForRun,
): void {
  runDirCommand(program, io, setExit, forRun, {
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
  runDirCommand(program, io, setExit, forRun, {
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
    .description(
      "a table of probe accuracies, status, steps, backend and time across run directories",
    )
    .argument("<run-dir...>", "run directories")
    .option("--json", "print JSON")
    .option("--chart <file.svg>", "also draw probe accuracy per layer, one bar per run, as SVG")
    .option(
      "--csv <file>",
      "write mean ± std (and n) over seeds of every accuracy and of time, per setting, as CSV",
    )
    .addHelpText(
      "after",
      '\nExamples:\n  $ plasticity compare runs/*\n  $ plasticity compare runs/a runs/b --json\n  $ plasticity compare runs/baseline-* runs/miconi-* --chart layers.svg\n\nA run killed mid-training shows as "interrupted" with the step it resumes from.',
    )
    .action(async (dirs: string[], o: { json?: boolean; chart?: string; csv?: string }) => {
      const paths = dirs.map((d) => resolve(io.cwd, d));
      const rows = await usagePhase(() => compareRuns(paths));
      const groups = aggregateRuns(await usagePhase(() => outcomesOfRunDirs(paths)));
      if (o.chart) {
        const svg = await usagePhase(() => compareChartSvg(rows));
        writeFileAtomic(resolve(io.cwd, o.chart), svg);
      }
      if (o.csv) writeFileAtomic(resolve(io.cwd, o.csv), aggregateCsv(groups));
      if (o.json) printJson(io, { runs: rows, groups });
      else {
        io.stdout.write(`${formatComparison(rows)}\n`);
        if (groups.some((g) => g.seeds.length > 1)) {
          const { headers, rows: cells } = aggregateTable(groups);
          io.stdout.write(
            `\nGrouped over seeds (mean ± std of test accuracy, %):\n${formatTable(headers, cells)}\n`,
          );
        }
      }
      setExit(EXIT.ok);
    });
}
