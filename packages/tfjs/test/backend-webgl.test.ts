import { createRequire } from "node:module";
import { dirname, sep } from "node:path";
import { PlasticityError } from "@plasticity/core";
import { MathBackendCPU } from "@tensorflow/tfjs-backend-cpu";
import { afterEach, describe, expect, it, vi } from "vitest";

// This file runs initBackend as it runs in a browser or web worker: no `process.versions.node`.
vi.mock("../src/runtime.js", () => ({ isNode: () => false }));

const { autoBackendOrder, initBackend, tf } = await import("../src/index.js");

// In a browser the app serves the .wasm binaries and passes their URL; here, their directory.
const wasmPaths =
  dirname(createRequire(import.meta.url).resolve("@tensorflow/tfjs-backend-wasm")) + sep;

// Each test starts from cpu, so "auto" chooses again instead of returning its cached choice.
afterEach(async () => {
  await initBackend({ backend: "cpu" });
  if (tf.findBackendFactory("webgl") != null) tf.removeBackend("webgl");
});

describe("initBackend in a browser", () => {
  it("auto tries webgl, then wasm, then cpu (never tfjs-node)", () => {
    expect(autoBackendOrder(false)).toEqual(["webgl", "wasm", "cpu"]);
    expect(autoBackendOrder(true)).toEqual(["tensorflow", "wasm", "cpu"]);
    expect(autoBackendOrder()).toEqual(["webgl", "wasm", "cpu"]);
  });

  it("without @tensorflow/tfjs-backend-webgl imported, auto says so and uses wasm", async () => {
    const info = await initBackend({ wasmPaths });
    expect(info.name).toBe("wasm");
    expect(info.tried.map((t) => [t.name, t.ok])).toEqual([
      ["webgl", false],
      ["wasm", true],
    ]);
    expect(info.tried[0]?.error).toMatch(/@tensorflow\/tfjs-backend-webgl is not loaded/);
    expect(info.reason).toMatch(/^auto: webgl unavailable \(.*\); using wasm$/);
  });

  it("a webgl backend that cannot get a WebGL context (no GPU) falls back to wasm, with its error", async () => {
    // What @tensorflow/tfjs-backend-webgl registers in a headless browser without a GPU.
    tf.registerBackend("webgl", () => {
      throw new Error("WebGL is not supported on this device");
    });
    const info = await initBackend({ backend: "auto", wasmPaths });
    expect(info.name).toBe("wasm");
    expect(info.tried[0]).toMatchObject({ name: "webgl", ok: false });
    expect(info.tried[0]?.error).toMatch(/WebGL is not supported on this device/);
    const err = await initBackend({ backend: "webgl" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlasticityError);
    expect((err as PlasticityError).field).toBe("backend");
    expect((err as Error).message).toMatch(
      /backend "webgl" could not be initialised: .*WebGL is not supported.*import "@tensorflow\/tfjs-backend-webgl"/,
    );
    // the failed request leaves the previous backend active, not a half-set "webgl"
    expect(tf.getBackend()).toBe("wasm");
  });

  it("a webgl backend that initialises is auto's first choice", async () => {
    // Stands in for a browser with a GPU: a registered "webgl" factory that works.
    tf.registerBackend("webgl", () => new MathBackendCPU());
    const info = await initBackend({ backend: "auto", wasmPaths });
    expect(info).toMatchObject({
      name: "webgl",
      requested: "auto",
      tried: [{ name: "webgl", ok: true }],
    });
    expect(info.reason).toBe("auto: webgl is the fastest available backend");
    expect(tf.getBackend()).toBe("webgl");
  });
});
