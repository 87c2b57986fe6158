/**
 * Fixed points in worker threads. tfjs-wasm runs one thread in Node, so the dynamics of a batch
 * are split into contiguous parts, one per worker (each with its own wasm backend and `Dynamics`
 * of the same network), and joined again. Every operation of the dynamics is per sample, so the
 * result is bit for bit the in-thread result (tested), whatever the number of workers.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { PlasticityError } from "@plasticity/core";
import type { FixedPoints, LayerWeights } from "./dynamics.js";
import type { GridShape } from "./geometry.js";
import type { FixedPointSolver } from "./network.js";
import type { NetworkConfig } from "./schema.js";

/** What a worker needs to build its own `Dynamics`. */
export interface WorkerInit {
  readonly config: NetworkConfig;
  readonly inputShape: GridShape;
  readonly backend: "wasm" | "cpu" | "tensorflow";
}

export interface WorkerJob {
  readonly id: number;
  readonly x: Float32Array;
  readonly n: number;
  readonly weights: readonly LayerWeights[];
}

export type WorkerReply =
  | { readonly type: "ready" }
  | { readonly type: "done"; readonly id: number; readonly fp: FixedPoints }
  | { readonly type: "error"; readonly id: number; readonly message: string };

/** The compiled worker script beside this module (dist/worker.js). */
export const WORKER_SCRIPT = fileURLToPath(new URL("./worker.js", import.meta.url));

interface Pending {
  resolve(fp: FixedPoints): void;
  reject(e: Error): void;
}

class SolverThread {
  private readonly pending = new Map<number, Pending>();
  readonly ready: Promise<void>;
  private failure: Error | null = null;

  constructor(
    readonly worker: Worker,
    init: WorkerInit,
  ) {
    this.ready = new Promise((resolve, reject) => {
      worker.on("message", (m: WorkerReply) => {
        if (m.type === "ready") return resolve();
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        if (m.type === "done") p?.resolve(m.fp);
        else p?.reject(new PlasticityError(`dynamics worker: ${m.message}`, "workers"));
      });
      const fail = (e: Error) => {
        this.failure = e;
        reject(e);
        for (const p of this.pending.values()) p.reject(e);
        this.pending.clear();
      };
      worker.on("error", fail);
      worker.on("exit", (code) => {
        if (code !== 0)
          fail(new PlasticityError(`dynamics worker exited with code ${code}`, "workers"));
      });
    });
    this.ready.catch(() => {});
    worker.postMessage(init);
  }

  solve(job: WorkerJob): Promise<FixedPoints> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending.set(job.id, { resolve, reject });
      this.worker.postMessage(job);
    });
  }
}

/** A `FixedPointSolver` over `count` worker threads. */
export class WorkerPool implements FixedPointSolver {
  private readonly threads: SolverThread[];
  private nextId = 0;

  private constructor(threads: SolverThread[]) {
    this.threads = threads;
  }

  /**
   * Start `count` workers (each loads tfjs and its backend) and wait until they are ready.
   * `script` is the compiled worker (default: dist/worker.js beside this module).
   */
  static async start(count: number, init: WorkerInit, script = WORKER_SCRIPT): Promise<WorkerPool> {
    if (!Number.isInteger(count) || count < 1) {
      throw new PlasticityError(`workers: expected a positive integer, got ${count}`, "workers");
    }
    if (!existsSync(script)) {
      throw new PlasticityError(
        `workers: ${script} not found; worker threads need the built package (pnpm build), or set workers to 0`,
        "workers",
      );
    }
    const execArgv = compiledExecArgv(process.execArgv);
    const threads = Array.from(
      { length: count },
      () => new SolverThread(new Worker(script, { execArgv }), init),
    );
    const pool = new WorkerPool(threads);
    try {
      await Promise.all(threads.map((t) => t.ready));
    } catch (e) {
      await pool.dispose();
      throw e;
    }
    return pool;
  }

  get size(): number {
    return this.threads.length;
  }

  async solve(x: Float32Array, n: number, weights: readonly LayerWeights[]): Promise<FixedPoints> {
    const k = Math.min(this.threads.length, n);
    if (k <= 1) return this.threads[0]!.solve({ id: this.nextId++, x, n, weights });
    const d = x.length / Math.max(n, 1);
    const parts: { a: number; m: number }[] = [];
    for (let t = 0, a = 0; t < k; t++) {
      const m = Math.floor(n / k) + (t < n % k ? 1 : 0);
      parts.push({ a, m });
      a += m;
    }
    const res = await Promise.all(
      parts.map(({ a, m }, t) =>
        this.threads[t]!.solve({
          id: this.nextId++,
          x: x.slice(a * d, (a + m) * d),
          n: m,
          weights,
        }),
      ),
    );
    return joinFixedPoints(res, parts, n);
  }

  async dispose(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
  }
}

/**
 * The parent's Node flags without export conditions: the worker script is compiled JavaScript
 * and must load the compiled dependencies, even when the parent resolves "source" conditions to
 * TypeScript (vitest).
 */
function compiledExecArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--conditions" || a === "-C") i++;
    else if (!a.startsWith("--conditions=")) out.push(a);
  }
  return out;
}

function joinFixedPoints(
  res: readonly FixedPoints[],
  parts: readonly { a: number; m: number }[],
  n: number,
): FixedPoints {
  const first = res[0]!;
  const out: FixedPoints = {
    r: first.r.map((r) => new Float32Array((r.length / parts[0]!.m) * n)),
    steps: new Int32Array(n),
    converged: new Uint8Array(n),
    residual: new Float32Array(n),
  };
  res.forEach((fp, t) => {
    const { a, m } = parts[t]!;
    fp.r.forEach((r, p) => {
      out.r[p]!.set(r, (r.length / m) * a);
    });
    out.steps.set(fp.steps, a);
    out.converged.set(fp.converged, a);
    out.residual.set(fp.residual, a);
  });
  return out;
}
