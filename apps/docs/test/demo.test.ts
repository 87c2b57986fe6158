import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  checkPrerequisites,
  launch,
  missingPrerequisite,
  SITE,
  serve,
  watchProblems,
} from "./browser";
import {
  accuracy,
  changed,
  clickUnit,
  num,
  pixels,
  ready,
  sel,
  text,
  waitNumber,
  waitState,
} from "./demo-page";

const HERE = join(import.meta.dirname, "..");
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

/** The step counter, read twice 1.5 s apart. */
async function stepPair(page: Page): Promise<[number, number]> {
  const a = await num(page, "step");
  await page.waitForTimeout(1500);
  return [a, await num(page, "step")];
}

describe("live demo (SoftHebb, the default rule)", () => {
  it("trains in its worker, answers input meanwhile, and stop / start / reset work without leaking tensors", async () => {
    const page = await browser.context.newPage();
    const problems = watchProblems(page);
    await page.goto(`${site.url}/demo.html`);
    await ready(page);
    const backend = await text(page, "backend");
    expect(backend).toMatch(/^Backend: (webgl|wasm|cpu) \(auto: /);
    if (backend.startsWith("Backend: webgl")) expect(backend).toMatch(/\), renderer \S/);
    const tensors0 = await num(page, "tensors");
    expect(tensors0).toBeGreaterThan(0);
    const before = await pixels(page);
    const acc0 = await accuracy(page, "accuracy-init");

    await page.click(sel("start"));
    await waitState(page, "training");
    // the page answers input while the worker trains: a click enlarges a receptive field and an
    // edited setting is noticed at once, while the step counter keeps going
    await waitNumber(page, "step", { min: 5 });
    await clickUnit(page, 7, 100);
    await expect.poll(() => text(page, "zoom-caption"), { timeout: 5000 }).toBe("unit 7 of 100");
    await page.fill('input[name="seed"]', "7");
    await page.locator('input[name="seed"]').dispatchEvent("change");
    await page.locator(".hint").waitFor({ timeout: 5000 });
    await page.fill('input[name="seed"]', "0");
    await page.locator('input[name="seed"]').dispatchEvent("change");
    await page.locator(".hint").waitFor({ state: "detached", timeout: 5000 });
    // the counter keeps going (a probe fit pauses training for a moment: no fixed window)
    await waitNumber(page, "step", { min: (await num(page, "step")) + 2 }, 60_000);
    expect(await text(page, "state")).toBe("training");
    // a probe after some training, and the tensor count unchanged while training
    await waitNumber(page, "step", { min: 25 });
    await page.waitForFunction(
      (s) => Number(document.querySelector(s)?.getAttribute("data-step")) >= 15,
      sel("accuracy"),
      { timeout: 60_000 },
    );
    expect(await num(page, "tensors")).toBe(tensors0);

    // the screenshot for the README and the test artifact: trained filters, while training
    await page.setViewportSize({ width: 1280, height: 1900 }); // the whole demo, unscrolled
    mkdirSync(join(HERE, "test-results"), { recursive: true });
    const shots = [join(HERE, "test-results", "demo.png")];
    if (process.env.PLASTICITY_UPDATE_SCREENSHOT) {
      // the README's picture: a little more training (100 steps = 10,000 images)
      shots.push(join(HERE, "screenshots", "demo.png"));
      await waitNumber(page, "step", { min: 100 }, 240_000);
    }
    for (const path of shots) {
      mkdirSync(dirname(path), { recursive: true });
      await page.locator(".demo").screenshot({ path });
    }

    await page.click(sel("stop"));
    await waitState(page, "idle");
    const [s1, s2] = await stepPair(page);
    expect(s2).toBe(s1);
    const trained = await pixels(page);
    expect(changed(before, trained)).toBeGreaterThan(0.2);
    const acc = await accuracy(page);
    // chance is 0.1; the random-init layer's features already give ~0.7, training beats them
    expect(acc).toBeGreaterThan(0.5);
    expect(acc).toBeGreaterThan(acc0);
    console.log(`demo: ${backend}; ${s2} steps; probe ${acc0} at init → ${acc}`);

    // start again: it continues from where it stopped
    await page.click(sel("start"));
    await waitNumber(page, "step", { min: s2 + 3 });
    // reset: back to step 0, the same initial weights (same seed), the same tensors
    await page.click(sel("reset"));
    await waitNumber(page, "step", { exact: 0 });
    await waitState(page, "idle");
    await expect.poll(() => pixels(page).then((p) => changed(before, p))).toBe(0);
    expect(await accuracy(page, "accuracy-init")).toBe(acc0);
    expect(await num(page, "tensors")).toBe(tensors0);
    // and again, twice: no tensor survives a restart
    for (let i = 0; i < 2; i++) {
      await page.click(sel("start"));
      await waitNumber(page, "step", { min: 3 });
      await page.click(sel("reset"));
      await waitNumber(page, "step", { exact: 0 });
      await waitState(page, "idle");
      expect(await num(page, "tensors")).toBe(tensors0);
    }
    expect(problems).toEqual([]);
    await page.close();
  }, 300_000);

  it("the parameter form follows the chosen rule's schema", async () => {
    const page = await browser.context.newPage();
    const problems = watchProblems(page);
    await page.goto(`${site.url}/demo.html`);
    await ready(page);
    await page.selectOption(sel("rule"), "krotov-hopfield");
    // krotov-hopfield's zod schema: rank is an enum, k an integer ≥ 2, normalize a boolean
    const rank = page.locator('select[name="rank"]');
    expect(await rank.locator("option").allTextContents()).toEqual(["q", "current"]);
    expect(await rank.inputValue()).toBe("current"); // the mnist-krotov-hopfield-code preset
    expect(await page.locator('input[name="k"]').getAttribute("min")).toBe("2");
    expect(await page.locator('input[name="k"]').getAttribute("step")).toBe("1");
    expect(await page.locator('input[name="normalize"]').isChecked()).toBe(true);
    await expect.poll(() => text(page, "state"), { timeout: 60_000 }).toBe("idle");
    // a bad value is refused by the rule's own schema, naming the field
    await page.fill('input[name="lr"]', "-1");
    await page.locator('input[name="lr"]').dispatchEvent("change");
    await page.click(sel("reset"));
    await expect.poll(() => text(page, "error"), { timeout: 30_000 }).toMatch(/params\.lr/);
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe("live demo without WebGL", () => {
  it("falls back to wasm, says so, and trains", async () => {
    // with the GPU already off, this also turns off SwiftShader, Chromium's software WebGL
    const noGl = await launch(["--disable-software-rasterizer"]);
    try {
      const page = await noGl.context.newPage();
      const problems = watchProblems(page);
      await page.goto(`${site.url}/demo.html`);
      await ready(page);
      expect(await text(page, "backend")).toMatch(
        /^Backend: wasm \(auto: webgl unavailable \(.+\); using wasm\)$/,
      );
      await page.click(sel("start"));
      await waitNumber(page, "step", { min: 10 });
      await page.click(sel("stop"));
      await waitState(page, "idle");
      console.log(`demo without WebGL: ${await num(page, "step")} steps on wasm`);
      expect(problems).toEqual([]);
    } finally {
      await noGl.close();
    }
  });
});
