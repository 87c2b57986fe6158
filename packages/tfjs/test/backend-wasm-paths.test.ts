import { expect, it } from "vitest";
import { initBackend, tf } from "../src/index.js";

it("wasmPaths is honoured: binaries missing there make wasm fail and auto fall back to cpu", async () => {
  const info = await initBackend({
    backend: "auto",
    wasmPaths: "/nonexistent-plasticity-wasm-dir/",
  });
  expect(info.name).toBe("cpu");
  expect(info.tried.map((t) => [t.name, t.ok])).toEqual([
    ["tensorflow", false],
    ["wasm", false],
    ["cpu", true],
  ]);
  expect(info.tried[1]?.error).toMatch(/tf\.setBackend\("wasm"\) failed/);
  expect(info.reason).toMatch(/wasm unavailable .*; using cpu/);
  expect(tf.getBackend()).toBe("cpu");
});
