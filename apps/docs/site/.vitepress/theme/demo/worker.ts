/// <reference lib="webworker" />
/**
 * The demo's training loop, off the page's thread. It owns every tensor: the MNIST subset
 * (centred by the training mean, as the `center` preprocessing of the presets), the layer, and
 * the probe's features. Training runs in slices of ~30 ms between which messages (stop, reset)
 * are handled, so the worker answers within one slice.
 */
// Registers tfjs's WebGL backend, so "auto" can choose the GPU (falls back to wasm, then cpu).
import "@tensorflow/tfjs-backend-webgl";
import { createRuleRegistry, Rng } from "@plasticity/core";
import { HebbianDense, initBackend, tf } from "@plasticity/tfjs";
import { loadDigits } from "./data";
import { accuracy, fitRidge } from "./probe";
import type { FromWorker, Setup, ToWorker } from "./protocol";

const PROBE_TRAIN = 2000;
const SLICE_MS = 30;
const FILTERS_EVERY_MS = 250;
const STATUS_EVERY_MS = 200;
const PROBE_EVERY_MS = 2000;

const rules = createRuleRegistry();
const post = (m: FromWorker, transfer: Transferable[] = []) =>
  (self as unknown as DedicatedWorkerGlobalScope).postMessage(m, transfer);

interface Data {
  readonly xTrain: tf.Tensor2D;
  readonly yTrain: Uint8Array;
  readonly xTest: tf.Tensor2D;
  readonly yTest: Uint8Array;
  readonly nIn: number;
}

let data: Data | null = null;
let setup: Setup | null = null;
let layer: HebbianDense | null = null;
let order: Int32Array = new Int32Array(0);
let rng = Rng.seeded(0);
let step = 0;
let samples = 0;
let running = false;
let generation = 0;
let rate = 0;

async function init(msg: Extract<ToWorker, { type: "init" }>): Promise<void> {
  const info = await initBackend({ backend: msg.backend, wasmPaths: msg.wasmPaths });
  const [train, test] = await Promise.all([
    loadDigits(msg.dataUrl, "train"),
    loadDigits(msg.dataUrl, "test"),
  ]);
  const nIn = train.h * train.w;
  data = tf.tidy(() => {
    const xTrain = tf.tensor2d(train.x, [train.n, nIn]);
    const mean = tf.mean(xTrain, 0, true);
    return {
      xTrain: tf.keep(tf.sub<tf.Tensor2D>(xTrain, mean)),
      yTrain: train.y,
      xTest: tf.keep(tf.sub<tf.Tensor2D>(tf.tensor2d(test.x, [test.n, nIn]), mean)),
      yTest: test.y,
      nIn,
    };
  });
  const renderer = info.name === "webgl" ? webglRenderer() : undefined;
  post({
    type: "ready",
    backend: { name: info.name, reason: info.reason, tried: info.tried, renderer },
    data: { train: train.n, test: test.n, probeTrain: Math.min(PROBE_TRAIN, train.n) },
  });
}

/** The WebGL renderer's name (e.g. a GPU, or SwiftShader: software), if the browser says. */
function webglRenderer(): string | undefined {
  const gl = new OffscreenCanvas(1, 1).getContext("webgl2");
  if (gl === null) return undefined;
  const ext = gl.getExtension("WEBGL_debug_renderer_info");
  const name = gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER);
  gl.getExtension("WEBGL_lose_context")?.loseContext();
  return typeof name === "string" ? name : undefined;
}

/** Dispose the old layer and build a fresh one from `s` (seeded: a reset starts identically). */
function build(s: Setup): void {
  if (data === null) throw new Error("the data is not loaded yet");
  stop();
  layer?.dispose();
  layer = null;
  const next = new HebbianDense({
    nIn: data.nIn,
    nOut: s.units,
    rule: rules.get(s.rule),
    params: s.params,
    activation: s.activation,
    init: s.init,
    initScale: s.initScale,
    seed: s.seed,
    checkInputs: false,
  });
  layer = next;
  setup = s;
  rng = Rng.seeded(s.seed + 1);
  order = rng.permutation(data.xTrain.shape[0]);
  step = 0;
  samples = 0;
  rate = 0;
  sendStatus();
  sendFilters();
  sendProbe();
}

