/**
 * A shard worker thread: its own tfjs backend and its own copy of the layers' fixed structure;
 * on every "run" it does `forwardShard` on its shards with the parameters it was sent and sends
 * back the statistics / features (buffers transferred, not copied).
 */
import { parentPort, workerData } from "node:worker_threads";
import { type BackendName, initBackend } from "@plasticity/tfjs";
import { type ConvLayer, forwardShard } from "../forward.js";
import { keptSynapses } from "../ops/conv.js";
import {
  type RunRequest,
  type ShardLayerResult,
  transferables,
  type WorkerReply,
  type WorkerSetup,
} from "./protocol.js";

if (parentPort === null) throw new Error("worker.js: must run as a worker_threads Worker");
const port = parentPort;
const send = (m: WorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

async function main(setup: WorkerSetup): Promise<void> {
  await initBackend({ backend: setup.backend as BackendName });
  const layers: ConvLayer[] = setup.layers.map((l) => ({
    ...l,
    kept: l.mask ? keptSynapses(l.mask, l.geom) : null,
  }));
  port.on("message", (req: RunRequest) => {
    try {
      const results: ShardLayerResult[][] = req.shards.map((s) =>
        forwardShard(layers, req.params, s.images, s.n, setup.opts, req.collect).map((r) => ({
          stats: r.stats,
          features: r.features,
        })),
      );
      send({ type: "result", id: req.id, results }, transferables(results));
    } catch (e) {
      send({ type: "error", id: req.id, message: e instanceof Error ? e.message : String(e) });
    }
  });
  send({ type: "ready" });
}

main(workerData as WorkerSetup).catch((e: unknown) => {
  send({ type: "error", id: -1, message: e instanceof Error ? e.message : String(e) });
});
