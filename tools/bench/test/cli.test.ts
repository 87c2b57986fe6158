import { describe, expect, it } from "vitest";
import { BENCHMARKS, main } from "../src/cli.js";

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(
    argv,
    (s) => out.push(s),
    (s) => err.push(s),
  );
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("bench CLI", () => {
  it("list names the benchmarks (text and JSON)", async () => {
    const t = await run(["list"]);
    expect(t.code).toBe(0);
    for (const b of ["rules", "matmul", "torch", "workers", "list"])
      expect(t.out).toMatch(new RegExp(`^${b} `, "m"));
    const j = await run(["list", "--json"]);
    expect(JSON.parse(j.out).benchmarks.map((b: { name: string }) => b.name)).toEqual(
      BENCHMARKS.map((b) => b.name),
    );
  });

  it("names an unknown benchmark and suggests the known ones", async () => {
    const r = await run(["rulez"]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /unknown benchmark "rulez"; known: list, rules, matmul, torch, sweep, workers, feedback-alignment, hebbian-conv, similarity-matching/,
    );
  });

  it("names the flag at fault", async () => {
    expect((await run(["rules", "--batch", "0"])).err).toMatch(
      /--batch: expected an integer ≥ 1, got "0"/,
    );
    expect((await run(["rules", "--backends", "webgl"])).err).toMatch(
      /--backends: expected tensorflow, wasm, cpu, got "webgl"/,
    );
    expect((await run(["rules", "--rules", "ojaa"])).err).toMatch(/Did you mean "oja"/);
    expect((await run(["rules", "--params", "{"])).err).toMatch(/--params: expected JSON/);
    expect((await run(["rules", "--params", '{"oja":{"lr":-1}}'])).err).toMatch(/params\.lr/);
    expect((await run(["rules", "--matmul-sizes", "8,x"])).err).toMatch(
      /--matmul-sizes: expected positive integers, got "x"/,
    );
    const bad = await run(["rules", "--frobnicate"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/frobnicate/);
  });

  it("without a name prints usage and fails; --help succeeds", async () => {
    const none = await run([]);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/usage: pnpm bench <name>/);
    const help = await run(["--help"]);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/--json/);
  });
});
