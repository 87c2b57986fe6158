import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import {
  aggregateCsv,
  aggregateRuns,
  aggregateTable,
  type ExpandedSweep,
  expandSweep,
  formatTable,
  type GroupStats,
  type RunOutcome,
  sweepChartSvg,
  sweepRunDir,
  sweepRunState,
  writeFileAtomic,
  writeJsonAtomic,
} from "@plasticity/experiments/config";
import type { Command } from "commander";
import { EXIT, UsageError, usagePhase } from "../errors.js";
import { type CliIO, printJson } from "../io.js";
import { runLocal } from "../sweep/local.js";
import {
  checkRedis,
  jobStates,
  openQueue,
  outcomeOf,
  queueUrl,
  submitSweep,
} from "../sweep/queue.js";
import { slurmScript } from "../sweep/slurm.js";
import type { RegistryLoaders } from "./run.js";

export interface SweepFlags {
  out: string;
  jobs?: number;
  dryRun?: boolean;
  queue?: string;
  wait: boolean;
  retries: number;
  emit?: string;
  index?: number;
  json?: boolean;
  csv?: string;
  chart?: string;
  plugin: string[];
  timeout?: number;
}

const DEFAULT_JOBS = () =>
  Math.max(
    1,
    (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator
      ?.hardwareConcurrency ?? 1,
  );

function expand(
  io: CliIO,
  file: string,
  regs: Parameters<typeof expandSweep>[1],
): Promise<ExpandedSweep> {
  const path = resolve(io.cwd, file);
  if (!existsSync(path)) {
    throw new UsageError(
      `sweep file ${path} does not exist; give a .yaml or .json sweep file (see plasticity sweep --help)`,
      "file",
    );
  }
  return usagePhase(() => expandSweep(path, regs));
}

/** `--dry-run`: the expanded runs, their ids and what their directories already hold. */
function dryRun(io: CliIO, sweep: ExpandedSweep, out: string, json: boolean): number {
  const rows = sweep.runs.map((r) => {
    const dir = sweepRunDir(out, sweep.name, r.id);
    return {
      index: r.index,
      id: r.id,
      seed: r.seed,
      varied: r.varied,
      state: sweepRunState(dir),
      dir,
    };
  });
  if (json) printJson(io, { sweep: sweep.name, file: sweep.file, runs: rows });
  else {
    io.stdout.write(`${sweep.name}: ${rows.length} runs from ${sweep.file}\n`);
    io.stdout.write(
      `${formatTable(
        ["#", "id", "seed", "settings", "state"],
        rows.map((r) => [
          String(r.index),
          r.id,
          String(r.seed),
          Object.entries(r.varied)
            .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
            .join(" ") || "(base)",
          r.state,
        ]),
      )}\n`,
    );
  }
  return EXIT.ok;
}

/** Write the aggregate next to the runs and print it; exit 1 when a run failed. */
async function report(
  io: CliIO,
  sweep: ExpandedSweep,
  outcomes: RunOutcome[],
  o: SweepFlags,
  out: string,
): Promise<number> {
  const groups = aggregateRuns(outcomes);
  const root = join(out, sweep.name);
  writeJsonAtomic(join(root, "aggregate.json"), { sweep: sweep.name, file: sweep.file, groups });
  writeFileAtomic(join(root, "aggregate.csv"), aggregateCsv(groups));
  if (o.csv) writeFileAtomic(resolve(io.cwd, o.csv), aggregateCsv(groups));
  const param = Object.keys(sweep.sweep.grid).find((k) => sweep.sweep.grid[k]!.length > 1);
  if (param && groups.some((g) => Object.keys(g.accuracy).length > 0)) {
    const svg = await sweepChartSvg(groups, param);
    writeFileAtomic(join(root, "chart.svg"), svg);
    if (o.chart) writeFileAtomic(resolve(io.cwd, o.chart), svg);
  }
  const failed = outcomes.filter((r) => r.error !== undefined);
  if (o.json) printJson(io, { sweep: sweep.name, runs: outcomes, groups });
  else io.stdout.write(formatReport(sweep, groups, failed, root));
  if (failed.length) {
    io.stderr.write(
      `plasticity: ${failed.length} of ${outcomes.length} runs failed (see above); run the same command again to retry them\n`,
    );
    return EXIT.failure;
  }
  return EXIT.ok;
}

function formatReport(
  sweep: ExpandedSweep,
  groups: GroupStats[],
  failed: RunOutcome[],
  root: string,
): string {
  const { headers, rows } = aggregateTable(groups);
  const lines = [
    `${sweep.name}: mean ± std over seeds of the trained network's test accuracy (%)`,
    formatTable(headers, rows),
    "",
    `aggregate ${join(root, "aggregate.json")}, ${join(root, "aggregate.csv")}${existsSync(join(root, "chart.svg")) ? `, ${join(root, "chart.svg")}` : ""}`,
  ];
  for (const f of failed) lines.push(`failed   run ${f.id} (seed ${f.seed}): ${f.error}`);
  return `${lines.join("\n")}\n`;
}

/** Submit to the queue, then (unless --no-wait) follow the jobs and aggregate their summaries. */
async function viaQueue(
  io: CliIO,
  sweep: ExpandedSweep,
  o: SweepFlags,
  out: string,
  plugins: string[],
): Promise<number> {
  const url = queueUrl(o.queue!);
  await checkRedis(url);
  const queue = openQueue(url);
  try {
    const { ids, added, retried } = await submitSweep(queue, sweep, {
      out,
      plugins,
      attempts: o.retries + 1,
    });
    io.stderr.write(
      `sweep ${sweep.name}: ${ids.length} runs on ${url} (${added} added, ${retried} failed ones retried, ${ids.length - added - retried} already queued or done)\n`,
    );
    if (!o.wait) {
      if (o.json) printJson(io, { sweep: sweep.name, jobs: ids });
      return EXIT.ok;
    }
    const deadline = o.timeout ? Date.now() + o.timeout * 1000 : Number.POSITIVE_INFINITY;
    let last = "";
    for (;;) {
      const { jobs, states, counts } = await jobStates(queue, ids);
      const line = `sweep: ${counts.completed}/${ids.length} done, ${counts.failed} failed, ${counts.active} running, ${counts.waiting} waiting`;
      if (line !== last) io.stderr.write(`${line}\n`);
      last = line;
      if (counts.completed + counts.failed === ids.length) {
        return report(
          io,
          sweep,
          jobs.map((j, i) => outcomeOf(j!, states[i]!)),
          o,
          out,
        );
      }
      if (Date.now() > deadline)
        throw new Error(
          `--timeout: the sweep did not finish in ${o.timeout} s (${line}); it goes on in the queue`,
        );
      await new Promise((r) => setTimeout(r, 1000));
    }
  } finally {
    await queue.close();
  }
}

/** `plasticity sweep status <file> --queue URL`: where every run of a sweep stands in the queue. */
async function status(io: CliIO, sweep: ExpandedSweep, o: SweepFlags): Promise<number> {
  if (!o.queue)
    throw new UsageError("sweep status reads the queue: give --queue redis://HOST:PORT", "--queue");
  const url = queueUrl(o.queue);
  await checkRedis(url);
  const queue = openQueue(url);
  try {
    const ids = sweep.runs.map((r) => `${sweep.name}__${r.id}`);
    const { jobs, states, counts } = await jobStates(queue, ids);
    const rows = sweep.runs.map((r, i) => ({
      index: r.index,
      id: r.id,
      seed: r.seed,
      state: states[i]!,
      attempts: jobs[i]?.attemptsMade ?? 0,
      error: jobs[i]?.failedReason ?? "",
    }));
    if (o.json) printJson(io, { sweep: sweep.name, counts, runs: rows });
    else {
      io.stdout.write(
        `${sweep.name} on ${url}: ${counts.completed} completed, ${counts.failed} failed, ${counts.active} running, ${counts.waiting} waiting, ${counts.other} not submitted\n`,
      );
      io.stdout.write(
        `${formatTable(
          ["#", "id", "seed", "state", "attempts", "error"],
          rows.map((r) => [
            String(r.index),
            r.id,
            String(r.seed),
            r.state,
            String(r.attempts),
            r.error.split("\n")[0]!.slice(0, 120),
          ]),
        )}\n`,
      );
    }
    return EXIT.ok;
  } finally {
    await queue.close();
  }
}

/** The `sweep` command: expand, then run locally, on a queue, or write a SLURM array script. */
export async function sweepCommand(
  io: CliIO,
  args: string[],
  o: SweepFlags,
  loaders: RegistryLoaders,
  signal: AbortSignal,
): Promise<number> {
  const isStatus = args[0] === "status";
  const file = isStatus ? args[1] : args[0];
  if (!file)
    throw new UsageError(
      isStatus ? "sweep status: give the sweep file" : "sweep: give a sweep file",
      "file",
    );
  const { regs, resolved } = await loaders.withPlugins(o.plugin);
  const sweep = await expand(io, file, regs);
  const out = resolve(io.cwd, o.out);
  if (isStatus) return status(io, sweep, o);
  if (o.dryRun) return dryRun(io, sweep, out, Boolean(o.json));
  if (o.emit !== undefined) {
    if (o.emit !== "slurm")
      throw new UsageError(`--emit ${o.emit}: only "slurm" is known`, "--emit");
    const path = join(dirname(sweep.file), `${sweep.name}.sbatch`);
    writeFileAtomic(path, slurmScript(sweep, { out, cli: "plasticity", plugins: resolved }));
    io.stdout.write(
      `${path}: a SLURM array of ${sweep.runs.length} tasks; submit it with: sbatch ${path}\n`,
    );
    return EXIT.ok;
  }
  if (o.queue) return viaQueue(io, sweep, o, out, resolved);
  if (o.index !== undefined && (o.index < 0 || o.index >= sweep.runs.length)) {
    throw new UsageError(
      `--index ${o.index}: the sweep has runs 0..${sweep.runs.length - 1}`,
      "--index",
    );
  }
  const jobs = o.jobs ?? DEFAULT_JOBS();
  const outcomes = await runLocal(sweep, {
    jobs,
    out,
    plugins: resolved,
    only: o.index === undefined ? undefined : [o.index],
    stderr: io.stderr,
    signal,
  });
  if (signal.aborted) return -1; // the caller maps the signal to its exit code
  if (o.index !== undefined) {
    const r = outcomes[0]!;
    if (o.json) printJson(io, r);
    return r.error ? EXIT.failure : EXIT.ok;
  }
  return report(io, sweep, outcomes, o, out);
}

/** Register `sweep` on the program. */
export function addSweepCommand(
  program: Command,
  io: CliIO,
  run: (args: string[], o: SweepFlags) => Promise<void>,
): void {
  const int = (name: string, min: number) => (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min)
      throw new UsageError(`${name} ${v}: expected an integer ≥ ${min}`, name);
    return n;
  };
  program
    .command("sweep")
    .description(
      "run a grid of configs over seeds: locally on every core, on a Redis job queue, or as a SLURM array",
    )
    .argument("<file | status file>", "a sweep file (YAML/JSON), or `status <file>` with --queue")
    .argument("[file]")
    .option("--out <dir>", "root of the run directories: <out>/<sweep name>/<run id>/", "runs")
    .option(
      "--jobs <n>",
      "runs at once on this machine, one process each (default: the cores)",
      int("--jobs", 1),
    )
    .option("--dry-run", "print the expanded runs, their ids and states, and run nothing")
    .option(
      "--queue <redis-url>",
      "enqueue the runs as BullMQ jobs on this Redis (workers: plasticity worker)",
    )
    .option("--no-wait", "with --queue: submit and return without following the jobs")
    .option(
      "--retries <n>",
      "with --queue: attempts beyond the first for a failing run",
      int("--retries", 0),
      2,
    )
    .option(
      "--timeout <s>",
      "with --queue: stop following after this many seconds",
      int("--timeout", 1),
    )
    .option(
      "--emit <kind>",
      "write a scheduler script instead of running: slurm (an sbatch job array)",
    )
    .option(
      "--index <i>",
      "run only run i of the sweep (what a SLURM array task does)",
      int("--index", 0),
    )
    .option("--csv <file>", "also write the aggregate as CSV here")
    .option("--chart <file.svg>", "also write the accuracy-vs-parameter chart here")
    .option("--json", "print JSON (runs, aggregate) instead of text")
    .option(
      "--plugin <module>",
      "load rules from a plugin module (repeatable)",
      (v: string, p: string[]) => [...p, v],
      [],
    )
    .addHelpText(
      "after",
      `
A sweep file:
  base: mnist-quick                       # a preset or a config file
  set: { data.limit: 2000, eval.trainLimit: 1000 }
  grid: { model.layers.0.units: [50, 100] }
  list: [ {}, { model.layers.0.rule: oja } ]   # optional, crossed with the grid
  seeds: 2                                # or [0, 7, 42]

Every run has a stable id (a hash of its resolved config and seed) and the directory
<out>/<sweep name>/<id>/: submitting the same sweep again skips finished runs and resumes
interrupted ones from their checkpoints. The aggregate (mean ± std over seeds) is written to
<out>/<sweep name>/aggregate.json and .csv, with a chart against the first grid key.

Examples:
  $ plasticity sweep seeds.yaml --dry-run
  $ plasticity sweep seeds.yaml --jobs 2
  $ plasticity sweep seeds.yaml --queue redis://10.0.0.5:6379 --out /shared/runs
  $ plasticity worker --queue redis://10.0.0.5:6379 --jobs 4          # on each machine
  $ plasticity sweep status seeds.yaml --queue redis://10.0.0.5:6379
  $ plasticity sweep seeds.yaml --emit slurm --out /scratch/runs      # then: sbatch seeds.sbatch`,
    )
    .action(async (first: string, second: string | undefined, o: SweepFlags) => {
      await run(second === undefined ? [first] : [first, second], o);
    });
  void io;
}
