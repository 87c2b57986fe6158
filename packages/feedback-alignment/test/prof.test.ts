import { initBackend, tf } from "@plasticity/tfjs";
import { describe, it } from "vitest";
import { deepNet, FeedbackNetwork, OpProfile } from "../src/index.js";

describe("prof", () => {
  it("deep", async () => {
    await initBackend({ backend: "wasm" });
    const untied = process.env.UNTIED === "1";
    const H = Number(process.env.H ?? 28),
      C = Number(process.env.C ?? 1),
      B = Number(process.env.B ?? 500);
    const net = new FeedbackNetwork(
      { layers: deepNet(), untied },
      {
        inputShape: [H, H, C],
        classes: 10,
        seed: 1,
        training: { method: (process.env.M ?? "bp") as "bp" },
      },
    );
    const x = tf.randomUniform([B, H, H, C]) as tf.Tensor4D;
    const y = Int32Array.from({ length: B }, (_, i) => i % 10);
    net.step(x, y);
    const profile = new OpProfile();
    const t0 = performance.now();
    net.step(x, y, { profile });
    const tot = performance.now() - t0;
    const lines = [`total ${tot.toFixed(0)} ms`];
    for (const [k, v] of [...profile.ms].sort((a, b) => b[1] - a[1]))
      lines.push(`${k.padEnd(24)} ${v.toFixed(0)} (${profile.calls.get(k)})`);
    console.log(lines.join("\n"));
  }, 600_000);
});
