import { parseArgs } from "node:util";
import { PlasticityError } from "@plasticity/core";
import { TFJS_BACKENDS } from "./engines/tfjs.js";
import { renderFaBench, runFaBench } from "./fa/run.js";
import { backendList, configFromFlags, DEFAULT_RULES, int, list, OPTIONS } from "./flags.js";
import { fmt, renderTable } from "./format.js";
import { DEFAULT_TIMING } from "./harness.js";
import { renderHebbianConv, runHebbianConvBench } from "./hebbian-conv.js";
import { describeMachine } from "./machine.js";
import { renderReport } from "./report.js";
import { type LocalEngine, runLocalEngine, runRules } from "./rules.js";
import { renderSimilarityMatching, runSimilarityMatching } from "./similarity-matching.js";
import { renderSweep, runSweepBench } from "./sweep.js";
import { runWorkers, type WorkersReport } from "./workers/run.js";

/** The benchmarks `pnpm bench <name>` knows. */
export const BENCHMARKS: readonly { readonly name: string; readonly description: string }[] = [
  { name: "list", description: "names the benchmarks" },
  {
    name: "rules",
    description:
      "dense Hebbian step (784 → 1000, batch 100) per tfjs backend and rule, core's typed-array hebb, PyTorch side by side: samples/s, GFLOP/s, fraction of each engine's matmul peak, peak RSS",
  },
  {
    name: "matmul",
    description: "each engine's matmul peak only (best of n×n · n×n for n = 256, 512, 1024)",
  },
  { name: "torch", description: "the PyTorch side of `rules` only (1 thread and all threads)" },
  {
    name: "sweep",
    description:
      "plasticity sweep of short MNIST runs with --jobs 1 and 2 (the local pool's speed-up; --runs N, --jobs-list a,b)",
  },
  {
    name: "workers",
    description: "the wasm dense step in 1 and 2 worker_threads at once: aggregate samples/s",
  },
  {
    name: "feedback-alignment",
    description:
      "Amit's deep network (CIFAR shape, batch 500): bp/fa/urfb training step on tfjs-wasm in data-parallel worker_threads (gradients shared through a SharedArrayBuffer), per-op time and GFLOP/s, PyTorch's autograd BP step side by side",
  },
  {
    name: "hebbian-conv",
    description:
      "Miconi's Hebbian CNN training step (CIFAR shape, batch 100, ZCA + 3 layers + plasticity) in 1 and 2 threads, per-phase times, next to the PyTorch reference step",
  },
  {
    name: "similarity-matching",
    description:
      "Obeid et al.'s structured SM layer (NpS 4) on MNIST: training and feature images/s to ‖du‖/‖u‖ < 1e-4 and at 99 fixed steps, in worker threads, beside the official NumPy code",
  },
];

