import type { CollectOptions, ConvLayer, ForwardOptions, LayerParams } from "../forward.js";
import type { LayerGeometry } from "../geometry.js";
import type { LayerStats } from "../plasticity/direct.js";
import type { ConvLayerConfig } from "../schema.js";

/** What a worker needs to rebuild the layers (the CSR of the masks is recomputed there). */
export interface WorkerSetup {
  readonly backend: string;
  readonly opts: ForwardOptions;
  readonly layers: readonly {
    readonly geom: LayerGeometry;
    readonly cfg: ConvLayerConfig;
    readonly mask: Uint8Array | null;
    readonly sparse: boolean;
  }[];
}

/** Main → worker: run `forwardShard` on these shards with these parameters. */
export interface RunRequest {
  readonly type: "run";
  readonly id: number;
  readonly params: readonly LayerParams[];
  readonly shards: readonly { readonly images: Float32Array; readonly n: number }[];
  readonly collect: CollectOptions;
}

/** What comes back per shard and layer (activity never crosses threads). */
export interface ShardLayerResult {
  readonly stats?: LayerStats;
  readonly features?: Float32Array;
}

/** Worker → main. */
export type WorkerReply =
  | { readonly type: "ready" }
  | { readonly type: "result"; readonly id: number; readonly results: ShardLayerResult[][] }
  | { readonly type: "error"; readonly id: number; readonly message: string };

export function setupOf(
  backend: string,
  layers: readonly ConvLayer[],
  opts: ForwardOptions,
): WorkerSetup {
  return {
    backend,
    opts,
    layers: layers.map((l) => ({ geom: l.geom, cfg: l.cfg, mask: l.mask, sparse: l.sparse })),
  };
}

/** The buffers of a shard's results, to transfer instead of copying. */
export function transferables(results: ShardLayerResult[][]): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const shard of results) {
    for (const r of shard) {
      if (r.features) out.push(r.features.buffer as ArrayBuffer);
      if (r.stats) {
        for (const a of [r.stats.S, r.stats.ySum, r.stats.y2Sum, r.stats.wins]) {
          out.push(a.buffer as ArrayBuffer);
        }
      }
    }
  }
  return out;
}
