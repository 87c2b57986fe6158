import { join } from "node:path";
import { ROOT, repoBlob } from "../src/repo";
import { loadResults, type Result } from "../src/results";

declare const data: (Result & { url: string })[];

export { data };

export default {
  watch: [join(ROOT, "results/*/*.json")],
  load(): (Result & { url: string })[] {
    return loadResults(join(ROOT, "results")).map((r) => ({
      ...r,
      url: repoBlob(r.path),
    }));
  },
};
