import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { basename, join, relative } from "node:path";
import type { Preset } from "@plasticity/experiments/config";

/** A paper model the docs have a page for, and the workspace package that implements it. */
export interface ModelEntry {
  /** Page slug, package folder and model kind share this name. */
  readonly slug: string;
  readonly pkg: string;
  readonly title: string;
  readonly paper: string;
  /** What the method is, in a few sentences (the method, never a result). */
  readonly idea: string;
}

export const MODELS: readonly ModelEntry[] = [
  {
    slug: "hebbian-conv",
    pkg: "@plasticity/hebbian-conv",
    title: "Hebbian CNNs",
    paper:
      "T. Miconi (2021), Hebbian learning with gradients: Hebbian convolutional neural networks with modern deep learning frameworks",
    idea: "Surrogate losses whose autograd gradient is exactly a Hebbian rule (plain Hebb, Grossberg's instar, Oja), so any optimiser of the framework trains Hebbian convolutional layers. Interventions: dense activations with sparse plasticity (only the top-k winners learn) and pruning between layers; each layer is judged by the linear decoding accuracy of its frozen features.",
  },
  {
    slug: "similarity-matching",
    pkg: "@plasticity/similarity-matching",
    title: "Similarity matching",
    paper:
      "D. Obeid, J. M. Ramambason, C. Pehlevan (2019), Structured and deep similarity matching via structured and deep Hebbian networks, NeurIPS",
    idea: "Földiák's Hebbian/anti-Hebbian network generalised: a min-max similarity-matching objective whose saddle point is found by neural dynamics (activities iterate to a fixed point), then local updates: feed-forward W Hebbian, lateral M anti-Hebbian, feedback between layers in deep networks. 'Structured' means sparse masks on W and M: local receptive fields and local lateral neighbourhoods.",
  },
  {
    slug: "feedback-alignment",
    pkg: "@plasticity/feedback-alignment",
    title: "Feedback alignment and URFB",
    paper:
      "Y. Amit (2019), Deep learning with asymmetric connections and Hebbian updates, Frontiers in Computational Neuroscience 13:18",
    idea: "Backpropagation without weight transport: errors travel down through separate feedback weights R. Fixed random R is feedback alignment (Lillicrap et al. 2016); R updated with the same local rule as W is updated random feedback (URFB), which tracks backpropagation closely even in deep networks. A last-layer cost whose derivative is a local Hebbian update; convolutions may be untied (locally connected layers).",
  },
];

/** The folder of the workspace package named `name` (packages/*, apps/*), or null. */
export function findWorkspacePackage(root: string, name: string): string | null {
  for (const group of ["packages", "apps"]) {
    const dir = join(root, group);
    if (!existsSync(dir)) continue;
    for (const d of readdirSync(dir)) {
      const pj = join(dir, d, "package.json");
      if (existsSync(pj) && JSON.parse(readFileSync(pj, "utf8")).name === name) return join(dir, d);
    }
  }
  return null;
}

/**
 * A package README made to live on the site: its title line dropped (the page has its own),
 * headings one level down, relative links pointed at the repository, relative images copied
 * into `assets` (served at `assetsUrl`) so the page loads nothing from elsewhere.
 */
export function siteReadme(
  readme: string,
  pkgDir: string,
  repoPath: string,
  blob: (path: string) => string,
  assets: { dir: string; url: string },
): string {
  const body = readme.replace(/^# .*\n+/, "");
  const isRelative = (href: string) => !/^([a-z]+:|#|\/)/i.test(href);
  return body
    .replace(/^(#{1,5}) /gm, "#$1 ")
    .replace(/!\[([^\]]*)\]\(([^)\s]+)\)/g, (m, alt: string, href: string) => {
      if (!isRelative(href)) return m;
      const file = join(pkgDir, href);
      if (!existsSync(file))
        throw new Error(`${join(pkgDir, "README.md")}: image ${href} not found`);
      mkdirSync(assets.dir, { recursive: true });
      copyFileSync(file, join(assets.dir, basename(file)));
      return `![${alt}](${assets.url}${basename(file)})`;
    })
    .replace(/(?<!!)\[([^\]]+)\]\(([^)\s]+)\)/g, (m, text: string, href: string) =>
      isRelative(href) ? `[${text}](${blob(join(repoPath, href))})` : m,
    );
}

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** The markdown of a model's page: from its package when it exists, else a plain "not yet". */
export function modelPage(
  m: ModelEntry,
  found: { version: string; readme: string } | null,
  presets: readonly Preset[],
  results: readonly { title: string; anchor: string }[],
): string {
  const head = [`# ${m.title}`, "", `*${m.paper}.*`, "", m.idea, ""];
  if (found === null) {
    return [
      ...head,
      "::: warning Not available yet",
      `\`${m.pkg}\` is being written and is not part of this repository yet. When it is merged, this`,
      "page is generated from its README, its presets and its committed results; until then there is",
      "nothing to show, and this page reports no results.",
      ":::",
      "",
    ].join("\n");
  }
  const out = [
    ...head,
    `Package \`${m.pkg}\` ${found.version}: \`npm install ${m.pkg}\`. What follows is its README.`,
    "",
    "::: v-pre",
    found.readme.trim(),
    ":::",
    "",
    "## Presets",
    "",
  ];
  if (presets.length === 0)
    out.push(`No preset of model kind \`${m.slug}\` is registered yet.`, "");
  else {
    out.push("| preset | what it runs | reference |", "| --- | --- | --- |");
    for (const p of presets) {
      out.push(`| \`${p.name}\` | ${cell(p.description)} | ${cell(p.reference ?? "")} |`);
    }
    out.push("", "Run one with `npx -y pnpm@10.34.9 -s plasticity run <preset>`.", "");
  }
  out.push("## Results", "");
  if (results.length === 0) {
    out.push(`No committed result of \`${m.slug}\` yet (see [Results](../results)).`, "");
  } else {
    for (const r of results) out.push(`- [${r.title}](../results#${r.anchor})`);
    out.push("");
  }
  return out.join("\n");
}

/** Every model page: the package's README and presets when it is in the workspace. */
export function modelPages(
  root: string,
  presets: readonly Preset[],
  results: readonly { name: string; title: string; model: string | null }[],
  blob: (path: string) => string,
  publicDir: string,
): { slug: string; content: string }[] {
  return MODELS.map((m) => {
    const dir = findWorkspacePackage(root, m.pkg);
    let found: { version: string; readme: string } | null = null;
    if (dir !== null) {
      const version = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).version;
      const readmeFile = join(dir, "README.md");
      const raw = existsSync(readmeFile) ? readFileSync(readmeFile, "utf8") : "(no README.md)";
      const assets = {
        dir: join(publicDir, "gen", "models", m.slug),
        url: `/gen/models/${m.slug}/`,
      };
      found = { version, readme: siteReadme(raw, dir, relative(root, dir), blob, assets) };
    }
    const kindPresets = presets.filter(
      (p) => (p.config as { model?: { kind?: string } }).model?.kind === m.slug,
    );
    const own = results
      .filter((r) => r.model === m.slug)
      .map((r) => ({ title: r.title, anchor: `result-${r.name}` }));
    return { slug: m.slug, content: modelPage(m, found, kindPresets, own) };
  });
}
