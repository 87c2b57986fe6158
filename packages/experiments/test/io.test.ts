import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Rng } from "@plasticity/core";
import { afterAll, describe, expect, it } from "vitest";
import {
  type Checkpoint,
  decodeState,
  encodeState,
  hashState,
  latestCheckpoint,
  listCheckpoints,
  MetricsLog,
  readCheckpoint,
  readJsonFile,
  readMetrics,
  writeCheckpoint,
  writeFileAtomic,
} from "../src/index.js";

const tmp = mkdtempSync(join(tmpdir(), "plasticity-io-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("state encoding", () => {
  it("restores typed arrays bit for bit", () => {
    const w = Rng.seeded(1).fillNormal(new Float32Array(1000));
    w[3] = -0;
    w[4] = 1e-45; // a subnormal
    const state = {
      layers: [{ w, n: 3, name: "a", t: Int32Array.from([1, -2]) }],
      f64: Float64Array.from([Math.PI]),
    };
    const back = decodeState(JSON.parse(JSON.stringify(encodeState(state)))) as typeof state;
    expect(back.layers[0]!.w).toBeInstanceOf(Float32Array);
    expect(Buffer.from(back.layers[0]!.w.buffer).equals(Buffer.from(w.buffer))).toBe(true);
    expect(back.layers[0]!.t).toEqual(state.layers[0]!.t);
    expect(back.f64[0]).toBe(Math.PI);
    expect(hashState(back)).toBe(hashState(state));
    const w2 = w.slice();
    w2[999] = Math.fround(w2[999]! + 1e-6);
    expect(hashState({ ...state, layers: [{ ...state.layers[0]!, w: w2 }] })).not.toBe(
      hashState(state),
    );
  });

  it("refuses a truncated array, naming the path", () => {
    const enc = encodeState({ w: new Float32Array(4) }) as { w: { base64: string } };
    enc.w.base64 = enc.w.base64.slice(0, 8);
    expect(() => decodeState(enc, "checkpoint x")).toThrow(/checkpoint x: state\.w .*corrupt/);
  });
});

describe("atomic files", () => {
  it("replaces a file and leaves no temporary files", () => {
    const p = join(tmp, "a", "f.json");
    writeFileAtomic(p, "one");
    writeFileAtomic(p, "two");
    expect(readFileSync(p, "utf8")).toBe("two");
    expect(readdirSync(join(tmp, "a"))).toEqual(["f.json"]);
  });

  it("names a corrupt JSON file", () => {
    const p = join(tmp, "bad.json");
    writeFileSync(p, '{"a": 1');
    expect(() => readJsonFile(p, "summary")).toThrow(new RegExp(`summary ${p} is not valid JSON`));
  });
});

function ckpt(step: number, final = false): Checkpoint {
  return {
    step,
    epoch: 0,
    batchInEpoch: step,
    samples: step * 10,
    dataRng: Rng.seeded(step).getState(),
    model: { w: Float32Array.from([step, 1, 2]) },
    metrics: [{ step, x: 1 }],
    configHash: "h",
    elapsedS: 1,
    final,
  };
}

describe("checkpoints", () => {
  it("round-trip and keep only the newest periodic ones", () => {
    const dir = join(tmp, "ckpt");
    for (const s of [10, 20, 30]) writeCheckpoint(dir, ckpt(s), 2);
    expect(listCheckpoints(dir).map((c) => c.step)).toEqual([20, 30]);
    writeCheckpoint(dir, ckpt(35, true), 2);
    writeCheckpoint(dir, ckpt(40), 1);
    expect(listCheckpoints(dir).map((c) => c.step)).toEqual([35, 40]);
    const latest = latestCheckpoint(dir)!;
    expect(latest.checkpoint.step).toBe(40);
    expect(latest.checkpoint.model).toEqual({ w: Float32Array.from([40, 1, 2]) });
    expect(Rng.fromState(latest.checkpoint.dataRng).nextUint32()).toBe(Rng.seeded(40).nextUint32());
  });

  it("names a corrupt checkpoint and the bad field", () => {
    const p = join(tmp, "step-00000001.json");
    writeFileSync(p, JSON.stringify({ format: "plasticity.checkpoint", version: 1, step: -1 }));
    expect(() => readCheckpoint(p)).toThrow(
      new RegExp(`checkpoint ${p} is not a valid plasticity checkpoint: step`),
    );
  });
});

describe("metrics.jsonl", () => {
  it("appends rows, rewrites from a checkpoint and skips a line cut short by a kill", () => {
    const p = join(tmp, "metrics.jsonl");
    const log = new MetricsLog(p);
    log.append({ step: 1, a: 0.5 });
    log.append({ step: 2, a: 0.25 });
    writeFileSync(p, `${readFileSync(p, "utf8")}{"step": 3, "a"`);
    expect(readMetrics(p)).toEqual([
      { step: 1, a: 0.5 },
      { step: 2, a: 0.25 },
    ]);
    new MetricsLog(p, [{ step: 1, a: 0.5 }]);
    expect(readFileSync(p, "utf8")).toBe('{"step":1,"a":0.5}\n');
    expect(() => log.append({ step: 4, a: Number.NaN })).toThrow(/"a" at step 4/);
  });

  it("names the line of a corrupt row", () => {
    const p = join(tmp, "bad.jsonl");
    writeFileSync(p, '{"step":1}\nnot json\n{"step":3}\n');
    expect(() => readMetrics(p)).toThrow(new RegExp(`${p}:2`));
  });
});
