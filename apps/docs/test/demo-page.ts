import type { Page } from "playwright-core";

/** The demo page's elements, by their data-test attribute. */
export const sel = (name: string) => `[data-test="${name}"]`;

export const text = async (page: Page, name: string) =>
  ((await page.locator(sel(name)).textContent()) ?? "").trim();

export const num = async (page: Page, name: string) => Number(await text(page, name));

/** "87.2%" → 0.872 */
export const accuracy = async (page: Page, name = "accuracy") =>
  Number((await text(page, name)).replace("%", "")) / 100;

/** Wait until `name`'s number is ≥ min (or exactly `exact` when given). */
export async function waitNumber(
  page: Page,
  name: string,
  want: { min: number } | { exact: number },
  timeout = 120_000,
) {
  await page.waitForFunction(
    ([s, w]) => {
      const v = Number(document.querySelector(s)?.textContent);
      return "exact" in w ? v === w.exact : v >= w.min;
    },
    [sel(name), want] as const,
    { timeout },
  );
}

export async function waitState(page: Page, state: string, timeout = 60_000) {
  await page.waitForFunction(
    ([s, want]) => document.querySelector(s)?.textContent?.trim() === want,
    [sel("state"), state] as const,
    { timeout },
  );
}

/** The RGBA pixels of the receptive-field canvas. */
export const pixels = (page: Page) =>
  page.evaluate((s) => {
    const c = document.querySelector(s) as HTMLCanvasElement;
    return Array.from(c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data);
  }, sel("filters"));

/** Fraction of pixels (RGBA quadruples) that differ between two snapshots of the same size. */
export function changed(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) return 1;
  let diff = 0;
  for (let i = 0; i < a.length; i += 4) {
    if (a[i] !== b[i] || a[i + 1] !== b[i + 1] || a[i + 2] !== b[i + 2]) diff++;
  }
  return diff / (a.length / 4);
}

/** Click the centre of receptive field `unit` in the grid (28×28 tiles, 1-pixel gaps). */
export async function clickUnit(page: Page, unit: number, units: number) {
  const canvas = page.locator(sel("filters"));
  const { width, cssWidth } = await canvas.evaluate((c: HTMLCanvasElement) => ({
    width: c.width,
    cssWidth: c.getBoundingClientRect().width,
  }));
  const cols = Math.ceil(Math.sqrt(units));
  const scale = cssWidth / width;
  const x = (1 + (unit % cols) * 29 + 14) * scale;
  const y = (1 + Math.floor(unit / cols) * 29 + 14) * scale;
  await canvas.click({ position: { x, y } });
}

/** Loaded, backend chosen, the layer built and probed at step 0: ready to start. */
export async function ready(page: Page) {
  await page.locator(`${sel("backend")} strong`).waitFor({ timeout: 90_000 });
  await page.locator(`${sel("start")}:enabled`).waitFor({ timeout: 90_000 });
  await page.waitForFunction(
    (s) => /%$/.test(document.querySelector(s)?.textContent ?? ""),
    sel("accuracy-init"),
    {
      timeout: 90_000,
    },
  );
}
