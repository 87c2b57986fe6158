import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { PlasticityError } from "@plasticity/core";
import {
  type CollectOptions,
  type ConvLayer,
  type ForwardOptions,
  forwardShard,
  type LayerParams,
  type LayerResult,
} from "../forward.js";
import { LocalExecutor, type Shard, type ShardExecutor } from "./executor.js";
import { type RunRequest, setupOf, type WorkerReply, type WorkerSetup } from "./protocol.js";

/**
 * The compiled worker script: next to this module in dist/, or the package's dist/ when this
 * module runs from its TypeScript source (tests): Node 20 cannot start a .ts worker.
 */
export function workerScript(): string {
  const here = fileURLToPath(import.meta.url);
  const beside = join(dirname(here), "worker.js");
  if (!here.endsWith(".ts")) return beside;
  const built = join(dirname(here), "..", "..", "dist", "parallel", "worker.js");
  if (existsSync(built)) return built;
  throw new PlasticityError(
    "workers: the worker thread runs compiled code; build @plasticity/hebbian-conv first (pnpm build)",
    "workers",
  );
}

/** One worker thread and its pending request. */
class ShardWorker {
  private readonly worker: Worker;
  readonly ready: Promise<void>;
  private pending: {
    id: number;
    resolve: (r: LayerResult[][]) => void;
    reject: (e: Error) => void;
  } | null = null;
  private failure: Error | null = null;

  constructor(setup: WorkerSetup) {
    // no inherited flags: a test runner's `--conditions source` would make the compiled worker
    // resolve the workspace packages to their TypeScript sources
    this.worker = new Worker(workerScript(), { workerData: setup, execArgv: [] });
    this.ready = new Promise((resolve, reject) => {
      this.worker.on("message", (m: WorkerReply) => {
        if (m.type === "ready") resolve();
        else if (m.type === "result" && this.pending?.id === m.id) {
          this.pending.resolve(m.results);
          this.pending = null;
        } else if (m.type === "error")
          this.fail(new Error(`hebbian-conv worker: ${m.message}`), reject);
      });
      this.worker.on("error", (e) => this.fail(e, reject));
      this.worker.on("exit", (code) => {
        if (code !== 0)
          this.fail(new Error(`hebbian-conv worker exited with code ${code}`), reject);
      });
    });
    this.ready.catch(() => {});
  }

  private fail(e: Error, reject: (e: Error) => void): void {
    this.failure = e;
    reject(e);
    this.pending?.reject(e);
    this.pending = null;
  }

  run(req: RunRequest): Promise<LayerResult[][]> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending = { id: req.id, resolve, reject };
      this.worker.postMessage(req);
    });
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }
}

/**
 * Shards spread over this thread and `workers − 1` worker threads (tfjs-wasm runs one thread in
 * Node, so this is how a second core helps): shard i goes to thread i mod workers, every thread
 * forwards its shards with the same parameters, and results come back in shard order, so the
 * numbers are those of `LocalExecutor`.
 */
export class WorkerExecutor implements ShardExecutor {
  private readonly pool: ShardWorker[];
  private nextId = 0;

  constructor(
    private readonly layers: readonly ConvLayer[],
    private readonly opts: ForwardOptions,
    workers: number,
    backend: string,
  ) {
    const setup = setupOf(backend, layers, opts);
    this.pool = Array.from({ length: workers - 1 }, () => new ShardWorker(setup));
  }

  async run(
    params: readonly LayerParams[],
    shards: readonly Shard[],
    collect: CollectOptions,
  ): Promise<LayerResult[][]> {
    if (collect.activity) {
      throw new PlasticityError(
        "workers: activity (the surrogate path) stays in one thread",
        "workers",
      );
    }
    await Promise.all(this.pool.map((w) => w.ready));
    const threads = this.pool.length + 1;
    const mine = shards.filter((_, i) => i % threads === 0);
    const replies = this.pool.map((w, t) => {
      const part = shards.filter((_, i) => i % threads === t + 1);
      if (part.length === 0) return Promise.resolve([]);
      const copies = part.map((s) => ({ images: s.images.slice(), n: s.n }));
      const { profile: _local, ...sent } = collect;
      return w.run({ type: "run", id: this.nextId++, params, shards: copies, collect: sent });
    });
    const local = mine.map((s) =>
      forwardShard(this.layers, params, s.images, s.n, this.opts, collect),
    );
    const remote = await Promise.all(replies);
    return shards.map((_, i) => {
      const t = i % threads;
      const k = Math.floor(i / threads);
      return t === 0 ? local[k]! : remote[t - 1]![k]!;
    });
  }

  async dispose(): Promise<void> {
    await Promise.all(this.pool.map((w) => w.terminate()));
  }
}

/** `HebbianConvNetOptions.executor` for `workers` threads (this one included) on `backend`. */
export function workerExecutor(workers: number, backend: string) {
  return (layers: readonly ConvLayer[], opts: ForwardOptions): ShardExecutor =>
    workers > 1
      ? new WorkerExecutor(layers, opts, workers, backend)
      : new LocalExecutor(layers, opts);
}
