/**
 * The studio's browser tests' setting: a copy of the example app (without its local database), the
 * browser app freshly built, the studio serving both on loopback, and one Chromium page.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { buildStudioWeb } from "../../scripts/build-studio";
import { startStudio, type Studio, type StudioOptions } from "../../studio/server";
import { launchChromium, openPage } from "./chromium";

const EXAMPLE = join(__dirname, "../../examples/reservations");

export interface StudioInBrowser {
  /** The app's copy. */
  dir: string;
  /** The built browser app (another studio in the same test can serve it too). */
  assets: string;
  studio: Studio;
  browser: Browser;
  page: Page;
  close(): Promise<void>;
}

export async function studioInBrowser(
  shots: string,
  options: Omit<StudioOptions, "dir" | "port" | "assetsDir"> = {},
): Promise<StudioInBrowser> {
  const root = mkdtempSync(join(tmpdir(), "fascia-studio-web-"));
  const dir = join(root, "app");
  cpSync(EXAMPLE, dir, { recursive: true, filter: (source) => !source.includes(".fascia") });
  const assets = join(root, "assets");
  await buildStudioWeb(assets);
  mkdirSync(shots, { recursive: true });
  const studio = await startStudio({ dir, port: 0, assetsDir: assets, ...options });
  const browser = await launchChromium();
  const page = await openPage(browser);
  return {
    dir,
    assets,
    studio,
    browser,
    page,
    async close() {
      await browser.close();
      await studio.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
