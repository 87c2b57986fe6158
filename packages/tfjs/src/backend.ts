import { PlasticityError } from "@plasticity/core";
import * as tf from "@tensorflow/tfjs-core";
// The pure-JS cpu backend is always there, so tensor ops work even before `initBackend`.
import "@tensorflow/tfjs-backend-cpu";
// tfjs-core's Node (CommonJS) bundle registers no gradients, so tf.grad fails without them:
// gen/register-gradients.js is tfjs-core's own registrations as one ES module (built by
// scripts/bundle-gradients.mjs on install and build), without the @tensorflow/tfjs union bundle.
import "../gen/register-gradients.js";
import { ensureConv2dFilterGrad } from "./layers/conv-grad.js";
import { isNode } from "./runtime.js";

/**
 * The tfjs backends plasticity knows, fastest first: native TensorFlow (Node), WebGL (browsers
 * and web workers, on the GPU), WebAssembly, plain JS.
 */
export type BackendName = "tensorflow" | "webgl" | "wasm" | "cpu";
export type BackendRequest = "auto" | BackendName;

export const BACKEND_NAMES: readonly BackendName[] = ["tensorflow", "webgl", "wasm", "cpu"];

/**
 * What "auto" tries, in order: in Node tensorflow → wasm → cpu; in a browser or web worker
 * webgl → wasm → cpu (tfjs-node cannot run there, WebGL cannot run in Node).
 */
export function autoBackendOrder(node: boolean = isNode()): readonly BackendName[] {
  return node ? ["tensorflow", "wasm", "cpu"] : ["webgl", "wasm", "cpu"];
}

/** One attempt made while choosing a backend. */
export interface BackendAttempt {
  readonly name: BackendName;
  readonly ok: boolean;
  /** Why it failed (absent when `ok`). */
  readonly error?: string;
}

/** What `initBackend` picked, what was asked for, and why. */
export interface BackendInfo {
  readonly name: BackendName;
  readonly requested: BackendRequest;
  /** One sentence: why this backend runs (e.g. "auto: @tensorflow/tfjs-node was not found; using wasm"). */
  readonly reason: string;
  /** Every backend tried, in order, with the error of each one that failed. */
  readonly tried: readonly BackendAttempt[];
}

export interface InitBackendOptions {
  /**
   * "auto" (default) tries, in Node, tensorflow (tfjs-node), then wasm, then cpu; in a browser or
   * web worker, webgl, then wasm, then cpu (see `autoBackendOrder`).
   */
  readonly backend?: BackendRequest;
  /**
   * Where the tfjs-backend-wasm `.wasm` binaries live: a directory prefix ending in "/" (a file
   * path in Node, a URL in a browser). Default in Node: the installed package's own `dist/`
   * directory, so nothing is fetched over the network.
   */
  readonly wasmPaths?: string;
}

let current: BackendInfo | null = null;
let pending: Promise<BackendInfo> | null = null;
let pendingKey = "";

/** The last backend `initBackend` settled on, or null before the first call. */
export function getBackendInfo(): BackendInfo | null {
  return current;
}

const HOW_TO_FIX: Record<BackendName, string> = {
  tensorflow:
    'install the native backend in your project with "npm install @tensorflow/tfjs-node@4.22.0" (in this ' +
    'repository\'s workspace: "npx -y pnpm@10.34.9 add -w @tensorflow/tfjs-node@4.22.0"; it downloads a TensorFlow ' +
    'binary at install time), or choose backend "wasm" or "cpu"',
  wasm:
    "make sure @tensorflow/tfjs-backend-wasm@4.22.0 is installed and its dist/*.wasm files are readable " +
    '(in a browser pass initBackend({ wasmPaths }) with the URL of the directory serving them), or choose backend "cpu"',
  webgl:
    "webgl runs in browsers and web workers only: install @tensorflow/tfjs-backend-webgl@4.22.0 in your app and " +
    'import "@tensorflow/tfjs-backend-webgl" once before initBackend, or choose backend "wasm" or "cpu"',
  cpu: "reinstall @tensorflow/tfjs-backend-cpu@4.22.0",
};

