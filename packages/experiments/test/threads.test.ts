import { describe, expect, it } from "vitest";
import { cappedThreads, threadBudget } from "../src/models/threads.js";

describe("PLASTICITY_THREADS", () => {
  it("caps a model's worker count, and leaves it alone when unset", () => {
    expect(cappedThreads(4, {})).toBe(4);
    expect(cappedThreads(4, { PLASTICITY_THREADS: "2" })).toBe(2);
    expect(cappedThreads(1, { PLASTICITY_THREADS: "8" })).toBe(1);
    expect(threadBudget({ PLASTICITY_THREADS: "" })).toBeNull();
  });

  it("names the variable when it is not a positive integer", () => {
    expect(() => threadBudget({ PLASTICITY_THREADS: "two" })).toThrow(
      /PLASTICITY_THREADS: expected a positive integer.*"two"/,
    );
    expect(() => threadBudget({ PLASTICITY_THREADS: "0" })).toThrow(/PLASTICITY_THREADS/);
  });
});
