import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  builtinRules,
  createRuleRegistry,
  DuplicateNameError,
  definePlugin,
  defineRule,
  hebb,
  UnknownNameError,
} from "../src/index.js";

const NAMES = [
  "anti-hebb",
  "bcm",
  "covariance",
  "hebb",
  "instar",
  "krotov-hopfield",
  "oja",
  "oja-subspace",
  "sanger",
  "sm-feedforward",
  "sm-lateral",
  "softhebb",
];

describe("createRuleRegistry", () => {
  it("holds every builtin, origin builtin", () => {
    const r = createRuleRegistry();
    expect(r.names()).toEqual(NAMES);
    expect(builtinRules.map((x) => x.name)).toEqual(NAMES);
    for (const n of NAMES) expect(r.origin(n)).toBe("builtin");
    expect(r.get("hebb")).toBe(hebb);
  });
  it("builtins: false is empty; registries are independent", () => {
    const empty = createRuleRegistry({ builtins: false });
    expect(empty.names()).toEqual([]);
    empty.register(hebb);
    expect(createRuleRegistry({ builtins: false }).names()).toEqual([]);
  });
  it("unknown names get suggestions", () => {
    const r = createRuleRegistry();
    expect(() => r.get("ojaa")).toThrow(UnknownNameError);
    expect(() => r.get("ojaa")).toThrow(/unknown rule "ojaa". Did you mean "oja"/);
    expect(() => r.get("krotov")).toThrow(/Did you mean "krotov-hopfield"/);
    expect(() => r.get("soft-hebb")).toThrow(/Did you mean "softhebb"/);
  });
  it("refuses a duplicate name, from a rule or a plugin, all or nothing", () => {
    const r = createRuleRegistry();
    const clash = defineRule({
      name: "oja",
      description: "x",
      equation: "x",
      reference: "x",
      params: z.object({}),
      delta(_i, _p, out, s) {
        out.fill(0);
        return s;
      },
    });
    expect(() => r.register(clash, "user")).toThrow(DuplicateNameError);
    expect(() => r.register(clash, "user")).toThrow(
      /rule "oja" from user is already registered \(from builtin\)/,
    );
    const fresh = defineRule({ ...clash, name: "fresh" });
    const plugin = definePlugin({ name: "p", rules: [fresh, clash] });
    expect(() => r.use(plugin)).toThrow(/plugin "p": rule "oja" is already registered/);
    expect(r.has("fresh")).toBe(false);
  });
});

describe("rule params", () => {
  it("refuses unknown keys, naming them", async () => {
    const { oja } = await import("../src/index.js");
    expect(() => oja.parseParams({ lr: 0.1, temperature: 1 })).toThrow(/temperature/);
    expect(oja.parseParams({ lr: 0.1 }).lr).toBe(0.1);
  });
});

describe("rule params: typos and the wrong zod", () => {
  it("suggests the closest parameter name for a misspelt one", async () => {
    const { softhebb } = await import("../src/index.js");
    expect(() => softhebb.parseParams({ temprature: 0.1 })).toThrow(
      /params\.temprature: rule "softhebb" has no parameter "temprature"\. Did you mean "temperature"\?/,
    );
  });

  it("says zod 4 is needed when given a zod 3 schema, and accepts the re-exported z", async () => {
    const { defineRule, z } = await import("../src/index.js");
    // the shape of a zod 3 object schema: _def without zod 4's _zod
    const zod3Like = { _def: { typeName: "ZodObject", shape: () => ({}) }, parse: () => ({}) };
    const def = { name: "r3", description: "", equation: "", reference: "", delta: () => ({}) };
    expect(() => defineRule({ ...def, params: zod3Like } as never)).toThrow(
      /expected a zod 4 object schema\. This looks like a zod 3 schema; plasticity needs zod 4 \(\^4\.1\.0\)/,
    );
    expect(() => defineRule({ ...def, params: { lr: 1 } } as never)).toThrow(/zod 4 object schema/);
    const ok = defineRule({ ...def, params: z.object({ lr: z.number().default(1) }) });
    expect(ok.parseParams({}).lr).toBe(1);
  });
});
