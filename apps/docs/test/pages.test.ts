import { existsSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  checkPrerequisites,
  launch,
  missingPrerequisite,
  SITE,
  serve,
  watchProblems,
} from "./browser";

let site: Awaited<ReturnType<typeof serve>>;
let browser: Awaited<ReturnType<typeof launch>>;

beforeAll(async () => {
  if (missingPrerequisite() !== null) return;
  site = await serve(SITE);
  browser = await launch();
});
beforeEach(checkPrerequisites);
afterAll(async () => {
  await browser?.close();
  await site?.close();
});

/** Every page VitePress built (404.html aside), as a URL path. */
function builtPages(dir = SITE): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = join(dir, d.name);
    if (d.isDirectory()) return d.name === "assets" ? [] : builtPages(p);
    return d.name.endsWith(".html") && d.name !== "404.html" ? [`/${relative(SITE, p)}`] : [];
  });
}

/** The built file a same-site link points at (VitePress links omit .html or end in /). */
function fileOf(pathname: string): string {
  const p = decodeURIComponent(pathname);
  if (p.endsWith("/")) return join(SITE, p, "index.html");
  if (/\.[a-z0-9]+$/i.test(p)) return join(SITE, p);
  return join(SITE, `${p}.html`);
}

describe("every page of the built site", () => {
  const pages = builtPages();

  it("is there: home, guide, rules, the three models, plugins, demo, results, API", () => {
    for (const p of [
      "/index.html",
      "/getting-started.html",
      "/cli.html",
      "/rules.html",
      "/models/hebbian-conv.html",
      "/models/similarity-matching.html",
      "/models/feedback-alignment.html",
      "/plugins.html",
      "/demo.html",
      "/results.html",
      "/api/index.html",
      "/api/core/index/index.html",
      "/api/tfjs/index/index.html",
    ]) {
      expect(pages).toContain(p);
    }
  });

  it("loads with no console error and no failed request, and its links lead to built pages", async () => {
    const page = await browser.context.newPage();
    const problems = watchProblems(page);
    const dead: string[] = [];
    for (const path of pages) {
      const before = problems.length;
      await page.goto(`${site.url}${path}`, { waitUntil: "networkidle" });
      await page.locator("h1").first().waitFor({ timeout: 30_000 });
      for (let i = before; i < problems.length; i++) problems[i] = `${path}: ${problems[i]}`;
      const links = await page.$$eval("a[href]", (as) =>
        as.map((a) => (a as HTMLAnchorElement).href),
      );
      for (const href of links) {
        const url = new URL(href);
        if (url.origin !== site.url) continue;
        if (!existsSync(fileOf(url.pathname))) dead.push(`${path} → ${url.pathname}`);
      }
    }
    expect(problems).toEqual([]);
    expect([...new Set(dead)]).toEqual([]);
    await page.close();
  });

  it("renders the rules' equations and their generated parameter tables", async () => {
    const page = await browser.context.newPage();
    await page.goto(`${site.url}/rules.html`);
    // one display equation (MathJax SVG) and one parameter table per rule section
    expect(await page.locator("mjx-container[display=true] svg").count()).toBeGreaterThanOrEqual(
      12,
    );
    const kh = page.locator("h3#krotov-hopfield ~ table").first();
    const rows = await kh.locator("tbody tr").allTextContents();
    expect(rows.find((r) => r.startsWith("rank"))).toMatch(/rank\s*q\s*q \| current/);
    expect(rows.find((r) => r.startsWith("k"))).toMatch(/k\s*2\s*integer ≥ 2/);
    await page.close();
  });
});
