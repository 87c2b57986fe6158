/**
 * One benchmark worker thread: its own tfjs engine on `job.backend`, its own copy of the layer,
 * stepping for `job.durationMs` after the main thread says "go" (so all workers overlap).
 */
import { parentPort, workerData } from "node:worker_threads";
import { initBackend } from "@plasticity/tfjs";
import { makeTfjsStep } from "../engines/tfjs.js";
import { GO, type WorkerJob, type WorkerMessage } from "./protocol.js";

if (parentPort === null) throw new Error("worker.js: must run as a worker_threads Worker");
const port = parentPort;
const send = (m: WorkerMessage) => port.postMessage(m);

async function main(job: WorkerJob): Promise<void> {
  const info = await initBackend({ backend: job.backend });
  const s = makeTfjsStep(job.config, job.rule);
  for (let i = 0; i < job.config.timing.warmup; i++) {
    s.step();
    s.reset();
  }
  await new Promise<void>((resolve) => {
    port.once("message", (m) => {
      if (m === GO) resolve();
    });
    send({ type: "ready", backend: info.name });
  });
  const stepMs: number[] = [];
  const t0 = performance.now();
  while (performance.now() - t0 < job.durationMs) {
    const a = performance.now();
    s.step();
    stepMs.push(performance.now() - a);
    s.reset(); // W ← W₀ so the rule cannot drift into overflow; not part of stepMs
  }
  const wallMs = performance.now() - t0;
  s.dispose();
  send({ type: "done", stepMs, wallMs });
}

main(workerData as WorkerJob).catch((e: unknown) => {
  send({ type: "error", message: e instanceof Error ? e.message : String(e) });
});
