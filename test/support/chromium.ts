/**
 * The browser the studio's browser tests drive: Debian's Chromium through playwright-core (no
 * browser download), headless, quiet (no sync, updates or background traffic), one page of a
 * desktop size whose errors are printed with the test's output.
 */
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export async function openPage(browser: Browser): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.setDefaultTimeout(15_000);
  page.on("pageerror", (error) => console.error("page error:", error.message));
  page.on("console", (message) => message.type() === "error" && console.error("console error:", message.text()));
  return page;
}

/** A `data-testid` selector. */
export const byTest = (id: string) => `[data-testid="${id}"]`;

/** Writes the page as `<dir>/<name>.png` once a moment's animations (a fit, a fade) have settled. */
export async function screenshot(page: Page, dir: string, name: string): Promise<void> {
  await page.waitForTimeout(250);
  await page.screenshot({ path: join(dir, `${name}.png`) });
}