/** The first line of an error's message (and of its causes), without a trailing period. */
function errorText(e: unknown): string {
  const msg =
    typeof e === "object" && e !== null && "message" in e
      ? String((e as { message: unknown }).message)
      : String(e);
  const first = (msg.split("\n")[0] ?? msg).replace(/\.+$/, "");
  const cause = (e as { cause?: unknown } | null)?.cause;
  return cause === undefined || cause === null ? first : `${first} (cause: ${errorText(cause)})`;
}

/** Directory (with trailing separator) holding the wasm binaries of the installed tfjs-backend-wasm. */
async function nodeWasmDir(): Promise<string> {
  const { createRequire } = await import("node:module");
  const { dirname, sep } = await import("node:path");
  const require = createRequire(import.meta.url);
  // The package's "main" is dist/tf-backend-wasm.node.js, next to the .wasm files.
  return dirname(require.resolve("@tensorflow/tfjs-backend-wasm")) + sep;
}

// A specifier in a variable keeps bundlers and tsc from requiring the optional peer at build time.
const TFJS_NODE = "@tensorflow/tfjs-node";
let wasmPathsSet = false;

/** True when tfjs has already created (initialised) the backend `name`; starts nothing. */
function isInitialised(name: string): boolean {
  const registry = (tf.engine() as unknown as { registry?: Record<string, unknown> }).registry;
  return registry !== undefined && name in registry;
}

async function prepare(name: BackendName, opts: InitBackendOptions): Promise<void> {
  if (name === "tensorflow") {
    if (tf.findBackendFactory("tensorflow") == null) {
      try {
        await import(/* @vite-ignore */ TFJS_NODE);
      } catch (e) {
        const msg = errorText(e);
        const code = (e as { code?: unknown } | null)?.code;
        const missing =
          code === "ERR_MODULE_NOT_FOUND" ||
          code === "MODULE_NOT_FOUND" ||
          /Cannot find (package|module)|Could not resolve|Failed to resolve|Failed to load url/.test(
            msg,
          );
        throw new Error(
          missing
            ? `@tensorflow/tfjs-node was not found (${msg})`
            : `@tensorflow/tfjs-node failed to load: ${msg}`,
        );
      }
      if (tf.findBackendFactory("tensorflow") == null) {
        throw new Error(
          "@tensorflow/tfjs-node loaded but registered its backend with another copy of @tensorflow/tfjs-core; " +
            "install a single @tensorflow/tfjs-core@4.22.0",
        );
      }
    }
    return;
  }
  if (name === "webgl") {
    // An optional peer the app imports itself (a bundler must see a literal import, and Node
    // installs must not grow): registering is the import's side effect, so look for it here.
    if (tf.findBackendFactory("webgl") == null) {
      throw new Error(
        isNode()
          ? "WebGL needs a browser or web worker (no WebGL in Node)"
          : "@tensorflow/tfjs-backend-webgl is not loaded (import it in your app before initBackend)",
      );
    }
    return;
  }
  if (name === "wasm") {
    const wasm = await import("@tensorflow/tfjs-backend-wasm");
    if (tf.findBackendFactory("wasm") == null) {
      throw new Error(
        "@tensorflow/tfjs-backend-wasm registered its backend with another copy of @tensorflow/tfjs-core",
      );
    }
    // Set the paths before anything initialises the backend (tf.findBackend would start it).
    // Once set, the binaries are loaded at most once, so later calls leave them alone.
    if (!wasmPathsSet && !isInitialised("wasm")) {
      const prefix = opts.wasmPaths ?? (isNode() ? await nodeWasmDir() : null);
      if (prefix !== null) wasm.setWasmPaths(prefix);
      wasmPathsSet = true;
    }
  }
}

function quietCpuBanner(): void {
  const b = tf.backend() as unknown as { firstUse?: boolean };
  if (typeof b.firstUse === "boolean") b.firstUse = false;
}

/** The engine's current backend name without initialising one (null before any). */
function activeBackendName(): string | null {
  return (tf.engine() as unknown as { backendName?: string | null }).backendName ?? null;
}

/**
 * Make `name` the active tfjs backend; throws with the reason when it cannot. A failed
 * tf.setBackend leaves tfjs pointing at the backend that failed (with no instance), so the
 * previous one is made active again before throwing.
 */
