import { readFileSync } from "node:fs";
import { createRegistries } from "@plasticity/experiments/config";
import { type DemoRule, demoRules } from "../src/demo-setups";

export interface DemoData {
  readonly rules: DemoRule[];
  /** What scripts/assets.mjs wrote next to the subset: source, selection, license, counts. */
  readonly provenance: {
    dataset: string;
    citation: string;
    license: string;
    source: string;
    selection: string;
    splits: Record<"train" | "test", { count: number; of: number; from: string; sha256: string }>;
  };
}

declare const data: DemoData;

export { data };

export default {
  load(): DemoData {
    const subset = new URL("./public/gen/mnist/subset.json", import.meta.url);
    let provenance: DemoData["provenance"];
    try {
      provenance = JSON.parse(readFileSync(subset, "utf8"));
    } catch (e) {
      throw new Error(
        `${subset.pathname}: ${(e as Error).message}; run "node scripts/assets.mjs" (the build does) first`,
      );
    }
    return { rules: demoRules(createRegistries().presets), provenance };
  },
};
