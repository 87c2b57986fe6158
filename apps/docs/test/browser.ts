import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import sirv from "sirv";

/** Debian's chromium package (apt-get install chromium), or PLASTICITY_CHROMIUM. */
export const CHROMIUM = process.env.PLASTICITY_CHROMIUM ?? "/usr/bin/chromium";

/**
 * Without these Chromium opens connections to Google services (component updates, sync,
 * field trials, QUIC probes) that flood a closed network; the GPU is off in headless CI.
 */
export const CHROMIUM_FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** The built site: `vitepress build site` writes it here (the package's `build` script). */
export const SITE = join(import.meta.dirname, "..", "site", ".vitepress", "dist");

/** What the browser tests lack (a message naming this package), or null when they can run. */
export function missingPrerequisite(): string | null {
  if (!existsSync(CHROMIUM)) {
    return (
      `@plasticity/docs: no Chromium at ${CHROMIUM}; the browser tests need Debian's chromium package ` +
      "(sudo apt-get install -y chromium; .ci/run installs it when it runs as root) or PLASTICITY_CHROMIUM=/path/to/chromium"
    );
  }
  if (!existsSync(join(SITE, "index.html"))) {
    return (
      `@plasticity/docs: the site is not built (${SITE}/index.html is missing); run ` +
      "npx -y pnpm@10.34.9 --filter @plasticity/docs... build (pnpm test builds it first through turbo)"
    );
  }
  return null;
}

/**
 * Call in beforeEach: every browser test then fails (never skips) with the message above when
 * Chromium or the built site is missing.
 */
export function checkPrerequisites(): void {
  const missing = missingPrerequisite();
  if (missing !== null) throw new Error(missing);
}

/** Serve `dir` on 127.0.0.1 on a free port; resolves to its base URL and a close function. */
export async function serve(dir: string): Promise<{ url: string; close: () => Promise<void> }> {
  const files = sirv(dir, { dev: false, etag: true, extensions: ["html"] });
  const server: Server = createServer((req, res) =>
    files(req, res, () => {
      res.statusCode = 404;
      res.end("not found");
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Headless Chromium with a fresh profile directory (removed on close); `extraArgs` after ours. */
export async function launch(
  extraArgs: readonly string[] = [],
): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), "plasticity-docs-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_FLAGS, ...extraArgs],
    viewport: { width: 1280, height: 1000 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * A request the browser dropped because the page moved on (VitePress prefetches the chunks of
 * linked pages when idle; the next page.goto cancels those still in flight): not a fault of the
 * site as long as the file it asked for was built. A missing file still fails, as a 404 too.
 */
function cutOffByNavigation(url: string, errorText: string): boolean {
  if (!errorText.includes("ERR_ABORTED")) return false;
  const { hostname, pathname } = new URL(url);
  return hostname === "127.0.0.1" && existsSync(join(SITE, decodeURIComponent(pathname)));
}

/** What went wrong on a page: console errors (page and workers), uncaught errors, failed requests. */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  const onConsole = (where: string) => (m: { type(): string; text(): string }) => {
    if (m.type() === "error") problems.push(`console error (${where}): ${m.text()}`);
  };
  page.on("console", onConsole("page"));
  page.on("worker", (w) => w.on("console", onConsole(`worker ${w.url()}`)));
  page.on("pageerror", (e) => problems.push(`uncaught: ${e.message}`));
  page.on("requestfailed", (r) => {
    const why = r.failure()?.errorText ?? "?";
    if (cutOffByNavigation(r.url(), why)) return;
    problems.push(`request failed: ${r.url()} (${why})`);
  });
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  return problems;
}
