import { createRuleRegistry, PlasticityError, UnknownNameError } from "@plasticity/core";
import { describe, expect, it } from "vitest";
import { denseStepFlops, flopRules, matmulFlops } from "../src/flops.js";

const shape = { batch: 100, nIn: 784, nOut: 1000 };
const B = 100;
const I = 784;
const O = 1000;

describe("dense step FLOP formulas", () => {
  it("hebb = forward 2·B·I·O + ⟨y xᵀ⟩ 2·B·I·O + apply 2·I·O", () => {
    const f = denseStepFlops("hebb", shape);
    expect(f.total).toBe(4 * B * I * O + 2 * I * O);
    expect(f.total).toBe(315_168_000);
    expect(f.formula).toBe("2·B·I·O + 2·B·I·O + 2·I·O");
    expect(f.terms[0].what).toContain("forward u = x Wᵀ");
    expect(f.terms.reduce((a, t) => a + t.flops, 0)).toBe(f.total);
  });

  it("sanger counts ⟨y yᵀ⟩ (2·B·O²) and the dense LT(⟨y yᵀ⟩)·W product (2·O²·I)", () => {
    const f = denseStepFlops("sanger", shape);
    expect(f.total).toBe(4 * B * I * O + 2 * B * O * O + 2 * O * O * I + 3 * I * O);
    expect(f.formula).toContain("2·O²·I");
  });

  it("oja and softhebb add only B·O and I·O terms to Hebb's 4·B·I·O", () => {
    expect(denseStepFlops("oja", shape).total).toBe(4 * B * I * O + 2 * B * O + 4 * I * O);
    expect(denseStepFlops("softhebb", shape).total).toBe(4 * B * I * O + 2 * B * O + 4 * I * O);
  });

  it("krotov-hopfield counts the forward pass once and ΔW over the 2·B winning pairs, not a dense ⟨g xᵀ⟩", () => {
    const f = denseStepFlops("krotov-hopfield", shape);
    expect(f.total).toBe(2 * B * I * O + B * O + 8 * B * I + 5 * I * O);
    expect(f.total).toBe(161_447_200);
    expect(f.terms.filter((t) => t.formula === "2·B·I·O")).toHaveLength(1);
    expect(f.terms.filter((t) => t.formula === "4·B·I")).toHaveLength(2);
  });

  it("every term's formula evaluates to its count (B, I, O substituted)", () => {
    const s = { batch: 3, nIn: 5, nOut: 7 };
    const evalFormula = (f: string) =>
      f.split(" + ").reduce((sum, term) => {
        const v = term
          .replace(/O²/g, "O·O")
          .split("·")
          .map((x) => ({ B: s.batch, I: s.nIn, O: s.nOut })[x as "B" | "I" | "O"] ?? Number(x))
          .reduce((a, b) => a * b, 1);
        return sum + v;
      }, 0);
    for (const r of flopRules()) {
      const f = denseStepFlops(r, s);
      expect(evalFormula(f.formula), r).toBe(f.total);
    }
  });

  it("has a formula only for rules core knows", () => {
    const known = createRuleRegistry().names();
    for (const r of flopRules()) expect(known).toContain(r);
  });

  it("names the bad argument", () => {
    expect(() => denseStepFlops("hebbb", shape)).toThrow(UnknownNameError);
    expect(() => denseStepFlops("hebbb", shape)).toThrow(/Did you mean "hebb"/);
    expect(() => denseStepFlops("hebb", { ...shape, batch: 0 })).toThrow(PlasticityError);
    expect(() => denseStepFlops("hebb", { ...shape, nIn: 1.5 })).toThrow(
      /shape\.nIn: expected a positive integer/,
    );
  });

  it("matmul is 2·m·k·n", () => {
    expect(matmulFlops(1024, 1024, 1024)).toBe(2 * 1024 ** 3);
  });
});
