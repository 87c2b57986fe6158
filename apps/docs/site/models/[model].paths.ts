import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createRegistries } from "@plasticity/experiments/config";
import { modelPages } from "../../src/models";
import { ROOT, repoBlob } from "../../src/repo";
import { loadResults } from "../../src/results";

/** One page per paper model, generated when the site is built (src/models.ts). */
export default {
  paths() {
    const results = loadResults(join(ROOT, "results")).map((r) => {
      let model: string | null = null;
      if (r.meta.kind === "run-summary") {
        model = JSON.parse(readFileSync(join(ROOT, r.path), "utf8")).model ?? null;
      }
      return { name: r.name, title: r.meta.title, model };
    });
    const publicDir = join(ROOT, "apps/docs/site/public");
    return modelPages(ROOT, createRegistries().presets.list(), results, repoBlob, publicDir).map(
      (p) => ({ params: { model: p.slug }, content: p.content }),
    );
  },
};
