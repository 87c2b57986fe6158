/**
 * A dynamics worker thread (see parallel.ts): its own tfjs backend and `Dynamics`; answers each
 * job with the fixed points of its samples.
 */
import { parentPort } from "node:worker_threads";
import { initBackend } from "@plasticity/tfjs";
import { Dynamics } from "./dynamics.js";
import { networkGeometry } from "./geometry.js";
import type { WorkerInit, WorkerJob, WorkerReply } from "./parallel.js";

if (parentPort === null) throw new Error("worker.js: must run as a worker_threads Worker");
const port = parentPort;
const send = (m: WorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

let dynamics: Dynamics | null = null;

port.on("message", async (m: WorkerInit | WorkerJob) => {
  if (!("id" in m)) {
    await initBackend({ backend: m.backend });
    const { config, inputShape } = m;
    dynamics = new Dynamics(
      networkGeometry(inputShape, config.layers),
      { name: config.activation, bounds: config.bounds },
      config.gamma,
      config.dynamics,
    );
    send({ type: "ready" });
    return;
  }
  try {
    const d = dynamics!;
    d.setWeights(m.weights);
    const fp = d.solve(m.x, m.n);
    const buffers = [...fp.r, fp.steps, fp.converged, fp.residual].map(
      (a) => a.buffer as ArrayBuffer,
    );
    send({ type: "done", id: m.id, fp }, buffers);
  } catch (e) {
    send({ type: "error", id: m.id, message: e instanceof Error ? e.message : String(e) });
  }
});
