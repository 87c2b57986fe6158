import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli, spawnCli, waitFor } from "./helpers.js";
import { flush, freePort, testRedis } from "./redis.js";

const tmp = mkdtempSync(join(tmpdir(), "plasticity-sweep-"));
const workers: ReturnType<typeof spawnCli>[] = [];
let redis: { url: string; stop: () => void };
beforeAll(async () => {
  redis = await testRedis();
  flush(redis.url);
});
afterAll(async () => {
  for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill("SIGKILL");
  await Promise.all(workers.map((w) => w.exited));
  redis?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

/** Short real-MNIST runs: 3000 images in batches of 20 (150 steps), a checkpoint every 20. */
const SET = {
  "data.limit": 3000,
  "data.testLimit": 500,
  "eval.trainLimit": 1000,
  "eval.probes": ["ridge"],
  "eval.input": false,
  "eval.randomBaseline": false,
  "figures.enabled": false,
  "train.batchSize": 20,
  "checkpoint.every": 20,
  backend: "wasm",
};

function sweepFile(name: string, extra: Record<string, unknown> = {}): string {
  const path = join(tmp, `${name}.json`);
  writeFileSync(
    path,
    JSON.stringify({
      name,
      base: "mnist-quick",
      set: { ...SET, ...extra },
      grid: { "model.layers.0.units": [10, 20, 30] },
      seeds: 2,
    }),
  );
  return path;
}

interface Outcome {
  id: string;
  seed: number;
  summary: { stateHash: string; status: string } | null;
  error?: string;
}
interface Report {
  runs: Outcome[];
  groups: { seeds: number[]; accuracy: Record<string, { mean: number; std: number; n: number }> }[];
}

function startWorker(): ReturnType<typeof spawnCli> {
  const w = spawnCli(["worker", "--queue", redis.url, "--jobs", "1", "--lock-seconds", "3"]);
  workers.push(w);
  return w;
}

/**
 * Run a CLI command without blocking this process (spawnSync would stop the event loop, so the
 * workers' output would not be read while the sweep runs).
 */
async function run(
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const c = spawnCli(args);
  const code = await c.exited;
  return { ...c.output(), code };
}

const hashes = (r: Report) => Object.fromEntries(r.runs.map((o) => [o.id, o.summary?.stateHash]));

describe("local sweeps", () => {
  it("--dry-run lists the runs with stable ids; a malformed sweep file is a usage error naming the file and field", () => {
    const f = sweepFile("dry");
    const a = JSON.parse(cli(["sweep", f, "--dry-run", "--out", tmp, "--json"]).stdout);
    const b = JSON.parse(cli(["sweep", f, "--dry-run", "--out", tmp, "--json"]).stdout);
    expect(a.runs).toHaveLength(6);
    expect(a.runs.map((r: { id: string }) => r.id)).toEqual(
      b.runs.map((r: { id: string }) => r.id),
    );
    expect(new Set(a.runs.map((r: { id: string }) => r.id)).size).toBe(6);
    const bad = join(tmp, "bad.yaml");
    writeFileSync(bad, "base: mnist-quick\ngrid: { model.layers.0.units: 50 }\nseeds: 0\n");
    const r = cli(["sweep", bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(bad);
    expect(r.stderr).toMatch(/grid/);
  });
});

describe("a local sweep on both cores, then compare and SLURM", () => {
  const out = join(tmp, "local-out");
  const f = join(tmp, "local.yaml");
  writeFileSync(
    f,
    [
      "base: mnist-quick",
      "set: { data.limit: 1000, data.testLimit: 300, eval.trainLimit: 500, eval.probes: [ridge], eval.randomBaseline: false, figures.enabled: false, train.batchSize: 50, backend: wasm }",
      "grid: { model.layers.0.units: [10, 20] }",
      "seeds: 2",
    ].join("\n"),
  );
  let first: Report;

  it("runs 4 runs with --jobs 2 and aggregates mean ± std over seeds", async () => {
    const r = await run(["sweep", f, "--jobs", "2", "--out", out, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    first = JSON.parse(r.stdout) as Report;
    expect(first.runs.every((o) => o.summary?.status === "completed")).toBe(true);
    expect(first.groups.map((g) => g.seeds.length)).toEqual([2, 2]);
    for (const file of ["aggregate.json", "aggregate.csv", "chart.svg"]) {
      expect(readdirSync(join(out, "local"))).toContain(file);
    }
    const csv = readFileSync(join(out, "local", "aggregate.csv"), "utf8");
    expect(csv.split("\n")[0]).toBe("setting,metric,mean,std,n,seeds,failed");
    expect(csv).toMatch(
      /\nmodel\.layers\.0\.units=10,accuracy:layer1\/ridge,0\.\d+,\d\.?\d*(e-\d+)?,2,0 1,0\n/,
    );
  });

  it("submitted again, it skips every finished run; compare groups the run directories the same way", async () => {
    const again = await run(["sweep", f, "--jobs", "2", "--out", out, "--json"]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/0\/4 done, 0 failed, 0 running, 4 already done/);
    expect(hashes(JSON.parse(again.stdout) as Report)).toEqual(hashes(first));
    const dirs = readdirSync(join(out, "local"))
      .filter((d) => /^[0-9a-f]{12}$/.test(d))
      .map((d) => join(out, "local", d));
    const cmp = JSON.parse(cli(["compare", ...dirs, "--json"]).stdout) as Report;
    const mean = (r: Report) => r.groups.map((g) => g.accuracy["layer1/ridge"]!.mean).sort();
    expect(mean(cmp)).toEqual(mean(first));
    expect(cli(["compare", ...dirs]).stdout).toContain("Grouped over seeds");
  });

  it("--emit slurm writes an sbatch job array whose task i runs run i", () => {
    const r = cli(["sweep", f, "--emit", "slurm", "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    const script = readFileSync(join(tmp, "local.sbatch"), "utf8");
    expect(script).toContain("#SBATCH --array=0-3");
    expect(script).toContain('--index "$SLURM_ARRAY_TASK_ID"');
    const one = cli(["sweep", f, "--index", "1", "--out", out, "--json"]);
    expect(one.code, one.stderr).toBe(0);
    expect(JSON.parse(one.stdout).id).toBe(first.runs[1]!.id);
  });
});

describe("sweeps on a Redis queue (BullMQ) with worker processes", () => {
  let reference: Report;

  it("6 runs over 2 workers: every run completes and the aggregate has every seed", async () => {
    startWorker();
    startWorker();
    const r = await run([
      "sweep",
      sweepFile("ref"),
      "--queue",
      redis.url,
      "--out",
      join(tmp, "ref-out"),
      "--json",
      "--timeout",
      "600",
    ]);
    expect(r.code, r.stderr).toBe(0);
    reference = JSON.parse(r.stdout) as Report;
    expect(reference.runs).toHaveLength(6);
    expect(reference.runs.every((o) => o.summary?.status === "completed")).toBe(true);
    expect(reference.groups).toHaveLength(3);
    for (const g of reference.groups) {
      expect(g.seeds).toHaveLength(2);
      expect(g.accuracy["layer1/ridge"]!.n).toBe(2);
    }
  });

  it("a duplicate submission runs nothing twice", async () => {
    const r = await run([
      "sweep",
      sweepFile("ref"),
      "--queue",
      redis.url,
      "--out",
      join(tmp, "ref-out"),
      "--json",
      "--timeout",
      "60",
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/0 added, 0 failed ones retried, 6 already queued or done/);
    expect(hashes(JSON.parse(r.stdout) as Report)).toEqual(hashes(reference));
    const logs = workers.map((w) => w.output().stderr).join("");
    expect(logs.match(/: starting run/g)?.length).toBe(6);
  });

  it("kill -9 of a worker mid-run: another worker resumes it; every run ends as the uninterrupted one", async () => {
    for (const w of workers.splice(0)) {
      w.kill("SIGTERM");
      expect(await w.exited).toBe(143);
    }
    const victim = startWorker();
    const out = join(tmp, "kill-out");
    const submit = spawnCli([
      "sweep",
      sweepFile("kill"),
      "--queue",
      redis.url,
      "--out",
      out,
      "--json",
      "--timeout",
      "600",
    ]);
    // wait until the victim's run has written a checkpoint, then kill it without warning
    await waitFor(
      () => {
        try {
          return readdirSync(join(out, "kill")).some((d) => {
            try {
              return readdirSync(join(out, "kill", d, "checkpoints")).length > 0;
            } catch {
              return false;
            }
          });
        } catch {
          return false;
        }
      },
      300_000,
      "a checkpoint of the first run",
    );
    victim.kill("SIGKILL");
    await victim.exited;
    startWorker();
    expect(await submit.exited, submit.output().stderr).toBe(0);
    const killed = JSON.parse(submit.output().stdout) as Report;
    // same config and seed → same run id as the reference sweep, and the same final weights
    expect(hashes(killed)).toEqual(hashes(reference));
    const resumed = readdirSync(join(out, "kill")).filter((d) => {
      try {
        return (
          JSON.parse(readFileSync(join(out, "kill", d, "summary.json"), "utf8")).resumedAt.length >
          0
        );
      } catch {
        return false;
      }
    });
    expect(resumed.length).toBeGreaterThanOrEqual(1);
  });

  it("a failing run is retried a bounded number of times, then reported with its error", async () => {
    const f = join(tmp, "failing.json");
    writeFileSync(
      f,
      JSON.stringify({
        name: "failing",
        base: "mnist-quick",
        set: { ...SET, "data.dataset": "cifar10", "data.download": false },
        seeds: 1,
      }),
    );
    const r = await run([
      "sweep",
      f,
      "--queue",
      redis.url,
      "--out",
      join(tmp, "fail-out"),
      "--retries",
      "1",
      "--timeout",
      "300",
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/failed {3}run \w+ \(seed 0\): .*cifar10/);
    const st = await run(["sweep", "status", f, "--queue", redis.url, "--json"]);
    expect(st.code, st.stderr).toBe(0);
    const runs = JSON.parse(st.stdout).runs as { state: string; attempts: number }[];
    expect(runs[0]).toMatchObject({ state: "failed", attempts: 2 });
  });

  it("an unreachable Redis is reported with its address", async () => {
    const port = await freePort();
    const r = await run(["sweep", sweepFile("ref"), "--queue", `redis://127.0.0.1:${port}`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`cannot reach Redis at redis://127.0.0.1:${port}`);
    const w = await run(["worker", "--queue", `redis://127.0.0.1:${port}`]);
    expect(w.code).toBe(1);
    expect(w.stderr).toContain("cannot reach Redis");
  });
});
