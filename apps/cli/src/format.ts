import type { EvalReport, RunSummary } from "@plasticity/experiments/config";
import { formatTable } from "@plasticity/experiments/config";

const pct = (v: number | undefined) => (v === undefined ? "-" : `${(100 * v).toFixed(2)}%`);

/** The per-layer probe table: trained next to random init, per probe kind. */
export function formatProbeTable(report: EvalReport): string {
  const layers = [...new Set(report.rows.map((r) => r.layer))];
  const headers = ["layer", "dim"];
  for (const p of report.probes) headers.push(`${p} trained`, `${p} random-init`);
  const rows = layers.map((layer) => {
    const trained = report.rows.find((r) => r.layer === layer && r.variant !== "random-init");
    const init = report.rows.find((r) => r.layer === layer && r.variant === "random-init");
    const cells = [layer, String(trained?.dim ?? init?.dim ?? "")];
    for (const p of report.probes) {
      cells.push(
        pct(trained?.probes[p]?.testAccuracy),
        layer === "input" ? "" : pct(init?.probes[p]?.testAccuracy),
      );
    }
    return cells;
  });
  return [
    `Linear-probe test accuracy (fitted on ${report.nTrain} training images, scored on ${report.nTest} test images, step ${report.step})`,
    formatTable(headers, rows),
  ].join("\n");
}

/** The closing lines of `plasticity run`. */
export function formatRunSummary(s: RunSummary): string {
  const lines: string[] = [];
  const rate = s.trainSeconds > 0 ? ` (${Math.round(s.samples / s.trainSeconds)} samples/s)` : "";
  lines.push(`run      ${s.dir}`);
  if (s.backend) lines.push(`backend  ${s.backend.name} — ${s.backend.reason}`);
  if (s.dataset) {
    lines.push(
      `data     ${s.dataset.name}: ${s.dataset.train} train / ${s.dataset.test} test images, ${s.dataset.shape.join("×")} — ${s.dataset.source}`,
    );
  }
  lines.push(
    `train    ${s.steps.done} steps, ${s.samples} samples in ${s.trainSeconds.toFixed(1)} s${rate}; seed ${s.seed}`,
  );
  lines.push(`time     ${s.wallSeconds.toFixed(1)} s wall, peak RSS ${s.peakRssMB} MB`);
  if (s.eval) lines.push("", formatProbeTable(s.eval));
  if (s.figures.length) lines.push("", "figures", ...s.figures.map((f) => `  ${f}`));
  lines.push("", `summary  ${s.dir}/summary.json`);
  return lines.join("\n");
}
