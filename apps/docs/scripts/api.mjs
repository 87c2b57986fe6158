#!/usr/bin/env node
// API reference: TypeDoc (with typedoc-plugin-markdown) over each published package's entry
// points, one folder per package under site/api/<slug>/ (not committed), one page per entry
// point. Runs offline; each package is converted with its own tsconfig.json.
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, resolve } from "node:path";
import { Application } from "typedoc";
import { apiPackages, ROOT } from "./api-packages.mjs";

const outRoot = join(ROOT, "apps/docs/site/api");

async function document(pkg) {
  const dir = join(ROOT, pkg.dir);
  const out = join(outRoot, pkg.slug);
  rmSync(out, { recursive: true, force: true });
  const app = await Application.bootstrapWithPlugins({
    entryPoints: pkg.entries.map((e) => join(dir, e)),
    tsconfig: join(dir, "tsconfig.json"),
    plugin: ["typedoc-plugin-markdown"],
    out,
    name: pkg.name,
    readme: "none",
    entryFileName: "index.md",
    // the package's main entry is the package's page; other entries (e.g. ./testing) get their own
    entryModule: "index",
    outputFileStrategy: "modules",
    hidePageHeader: true,
    hideBreadcrumbs: true,
    useCodeBlocks: true,
    // doc comments say "<package>/tfjs": escape such text, which Vue would read as a tag
    sanitizeComments: true,
    excludePrivate: true,
    excludeInternal: true,
    // re-exported tfjs-core (`tf`) is documented by tfjs itself
    excludeExternals: true,
    // the packages' own typecheck task checks types; TypeDoc only reads them
    skipErrorChecking: true,
    disableSources: true,
    logLevel: "Error",
    validation: { notExported: false, invalidLink: false, rewrittenLink: false },
  });
  const project = await app.convert();
  if (!project) throw new Error(`${pkg.name}: TypeDoc could not convert ${pkg.entries.join(", ")}`);
  await app.generateOutputs(project);
  // typedoc-plugin-markdown writes the entry module's page at <out>/index.md but links it (and
  // from it) as if it were <out>/index/index.md: put it there.
  mkdirSync(join(out, "index"), { recursive: true });
  renameSync(join(out, "index.md"), join(out, "index", "index.md"));
  for (const file of markdownFiles(out)) unlinkMissing(file);
}

function markdownFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory()
      ? markdownFiles(join(dir, d.name))
      : d.name.endsWith(".md")
        ? [join(dir, d.name)]
        : [],
  );
}

/**
 * Doc comments link files of the repository by relative path (e.g. "PAPERS.md §1.4"); on the
 * site they would be dead links, so they become plain text.
 */
function unlinkMissing(file) {
  const text = readFileSync(file, "utf8");
  const fixed = text.replace(/(?<!!)\[([^\]]*)\]\(([^)#\s]*)(#[^)\s]*)?\)/g, (m, label, target) => {
    if (target === "" || /^[a-z]+:/i.test(target)) return m;
    return existsSync(resolve(dirname(file), target)) ? m : label;
  });
  if (fixed !== text) writeFileSync(file, fixed);
}

const t0 = Date.now();
const pkgs = apiPackages();
for (const pkg of pkgs) await document(pkg);
console.log(
  `api: ${pkgs.map((p) => p.name).join(", ")} -> ${outRoot} (${((Date.now() - t0) / 1000).toFixed(1)} s)`,
);
