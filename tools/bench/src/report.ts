import { blasName } from "./engines/torch.js";
import type { FlopCount } from "./flops.js";
import { fmt, fmtFlops, fmtPct, renderTable } from "./format.js";
import { SLOW_REPEATS } from "./harness.js";
import { describeMachine } from "./machine.js";
import type { BenchReport, EngineResult } from "./types.js";

/** "314.4 MFLOP = 2·B·I·O (forward u = x Wᵀ) + …" */
export function describeFlops(f: FlopCount): string {
  return `${fmtFlops(f.total)} = ${f.terms.map((t) => `${t.formula} (${t.what})`).join(" + ")}`;
}

const rss = (v: number | null) => (v === null ? "-" : `${fmt(v)} MiB`);

/** One line of what an engine ran on (backend flags, torch and BLAS versions). */
export function describeEngine(e: EngineResult): string {
  const i = e.info;
  const parts: string[] = [];
  if (typeof i.backend === "string") parts.push(`tfjs backend ${i.backend}`);
  if (typeof i.wasmSimd === "boolean")
    parts.push(`SIMD ${i.wasmSimd ? "on" : "off"}, threads ${i.wasmThreads ? "on" : "off"}`);
  if (typeof i.path === "string") parts.push(i.path);
  if (typeof i.torch === "string")
    parts.push(`torch ${i.torch} (${i.python}, Python ${i.pythonVersion}), ${i.threads} thread(s)`);
  if (Array.isArray(i.blasLibraries)) {
    const threads = typeof i.blasThreads === "number" ? `, ${i.blasThreads} thread(s)` : "";
    parts.push(`BLAS ${blasName(i.blasLibraries.map(String)) ?? i.blasInfo}${threads}`);
  }
  return parts.join("; ");
}

/** The human-readable report of a `rules` / `matmul` / `torch` run. */
export function renderReport(r: BenchReport): string {
  const c = r.config;
  const out: string[] = [];
  out.push(
    `${r.benchmark}: dense Hebbian step, batch B = ${c.batch}, nIn I = ${c.nIn} → nOut O = ${c.nOut}, linear y = u, seed ${c.seed}`,
  );
  out.push(`${r.date}, ${describeMachine(r.machine)}, ${r.loadAvg1AtEnd} at the end`);
  out.push(
    `timing: ${c.timing.warmup} warm-up calls, then ≥ ${c.timing.minRepeats} timed calls and ≥ ${c.timing.minTimeMs} ms (calls over ${c.timing.slowCallMs} ms: 1 warm-up, ${SLOW_REPEATS} timed); median ± median absolute deviation (MAD)`,
  );
  if (r.flops.length > 0) {
    out.push(
      "",
      "FLOP per step (multiply-add = 2 FLOP; activation, softmax and ranking not counted):",
    );
    for (const f of r.flops) out.push(`  ${f.rule.padEnd(16)} ${describeFlops(f)}`);
  }
  const ok = r.engines.filter((e) => e.status === "ok");
  const peaks = ok.filter((e) => e.peak !== null);
  if (peaks.length > 0) {
    const sizes = [...new Set(peaks.flatMap((e) => e.peak!.bySize.map((m) => m.size)))].sort(
      (a, b) => a - b,
    );
    out.push(
      "",
      "matmul peak: GFLOP/s of each engine's own n×n · n×n product; the peak is the best size:",
    );
    out.push(
      renderTable(
        ["engine", "op", ...sizes.map((n) => `>n=${n}`), ">peak GFLOP/s", ">±MAD", ">peak RSS"],
        peaks.map((e) => {
          const p = e.peak!;
          return [
            e.engine,
            p.op,
            ...sizes.map((n) => {
              const m = p.bySize.find((b) => b.size === n);
              return m ? fmt(m.gflops) : "-";
            }),
            fmt(p.gflops),
            fmtPct(p.timing.madPct / 100),
            rss(e.peakRssMiB),
          ];
        }),
      ),
    );
  }
  const details = ok
    .map((e) => `  ${e.engine}: ${describeEngine(e)}`)
    .filter((l) => !l.endsWith(": "));
  if (details.length > 0) out.push("", "engines:", ...details);
  const rows = ok.flatMap((e) =>
    e.steps.map((s) => [
      e.engine,
      s.rule,
      fmt(s.timing.medianMs),
      fmtPct(s.timing.madPct / 100),
      fmt(s.samplesPerSec),
      fmt(s.gflops),
      s.fractionOfPeak === null ? "-" : fmtPct(s.fractionOfPeak),
      s.path,
    ]),
  );
  if (rows.length > 0) {
    out.push(
      "",
      "dense step (forward + update), GFLOP/s as a fraction of the same engine's matmul peak:",
    );
    out.push(
      renderTable(
        ["engine", "rule", ">ms/step", ">±MAD", ">samples/s", ">GFLOP/s", ">of peak", "path"],
        rows,
      ),
    );
  }
  if (r.notes.length > 0) out.push("", "notes:", ...r.notes.map((n) => `  - ${n}`));
  return out.join("\n");
}
