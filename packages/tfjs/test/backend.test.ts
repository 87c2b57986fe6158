import { PlasticityError } from "@plasticity/core";
import { describe, expect, it } from "vitest";
import { getBackendInfo, initBackend, tf } from "../src/index.js";
import { gradOf } from "./helpers.js";

describe("initBackend", () => {
  it("auto picks wasm here and says that tfjs-node was not found", async () => {
    const info = await initBackend();
    expect(info.requested).toBe("auto");
    expect(info.name).toBe("wasm");
    expect(tf.getBackend()).toBe("wasm");
    expect(info.tried.map((t) => [t.name, t.ok])).toEqual([
      ["tensorflow", false],
      ["wasm", true],
    ]);
    expect(info.tried[0]?.error).toMatch(/@tensorflow\/tfjs-node was not found/);
    expect(info.reason).toMatch(
      /tensorflow unavailable \(@tensorflow\/tfjs-node was not found.*using wasm/,
    );
    expect(getBackendInfo()).toBe(info);
  });

  it("a second call with the same request returns the same info without re-initialising", async () => {
    const first = await initBackend({ backend: "auto" });
    const again = await initBackend({ backend: "auto" });
    expect(again).toBe(first);
    // asking explicitly for what auto picked is also a no-op
    expect(await initBackend({ backend: first.name })).toBe(first);
  });

  it("wasm really computes (the .wasm binary loaded from the installed package)", async () => {
    await initBackend({ backend: "wasm" });
    const y = tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([1, 0, 0, 1], [2, 2]));
    expect(Array.from(await y.data())).toEqual([1, 2, 3, 4]);
    y.dispose();
  });

  it("an explicit cpu request switches and reports why", async () => {
    const info = await initBackend({ backend: "cpu" });
    expect(info).toMatchObject({
      name: "cpu",
      requested: "cpu",
      tried: [{ name: "cpu", ok: true }],
    });
    expect(info.reason).toMatch(/requested explicitly/);
    expect(tf.getBackend()).toBe("cpu");
  });

  it("an explicit tensorflow request fails with a message that says how to fix it", async () => {
    const before = getBackendInfo();
    const err = await initBackend({ backend: "tensorflow" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlasticityError);
    expect((err as PlasticityError).field).toBe("backend");
    expect((err as Error).message).toMatch(/backend "tensorflow" could not be initialised/);
    expect((err as Error).message).toMatch(/@tensorflow\/tfjs-node was not found/);
    expect((err as Error).message).toMatch(/npm install @tensorflow\/tfjs-node@4\.22\.0/);
    expect((err as Error).message).toMatch(/npx -y pnpm@10\.34\.9 add -w @tensorflow\/tfjs-node/);
    // the previous backend stays active and reported
    expect(getBackendInfo()).toBe(before);
    expect(tf.getBackend()).toBe(before?.name);
  });

  it("an explicit webgl request in Node says WebGL needs a browser and how to get it there", async () => {
    const before = getBackendInfo();
    const err = await initBackend({ backend: "webgl" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlasticityError);
    expect((err as Error).message).toMatch(
      /backend "webgl" could not be initialised: WebGL needs a browser or web worker/,
    );
    expect((err as Error).message).toMatch(/import "@tensorflow\/tfjs-backend-webgl"/);
    expect(tf.getBackend()).toBe(before?.name);
  });

  it("an unknown backend name is refused, naming the argument and the allowed values", async () => {
    const err = await initBackend({ backend: "webgpu" as "cpu" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlasticityError);
    expect((err as PlasticityError).field).toBe("backend");
    expect((err as Error).message).toMatch(/"auto", "tensorflow", "webgl", "wasm" or "cpu"/);
  });

  it("concurrent calls settle on one backend", async () => {
    const [a, b] = await Promise.all([
      initBackend({ backend: "wasm" }),
      initBackend({ backend: "wasm" }),
    ]);
    expect(a).toBe(b);
    expect(tf.getBackend()).toBe("wasm");
  });

  it("gradients are registered (tf.grad works, including conv2d filters on wasm)", async () => {
    for (const backend of ["cpu", "wasm"] as const) {
      await initBackend({ backend });
      const g = tf.tidy(() => {
        const x = tf.ones([1, 4, 4, 1]) as tf.Tensor4D;
        const w = tf.ones([2, 2, 1, 1]) as tf.Tensor4D;
        return gradOf((v: tf.Tensor4D) => tf.sum(tf.conv2d(x, v, 1, "valid")), w);
      });
      expect(Array.from(await g.data())).toEqual([9, 9, 9, 9]);
      g.dispose();
    }
  });
});
