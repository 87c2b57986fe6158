import { PlasticityError } from "@plasticity/core";
import { expect, it, vi } from "vitest";

// A tfjs-node that is installed but whose native binding cannot load.
vi.mock("@tensorflow/tfjs-node", () => {
  throw new Error("libtensorflow.so.2: cannot open shared object file");
});

it("a broken tfjs-node neither breaks the import nor auto; an explicit request says what failed", async () => {
  const { initBackend, tf } = await import("../src/index.js");
  const info = await initBackend({ backend: "auto" });
  expect(info.name).toBe("wasm");
  expect(info.tried[0]).toMatchObject({ name: "tensorflow", ok: false });
  expect(info.tried[0]?.error).toMatch(/failed to load: .*libtensorflow\.so\.2/);
  expect(tf.getBackend()).toBe("wasm");
  const err = await initBackend({ backend: "tensorflow" }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(PlasticityError);
  expect((err as Error).message).toMatch(
    /libtensorflow\.so\.2.*To fix: install the native backend/,
  );
});
