import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli, spawnCli, waitFor } from "./helpers.js";

const out = mkdtempSync(join(tmpdir(), "plasticity-cli-run-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

interface Summary {
  dir: string;
  status: string;
  stateHash: string;
  steps: { done: number; total: number };
  plugins: string[];
  resumedAt: number[];
  figures: string[];
  eval: {
    rows: { layer: string; variant: string; probes: Record<string, { testAccuracy: number }> }[];
  };
}

function runJson(args: string[]): Summary {
  const r = cli(["run", "--out", out, "--json", ...args], 300_000);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Summary;
}

/** A small real-MNIST run: 2000 images, 60 units, batches of 50 → 40 steps. */
const SMALL = [
  "--set",
  "data.limit=2000",
  "--set",
  "data.testLimit=500",
  "--set",
  "eval.trainLimit=1000",
  "--set",
  "model.layers.0.units=60",
  "--set",
  "eval.softmax.epochs=3",
  "--backend",
  "wasm",
];

describe("plasticity run end to end (small real MNIST subset)", () => {
  let summary: Summary;
  beforeAll(() => {
    summary = runJson([...SMALL, "--set", "train.batchSize=50"]);
  });

  it("--json prints the summary; the run directory has every file", () => {
    expect(summary.status).toBe("completed");
    expect(summary.steps).toMatchObject({ done: 40, total: 40 });
    for (const f of ["config.json", "metrics.jsonl", "summary.json", "checkpoints", "figures"]) {
      expect(existsSync(join(summary.dir, f)), f).toBe(true);
    }
    expect(summary.figures.some((f) => f.endsWith("filters-layer1.png"))).toBe(true);
    const layer1 = summary.eval.rows.find((r) => r.layer === "layer1" && r.variant === "trained");
    expect(layer1?.probes.ridge?.testAccuracy).toBeGreaterThan(0.5);
  });

  it("prints a human summary with the probe table", () => {
    const r = cli(
      [
        "run",
        "--out",
        out,
        ...SMALL,
        "--set",
        "eval.probes=[ridge]",
        "--set",
        "figures.enabled=false",
      ],
      300_000,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/layer1\s+60\s+\d+\.\d+%\s+\d+\.\d+%/);
    expect(r.stdout).toContain("ridge random-init");
  });

  it("eval, figures and compare work on the run directory", () => {
    const ev = cli(["eval", summary.dir, "--json"]);
    expect(ev.code, ev.stderr).toBe(0);
    expect((JSON.parse(ev.stdout) as Summary["eval"]).rows).toEqual(summary.eval.rows);
    const fig = cli(["figures", summary.dir, "--json"]);
    expect(fig.code, fig.stderr).toBe(0);
    expect((JSON.parse(fig.stdout) as { figures: string[] }).figures.length).toBeGreaterThanOrEqual(
      4,
    );
    const cmp = cli(["compare", summary.dir, summary.dir]);
    expect(cmp.code, cmp.stderr).toBe(0);
    expect(cmp.stdout).toContain("layer1/ridge %");
    const cmpJson = JSON.parse(cli(["compare", summary.dir, "--json"]).stdout) as {
      runs: { status: string }[];
    };
    expect(cmpJson.runs[0]!.status).toBe("completed");
  });

  it("a plugin's rule is usable by name in a config", () => {
    const s = runJson([
      ...SMALL,
      "--plugin",
      "@plasticity/plugin-example",
      "--set",
      "model.layers.0={units: 20, rule: hebb-decay, activation: {kind: relu}, init: unit-norm}",
      "--set",
      "eval.probes=[ridge]",
      "--set",
      "figures.enabled=false",
    ]);
    expect(s.status).toBe("completed");
    expect(s.plugins.some((p) => p.includes("plugin-example"))).toBe(true);
    const config = JSON.parse(readFileSync(join(s.dir, "config.json"), "utf8")) as {
      model: { layers: { rule: string }[] };
    };
    expect(config.model.layers[0]!.rule).toBe("hebb-decay");
    // eval reloads the plugin recorded in summary.json
    expect(cli(["eval", s.dir, "--json"]).code).toBe(0);
  });
});

describe("--resume after the process is killed", () => {
  // 20000 images in batches of 20: 1000 steps, a checkpoint every 50.
  const LONG = [
    ...SMALL,
    "--set",
    "data.limit=20000",
    "--set",
    "train.batchSize=20",
    "--set",
    "checkpoint.every=50",
    "--set",
    "eval.probes=[ridge]",
    "--set",
    "figures.enabled=false",
  ];
  let reference: Summary;
  beforeAll(() => {
    reference = runJson(LONG);
  });

  const finalState = (dir: string) => {
    const ckpts = readdirSync(join(dir, "checkpoints")).sort();
    const last = JSON.parse(
      readFileSync(join(dir, "checkpoints", ckpts[ckpts.length - 1]!), "utf8"),
    ) as {
      final: boolean;
      step: number;
      model: unknown;
    };
    return last;
  };

  async function startAndStop(signal: NodeJS.Signals, afterStep = 50) {
    const child = spawnCli(["run", "--out", out, "--json", ...LONG]);
    let dir = "";
    const wanted = `step-${String(afterStep).padStart(8, "0")}.json`;
    await waitFor(
      () => {
        const runs = readdirSync(out).filter((d) =>
          existsSync(join(out, d, "checkpoints", wanted)),
        );
        const mine = runs.find(
          (d) => !d.startsWith("_") && join(out, d) !== reference.dir && !seen.has(d),
        );
        if (mine) dir = join(out, mine);
        return mine !== undefined;
      },
      120_000,
      "the first checkpoint",
    );
    seen.add(dir.slice(out.length + 1));
    child.kill(signal);
    const code = await child.exited;
    return { dir, code, output: child.output() };
  }
  const seen = new Set<string>();

  it("SIGKILL mid-run, then --resume: same final weights and metrics as an uninterrupted run", async () => {
    seen.add(reference.dir.slice(out.length + 1));
    for (const d of readdirSync(out)) seen.add(d);
    const { dir, code } = await startAndStop("SIGKILL");
    expect(code).toBeNull(); // killed by a signal
    const killed = finalState(dir);
    expect(killed.final).toBe(false);
    expect(killed.step).toBeLessThan(1000);
    // summary.json was last written at a checkpoint; compare sees the process is gone
    const stale = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8")) as Summary & {
      checkpoint: { step: number };
    };
    expect(stale.status).toBe("running");
    // written after each checkpoint: the kill may land between the two writes
    expect(stale.steps.done).toBeLessThanOrEqual(killed.step);
    expect(stale.checkpoint?.step ?? 0).toBe(stale.steps.done);
    const cmp = cli(["compare", dir, "--json"]);
    expect(JSON.parse(cmp.stdout).runs[0]).toMatchObject({
      status: "interrupted",
      resumeStep: killed.step,
      steps: `${killed.step}/1000`,
    });
    expect(cli(["compare", dir]).stdout).toContain(`interrupted (resume at step ${killed.step})`);
    const r = cli(["run", "--resume", dir, "--json"], 300_000);
    expect(r.code, r.stderr).toBe(0);
    const resumed = JSON.parse(r.stdout) as Summary;
    expect(resumed.resumedAt.length).toBe(1);
    expect(readFileSync(join(dir, "metrics.jsonl"), "utf8")).toBe(
      readFileSync(join(reference.dir, "metrics.jsonl"), "utf8"),
    );
    expect(finalState(dir).model).toEqual(finalState(reference.dir).model);
    expect(resumed.stateHash).toBe(reference.stateHash);
    expect(resumed.eval.rows).toEqual(reference.eval.rows);
  });

  it("Ctrl-C (SIGINT) checkpoints, exits 130 and says how to resume", async () => {
    const { dir, code, output } = await startAndStop("SIGINT");
    expect(code).toBe(130);
    expect(output.stderr).toContain(`plasticity run --resume ${dir}`);
    const stopped = finalState(dir);
    expect(stopped.final).toBe(false);
    const summary = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8")) as Summary;
    expect(summary.status).toBe("interrupted");
    const r = cli(["run", "--resume", dir, "--json"], 300_000);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as Summary).stateHash).toBe(reference.stateHash);
    // a finished run cannot be resumed again
    const again = cli(["run", "--resume", dir]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("already finished");
  });

  it("SIGTERM (cluster pre-emption) behaves like Ctrl-C: checkpoint, exit 143, the resume command", async () => {
    const { dir, code, output } = await startAndStop("SIGTERM");
    expect(code).toBe(143);
    expect(output.stderr).toContain("terminated (SIGTERM)");
    expect(output.stderr).toContain(`plasticity run --resume ${dir}`);
    const doc = JSON.parse(output.stdout) as { interrupted: { signal: string; step: number } };
    expect(doc.interrupted.signal).toBe("SIGTERM");
    expect(doc.interrupted.step).toBe(finalState(dir).step);
    const summary = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8")) as Summary;
    expect(summary.status).toBe("interrupted");
    expect(JSON.parse(cli(["compare", dir, "--json"]).stdout).runs[0].resumeStep).toBe(
      doc.interrupted.step,
    );
  });

  it("a corrupt newest checkpoint: --resume falls back to the newest valid one, says so, ends the same", async () => {
    const { dir } = await startAndStop("SIGKILL", 100);
    const ckpts = readdirSync(join(dir, "checkpoints")).sort();
    const newest = join(dir, "checkpoints", ckpts[ckpts.length - 1]!);
    writeFileSync(newest, readFileSync(newest, "utf8").slice(0, 100)); // cut short, as by a full disk
    const r = cli(["run", "--resume", dir, "--json"], 300_000);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /warning: skipping unreadable checkpoint: checkpoint .*step-\d+\.json/,
    );
    expect((JSON.parse(r.stdout) as Summary).stateHash).toBe(reference.stateHash);
  });
});
