/**
 * One replica of the deep network for `pnpm bench feedback-alignment`: its own tfjs-wasm engine,
 * its share of the batch, gradients summed with the other replicas through a SharedArrayBuffer.
 * The replicas start every timed step together (a barrier), so a step's time is the slowest one's.
 */
import { parentPort, workerData } from "node:worker_threads";
import { Rng } from "@plasticity/core";
import {
  barrier,
  deepNet,
  FeedbackNetwork,
  OpProfile,
  sharedReducer,
  weightNodes,
} from "@plasticity/feedback-alignment";
import { initBackend, tf } from "@plasticity/tfjs";
import type { FaJob, FaMessage } from "./protocol.js";

if (parentPort === null) throw new Error("fa worker: must run as a worker_threads Worker");
const port = parentPort;
const send = (m: FaMessage) => port.postMessage(m);

/** FLOPs of each op label for one step on `b` images (2 per multiply-add). */
function opFlops(net: FeedbackNetwork, b: number): Record<string, number> {
  const out: Record<string, number> = {};
  const add = (k: string, v: number) => {
    out[k] = (out[k] ?? 0) + v;
  };
  for (const n of weightNodes(net.graph)) {
    const outSize = n.outShape.reduce((a, c) => a * c, 1);
    const fanIn =
      n.op === "dense"
        ? n.inShape.reduce((a, c) => a * c, 1)
        : n.kernel[0] * n.kernel[1] * n.inShape[2]!;
    const f = 2 * b * outSize * fanIn;
    add(`${n.op}.forward`, f);
    add(`${n.op}.weightGrad`, f);
    if (n.from !== "input") add(`${n.op}.inputGrad`, f);
  }
  return out;
}

async function main(job: FaJob): Promise<void> {
  const info = await initBackend({ backend: "wasm" });
  const workers = job.shared.workers;
  const share = job.batch / workers;
  const net = new FeedbackNetwork(
    { layers: deepNet() },
    {
      inputShape: job.inputShape,
      classes: job.classes,
      seed: job.seed,
      training: { method: job.method },
    },
  );
  const reduce = sharedReducer(job.shared, job.rank);
  const ctrl = new Int32Array(job.shared.buffer, workers * job.shared.slotFloats * 4, 2);
  const rng = Rng.seeded(job.seed * 100 + job.rank);
  const [h, w, c] = job.inputShape;
  const x = tf.tensor4d(rng.fillUniform(new Float32Array(share * h * w * c)), [share, h, w, c]);
  const y = Int32Array.from({ length: share }, () => rng.int(job.classes));
  const profile = new OpProfile();
  const stepMs: number[] = [];
  for (let s = 0; s < job.warmup + job.steps; s++) {
    const timed = s >= job.warmup;
    barrier(ctrl, workers);
    const t0 = performance.now();
    net.step(x, y, { norm: job.batch, reduce, profile: timed ? profile : undefined });
    barrier(ctrl, workers);
    if (timed) stepMs.push(performance.now() - t0);
  }
  x.dispose();
  net.dispose();
  send({
    type: "done",
    stepMs,
    opMs: Object.fromEntries(profile.ms),
    opFlops: opFlops(net, share),
    backend: info.name,
  });
}

main(workerData as FaJob).catch((e: unknown) => {
  send({ type: "error", message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
});
