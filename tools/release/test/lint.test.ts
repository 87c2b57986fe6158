import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../../..");
const work = mkdtempSync(join(tmpdir(), "plasticity-lint-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("lint does not depend on where the checkout lives", () => {
  it("generated figures and bundles pass biome in a checkout under a hidden folder", () => {
    // a checkout in ~/.cache/x once failed `pnpm lint` on the generated apps/cli/docs/*.svg
    const root = join(work, ".cache", "checkout");
    mkdirSync(join(root, "apps/cli/docs"), { recursive: true });
    cpSync(join(ROOT, "biome.json"), join(root, "biome.json"));
    const docs = join(ROOT, "apps/cli/docs");
    const svgs = readdirSync(docs).filter((f) => f.endsWith(".svg"));
    expect(svgs.length).toBeGreaterThan(0);
    for (const f of svgs) cpSync(join(docs, f), join(root, "apps/cli/docs", f));
    mkdirSync(join(root, "packages/tfjs/gen"), { recursive: true });
    cpSync(
      join(ROOT, "packages/tfjs/scripts/bundle-gradients.mjs"),
      join(root, "packages/tfjs/gen/x.js"),
    );
    const biome = join(ROOT, "node_modules/.bin/biome");
    const r = spawnSync(biome, ["check", "."], { cwd: root, encoding: "utf8" });
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/error/i);
    expect(r.status).toBe(0);
  });
});
