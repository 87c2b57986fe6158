#!/usr/bin/env node
// The README's MNIST table from run directories: node scripts/results-table.mjs runs/sm-mnist-nps*-*/
// Reads each run's config.json and summary.json (and figures/ names); prints a markdown table.
import { readFileSync } from "node:fs";
import { join } from "node:path";

const POSTER = { 4: 3.87, 8: 2.41, 16: 1.73, 32: 1.6, 64: 1.47, 100: 1.4 };
const rows = [];
for (const dir of process.argv.slice(2)) {
  const cfg = JSON.parse(readFileSync(join(dir, "config.json"), "utf8"));
  const sum = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8"));
  const layer = cfg.model.layers[cfg.model.layers.length - 1];
  const acc = (variant) =>
    sum.eval?.rows.find((r) => r.variant === variant && r.layer !== "input")?.probes.svm
      ?.testAccuracy;
  const err = (a) => (a === undefined ? "–" : (100 * (1 - a)).toFixed(2));
  const d = cfg.model.dynamics;
  rows.push(
    `| ${layer.nps} | ${cfg.train.maxSteps} × ${cfg.train.batchSize} | ${d.mode === "fixed" ? `${d.steps} fixed steps` : `‖du‖/‖u‖ < ${d.tol}`} | ${err(acc("trained"))} | ${err(acc("random-init"))} | ${POSTER[layer.nps] ?? "–"} | ${(sum.trainSeconds / 60).toFixed(1)} | ${(sum.wallSeconds / 60).toFixed(1)} | ${Math.round(sum.peakRssMB)} | ${cfg.eval.svm.tol}, ${cfg.eval.svm.maxIter} | ${dir.replace(/\/$/, "").split("/").pop()} |`,
  );
}
console.log(
  "| NpS | rounds × images | dynamics | test error % (SVM) | at random init | poster | train min | wall min | peak RSS MB | SVM tol, max passes | run |",
);
console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
for (const r of rows) console.log(r);