export const USAGE = `usage: pnpm bench <name> [options]

benchmarks:
${BENCHMARKS.map((b) => `  ${b.name.padEnd(9)} ${b.description}`).join("\n")}

options:
  --json                  print one JSON object (progress goes to stderr)
  --batch <n>             batch size B (100)
  --n-in <n>              inputs I (784)
  --n-out <n>             outputs O (1000)
  --rules <a,b>           rules on tfjs and torch (${DEFAULT_RULES.join(",")})
  --reference-rules <a,b> rules on core's typed-array reference (hebb; "none" to skip)
  --backends <a,b>        tfjs backends (${TFJS_BACKENDS.join(",")}; one that cannot start is skipped with its reason)
  --params <json>         rule hyper-parameters, e.g. '{"oja":{"lr":0.01}}' (defaults: the rule's own)
  --matmul-sizes <a,b>    sides of the square matmuls; the peak is the best (256,512,1024)
  --slow-call-ms <ms>     a call slower than this gets 1 warm-up and 3 timed calls (${DEFAULT_TIMING.slowCallMs})
  --warmup <n>            untimed calls first (${DEFAULT_TIMING.warmup})
  --repeats <n>           at least this many timed calls (${DEFAULT_TIMING.minRepeats})
  --min-time-ms <ms>      and at least this long (${DEFAULT_TIMING.minTimeMs})
  --max-repeats <n>       but at most this many (${DEFAULT_TIMING.maxRepeats})
  --seed <n>              data and weights seed (1)
  --torch-threads <a,b>   PyTorch thread counts ("all" = every core; 1,all)
  --no-torch              skip PyTorch
  --no-isolate            run all engines in this process (peak RSS is then cumulative)
  --workers <a,b>         worker counts for \`workers\` (1,2)
  --worker-rule <name>    rule for \`workers\` (hebb)
  --worker-backend <name> backend for \`workers\` (wasm)
  --duration-ms <ms>      how long each worker run lasts (5000; hebbian-conv: each timed run, torch too)
  --runs <n>              runs of the \`sweep\` benchmark (4)
  --jobs-list <a,b>       --jobs values \`sweep\` compares (1,2)

feedback-alignment: --batch (500), --workers <n> (2), --methods <a,b> (bp,fa,urfb), --warmup (1),
  --repeats <n> timed steps (3), --torch-threads <n> (2), --no-torch, --seed

  hebbian-conv: --batch (100), --workers (1,2), --worker-backend (wasm), --torch-threads (2), --no-torch, --seed

  --sm-workers <n>        similarity-matching: worker threads for the dynamics (2; 0 = main thread)
  --sm-rounds <n>         similarity-matching: training rounds of 1,000 images from init (2)
  --sm-features <n>       similarity-matching: test images whose features are timed (2000)
  --official-code <dir>   similarity-matching: directory with the official snn_multipleneurons_fast.py
                          (default $PLASTICITY_SM_OFFICIAL; without it the official row is skipped)
  --official-images <a,b> similarity-matching: official training and feature images timed (200,100)
`;

export function renderWorkers(r: WorkersReport): string {
  const c = r.config;
  return [
    `workers: ${r.backend} dense ${r.rule} step in N worker_threads at once, batch ${c.batch}, ${c.nIn} → ${c.nOut}, ${r.durationMs} ms per run`,
    `${r.date}, ${describeMachine(r.machine)}, ${r.loadAvg1AtEnd} at the end`,
    "",
    renderTable(
      [
        ">workers",
        ">ms/step (each)",
        ">samples/s (Σ)",
        ">wall samples/s (Σ)",
        ">GFLOP/s (Σ)",
        ">speed-up",
      ],
      r.runs.map((w) => [
        String(w.workers),
        w.perWorker.map((t) => fmt(t.medianMs)).join(" / "),
        fmt(w.samplesPerSec),
        fmt(w.wallSamplesPerSec),
        fmt(w.gflops),
        w.speedup === null ? "-" : `${fmt(w.speedup)}×`,
      ]),
    ),
    "",
    `samples/s (Σ) = Σ_workers batch / median step time; wall = steps × batch / run time (W resets included). Peak RSS of the process: ${fmt(r.peakRssMiB)} MiB`,
  ].join("\n");
}

