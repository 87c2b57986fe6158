import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as main from "../src/index.js";
import * as schema from "../src/schema.js";

describe("@plasticity/tfjs/schema", () => {
  it("imports no tensor library, so configs can be parsed without loading tfjs", () => {
    const src = readFileSync(new URL("../src/schema.ts", import.meta.url), "utf8");
    const specs = [...src.matchAll(/^import\s[^;]*?from\s+"([^"]+)"/gm)].map((m) => m[1]);
    expect(specs.sort()).toEqual(["@plasticity/core", "zod"]);
  });

  it("is what the main entry exports", () => {
    expect(main.activationSchema).toBe(schema.activationSchema);
    expect(main.parseActivation).toBe(schema.parseActivation);
    expect(main.WEIGHT_INITS).toBe(schema.WEIGHT_INITS);
    expect(() => schema.parseActivation({ kind: "kwta" })).toThrow(/activation\.k/);
  });
});