function lrScale(): number {
  const sch = setup?.schedule;
  return sch?.kind === "linear" ? Math.max(1 - samples / sch.totalSamples, 0) : 1;
}

/** One plasticity step on the next batch of the epoch's permutation. */
function trainStep(): void {
  if (data === null || layer === null || setup === null) return;
  const n = data.xTrain.shape[0];
  const b = setup.batchSize;
  let start = (step * b) % n;
  if (start + b > n) {
    order = rng.permutation(n);
    start = 0;
  }
  const scale = lrScale();
  tf.tidy(() => {
    const idx = tf.tensor1d(order.subarray(start, start + b), "int32");
    const x = tf.gather(data!.xTrain, idx) as tf.Tensor2D;
    layer!.learn(x, { lrScale: scale });
  });
  step++;
  samples += b;
}

function sendStatus(): void {
  post({
    type: "status",
    state: running
      ? "training"
      : setup?.schedule.kind === "linear" && lrScale() === 0
        ? "done"
        : "idle",
    step,
    samples,
    samplesPerSec: running ? rate : 0,
    lrScale: lrScale(),
    numTensors: tf.memory().numTensors,
  });
}

function sendFilters(): void {
  if (layer === null) return;
  const weights = layer.weights();
  if (!weights.every(Number.isFinite)) {
    stop();
    throw new Error(`the weights diverged (NaN or Infinity) at step ${step}: lower lr and reset`);
  }
  post({ type: "filters", step, nOut: layer.nOut, nIn: layer.nIn, weights }, [weights.buffer]);
}

/** Features y = f(u) of the trained layer on `x`, read back as one array. */
function features(x: tf.Tensor2D): Float32Array {
  const { u, y } = layer!.forward(x);
  const out = y.dataSync() as Float32Array;
  tf.dispose([u, y]);
  return out;
}

/** Ridge probe: fitted on the first PROBE_TRAIN training images, scored on the test images. */
function sendProbe(): void {
  if (data === null || layer === null) return;
  const nTrain = Math.min(PROBE_TRAIN, data.xTrain.shape[0]);
  const xs = data.xTrain.slice([0, 0], [nTrain, data.nIn]);
  const fTrain = features(xs);
  xs.dispose();
  const fTest = features(data.xTest);
  const d = layer.nOut;
  const r = fitRidge(fTrain, data.yTrain, nTrain, d, 10);
  post({
    type: "probe",
    step,
    accuracy: accuracy(r, fTest, data.yTest, data.xTest.shape[0]),
    trainAccuracy: accuracy(r, fTrain, data.yTrain, nTrain),
    dim: d,
  });
}

const sleep = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

async function loop(gen: number): Promise<void> {
  let last = { filters: 0, status: 0, probe: performance.now() };
  let window = { t: performance.now(), samples };
  while (running && gen === generation) {
    const t0 = performance.now();
    while (running && performance.now() - t0 < SLICE_MS) {
      trainStep();
      if (lrScale() === 0) running = false;
    }
    const now = performance.now();
    if (now - window.t >= 1000) {
      rate = ((samples - window.samples) * 1000) / (now - window.t);
      window = { t: now, samples };
    }
    if (!running || now - last.filters >= FILTERS_EVERY_MS) {
      sendFilters();
      last = { ...last, filters: now };
    }
    if (!running || now - last.probe >= PROBE_EVERY_MS) {
      sendProbe();
      last = { ...last, probe: performance.now() };
    }
    if (!running || now - last.status >= STATUS_EVERY_MS) {
      sendStatus();
      last = { ...last, status: now };
    }
    await sleep();
  }
}

function stop(): void {
  running = false;
  generation++;
}

async function handle(msg: ToWorker): Promise<void> {
  switch (msg.type) {
    case "init":
      return init(msg);
    case "configure":
      return build(msg.setup);
    case "start":
      if (layer === null || running || lrScale() === 0) return;
      running = true;
      sendStatus();
      return loop(++generation);
    case "stop":
      stop();
      sendStatus();
      return;
    case "reset":
      if (setup !== null) build(setup);
      return;
  }
}

self.onmessage = (e: MessageEvent<ToWorker>) => {
  handle(e.data).catch((err: unknown) => {
    stop();
    post({ type: "error", message: err instanceof Error ? err.message : String(err) });
    sendStatus();
  });
};