/** Run the CLI; returns the exit code. `out` gets the report, `err` progress and errors. */
export async function main(
  argv: readonly string[],
  out: (s: string) => void = (s) => process.stdout.write(`${s}\n`),
  err: (s: string) => void = (s) => process.stderr.write(`${s}\n`),
): Promise<number> {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    err(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values: v, positionals } = parsed;
  const name = positionals[0];
  if (v.help || name === undefined) {
    (name === undefined && !v.help ? err : out)(USAGE);
    return name === undefined && !v.help ? 2 : 0;
  }
  const json = v.json === true;
  const log = (s: string) => err(s);
  try {
    switch (name) {
      case "list":
        out(
          json
            ? JSON.stringify({ benchmarks: BENCHMARKS })
            : BENCHMARKS.map((b) => `${b.name.padEnd(9)} ${b.description}`).join("\n"),
        );
        return 0;
      case "engine": {
        // internal: one engine in its own process, for `rules --isolate`
        const engine = positionals[1] as LocalEngine;
        if (!["core", ...TFJS_BACKENDS.map((b) => `tfjs:${b}`)].includes(engine)) {
          throw new PlasticityError(
            `engine: expected core or tfjs:<backend>, got ${JSON.stringify(engine)}`,
            "engine",
          );
        }
        out(JSON.stringify(await runLocalEngine(engine, configFromFlags(v))));
        return 0;
      }
      case "rules":
      case "matmul":
      case "torch": {
        const base = configFromFlags(v);
        const config =
          name === "matmul"
            ? { ...base, rules: [], referenceRules: [] }
            : name === "torch"
              ? { ...base, referenceRules: [] }
              : base;
        const report = await runRules(name, {
          config,
          backends: name === "torch" ? [] : backendList(v, "backends", TFJS_BACKENDS),
          core: name !== "torch",
          torchThreads: v["no-torch"] ? [] : list(v, "torch-threads", ["1", "all"]),
          isolate: !v["no-isolate"],
          log,
        });
        out(json ? JSON.stringify(report) : renderReport(report));
        return 0;
      }
      case "sweep": {
        const report = runSweepBench({
          runs: int(v, "runs", 4),
          jobs: list(v, "jobs-list", ["1", "2"]).map(Number),
          log,
        });
        out(json ? JSON.stringify(report) : renderSweep(report));
        return 0;
      }
      case "workers": {
        const [backend] = backendList(v, "worker-backend", ["wasm"]);
        const report = await runWorkers({
          config: configFromFlags(v),
          rule: (v["worker-rule"] as string | undefined) ?? "hebb",
          backend,
          counts: list(v, "workers", ["1", "2"]).map(Number),
          durationMs: int(v, "duration-ms", 5000),
          log,
        });
        out(json ? JSON.stringify(report) : renderWorkers(report));
        return 0;
      }
      case "feedback-alignment": {
        const methods = list(v, "methods", ["bp", "fa", "urfb"]);
        for (const m of methods) {
          if (!["bp", "fa", "urfb", "kp", "dfa"].includes(m)) {
            throw new PlasticityError(
              `--methods: expected bp, fa, urfb, kp or dfa, got ${m}`,
              "methods",
            );
          }
        }
        const report = await runFaBench({
          workers: int(v, "workers", 2),
          batch: int(v, "batch", 500),
          methods: methods as ("bp" | "fa" | "urfb")[],
          warmup: int(v, "warmup", 1, 0),
          steps: int(v, "repeats", 3),
          torch: !v["no-torch"],
          torchThreads: int(v, "torch-threads", 2),
          seed: int(v, "seed", 1, Number.MIN_SAFE_INTEGER),
          log,
        });
        out(json ? JSON.stringify(report) : renderFaBench(report));
        return 0;
      }
      case "hebbian-conv": {
        const [backend] = backendList(v, "worker-backend", ["wasm"]);
        if (backend === "tensorflow") {
          throw new PlasticityError(
            "--worker-backend: hebbian-conv runs on wasm or cpu",
            "worker-backend",
          );
        }
        const report = await runHebbianConvBench({
          batch: int(v, "batch", 100),
          backend,
          workers: list(v, "workers", ["1", "2"]).map(Number),
          durationMs: int(v, "duration-ms", 10000),
          torch: !v["no-torch"],
          torchThreads: Number(list(v, "torch-threads", ["2"])[0]),
          seed: int(v, "seed", 1, Number.MIN_SAFE_INTEGER),
          log,
        });
        out(json ? JSON.stringify(report) : renderHebbianConv(report));
        return 0;
      }
      case "similarity-matching": {
        const [trainImages, featureImages] = list(v, "official-images", ["200", "100"]).map(Number);
        const report = await runSimilarityMatching({
          workers: int(v, "sm-workers", 2, 0),
          rounds: int(v, "sm-rounds", 2),
          featureImages: int(v, "sm-features", 2000),
          officialCode:
            (v["official-code"] as string | undefined) ??
            process.env.PLASTICITY_SM_OFFICIAL ??
            null,
          officialTrainImages: trainImages ?? 200,
          officialFeatureImages: featureImages ?? 100,
          log,
        });
        out(json ? JSON.stringify(report) : renderSimilarityMatching(report));
        return 0;
      }
      default:
        throw new PlasticityError(
          `unknown benchmark ${JSON.stringify(name)}; known: ${BENCHMARKS.map((b) => b.name).join(", ")}`,
          "name",
        );
    }
  } catch (e) {
    err(
      e instanceof PlasticityError
        ? `error: ${e.message}`
        : `error: ${(e as Error).stack ?? String(e)}`,
    );
    return 1;
  }
}
