import {
  type CollectOptions,
  type ConvLayer,
  type ForwardOptions,
  forwardShard,
  type LayerParams,
  type LayerResult,
} from "../forward.js";

/** One contiguous slice of a batch: images [n × h × w × c]. */
export interface Shard {
  readonly images: Float32Array;
  readonly n: number;
}

/**
 * Runs `forwardShard` on several shards with the same parameters and returns their results in
 * shard order. `LocalExecutor` runs them one after another in this thread; `WorkerExecutor`
 * (parallel/pool.ts) spreads them over worker_threads.
 */
export interface ShardExecutor {
  run(
    params: readonly LayerParams[],
    shards: readonly Shard[],
    collect: CollectOptions,
  ): Promise<LayerResult[][]>;
  dispose(): Promise<void>;
}

export class LocalExecutor implements ShardExecutor {
  constructor(
    private readonly layers: readonly ConvLayer[],
    private readonly opts: ForwardOptions,
  ) {}

  async run(
    params: readonly LayerParams[],
    shards: readonly Shard[],
    collect: CollectOptions,
  ): Promise<LayerResult[][]> {
    return shards.map((s) => forwardShard(this.layers, params, s.images, s.n, this.opts, collect));
  }

  async dispose(): Promise<void> {}
}

/** Split n images of `size` values into `count` contiguous shards of ⌈n/count⌉ (the last smaller). */
export function splitBatch(images: Float32Array, n: number, size: number, count: number): Shard[] {
  const per = Math.ceil(n / count);
  const shards: Shard[] = [];
  for (let s = 0; s < n; s += per) {
    const m = Math.min(per, n - s);
    shards.push({ images: images.subarray(s * size, (s + m) * size), n: m });
  }
  return shards;
}
