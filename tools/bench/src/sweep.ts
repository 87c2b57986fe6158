import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { peakRssMiB } from "./harness.js";
import { describeMachine, type MachineInfo, machineInfo } from "./machine.js";

/** The CLI the sweep benchmark drives (built with this package's dependencies). */
const CLI = fileURLToPath(new URL("../../../apps/cli/dist/bin.js", import.meta.url));

export interface SweepBenchReport {
  readonly benchmark: "sweep";
  readonly runs: number;
  readonly machine: MachineInfo;
  /** 1-minute load average at the end (the start is in machine). */
  readonly loadAvgEnd: number;
  /** Wall seconds of the whole sweep at each --jobs. */
  readonly wallSeconds: Record<string, number>;
  /** wall(--jobs 1) / wall(--jobs N). */
  readonly speedup: Record<string, number>;
  readonly peakRssMiB: number | null;
}

/**
 * A sweep of `runs` short real-MNIST runs (mnist-quick on 3000 images, one epoch each), run from
 * scratch with `plasticity sweep --jobs N` for each N: the local pool's speed-up on this machine.
 */
export function runSweepBench(o: {
  runs: number;
  jobs: number[];
  log: (s: string) => void;
}): SweepBenchReport {
  const machine = machineInfo();
  const tmp = mkdtempSync(join(tmpdir(), "plasticity-bench-sweep-"));
  try {
    const file = join(tmp, "bench.yaml");
    writeFileSync(
      file,
      [
        "base: mnist-quick",
        "set: { data.limit: 3000, data.testLimit: 1000, eval.trainLimit: 2000, eval.probes: [ridge], figures.enabled: false, model.layers.0.units: 100, backend: wasm }",
        `seeds: ${o.runs}`,
      ].join("\n"),
    );
    const wallSeconds: Record<string, number> = {};
    for (const jobs of o.jobs) {
      o.log(`sweep of ${o.runs} runs with --jobs ${jobs} ...`);
      const t0 = performance.now();
      const r = spawnSync(
        process.execPath,
        [CLI, "sweep", file, "--jobs", String(jobs), "--out", join(tmp, `out-${jobs}`), "--json"],
        {
          encoding: "utf8",
          maxBuffer: 64 << 20,
        },
      );
      if (r.status !== 0)
        throw new Error(
          `plasticity sweep --jobs ${jobs} failed (exit ${r.status}): ${r.stderr.slice(-800)}`,
        );
      wallSeconds[jobs] = (performance.now() - t0) / 1000;
    }
    const base = wallSeconds[o.jobs[0]!]!;
    const speedup = Object.fromEntries(Object.entries(wallSeconds).map(([j, s]) => [j, base / s]));
    return {
      benchmark: "sweep",
      runs: o.runs,
      machine,
      loadAvgEnd: machineInfo().loadAvg1,
      wallSeconds,
      speedup,
      peakRssMiB: peakRssMiB(),
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The report as text. */
export function renderSweep(r: SweepBenchReport): string {
  const lines = [
    `plasticity sweep: ${r.runs} short MNIST runs (mnist-quick on 3000 images), local pool`,
    `machine: ${describeMachine(r.machine)}; load average ${r.loadAvgEnd} at the end`,
  ];
  for (const [j, s] of Object.entries(r.wallSeconds)) {
    lines.push(`  --jobs ${j}: ${s.toFixed(1)} s wall, speed-up ${r.speedup[j]!.toFixed(2)}×`);
  }
  return lines.join("\n");
}