async function activate(name: BackendName, opts: InitBackendOptions): Promise<void> {
  await prepare(name, opts);
  const previous = activeBackendName();
  try {
    await switchTo(name);
  } catch (e) {
    if (previous !== null && previous !== name && isInitialised(previous)) {
      await tf.setBackend(previous);
    }
    throw e;
  }
  // tfjs-backend-wasm 4.22 cannot differentiate conv2d w.r.t. its filters; give it an im2col kernel.
  if (name === "wasm") ensureConv2dFilterGrad("wasm");
  // The cpu backend prints a "install tfjs-node" banner on first use; BackendInfo.reason says it.
  if (name === "cpu") quietCpuBanner();
}

async function switchTo(name: BackendName): Promise<void> {
  // tf.setBackend logs and resolves false when the factory throws; keep its error quiet and ours clear.
  const warn = console.warn;
  const logged: string[] = [];
  console.warn = (...args: unknown[]) => {
    logged.push(args.map(errorText).join(" "));
  };
  let ok: boolean;
  try {
    ok = await tf.setBackend(name);
  } finally {
    console.warn = warn;
  }
  if (!ok || tf.getBackend() !== name) {
    throw new Error(
      `tf.setBackend("${name}") failed${logged.length ? `: ${logged.join("; ")}` : ""}`,
    );
  }
  await tf.ready();
}

/**
 * Choose and initialise the tfjs backend.
 *
 * - "auto" (default), in Node: `@tensorflow/tfjs-node` (optional peer, native TensorFlow), then
 *   `@tensorflow/tfjs-backend-wasm` (binaries loaded from the installed package, offline), then
 *   `@tensorflow/tfjs-backend-cpu`. In a browser or web worker: webgl (when the app has imported
 *   `@tensorflow/tfjs-backend-webgl`, an optional peer, and the GPU gives a WebGL context), then
 *   wasm (binaries from `wasmPaths`), then cpu. The first that initialises wins; `tried` lists
 *   the others' errors.
 * - "tensorflow" | "webgl" | "wasm" | "cpu": that backend or a PlasticityError (field "backend")
 *   saying what failed and how to fix it.
 *
 * A second call asking for the same thing returns the cached info at once.
 */
export function initBackend(opts: InitBackendOptions = {}): Promise<BackendInfo> {
  const requested = opts.backend ?? "auto";
  if (requested !== "auto" && !BACKEND_NAMES.includes(requested)) {
    return Promise.reject(
      new PlasticityError(
        `backend: expected "auto", "tensorflow", "webgl", "wasm" or "cpu", got ${JSON.stringify(requested)}`,
        "backend",
      ),
    );
  }
  if (
    current !== null &&
    tf.getBackend() === current.name &&
    (requested === current.requested || requested === current.name)
  ) {
    return Promise.resolve(current);
  }
  const key = `${requested}|${opts.wasmPaths ?? ""}`;
  if (pending !== null && pendingKey === key) return pending;
  const run = (async () => {
    // Wait for a different request still in flight, so two calls never race on tf.setBackend.
    if (pending !== null) await pending.catch(() => undefined);
    return choose(requested, opts);
  })();
  pending = run;
  pendingKey = key;
  const clear = () => {
    if (pending === run) pending = null;
  };
  run.then(clear, clear);
  return run;
}

async function choose(requested: BackendRequest, opts: InitBackendOptions): Promise<BackendInfo> {
  const order: readonly BackendName[] = requested === "auto" ? autoBackendOrder() : [requested];
  const tried: BackendAttempt[] = [];
  for (const name of order) {
    try {
      await activate(name, opts);
      tried.push({ name, ok: true });
      const failed = tried.filter((t) => !t.ok);
      const reason =
        requested === "auto"
          ? failed.length === 0
            ? `auto: ${name} is the fastest available backend`
            : `auto: ${failed.map((f) => `${f.name} unavailable (${f.error})`).join("; ")}; using ${name}`
          : `${name} was requested explicitly`;
      current = { name, requested, reason, tried };
      return current;
    } catch (e) {
      tried.push({ name, ok: false, error: errorText(e) });
    }
  }
  const last = tried[tried.length - 1]!;
  throw new PlasticityError(
    requested === "auto"
      ? `backend: no tfjs backend could be initialised (${tried.map((t) => `${t.name}: ${t.error}`).join("; ")}); ${HOW_TO_FIX.cpu}`
      : `backend "${last.name}" could not be initialised: ${last.error}. To fix: ${HOW_TO_FIX[last.name]}`,
    "backend",
  );
}
